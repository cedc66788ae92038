/**
 * Quilt's admin API (shared/graphql/schema.graphql of quiltdata/quilt): users, roles (managed and
 * unmanaged) and policies, the SSO config, Tabulator's open query, all users' API keys and the
 * packager's event rules, with Quilt's names, arguments, nullability and result unions; every field
 * here is @admin (refused to non-admins). Unmanaged policies answer OperationError NotSupported (RGW
 * 16 has no managed IAM policies). bucketAdd / bucketUpdate / bucketRemove change the served buckets.
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
  type SsoConfig { text: String! timestamp: Datetime! uploader: User! }
  type PackagerEventRule { name: String! enabled: Boolean! }
  type PackagerAdminQueries { eventRules: [PackagerEventRule!]! eventRule(name: String!): PackagerEventRule }
  type APIKeyAdminQueries {
    list(email: String, name: String, fingerprint: String, status: APIKeyStatus): [APIKey!]!
    get(id: ID!): APIKey
  }
  type AdminQueries {
    user: UserAdminQueries!
    ssoConfig: SsoConfig
    isDefaultRoleSettingDisabled: Boolean!
    tabulatorOpenQuery: Boolean!
    packager: PackagerAdminQueries!
    apiKeys: APIKeyAdminQueries!
  }

  type ContentIndexingSettings { extensions: [String!]! bytesDefault: Int! bytesMin: Int! bytesMax: Int! }
  type Config { contentIndexingSettings: ContentIndexingSettings! }
  scalar S3ObjectLocation
  type Canary { name: String! region: String! group: String! title: String! description: String! schedule: String! ok: Boolean lastRun: Datetime }
  type TestStats { passed: Int! failed: Int! running: Int! }
  type TestStatsTimeSeries { datetimes: [Datetime!]! passed: [Int!]! failed: [Int!]! }
  type StatusReport { timestamp: Datetime! renderedReportLocation: S3ObjectLocation! }
  enum StatusReportListOrder { NEW_FIRST OLD_FIRST }
  type StatusReportList { total: Int! page(number: Int! = 1, perPage: Int! = 25, order: StatusReportListOrder! = NEW_FIRST): [StatusReport!]! }
  input StatusReportListFilter { timestampFrom: Datetime timestampTo: Datetime }
  type Status {
    canaries: [Canary!]!
    latestStats: TestStats!
    stats(window: Int = 30): TestStatsTimeSeries!
    reports(filter: StatusReportListFilter): StatusReportList!
    reportsBucket: String!
  }
  type Unavailable { _: Boolean }
  union StatusResult = Status | Unavailable

  extend type Query {
    admin: AdminQueries!
    config: Config!
    status: StatusResult!
    policies: [Policy!]!
    policy(id: ID!): Policy
    roles: [Role!]!
    role(id: ID!): Role
    defaultRole: Role
  }

  input PermissionInput { bucket: String! level: BucketPermissionLevel! }
  input ManagedRoleInput { name: String! policies: [ID!]! }
  input ManagedPolicyInput { title: String! permissions: [PermissionInput!]! roles: [ID!]! }
  input UnmanagedRoleInput { name: String! arn: String! }
  input UnmanagedPolicyInput { title: String! arn: String! roles: [ID!]! }
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
  union SetSsoConfigResult = SsoConfig | InvalidInput | OperationError
  type TabulatorOpenQueryResult { tabulatorOpenQuery: Boolean! }
  union PackagerEventRuleToggleResult = PackagerEventRule | OperationError | InvalidInput
  type PackagerAdminMutations { toggleEventRule(name: String!, enabled: Boolean!): PackagerEventRuleToggleResult! }
  type APIKeyAdminMutations { revoke(id: ID!): APIKeyRevokeResult! }
  type AdminMutations {
    user: UserAdminMutations!
    setSsoConfig(config: String): SetSsoConfigResult
    bucketSetTabulatorTable(bucketName: String!, tableName: String!, config: String): BucketSetTabulatorTableResult! @deprecated
    bucketRenameTabulatorTable(bucketName: String!, tableName: String!, newTableName: String!): BucketSetTabulatorTableResult! @deprecated
    setTabulatorOpenQuery(enabled: Boolean!): TabulatorOpenQueryResult!
    packager: PackagerAdminMutations!
    apiKeys: APIKeyAdminMutations!
  }

  input BucketAddInput {
    name: String!
    title: String!
    iconUrl: String
    description: String
    linkedData: Json
    overviewUrl: String
    tags: [String!]
    relevanceScore: Int
    snsNotificationArn: String
    scannerParallelShardsDepth: Int
    skipMetaDataIndexing: Boolean
    fileExtensionsToIndex: [String!]
    indexContentBytes: Int
    delayScan: Boolean
    browsable: Boolean
    prefixes: [String!]
  }
  input BucketUpdateInput {
    title: String!
    iconUrl: String
    description: String
    linkedData: Json
    overviewUrl: String
    tags: [String!]
    relevanceScore: Int
    snsNotificationArn: String
    scannerParallelShardsDepth: Int
    skipMetaDataIndexing: Boolean
    fileExtensionsToIndex: [String!]
    indexContentBytes: Int
    browsable: Boolean
    prefixes: [String!]
  }
  type BucketAddSuccess { bucketConfig: BucketConfig! }
  type BucketUpdateSuccess { bucketConfig: BucketConfig! }
  type BucketRemoveSuccess { _: Boolean }
  type BucketNotFound { _: Boolean }
  type BucketAlreadyAdded { _: Boolean }
  type BucketDoesNotExist { _: Boolean }
  type BucketFileExtensionsToIndexInvalid { _: Boolean }
  type BucketIndexContentBytesInvalid { _: Boolean }
  type SnsInvalid { _: Boolean }
  type NotificationConfigurationError { _: Boolean }
  type NotificationTopicNotFound { _: Boolean }
  type InsufficientPermissions { message: String! }
  type IndexingInProgress { _: Boolean }
  type SubscriptionInvalid { _: Boolean }
  union BucketAddResult = BucketAddSuccess | BucketAlreadyAdded | BucketDoesNotExist | BucketFileExtensionsToIndexInvalid | BucketIndexContentBytesInvalid
    | InsufficientPermissions | NotificationConfigurationError | NotificationTopicNotFound | SnsInvalid | SubscriptionInvalid
  union BucketUpdateResult = BucketUpdateSuccess | BucketFileExtensionsToIndexInvalid | BucketIndexContentBytesInvalid | BucketNotFound
    | InsufficientPermissions | NotificationConfigurationError | NotificationTopicNotFound | SnsInvalid
  union BucketRemoveResult = BucketRemoveSuccess | BucketNotFound | IndexingInProgress

  extend type Mutation {
    admin: AdminMutations!
    bucketAdd(input: BucketAddInput!): BucketAddResult!
    bucketUpdate(name: String!, input: BucketUpdateInput!): BucketUpdateResult!
    bucketRemove(name: String!): BucketRemoveResult!
    policyCreateManaged(input: ManagedPolicyInput!): PolicyResult!
    policyCreateUnmanaged(input: UnmanagedPolicyInput!): PolicyResult!
    policyUpdateUnmanaged(id: ID!, input: UnmanagedPolicyInput!): PolicyResult!
    roleCreateUnmanaged(input: UnmanagedRoleInput!): RoleCreateResult!
    roleUpdateUnmanaged(id: ID!, input: UnmanagedRoleInput!): RoleUpdateResult!
    policyUpdateManaged(id: ID!, input: ManagedPolicyInput!): PolicyResult!
    policyDelete(id: ID!): PolicyDeleteResult!
    roleCreateManaged(input: ManagedRoleInput!): RoleCreateResult!
    roleUpdateManaged(id: ID!, input: ManagedRoleInput!): RoleUpdateResult!
    roleDelete(id: ID!): RoleDeleteResult!
    roleSetDefault(id: ID!): RoleSetDefaultResult!
  }
`;
