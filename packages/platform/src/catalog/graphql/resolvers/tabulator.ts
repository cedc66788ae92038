/** bucketSetTabulatorTable (Quilt's schema): a Tabulator table's config written to (or removed from) .quilt/tabulator/, and its SQL view rebuilt. */
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { parseTabulatorConfig, TabulatorConfigError } from '../../../sql/tabulator-config.js';
import { stackTabulator, TabulatorError } from '../../../sql/tabulator.js';
import { bucketConfig, TABULATOR_PREFIX } from './bucket-view.js';
import { invalidInput, operationError, requireRead, writeFailure, type Args, type GqlContext } from './common.js';

const TABLE_NAME_RE = /^[a-z0-9_][a-z0-9_-]{0,127}$/;

export const tabulatorResolvers = {
  bucketSetTabulatorTable: async (a: Args, g: GqlContext) => {
    const bucket = String(a.bucketName);
    const table = String(a.tableName);
    await requireRead(g, bucket);
    if (!TABLE_NAME_RE.test(table)) return invalidInput([{ path: 'tableName', name: 'ValidationError', message: `table name ${JSON.stringify(table)} must be lowercase letters, digits, "_" or "-" (up to 128), for example "sales_2024"` }]);
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
    try {
      await stackTabulator().refreshTable(bucket, table, { force: true, yaml: a.config == null ? null : String(a.config) });
    } catch (e) {
      if (e instanceof TabulatorError) return operationError('TabulatorError', e.message);
      throw e;
    }
    return bucketConfig(g, bucket);
  },
};
