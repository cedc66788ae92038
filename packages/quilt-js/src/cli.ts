/**
 * `quilt-e2e package ...`: a small command line over the package engine (hash, browse, diff,
 * verify, list, revisions). Run through bin/quilt-e2e.mjs (runPackageCli, from the package's front door), or `npx tsx packages/quilt-js/src/cli.ts`.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_PORTS, DEFAULT_TEST_BUCKET, LOOPBACK, PORT_VARIABLES, REGION, S3_USERS } from '@quilt-e2e/constants';
import { createS3Client } from './s3-client.js';
import { QuiltConflictError, QuiltError, QuiltManifestError, QuiltNotFoundError, QuiltServiceError, QuiltValidationError } from './errors.js';
import { parseJson } from './json/parse.js';
import { pythonDumps } from './json/python-dumps.js';
import type { JsonValue } from './json/values.js';
import { manifestOfFolder } from './local.js';
import { Manifest } from './manifest.js';
import { PackageRegistry } from './registry.js';
import type { PackageRevision, TreeNode } from './revision.js';
import { S3Store } from './s3-store.js';
import { parseRegistry } from './validation.js';
import { verifyManifest, type VerifyReport } from './verify.js';

export const EXIT = { ok: 0, mismatch: 1, badInput: 2, service: 3, notFound: 4 } as const;

const EXIT_HELP = `Exit codes:
  0  success
  1  verification found a mismatch (package verify)
  2  bad input: unknown command or option, invalid package name, revision, URI, file or manifest
  3  service error: S3 unreachable, access denied, server error
  4  not found: no such package, revision or object`;

const CONNECTION_HELP = `Connection options (every command that reads a registry):
  --registry <bucket|s3://bucket>  the registry bucket. Default: $QUILT_E2E_REGISTRY, else
                                   $QUILT_TEST_BUCKET with --endpoint aws, else the local stack's
                                   test bucket (quilt-e2e).
  --endpoint <url|aws>             the S3 endpoint. "aws" means AWS S3 with the default AWS
                                   credential chain. Default: $QUILT_E2E_S3_ENDPOINT, else "aws"
                                   when QUILT_E2E_TARGET=quilt, else the local stack's RGW
                                   (http://127.0.0.1:7480 with the stack's admin keys).
  --region <region>                default $AWS_REGION, $AWS_DEFAULT_REGION or us-east-1.
  For a custom URL endpoint the keys come from $AWS_ACCESS_KEY_ID/$AWS_SECRET_ACCESS_KEY when
  set, else the local stack's admin keys.`;

const TOP_HELP = `Usage: quilt-e2e package <command> [options]

Quilt packages in an S3 registry, read and checked exactly as quilt3 does.

Commands:
  hash        top hash of a manifest file, or of a local folder as a package
  browse      show a revision: message, metadata, files and sizes
  diff        what changed between two revisions (default: latest against the one before it)
  verify      re-hash every file from its data and recompute the top hash
  list        package names in a registry
  revisions   the timestamped revisions of a package

Run "quilt-e2e package <command> --help" for a command's options.

${EXIT_HELP}`;

const COMMAND_HELP: Record<string, string> = {
  hash: `Usage: quilt-e2e package hash <manifest-file>
       quilt-e2e package hash --dir <folder> [--message <text>] [--meta <json>]

Prints the top hash quilt3 computes: of a manifest (JSONL) file, or of the package quilt3 would
build from every file below <folder> (logical keys relative to it) with the given commit message
and package metadata (a JSON object; numbers keep their JSON form, so 1.0 stays a float).

Options:
  --dir <folder>     hash a local folder instead of a manifest file
  --message <text>   commit message of the folder package (default: none, written as null)
  --meta <json>      package user metadata of the folder package, e.g. '{"source": "lab", "v": 1.0}'
  --json             print {"topHash", "entries", "bytes"} as JSON
  -h, --help         this help

${EXIT_HELP}`,
  browse: `Usage: quilt-e2e package browse <user/pkg> [--ref <revision>] [--path <folder>] [--json]

Shows one revision of a package: hash, message, metadata, and its files with sizes.

Options:
  --ref <revision>   "latest" (default), a timestamp pointer (Unix seconds) or a top-hash prefix (6-64 hex)
  --path <folder>    show only this folder (e.g. "data/") or file
  --json             print the revision as JSON (entries with physical keys, hashes and metadata)
  -h, --help         this help

${CONNECTION_HELP}

${EXIT_HELP}`,
  diff: `Usage: quilt-e2e package diff <user/pkg> [--from <revision>] [--to <revision>] [--json]

Lists files added (+), modified (~) and deleted (-) between two revisions, comparing size, hash
and metadata (physical keys are ignored). --to defaults to latest; --from defaults to the
revision pushed just before --to.

Options:
  --from <revision>  older revision: timestamp or top-hash prefix
  --to <revision>    newer revision: "latest" (default), timestamp or top-hash prefix
  --json             print {"from", "to", "added", "modified", "deleted"}
  -h, --help         this help

${CONNECTION_HELP}

${EXIT_HELP}`,
  verify: `Usage: quilt-e2e package verify <user/pkg> [--ref <revision>] [--json]
       quilt-e2e package verify --manifest <file> [--expect <top-hash>] [--json]

Re-reads every file of a revision (from S3 or, for file:// entries, from disk), recomputes its
hash and the manifest's top hash, and compares. Exits 1 on any mismatch.
A manifest file named by its top hash (64 hex characters, as in .quilt/packages/) is checked
against that name unless --expect is given.

Options:
  --ref <revision>   "latest" (default), a timestamp or a top-hash prefix
  --manifest <file>  verify a local manifest file instead of a registry revision
  --expect <hash>    the top hash the manifest file must have
  --json             print the full report as JSON
  -h, --help         this help

${CONNECTION_HELP}

${EXIT_HELP}`,
  list: `Usage: quilt-e2e package list [--namespace <user>] [--json]

Lists the packages of a registry (those with at least one pointer), one name per line.

Options:
  --namespace <user> only packages named <user>/...
  --json             print a JSON array
  -h, --help         this help

${CONNECTION_HELP}

${EXIT_HELP}`,
  revisions: `Usage: quilt-e2e package revisions <user/pkg> [--json]

Lists the timestamped revisions of a package, newest first: timestamp, date (UTC), top hash.

Options:
  --json             print a JSON array
  -h, --help         this help

${CONNECTION_HELP}

${EXIT_HELP}`,
};

const CONNECTION_OPTIONS = { registry: { type: 'string' }, endpoint: { type: 'string' }, region: { type: 'string' } } as const;
const OPTIONS: Record<string, ParseArgsConfig['options']> = {
  hash: { dir: { type: 'string' }, message: { type: 'string' }, meta: { type: 'string' } },
  browse: { ref: { type: 'string' }, path: { type: 'string' }, ...CONNECTION_OPTIONS },
  diff: { from: { type: 'string' }, to: { type: 'string' }, ...CONNECTION_OPTIONS },
  verify: { ref: { type: 'string' }, manifest: { type: 'string' }, expect: { type: 'string' }, ...CONNECTION_OPTIONS },
  list: { namespace: { type: 'string' }, ...CONNECTION_OPTIONS },
  revisions: { ...CONNECTION_OPTIONS },
};

/** Bad command-line usage (exit 2). */
class UsageError extends Error {}

interface Io { out: (line: string) => void; err: (line: string) => void }
type Values = Record<string, string | boolean | undefined>;

/** `quilt-e2e package ...` (bin/quilt-e2e.mjs): runs one command and returns its exit code (EXIT). */
export async function runPackageCli(argv: string[], io: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) }): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    io.err(`quilt-e2e: ${oneLine(e)}`);
    return exitCodeOf(e);
  }
}

async function run(argv: string[], io: Io): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group === undefined || group === '--help' || group === '-h' || ((command === undefined || command === '--help' || command === '-h') && group === 'package')) {
    io.out(TOP_HELP);
    return EXIT.ok;
  }
  if (group !== 'package') throw new UsageError(`unknown command "${group}": expected "quilt-e2e package <command>", for example "quilt-e2e package list" (see --help)`);
  const options = command === undefined ? undefined : OPTIONS[command];
  if (command === undefined || options === undefined) {
    throw new UsageError(`unknown command "package ${command ?? ''}": expected one of ${Object.keys(OPTIONS).join(', ')}, for example "quilt-e2e package browse team/data" (see --help)`);
  }
  const { values, positionals } = parse(rest, { ...options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.out(COMMAND_HELP[command] as string);
    return EXIT.ok;
  }
  switch (command) {
    case 'hash': return hashCommand(values, positionals, io);
    case 'browse': return browseCommand(values, onePackage(positionals, command), io);
    case 'diff': return diffCommand(values, onePackage(positionals, command), io);
    case 'verify': return verifyCommand(values, positionals, io);
    case 'list': return listCommand(values, positionals, io);
    default: return revisionsCommand(values, onePackage(positionals, command), io);
  }
}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>): { values: Values; positionals: string[] } {
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: r.values as Values, positionals: r.positionals };
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/\s+/g, ' ')} (see --help)`);
  }
}

function onePackage(positionals: string[], command: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(`"package ${command}" takes one package name, got ${positionals.length}: expected the format "quilt-e2e package ${command} <user/pkg>", for example "quilt-e2e package ${command} team/data"`);
  }
  return positionals[0] as string;
}

function str(values: Values, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

// ---- connection -----------------------------------------------------------------------------

export interface Connection { client: S3Client; bucket: string }

/** S3 client and registry bucket from flags, then environment, then the local stack. */
export function connect(values: Values, processEnv: NodeJS.ProcessEnv = process.env): Connection {
  // Empty variables count as unset.
  const env = Object.fromEntries(Object.entries(processEnv).filter(([, v]) => v !== '')) as NodeJS.ProcessEnv;
  const endpoint = str(values, 'endpoint') ?? env.QUILT_E2E_S3_ENDPOINT ?? ((env.QUILT_E2E_TARGET ?? '').toLowerCase() === 'quilt' ? 'aws' : undefined);
  const region = str(values, 'region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const registryArg = str(values, 'registry') ?? env.QUILT_E2E_REGISTRY;
  if (endpoint === 'aws') {
    const bucket = registryArg ?? env.QUILT_TEST_BUCKET;
    if (!bucket) throw new UsageError('no registry for AWS: pass --registry <bucket> or set QUILT_E2E_REGISTRY, for example --registry s3://my-quilt-bucket');
    return { client: createS3Client({ region: region ?? 'us-east-1' }), bucket: parseRegistry(bucket) };
  }
  const url = endpoint ?? `http://${LOOPBACK}:${env[PORT_VARIABLES.s3] ?? DEFAULT_PORTS.s3}`;
  if (!/^https?:\/\/[^/]+/.test(url)) {
    throw new UsageError(`invalid --endpoint "${url}": expected the format "http(s)://<host>[:port]" or "aws", for example --endpoint http://127.0.0.1:7480`);
  }
  const keys = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY && endpoint !== undefined
    ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) }
    : { accessKeyId: S3_USERS.admin.accessKeyId, secretAccessKey: S3_USERS.admin.secretAccessKey };
  return {
    client: createS3Client({ endpoint: url, region: region ?? REGION, credentials: keys, maxAttempts: 2, requestTimeoutMs: 15_000 }),
    bucket: parseRegistry(registryArg ?? env.QUILT_E2E_LOCAL_BUCKET ?? DEFAULT_TEST_BUCKET),
  };
}

function registryFrom(values: Values): PackageRegistry {
  const { client, bucket } = connect(values);
  return new PackageRegistry(client, bucket);
}

// ---- commands -------------------------------------------------------------------------------

async function hashCommand(values: Values, positionals: string[], io: Io): Promise<number> {
  const dir = str(values, 'dir');
  let manifest: Manifest;
  if (dir !== undefined) {
    if (positionals.length > 0) throw new UsageError('give either a manifest file or --dir <folder>, not both, for example "quilt-e2e package hash --dir ./data"');
    const meta = str(values, 'meta');
    manifest = await manifestOfFolder(dir, { message: str(values, 'message') ?? null, ...(meta === undefined ? {} : { userMeta: parseMetaOption(meta) }) });
  } else {
    if (positionals.length !== 1) throw new UsageError('expected one manifest file or --dir <folder>, for example "quilt-e2e package hash ./manifest.jsonl"');
    if (values.message !== undefined || values.meta !== undefined) throw new UsageError('--message and --meta apply only with --dir <folder>, for example "quilt-e2e package hash --dir ./data --message v1"');
    manifest = await readManifestFile(positionals[0] as string);
  }
  const topHash = manifest.topHash();
  if (values.json) io.out(JSON.stringify({ topHash, entries: manifest.entries.length, bytes: manifest.totalBytes }));
  else io.out(topHash);
  return EXIT.ok;
}

function parseMetaOption(text: string): unknown {
  try {
    const v = parseJson(text, '--meta');
    if (!(v instanceof Map)) throw new Error('not an object');
    return v;
  } catch (e) {
    throw new UsageError(`invalid --meta: ${(e as Error).message}; expected the format of a JSON object, for example --meta '{"source": "lab", "version": 1.0}'`);
  }
}

async function readManifestFile(path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read manifest file "${path}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; expected the format of a path to a JSONL manifest, for example .quilt/packages/<hash>`);
  }
  return Manifest.parse(text, `manifest file ${path}`);
}

async function browseCommand(values: Values, name: string, io: Io): Promise<number> {
  const rev = await registryFrom(values).browse(name, str(values, 'ref') ?? 'latest');
  const path = str(values, 'path') ?? '';
  const node = rev.node(path);
  if (values.json) {
    io.out(losslessJson(revisionJson(rev, node)));
    return EXIT.ok;
  }
  io.out(`${rev.name}@${rev.hash}${rev.timestamp ? ` (timestamp ${rev.timestamp})` : ''}`);
  io.out(`message: ${JSON.stringify(rev.message)}`);
  // As Python's json.dumps writes it: 1.0 stays 1.0, big integers and -0.0 are exact (JS numbers would not be).
  if (rev.rawUserMeta !== undefined) io.out(`metadata: ${pythonDumps(rev.rawUserMeta, DISPLAY_STYLE)}`);
  io.out(`${rev.totalEntries} files, ${formatBytes(rev.totalBytes)}`);
  printTree(node, node.path === '' ? 0 : 1, io);
  return EXIT.ok;
}

/** Python's json.dumps defaults (", " and ": ", no sorting, non-ASCII kept) for showing metadata. */
const DISPLAY_STYLE = { ensureAscii: false, sortKeys: false, compact: false, allowNan: true } as const;

/** A raw manifest value inside a JSON document printed by losslessJson(): its numbers are written as the manifest has them. */
class RawJson { constructor(readonly value: JsonValue) {} }

/** JSON.stringify with RawJson values spliced in as compact lossless JSON text. */
function losslessJson(doc: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(doc, (_k, v: unknown) => {
    if (v instanceof RawJson) { raws.push(pythonDumps(v.value, { ...DISPLAY_STYLE, compact: true })); return `\u0000raw${raws.length - 1}\u0000`; }
    return v;
  }, 2);
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)]!);
}

function revisionJson(rev: PackageRevision, node: TreeNode): unknown {
  const entries = rev.entries.filter((e) => node.path === '' || e.logicalKey === node.path || e.logicalKey.startsWith(node.path));
  return {
    name: rev.name, bucket: rev.bucket, hash: rev.hash, timestamp: rev.timestamp ?? null, message: rev.message,
    userMeta: rev.rawUserMeta === undefined ? null : new RawJson(rev.rawUserMeta), totalEntries: rev.totalEntries, totalBytes: rev.totalBytes,
    path: node.path, size: node.size, files: node.files,
    entries: entries.map((e) => ({ logicalKey: e.logicalKey, physicalKey: e.physicalKey, size: e.size, hash: e.hash, userMeta: rev.rawFileUserMeta(e.logicalKey) === undefined ? null : new RawJson(rev.rawFileUserMeta(e.logicalKey)!) })),
  };
}

function printTree(node: TreeNode, depth: number, io: Io): void {
  if (depth > 0) {
    const label = node.entry ? node.name : `${node.name}/`;
    io.out(`${'  '.repeat(depth - 1)}${label}  ${formatBytes(node.size)}${node.entry ? '' : ` (${node.files} files)`}`);
  }
  // Explicit stack instead of recursion: deep trees print fine.
  const stack: Array<[TreeNode, number]> = [...node.children.values()].reverse().map((c) => [c, depth + 1]);
  while (stack.length > 0) {
    const [n, d] = stack.pop() as [TreeNode, number];
    const label = n.entry ? n.name : `${n.name}/`;
    io.out(`${'  '.repeat(d - 1)}${label}  ${formatBytes(n.size)}${n.entry ? '' : ` (${n.files} files)`}`);
    for (const c of [...n.children.values()].reverse()) stack.push([c, d + 1]);
  }
}

function formatBytes(n: number): string {
  return `${n.toLocaleString('en-US')} B`;
}

async function diffCommand(values: Values, name: string, io: Io): Promise<number> {
  const from = str(values, 'from');
  const d = await registryFrom(values).diff(name, { to: str(values, 'to') ?? 'latest', ...(from === undefined ? {} : { from }) });
  if (values.json) {
    io.out(JSON.stringify(d, null, 2));
    return EXIT.ok;
  }
  io.out(`${name}: ${d.from} -> ${d.to}`);
  for (const k of d.added) io.out(`+ ${k}`);
  for (const k of d.modified) io.out(`~ ${k}`);
  for (const k of d.deleted) io.out(`- ${k}`);
  io.out(`${d.added.length} added, ${d.modified.length} modified, ${d.deleted.length} deleted`);
  return EXIT.ok;
}

async function verifyCommand(values: Values, positionals: string[], io: Io): Promise<number> {
  const file = str(values, 'manifest');
  let report: VerifyReport;
  let label: string;
  if (file !== undefined) {
    if (positionals.length > 0) throw new UsageError('give either a package name or --manifest <file>, not both, for example "quilt-e2e package verify --manifest ./m.jsonl"');
    const manifest = await readManifestFile(file);
    const named = /^[0-9a-f]{64}$/.test(basename(file)) ? basename(file) : undefined;
    const expected = str(values, 'expect') ?? named;
    const needsS3 = manifest.entries.some((e) => e.physicalKey.startsWith('s3://'));
    const store = needsS3 ? new S3Store(connect(values).client) : undefined;
    report = await verifyManifest(manifest, store, expected === undefined ? {} : { expectedTopHash: expected });
    label = file;
  } else {
    const name = onePackage(positionals, 'verify');
    report = await registryFrom(values).verify(name, str(values, 'ref') ?? 'latest');
    label = `${name}@${report.expectedTopHash ?? report.actualTopHash}`;
  }
  if (values.json) io.out(JSON.stringify(report, null, 2));
  else printReport(label, report, io);
  return report.ok ? EXIT.ok : EXIT.mismatch;
}

function printReport(label: string, r: VerifyReport, io: Io): void {
  for (const f of r.failures) io.out(`MISMATCH ${f.logicalKey}: ${f.problem ?? 'hash mismatch'}${f.actual ? ` (expected ${f.expected}, got ${f.actual})` : ''}`);
  if (!r.topHashOk) io.out(`MISMATCH top hash: expected ${r.expectedTopHash}, computed ${r.actualTopHash}`);
  const verdict = r.ok ? 'OK' : 'FAILED';
  io.out(`${verdict} ${label}: ${r.entries.length - r.failures.length}/${r.entries.length} files verified, top hash ${r.actualTopHash}${r.topHashOk ? (r.expectedTopHash ? ' matches' : '') : ' differs'}`);
}

async function listCommand(values: Values, positionals: string[], io: Io): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`"package list" takes no arguments, got "${positionals.join(' ')}": use --namespace <user> to filter, for example --namespace team`);
  const namespace = str(values, 'namespace');
  const names = await registryFrom(values).list(namespace === undefined ? {} : { namespace });
  if (values.json) io.out(JSON.stringify(names));
  else for (const n of names) io.out(n);
  return EXIT.ok;
}

async function revisionsCommand(values: Values, name: string, io: Io): Promise<number> {
  const registry = registryFrom(values);
  const [revs, latest] = await Promise.all([registry.revisions(name), registry.latestHash(name)]);
  if (revs.length === 0 && latest === undefined) throw new QuiltNotFoundError(`Package ${name} does not exist in ${registry.uri}`);
  if (values.json) {
    io.out(JSON.stringify({ latest: latest ?? null, revisions: revs.map((r) => ({ timestamp: r.timestamp, date: r.date.toISOString(), hash: r.hash })) }));
    return EXIT.ok;
  }
  for (const r of revs) io.out(`${r.timestamp}  ${r.date.toISOString()}  ${r.hash}${r.hash === latest ? '  (latest)' : ''}`);
  return EXIT.ok;
}

// ---- errors ---------------------------------------------------------------------------------

export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError || e instanceof QuiltValidationError || e instanceof QuiltManifestError || e instanceof QuiltConflictError) return EXIT.badInput;
  if (e instanceof QuiltNotFoundError) return EXIT.notFound;
  if (e instanceof QuiltServiceError || e instanceof QuiltError) return EXIT.service;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR' || code === 'EISDIR') return EXIT.badInput;
  return EXIT.service;
}

function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const kind = e instanceof UsageError || e instanceof QuiltError ? '' : `${(e as Error)?.name ?? 'Error'}: `;
  return `${kind}${msg}`.replace(/\s*\n\s*/g, ' ');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runPackageCli(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
