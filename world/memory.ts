/**
 * What a scenario remembers between its steps. Two kinds:
 *  - collections every scenario starts with (seeded objects, package and table names, pushes,
 *    timings, named queries), always there;
 *  - notes a When step leaves for the Then steps (the listing it got, the revision it browsed,
 *    the error an attempt failed with, ...). Reading a note no earlier step left fails at once
 *    with the step that would have left it, e.g.
 *      no earlier step of this scenario left "revision" (the package revision it browsed): add one
 *      before this step, for example 'When Dana browses the package "test/lifecycle"'
 *    instead of "Cannot read properties of undefined".
 * `'error' in memory` tells whether a note was left (an attempt that succeeded leaves error
 * undefined, which counts as left).
 */
import type { PushResult } from '@quilt-e2e/quilt-js';
import type { PackageDiff, PackageRevision, TreeNode } from '@quilt-e2e/quilt-js';
import type { TrinoResult } from '@quilt-e2e/trino-rest';
import type { AccessReport, PermissionDiscovery } from '../support/domain/access.js';
import type { Quilt3Bucket } from '../support/quilt3/client.js';
import type { PageView, SignIn } from '../support/adapters/catalog-app.js';
import type { Chart } from '../support/domain/charts.js';
import type { Listing, ObjectInfo, ObjectLink, ObjectText, ObjectBytes } from '../support/domain/objects.js';
import type { SearchAnswer as CatalogSearchAnswer, SearchRequest, SearchResult } from '../support/domain/search.js';
import type { ConstructAnswer, S3CredentialsAnswer } from '../support/adapters/catalog.js';
import type { SearchAnswer } from '../support/adapters/search-engine.js';
import type { Quilt3Read } from '../support/quilt3/client.js';
import type { PersonaRole } from '../support/target.js';
import type { SearchExplanation, UserRecord } from '../support/drivers/driver.js';
import type { GenomicsFixture, QueryColumn, QueryResult } from '../support/sql/index.js';

/**
 * A revision the scenario published: the engine's answer, plus what the scenario asked for —
 * logical key → the key of the uploaded file in the test bucket (absent when the files were not
 * the scenario's own uploads, e.g. a whole folder).
 */
export type Published = PushResult & { request?: Record<string, string> };

export interface ScenarioCollections {
  seeded: Map<string, Uint8Array>;
  /** Table names used in a feature → the real (scenario-unique) table names. */
  tables: Map<string, string>;
  /** Package names used in a feature → the real (scenario-unique) names. */
  packages: Map<string, string>;
  pushes: Published[];
  /** Seconds measured per budget name in this scenario. */
  timings: Map<string, number>;
  /** Other named query results of the scenario. */
  queries: Map<string, QueryResult>;
  /** Users and roles named in a feature → the real (scenario-unique) names an admin made. */
  adminNames: Map<string, string>;
  /** API keys the scenario made, by the name the feature gives them: their id and secret. */
  apiKeys: Map<string, { id: string; secret: string; user: string }>;
  /** How users the scenario made sign in to the web catalog (their password, or a token), by their real name. */
  signIns: Map<string, SignIn>;
}

export interface ScenarioNotes {
  listing: Listing;
  info: ObjectInfo;
  link: ObjectLink;
  text: ObjectText;
  fetched: ObjectBytes;
  searchIndex: string;
  searchAnswer: SearchAnswer;
  sqlResult: TrinoResult;
  revision: PackageRevision;
  diff: PackageDiff;
  /** The error a refused attempt failed with; undefined after an attempt that succeeded. */
  error: Error | undefined;
  infos: ObjectInfo[];
  exchanged: S3CredentialsAnswer;
  presentedToken: string;
  /** The roles an admin listed before a refused attempt (JSON). */
  rolesBefore: string;
  /** The policies an admin listed before an attempt (JSON), and the catalog's answer to it. */
  policiesBefore: string;
  /** What quilt3 read with an API key: its user's key names, the revision and each file. */
  quilt3Read: Quilt3Read;
  /** What quilt3 pushed with an API key: the package, its top hash and its files (logical key → text). */
  quilt3Pushed: { name: string; topHash: string; files: Record<string, string> };
  /** The access state Dana listed before an attempt (roles, policies, users), and the catalog's answer to it. */
  accessBefore: string;
  accessAbout: { roles?: string[]; users?: string[] };
  adminAnswer: { typename: string; errors: Array<{ path: string | null; name: string; message: string }> };
  policyAnswer: { __typename: string; id?: string; errors?: Array<{ path: string; name: string; message: string }>; bucket?: string };
  searchRequest: { persona: PersonaRole; request: SearchRequest };
  searchResults: SearchResult[];
  /** The catalog URLs a persona was given for a revision. */
  pages: { persona: PersonaRole; urls: string[] };
  searchTotal: number;
  parallelAnswers: CatalogSearchAnswer[];
  elapsedMs: number;
  retryAttempts: number;
  retryLog: string[];
  genomics: GenomicsFixture;
  query: QueryResult;
  chart: Chart;
  schema: QueryColumn[];
  /** The large table as SQL names it on this target. */
  largeTable: string;
  svg: string;
  construct: ConstructAnswer;
  /** What a publish through the catalog asked for: logical key → key of the uploaded file. */
  constructRequest: Record<string, string>;
  node: TreeNode;
  access: AccessReport;
  /** The last catalog page a persona viewed in the browser. */
  pageView: PageView;
  /** The bytes a persona downloaded through the catalog. */
  downloaded: Buffer;
  /** The content type and user metadata a file was uploaded with. */
  uploadedMeta: { key: string; contentType: string; metadata: Record<string, string> };
  /** Files on a persona's own computer (a folder of the scenario's), to upload through the catalog. */
  localFiles: Array<{ name: string; path: string; bytes: Buffer }>;
  /** The bucket the scenario made (Dana's, on the local stack). */
  newBucket: string;
  /** What quilt3.admin.buckets.add answered. */
  quilt3Bucket: Quilt3Bucket;
  /** Who a persona's catalog credentials are and what they may do (permission discovery). */
  discovery: PermissionDiscovery;
  /** A user as the admin looked them up. */
  lookedUp: UserRecord;
  /** The buckets the catalog showed a persona. */
  bucketsShown: string[];
  tablesListed: string[];
  usersListed: UserRecord[];
  rolesListed: string[];
  ssoBefore: string | null;
  ssoUploaded: { text: string; at: Date };
  summaryChart: { path: string; title: string };
  summaryTitles: string[];
  linksBefore: number;
  catalogInfo: { catalogUrl: string; registryUrl: string };
  suggestions: Array<{ text: string; fileType?: string }>;
  explanation: SearchExplanation;
  /** A query's check before it runs. */
  validation: { sql: string; valid: boolean; reason: string };
  /** A package's views the catalog had counted before the scenario's reads: in all, and today. */
  viewsBefore: { total: number; today: number };
}

export type ScenarioMemory = ScenarioCollections & ScenarioNotes;

/** For each note: what it is, and a step that leaves it. */
const LEFT_BY: { [K in keyof ScenarioNotes]: [what: string, step: string] } = {
  listing: ['the folder listing it got', 'When Dana lists the folder "data/"'],
  info: ['the object details it looked up', 'When Dana looks up the details of "data/file1.csv"'],
  link: ['the shared link', 'When Dana shares "data/file1.csv" with a link valid for 1 hour'],
  text: ['the bytes it read', 'When Rita reads the first 100 bytes of "data/file1.csv"'],
  fetched: ['the bytes it fetched', 'When Rita fetches the first 4096 bytes of "data/blob.bin"'],
  searchIndex: ['the search index it made', 'Given a fresh search index holding these documents:'],
  searchAnswer: ['the search engine\'s answer', 'When Dana searches that index for "genomics"'],
  sqlResult: ['the SQL result', 'When Dana asks SQL for the number of samples and their total reads in "samples"'],
  revision: ['the package revision it browsed', 'When Dana browses the package "test/lifecycle"'],
  diff: ['the comparison of two revisions', 'When Dana compares the latest revision of "test/lifecycle" with the previous one'],
  error: ['the outcome of an attempt', 'When Dana asks the registry to publish "test/name/with/too/many/slashes" from "data/file1.csv"'],
  infos: ['the details of several objects', 'When Rita looks up the details of 100 of those files at once, 10 at a time'],
  exchanged: ['the S3 credentials it was given', 'When Rita exchanges her catalog token for S3 credentials'],
  presentedToken: ['the token presented', 'When a caller presents "an expired token" to the catalog'],
  rolesBefore: ['the roles before the attempt', 'When Rita asks the catalog to create the role "sneaky"'],
  policiesBefore: ['the policies before the attempt', 'When Dana makes a policy granting read on the bucket "no-such-bucket-anywhere"'],
  quilt3Pushed: ['the package quilt3 pushed with an API key', 'When quilt3, logged in with the API key "nightly", pushes the package "keys/pushed" with the S3 credentials the catalog hands the key'],
  quilt3Read: ['what quilt3 read with an API key', 'When quilt3, logged in with the API key "nightly", reads the package "keys/reference" with the S3 credentials the catalog hands the key'],
  accessAbout: ['what the admin\'s request was about', 'When Dana creates a second role named "ReadQuiltBucket"'],
  accessBefore: ['the roles, policies and users before the attempt', 'When Dana creates a second role named "ReadQuiltBucket"'],
  adminAnswer: ['the catalog\'s answer to the admin\'s request', 'When Dana creates a second role named "ReadQuiltBucket"'],
  policyAnswer: ['the catalog\'s answer to a new policy', 'When Dana makes a policy granting read on the bucket "no-such-bucket-anywhere"'],
  searchRequest: ['the search it made', 'When Rita searches the catalog for packages matching "genomics"'],
  searchResults: ['the search results', 'When Rita searches the catalog for packages matching "genomics"'],
  pages: ['the catalog pages it opened', 'When Rita opens the catalog URLs of "test/lifecycle"'],
  searchTotal: ['the total hit count', 'When Rita searches that folder through the catalog for up to 1000 files matching "sample"'],
  parallelAnswers: ['the answers of parallel searches', 'When Rita runs these searches of that folder at the same time: "a, b"'],
  elapsedMs: ['how long the attempt took', 'When Rita runs an expensive search with a deadline of 2 seconds'],
  retryAttempts: ['how many attempts the retry made', 'When Rita searches the catalog, retrying failures that may pass'],
  retryLog: ['the retry log', 'When Rita searches the catalog, retrying failures that may pass'],
  genomics: ['the genomics fixture', 'Given the genomics package is published, made once per stack'],
  query: ['the query result', 'When Rita queries the Tabulator table "samples"'],
  chart: ['the chart', 'When Rita charts the reads per tissue of "samples" as a bar chart'],
  schema: ['the table schema', 'When Rita looks for the table "samples" among the databases and reads its schema'],
  largeTable: ['the large table fixture', 'Given a table of at least 10,000 rows exists, made once per stack'],
  svg: ['the rendered chart', 'When Rita charts the reads per tissue of "samples" as a bar chart'],
  construct: ['the catalog\'s answer to packageConstruct', 'When Dana publishes the package "test/catalog" through the catalog from "data/file1.csv"'],
  constructRequest: ['what was published through the catalog', 'When Dana publishes the package "test/catalog" through the catalog from "data/file1.csv"'],
  node: ['the folder it browsed', 'When Rita browses the deepest folder of "test/deep", 12 levels down'],
  access: ['the access report', 'When Rita checks what she may do in the test bucket'],
  pageView: ['the catalog page viewed', 'When Rita opens the test bucket in the catalog'],
  downloaded: ['the bytes downloaded through the catalog', 'When Rita downloads "notes.txt" of the first revision of "canary/pinned" in the catalog, from its Quilt+ URI'],
  localFiles: ['the files on her computer', 'Given Dana has these files on her computer:'],
  uploadedMeta: ['the metadata a file was uploaded with', 'Given Dana has uploaded "data/plate-7.csv" as "text/csv" with the metadata:'],
  newBucket: ['the new bucket', 'Given Dana has made a new bucket holding the file "notes/day-one.txt"'],
  quilt3Bucket: ['quilt3\'s answer to adding a bucket', 'When Dana adds the new bucket to the catalog with quilt3, titled "Field notes"'],
  discovery: ['the permission discovery', 'When Rita discovers her permissions on the test bucket'],
  bucketsShown: ['the buckets shown', 'When Rita lists the buckets the catalog shows her'],
  tablesListed: ['the Tabulator tables listed', 'When Dana lists the bucket\'s Tabulator tables'],
  usersListed: ['the users listed', 'When Dana lists the stack\'s users and roles'],
  rolesListed: ['the roles listed', 'When Dana lists the stack\'s users and roles'],
  ssoBefore: ['the SSO configuration before the scenario', 'Given the stack\'s SSO configuration is put back as it is after this scenario'],
  summaryChart: ['the chart quilt_summarize.json lists', 'Then "dashboards/summarized" lists in its quilt_summarize.json only files it holds, a chart of the SQL sums among them'],
  summaryTitles: ['the titles of the files quilt_summarize.json lists', 'Then "test/documented" holds its files, a README.md as written and a quilt_summarize.json listing only files it holds'],
  suggestions: ['the search suggestions', 'When Rita asks quilt-mcp to complete the search "CSV fil"'],
  explanation: ['the explanation of a search', 'When Rita asks quilt-mcp how the search "CSV files in plates" would run'],
  linksBefore: ['how many links the user had been mailed before', 'When Dana resets the password of "forgetful"'],
  catalogInfo: ['what the client says of its catalog', 'When Otto points his client at the stack\'s catalog'],
  ssoUploaded: ['the SSO configuration uploaded', 'When Dana uploads an SSO configuration mapping the group "lab-members" to the role "ReadQuiltBucket"'],
  lookedUp: ['the user Dana looked up', 'When Dana looks up "helper"'],
  validation: ['the check of a query', 'When Rita has the query "SELEC 1" checked before running it'],
  viewsBefore: ['the views counted before', 'Given the catalog has counted the views of "views/read-often" so far'],
};

export class NoEarlierStepError extends Error {
  constructor(readonly note: keyof ScenarioNotes) {
    const [what, step] = LEFT_BY[note];
    super(`no earlier step of this scenario left "${note}" (${what}): add one before this step, for example '${step}'`);
    this.name = 'NoEarlierStepError';
  }
}

const isNote = (k: string | symbol): k is keyof ScenarioNotes => typeof k === 'string' && Object.prototype.hasOwnProperty.call(LEFT_BY, k);

/** A fresh memory for one scenario. */
export function scenarioMemory(): ScenarioMemory {
  const collections: ScenarioCollections = { seeded: new Map(), tables: new Map(), packages: new Map(), pushes: [], timings: new Map(), queries: new Map(), adminNames: new Map(), apiKeys: new Map(), signIns: new Map() };
  return new Proxy(collections as ScenarioMemory, {
    get(target, key, receiver) {
      if (isNote(key) && !Reflect.has(target, key)) throw new NoEarlierStepError(key);
      return Reflect.get(target, key, receiver);
    },
  });
}
