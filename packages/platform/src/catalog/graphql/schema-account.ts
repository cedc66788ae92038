/**
 * A user's own account in Quilt's schema (shared/graphql/schema.graphql of quiltdata/quilt): their
 * API keys (Me.apiKeys / apiKey, apiKeyCreate, apiKeyRevoke) and switching between their roles
 * (switchRole). Not @admin: every signed-in user has these for themselves.
 */
export const accountTypeDefs = /* GraphQL */ `
  enum APIKeyStatus { ACTIVE EXPIRED }
  type APIKey {
    id: ID!
    name: String!
    fingerprint: String!
    createdAt: Datetime!
    expiresAt: Datetime!
    lastUsedAt: Datetime
    userEmail: String!
    status: APIKeyStatus!
  }
  type APIKeyCreated { apiKey: APIKey! secret: String! }
  input APIKeyCreateInput { name: String! expiresInDays: Int! = 90 }
  union APIKeyCreateResult = APIKeyCreated | InvalidInput
  union APIKeyRevokeResult = Ok | InvalidInput
  union SwitchRoleResult = Me | InvalidInput | OperationError

  extend type Me {
    apiKeys(name: String, fingerprint: String, status: APIKeyStatus): [APIKey!]!
    apiKey(id: ID!): APIKey
  }

  extend type Mutation {
    switchRole(roleName: String!): SwitchRoleResult!
    apiKeyCreate(input: APIKeyCreateInput!): APIKeyCreateResult!
    apiKeyRevoke(id: ID, secret: String): APIKeyRevokeResult!
  }
`;
