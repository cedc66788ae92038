/**
 * The GraphQL subset of Quilt's registry that this local catalog serves, with Quilt's type and
 * field names (shared reference quilt-formats.md §6). Written here from the documented contract;
 * fields the suite has no use for are left out.
 */
export const typeDefs = /* GraphQL */ `
  "An ISO 8601 date-time string."
  scalar Datetime
  "Any JSON value (objects for metadata)."
  scalar JsonRecord
  "Any JSON value."
  scalar Json
  "A map logical key -> {physicalKey, size, hash {type value}, meta}."
  scalar PackageContentsFlatMap

  type Query {
    "The served buckets the user may read."
    bucketConfigs: [BucketConfig!]!
    bucketConfig(name: String!): BucketConfig
    "The users one may share a bucket with: every active user."
    potentialCollaborators: [Collaborator!]!
    packages(bucket: String!, filter: String): PackageList
    package(bucket: String!, name: String!): Package
    searchObjects(buckets: [String!], searchString: String, filter: ObjectsSearchFilter): ObjectsSearchResult!
    searchPackages(buckets: [String!], searchString: String, filter: PackagesSearchFilter, latestOnly: Boolean! = false): PackagesSearchResult!
    "Who the token says the caller is (as in Quilt's schema: nullable, null without a session)."
    me: Me
  }

  type MyRole { name: String! }

  "As Quilt's Me (its apiKeys and apiKey: schema-account.ts)."
  type Me {
    name: String!
    email: String!
    isAdmin: Boolean!
    role: MyRole!
    roles: [MyRole!]!
  }

  "As Quilt's BucketConfig; the fields Quilt marks @admin are refused to non-admins."
  type BucketConfig {
    name: String!
    title: String!
    iconUrl: String
    description: String
    linkedData: Json
    overviewUrl: String
    tags: [String!]
    relevanceScore: Int!
    lastIndexed: Datetime
    browsable: Boolean!
    snsNotificationArn: String
    scannerParallelShardsDepth: Int
    skipMetaDataIndexing: Boolean
    fileExtensionsToIndex: [String!]
    indexContentBytes: Int
    prefixes: [String!]!
    associatedPolicies: [PolicyBucketPermission!]!
    associatedRoles: [RoleBucketPermission!]!
    tabulatorTables: [TabulatorTable!]!
    "Who may work in the bucket (the catalog app's navigation bar asks it; Quilt's current schema has it on Bucket)."
    collaborators: [CollaboratorBucketConnection!]!
  }

  type Collaborator { email: String! username: String! }
  type CollaboratorBucketConnection { collaborator: Collaborator! permissionLevel: BucketPermissionLevel! }

  type TabulatorTable { name: String! config: String! }

  enum PackageListOrder { NAME MODIFIED }

  type PackageList {
    total: Int!
    page(number: Int = 1, perPage: Int = 30, order: PackageListOrder = NAME): [Package!]!
  }

  type Package {
    bucket: String!
    name: String!
    modified: Datetime!
    revisions: PackageRevisionList!
    revision(hashOrTag: String = "latest"): PackageRevision
    accessCounts(window: Int = 30): AccessCounts
  }

  type AccessCountForDate { date: Datetime! value: Int! }
  type AccessCounts { total: Int! counts: [AccessCountForDate!]! }

  type PackageRevisionList {
    total: Int!
    page(number: Int = 1, perPage: Int = 30): [PackageRevision!]!
  }

  type PackageWorkflow { config: String! id: String }

  type PackageRevision {
    hash: String!
    modified: Datetime!
    message: String
    metadata: JsonRecord!
    userMeta: JsonRecord
    workflow: PackageWorkflow
    totalEntries: Int
    totalBytes: Float
    dir(path: String! = ""): PackageDir
    file(path: String!): PackageFile
    contentsFlatMap(max: Int = 1000): PackageContentsFlatMap
    accessCounts(window: Int = 30): AccessCounts
  }

  type PackageDir {
    path: String!
    metadata: JsonRecord
    size: Float!
    children: [PackageEntry!]!
  }

  type PackageFile {
    path: String!
    metadata: JsonRecord
    size: Float!
    physicalKey: String!
  }

  union PackageEntry = PackageFile | PackageDir

  enum SearchResultOrder { BEST_MATCH NEWEST OLDEST LEX_ASC LEX_DESC }

  input DatetimeSearchPredicate { gte: Datetime lte: Datetime }
  input NumberSearchPredicate { gte: Float lte: Float }
  input KeywordSearchPredicate { terms: [String!] wildcard: String }
  input TextSearchPredicate { queryString: String! }
  input BooleanSearchPredicate { true: Boolean false: Boolean }

  input ObjectsSearchFilter {
    modified: DatetimeSearchPredicate
    size: NumberSearchPredicate
    ext: KeywordSearchPredicate
    key: KeywordSearchPredicate
    content: TextSearchPredicate
    deleted: BooleanSearchPredicate
  }

  input PackagesSearchFilter {
    modified: DatetimeSearchPredicate
    size: NumberSearchPredicate
    name: KeywordSearchPredicate
    hash: KeywordSearchPredicate
    entries: NumberSearchPredicate
    comment: TextSearchPredicate
  }

  type EmptySearchResultSet { _: Boolean }

  union ObjectsSearchResult = ObjectsSearchResultSet | EmptySearchResultSet | InvalidInput | OperationError
  type ObjectsSearchResultSet {
    total: Int!
    firstPage(size: Int = 30, order: SearchResultOrder = BEST_MATCH): ObjectsSearchResultSetPage!
  }
  type ObjectsSearchResultSetPage { cursor: String hits: [SearchHitObject!]! }
  type SearchHitObject {
    id: ID!
    score: Float!
    bucket: String!
    key: String!
    version: String!
    size: Float!
    modified: Datetime!
    deleted: Boolean!
    indexedContent: String
  }

  union PackagesSearchResult = PackagesSearchResultSet | EmptySearchResultSet | InvalidInput | OperationError
  type PackagesSearchResultSet {
    total: Int!
    firstPage(size: Int = 30, order: SearchResultOrder = BEST_MATCH): PackagesSearchResultSetPage!
  }
  type PackagesSearchResultSetPage { cursor: String hits: [SearchHitPackage!]! }
  type SearchHitPackage {
    id: ID!
    score: Float!
    bucket: String!
    name: String!
    pointer: String!
    hash: String!
    size: Float!
    modified: Datetime!
    totalEntriesCount: Int!
    comment: String
    meta: String
    workflow: JsonRecord
  }

  type InputError { path: String message: String! name: String! context: JsonRecord }
  type InvalidInput { errors: [InputError!]! }
  type OperationError { message: String! name: String! context: JsonRecord }

  input PackagePushParams {
    message: String
    userMeta: JsonRecord
    "A workflow id of the bucket's .quilt/workflows/config.yml; null for none."
    workflow: String
    bucket: String!
    name: String!
  }
  input PackageEntryHash { type: String! value: String! }
  input PackageConstructEntry {
    logicalKey: String!
    physicalKey: String!
    hash: PackageEntryHash
    size: Float
    "The entry's user metadata (or a whole meta object {user_meta: ...})."
    meta: JsonRecord
  }
  input PackageConstructSource { entries: [PackageConstructEntry!]! }

  type PackagePushSuccess { package: Package! revision: PackageRevision! }
  union PackagePushResult = PackagePushSuccess | InvalidInput | OperationError

  type PackageRevisionDeleteSuccess { _: Boolean }
  union PackageRevisionDeleteResult = PackageRevisionDeleteSuccess | OperationError

  union BucketSetTabulatorTableResult = BucketConfig | InvalidInput | OperationError

  input PackagePromoteSource { bucket: String! name: String! hash: String! }
  union PackagePromoteResult = PackagePushSuccess | InvalidInput | OperationError

  type BrowsingSession { id: ID! expires: Datetime! }
  union BrowsingSessionCreateResult = BrowsingSession | InvalidInput | OperationError
  union BrowsingSessionRefreshResult = BrowsingSession | InvalidInput | OperationError
  type Ok { _: Boolean }
  union BrowsingSessionDisposeResult = Ok | OperationError

  type Mutation {
    packageConstruct(params: PackagePushParams!, src: PackageConstructSource!): PackagePushResult!
    packageRevisionDelete(bucket: String!, name: String!, hash: String!): PackageRevisionDeleteResult!
    "Copies every file of a revision (src) into params.bucket under <params.name>/<logical key> and pushes it there as a new revision."
    packagePromote(params: PackagePushParams!, src: PackagePromoteSource!, destPrefix: String): PackagePromoteResult!
    "A short-lived capability to read the files of one package revision (scope quilt+s3://<bucket>#package=<name>@<hash>) at /browse/<id>/<logical key>."
    browsingSessionCreate(scope: String!, ttl: Int! = 180): BrowsingSessionCreateResult!
    browsingSessionRefresh(id: ID!, ttl: Int! = 180): BrowsingSessionRefreshResult!
    browsingSessionDispose(id: ID!): BrowsingSessionDisposeResult!
    "Stores (or, with config null, removes) a tabulator table's YAML at s3://<bucket>/.quilt/tabulator/<table>.yml."
    bucketSetTabulatorTable(bucketName: String!, tableName: String!, config: String): BucketSetTabulatorTableResult!
    bucketRenameTabulatorTable(bucketName: String!, tableName: String!, newTableName: String!): BucketSetTabulatorTableResult!
  }
`;
