/**
 * Quilt's preview services, as a Quilt stack's API gateway answers the web catalog's file pages
 * (Quilt's lambdas `preview` and `tabular_preview`): the app signs a URL of the object for S3's
 * AWS host and asks for its head —
 *   GET <api>/preview?url=&input=txt|bed[&max_bytes=][&line_count=][&compression=gz]
 *       → {info: {data: {head: [lines], tail: []}}, html: ""}
 *   GET <api>/tabular-preview?url=&input=csv|tsv|jsonl[&size=small|medium|large][&compression=gz]
 *       → the first rows as CSV (gzip), X-Quilt-Info {"truncated": bool}
 * The object is read through the signed URL itself (the signature checked as S3 checks it, then
 * read from the stack's S3 with the signer's own credentials: the person's access decides). Quilt
 * answers a CSV with Arrow; the app takes CSV text as well (Quilt answers JSONL, Excel and Parquet
 * that way). Inputs the local stack does not preview (excel, parquet, h5ad, fcs, ipynb, vcf, csv
 * on /preview) get a 400 that names the ones it does.
 */
import { gunzipSync, gzipSync, constants as zlib } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/** Quilt's limits (lambdas/shared preview.py, tabular_preview): bytes scanned and lines kept for a text preview; CSV bytes per size. */
export const TEXT_MAX_BYTES = 1024 * 1024;
export const TEXT_MAX_LINES = 512;
export const TABULAR_SIZES = { small: 100_000, medium: 500_000, large: 4_000_000 } as const;
export const TEXT_INPUTS = ['txt', 'bed'] as const;
export const TABULAR_INPUTS = ['csv', 'tsv', 'jsonl'] as const;

export class PreviewError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

/** The object's first bytes as text, decompressed when `compression` is gz (a cut-off gzip stream gives what it holds). */
export function decompressed(body: Buffer, compression: string | undefined): Buffer {
  if (compression === undefined) return body;
  if (compression !== 'gz') throw new PreviewError(400, `compression=${compression} is not one of: gz`);
  try {
    return gunzipSync(body, { finishFlush: zlib.Z_SYNC_FLUSH });
  } catch (e) {
    throw new PreviewError(400, `the object is not gzip data (compression=gz): ${(e as Error).message}`);
  }
}

/**
 * The lines that lie wholly within the first `maxBytes` bytes of `data`, at most `maxLines` of them;
 * `more`: the object goes on past `data`. A first line longer than `maxBytes` is kept, cut (as
 * Quilt keeps one line rather than none).
 */
export function headLines(data: Buffer, maxBytes: number, maxLines: number, more = false): string[] {
  let text = data.subarray(0, maxBytes).toString('utf8');
  if (more || data.length > maxBytes) {
    const end = text.lastIndexOf('\n');
    if (end >= 0) text = text.slice(0, end + 1);
  }
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(0, maxLines);
}

/** A whole-number query value within bounds, or the default; a clear 400 otherwise. */
export function intArg(name: string, raw: string | undefined, dflt: number, min: number, max: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new PreviewError(400, `Unexpected ${name}= value: ${JSON.stringify(raw)}; give a whole number from ${min} to ${max}`);
  return n;
}

/** The text preview's answer for `txt`/`bed`. */
export function textPreview(data: Buffer, maxBytes: number, maxLines: number, more: boolean): { info: { data: { head: string[]; tail: string[] } }; html: string } {
  return { info: { data: { head: headLines(data, maxBytes, maxLines, more), tail: [] } }, html: '' };
}

/**
 * The first rows of a table as CSV, at most `maxBytes` of it (whole rows), and whether rows were
 * left out. `data` is what was read of the object: `more` when the object goes on past it.
 */
export function tabularPreview(data: Buffer, input: (typeof TABULAR_INPUTS)[number], maxBytes: number, more: boolean): { csv: string; truncated: boolean } {
  // Whole lines only: the read may have cut the last one.
  let text = data.toString('utf8');
  let truncated = more;
  if (more) text = text.slice(0, text.lastIndexOf('\n') + 1);
  let csv: string;
  if (input === 'csv') {
    csv = text;
  } else if (input === 'tsv') {
    const rows = parse(text, { delimiter: '\t', relax_column_count: true, relax_quotes: true, skip_empty_lines: true }) as string[][];
    csv = stringify(rows);
  } else {
    const records = text.split('\n').filter((l) => l.trim()).map((l, i) => {
      try { return JSON.parse(l) as unknown; } catch (e) { throw new PreviewError(400, `line ${i + 1} of the JSONL file is not JSON: ${(e as Error).message}`); }
    });
    const columns = [...new Set(records.flatMap((r) => (r && typeof r === 'object' && !Array.isArray(r) ? Object.keys(r) : ['value'])))];
    const cell = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
    csv = stringify([columns, ...records.map((r) => columns.map((c) => cell(r && typeof r === 'object' && !Array.isArray(r) ? (r as Record<string, unknown>)[c] : c === 'value' ? r : undefined)))]);
  }
  if (Buffer.byteLength(csv) > maxBytes) {
    const cut = Buffer.from(csv).subarray(0, maxBytes).toString('utf8');
    csv = cut.slice(0, cut.lastIndexOf('\n') + 1);
    truncated = true;
  }
  return { csv, truncated };
}

export const gzipped = (text: string): Buffer => gzipSync(Buffer.from(text));
