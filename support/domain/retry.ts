/**
 * Retrying what may succeed on a second try — and only that. Transient: the connection was
 * refused, reset or timed out, or the server said 429/502/503/504. Permanent: everything else
 * (a refusal such as 401/403/404, bad input): retrying it would only hide the problem.
 */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  /** Delay before the second attempt; doubled each time (with ±20 % jitter), capped at maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each retry (for logs and reports). */
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void;
}

export interface RetryOutcome<T> { value: T; attempts: number }

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);

export function isTransient(e: unknown): boolean {
  const err = e as { code?: string; status?: number; cause?: unknown; $metadata?: { httpStatusCode?: number }; name?: string };
  if (err?.code && TRANSIENT_CODES.has(err.code)) return true;
  const status = err?.status ?? err?.$metadata?.httpStatusCode;
  if (typeof status === 'number') return TRANSIENT_STATUS.has(status);
  if (err?.cause && err.cause !== e) return isTransient(err.cause);
  return false;
}

export class RetryError extends Error {
  constructor(readonly attempts: number, readonly last: unknown, readonly transient: boolean) {
    super(`${transient ? `gave up after ${attempts} attempts; the failure looked transient` : 'failed with a permanent error, not retried'}: ${(last as Error)?.message ?? String(last)}`);
  }
}

export async function withRetry<T>(op: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<RetryOutcome<T>> {
  const attempts = options.attempts ?? 5;
  let delay = options.baseDelayMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await op(attempt), attempts: attempt };
    } catch (e) {
      const transient = isTransient(e);
      if (!transient || attempt >= attempts) throw new RetryError(attempt, e, transient);
      const wait = Math.min(options.maxDelayMs ?? 5000, delay) * (0.8 + Math.random() * 0.4);
      options.onRetry?.(attempt, e, Math.round(wait));
      await new Promise((r) => setTimeout(r, wait));
      delay *= 2;
    }
  }
}
