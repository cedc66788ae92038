/**
 * bucketSetTabulatorTable and bucketRenameTabulatorTable (Quilt's schema, also under `admin`): a
 * Tabulator table's config written to (or removed from, or moved within) .quilt/tabulator/, and its
 * SQL view rebuilt at once.
 */
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { parseTabulatorConfig, TabulatorConfigError } from '../../../sql/tabulator-config.js';
import { stackTabulator, TabulatorError } from '../../../sql/tabulator.js';
import { TABULATOR_PREFIX } from './bucket-view.js';
import { bucketConfig } from './views.js';
import { invalidInput, operationError, requireRead, writeFailure, type Args, type GqlContext } from './common.js';

const TABLE_NAME_RE = /^[a-z0-9_][a-z0-9_-]{0,127}$/;

const badName = (path: string, table: string) => invalidInput([{ path, name: 'ValidationError', message: `table name ${JSON.stringify(table)} must be lowercase letters, digits, "_" or "-" (up to 128), for example "sales_2024"` }]);

async function refresh(bucket: string, table: string, yaml: string | null) {
  try {
    await stackTabulator().refreshTable(bucket, table, { force: true, yaml });
    return null;
  } catch (e) {
    if (e instanceof TabulatorError) return operationError('TabulatorError', e.message);
    throw e;
  }
}

export const tabulatorResolvers = {
  bucketRenameTabulatorTable: async (a: Args, g: GqlContext) => {
    const bucket = String(a.bucketName);
    const [from, to] = [String(a.tableName), String(a.newTableName)];
    await requireRead(g, bucket);
    if (!TABLE_NAME_RE.test(to)) return badName('newTableName', to);
    const s3 = g.ctx.clients.for(g.user);
    let yaml: string;
    try {
      yaml = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${TABULATOR_PREFIX}${from}.yml` }))).Body!.transformToString('utf8');
    } catch (e) {
      const f = writeFailure(e);
      return f.name === 'NoSuchKey' || f.name === 'NotFound' ? invalidInput([{ path: 'tableName', name: 'TableNotFound', message: `bucket ${bucket} has no Tabulator table ${JSON.stringify(from)}` }]) : f;
    }
    if (from === to) return bucketConfig(g, bucket);
    // Another table's config is never overwritten by a rename.
    const taken = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `${TABULATOR_PREFIX}${to}.yml` })).then(() => true, (e: unknown) => {
      const f = writeFailure(e);
      if (f.name === 'NotFound' || f.name === 'NoSuchKey') return false;
      throw e;
    });
    if (taken) return invalidInput([{ path: 'newTableName', name: 'TableExists', message: `bucket ${bucket} has a Tabulator table ${JSON.stringify(to)} already: rename or remove it first` }]);
    try {
      // The new name first, then the old one goes: a failure in between leaves the table under both names, never under none.
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${TABULATOR_PREFIX}${to}.yml`, Body: Buffer.from(yaml, 'utf8'), ContentType: 'application/yaml' }));
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${TABULATOR_PREFIX}${from}.yml` }));
    } catch (e) {
      return writeFailure(e);
    }
    return await refresh(bucket, to, yaml) ?? await refresh(bucket, from, null) ?? bucketConfig(g, bucket);
  },

  bucketSetTabulatorTable: async (a: Args, g: GqlContext) => {
    const bucket = String(a.bucketName);
    const table = String(a.tableName);
    await requireRead(g, bucket);
    if (!TABLE_NAME_RE.test(table)) return badName('tableName', table);
    const key = `${TABULATOR_PREFIX}${table}.yml`;
    const s3 = g.ctx.clients.for(g.user);
    try {
      if (a.config === null || a.config === undefined) {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } else {
        try {
          parseTabulatorConfig(String(a.config), table);
        } catch (e) {
          if (!(e instanceof TabulatorConfigError)) throw e;
          return invalidInput(e.problems.map((p) => ({
            path: p.path ? `config.${p.path}` : 'config', name: 'ValidationError',
            message: `${p.line !== undefined ? `line ${p.line}, column ${p.column}: ` : ''}${p.message}`,
          })));
        }
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(String(a.config), 'utf8'), ContentType: 'application/yaml' }));
      }
    } catch (e) {
      return writeFailure(e);
    }
    // The SQL side follows at once: the table's view is (re)built or dropped on Trino.
    return await refresh(bucket, table, a.config == null ? null : String(a.config)) ?? bucketConfig(g, bucket);
  },
};
