/**
 * Quilt's admin API (shared/graphql/schema.graphql of quiltdata/quilt): users, managed roles and
 * policies, with Quilt's names, arguments, nullability and result unions; every field here is
 * @admin (refused to non-admins). Not served yet: unmanaged roles and policies (an IAM ARN of one's
 * own), SSO config, Tabulator open query, packager rules, API keys, buckets' admin fields.
 */
export const adminTypeDefs = /* GraphQL */ `
  enum BucketPermissionLevel { READ READ_WRITE }
  interface BucketPermission { bucket: BucketConfig! level: BucketPermissionLevel! }
  type PolicyBucketPermission implements BucketPermission { policy: Policy! bucket: BucketConfig! level: BucketPermissionLevel! }
  type RoleBucketPermission implements BucketPermission { role: Role! bucket: BucketConfig! level: BucketPermissionLevel! }
  type UnmanagedRole { id: ID! name: String! arn: String! }
  type ManagedRole { id: ID! name: String! arn: String! policies: [Policy!]! permissions: [RoleBucketPermission!]! }
  union Role = UnmanagedRole | ManagedRole
  type Policy { id: ID! title: String! arn: String! managed: Boolean! permissions: [PolicyBucketPermission!]! roles: [ManagedRole!]! }

  type User {
    name: String!
    email: String!
    dateJoined: Datetime!
    lastLogin: Datetime!
    isActive: Boolean!
    isAdmin: Boolean!
    isSsoOnly: Boolean!
    isService: Boolean!
    role: Role
    extraRoles: [Role!]!
    isRoleAssignmentDisabled: Boolean!
    isAdminAssignmentDisabled: Boolean!
  }
  type UserAdminQueries { list: [User!]! get(name: String!): User }
  type AdminQueries { user: UserAdminQueries! }

  extend type Query {
    admin: AdminQueries!
    policies: [Policy!]!
    policy(id: ID!): Policy
    roles: [Role!]!
    role(id: ID!): Role
    defaultRole: Role
  }

  input PermissionInput { bucket: String! level: BucketPermissionLevel! }
  input ManagedRoleInput { name: String! policies: [ID!]! }
  input ManagedPolicyInput { title: String! permissions: [PermissionInput!]! roles: [ID!]! }
  type RoleNameReserved { _: Boolean }
  type RoleNameExists { _: Boolean }
  type RoleNameInvalid { _: Boolean }
  type RoleNameUsedBySsoConfig { _: Boolean }
  type RoleDoesNotExist { _: Boolean }
  type RoleIsManaged { _: Boolean }
  type RoleIsUnmanaged { _: Boolean }
  type RoleHasTooManyPoliciesToAttach { _: Boolean }
  type RoleCreateSuccess { role: Role! }
  union RoleCreateResult = RoleCreateSuccess | RoleNameReserved | RoleNameExists | RoleNameInvalid | RoleHasTooManyPoliciesToAttach
  type RoleUpdateSuccess { role: Role! }
  union RoleUpdateResult = RoleUpdateSuccess | RoleNameReserved | RoleNameExists | RoleNameInvalid | RoleNameUsedBySsoConfig | RoleIsManaged | RoleIsUnmanaged | RoleHasTooManyPoliciesToAttach
  type RoleDeleteSuccess { _: Boolean }
  type RoleAssigned { _: Boolean }
  union RoleDeleteResult = RoleDeleteSuccess | RoleDoesNotExist | RoleNameReserved | RoleNameUsedBySsoConfig | RoleAssigned
  type SsoConfigConflict { _: Boolean }
  type RoleSetDefaultSuccess { role: Role! }
  union RoleSetDefaultResult = RoleSetDefaultSuccess | RoleDoesNotExist | SsoConfigConflict
  union PolicyResult = Policy | InvalidInput | OperationError
  union PolicyDeleteResult = Ok | InvalidInput | OperationError
  union OperationResult = Ok | InvalidInput | OperationError

  input UserInput { name: String! email: String! role: String! extraRoles: [String!] }
  union UserResult = User | InvalidInput | OperationError
  type MutateUserAdminMutations {
    delete: OperationResult!
    setEmail(email: String!): UserResult!
    setRole(role: String!, extraRoles: [String!], append: Boolean! = false): UserResult!
    addRoles(roles: [String!]!): UserResult!
    removeRoles(roles: [String!]!, fallback: String): UserResult!
    setAdmin(admin: Boolean!): UserResult!
    setActive(active: Boolean!): UserResult!
    resetPassword: OperationResult!
  }
  type UserAdminMutations { create(input: UserInput!): UserResult! mutate(name: String!): MutateUserAdminMutations }
  type AdminMutations { user: UserAdminMutations! }

  extend type Mutation {
    admin: AdminMutations!
    policyCreateManaged(input: ManagedPolicyInput!): PolicyResult!
    policyUpdateManaged(id: ID!, input: ManagedPolicyInput!): PolicyResult!
    policyDelete(id: ID!): PolicyDeleteResult!
    roleCreateManaged(input: ManagedRoleInput!): RoleCreateResult!
    roleUpdateManaged(id: ID!, input: ManagedRoleInput!): RoleUpdateResult!
    roleDelete(id: ID!): RoleDeleteResult!
    roleSetDefault(id: ID!): RoleSetDefaultResult!
  }
`;
