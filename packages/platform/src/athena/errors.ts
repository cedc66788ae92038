/** Errors of the local Athena and Glue APIs, as the AWS JSON 1.1 protocol carries them. */

export type AwsErrorCode =
  | 'InvalidRequestException' | 'InternalServerException' | 'ResourceNotFoundException' | 'MetadataException'
  | 'AccessDeniedException' | 'EntityNotFoundException' | 'InvalidInputException' | 'UnknownOperationException'
  | 'SerializationException' | 'ValidationException' | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException' | 'InvalidSignatureException' | 'UnrecognizedClientException';

/** An error answered as `{"__type": code, "Message": ..., ...extra}` with the HTTP status AWS uses. */
export class AwsError extends Error {
  constructor(readonly code: AwsErrorCode, message: string, readonly extra: Record<string, unknown> = {}, readonly status = defaultStatus(code)) {
    super(message);
    this.name = code;
  }
}

function defaultStatus(code: AwsErrorCode): number {
  switch (code) {
    case 'InternalServerException': return 500;
    case 'MissingAuthenticationTokenException': case 'AccessDeniedException': return 403;
    default: return 400;
  }
}

/** Athena's InvalidRequestException with its AthenaErrorCode. */
export function invalidRequest(message: string, athenaErrorCode = 'INVALID_INPUT'): AwsError {
  return new AwsError('InvalidRequestException', message, { AthenaErrorCode: athenaErrorCode });
}
