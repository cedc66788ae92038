/**
 * Performance figures of `@performance` scenarios, carried in the run's own record.
 *
 * Convention: a scenario attaches one JSON document per figure, with the media type
 * `application/vnd.quilt-e2e.measurement+json` and a body like
 *   {"name": "push a 100-file package", "value": 1.23, "unit": "s", "budget": 5, "target": "local"}
 * - name:   what was measured, in business words (unique within the scenario)
 * - value:  the figure (a finite number)
 * - unit:   its unit ("s", "ms", "MB/s", "files/s", ...)
 * - budget: optional; the largest acceptable value (lower is better)
 * - target: optional; where it was measured ("local" or "quilt")
 *
 * In a step: `attachMeasurement(this, { name, value, unit, budget, target: this.target.kind })`.
 * The run summary (scripts/report-summary.ts) and the living documentation (reports/index.html)
 * read them back with `measurementsOf` / `parseMeasurement`. The scenario itself decides whether
 * going over budget fails it; the reports only show the verdict.
 */

export const MEASUREMENT_MEDIA_TYPE = 'application/vnd.quilt-e2e.measurement+json';

export interface Measurement {
  name: string;
  value: number;
  unit: string;
  budget?: number;
  target?: string;
}

/** Anything with cucumber's `World#attach` (the World itself, in a step or hook). */
export interface Attacher {
  attach(data: string, mediaType: string): unknown;
}

export class MeasurementError extends Error {
  override name = 'MeasurementError';
}

/** Checks a measurement and returns it with only the known fields, or throws a MeasurementError naming what is wrong. */
export function validateMeasurement(raw: unknown): Measurement {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new MeasurementError('a measurement must be a JSON object like {"name": "...", "value": 1.23, "unit": "s"}');
  const o = raw as Record<string, unknown>;
  if (typeof o.name !== 'string' || !o.name.trim()) throw new MeasurementError('"name" must be a non-empty string');
  if (typeof o.value !== 'number' || !Number.isFinite(o.value)) throw new MeasurementError(`"value" of "${o.name}" must be a finite number, not ${JSON.stringify(o.value)}`);
  if (typeof o.unit !== 'string' || !o.unit.trim()) throw new MeasurementError(`"unit" of "${o.name}" must be a non-empty string such as "s"`);
  if (o.budget !== undefined && (typeof o.budget !== 'number' || !Number.isFinite(o.budget))) throw new MeasurementError(`"budget" of "${o.name}" must be a finite number when given, not ${JSON.stringify(o.budget)}`);
  if (o.target !== undefined && typeof o.target !== 'string') throw new MeasurementError(`"target" of "${o.name}" must be a string when given`);
  return {
    name: o.name,
    value: o.value,
    unit: o.unit,
    ...(o.budget !== undefined ? { budget: o.budget as number } : {}),
    ...(o.target !== undefined ? { target: o.target as string } : {}),
  };
}

/** Attaches a measurement to the running scenario (validated first, so a bad figure fails the step that made it). */
export function attachMeasurement(world: Attacher, m: Measurement): void {
  const valid = validateMeasurement(m);
  world.attach(JSON.stringify(valid), MEASUREMENT_MEDIA_TYPE);
}

/** Parses the body of a measurement attachment (as stored in the message stream). Throws MeasurementError when it is not one. */
export function parseMeasurement(body: string, contentEncoding: string = 'IDENTITY'): Measurement {
  const text = contentEncoding === 'BASE64' ? Buffer.from(body, 'base64').toString('utf8') : body;
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (e) {
    throw new MeasurementError(`not JSON: ${(e as Error).message}`);
  }
  return validateMeasurement(raw);
}

export interface AttachmentLike { mediaType: string; body: string; contentEncoding?: string }

export interface MeasurementsFound { measurements: Measurement[]; problems: string[] }

/** The measurements among a scenario's attachments, and a description of each malformed one. */
export function measurementsOf(attachments: readonly AttachmentLike[]): MeasurementsFound {
  const found: MeasurementsFound = { measurements: [], problems: [] };
  for (const a of attachments) {
    if (a.mediaType !== MEASUREMENT_MEDIA_TYPE) continue;
    try { found.measurements.push(parseMeasurement(a.body, a.contentEncoding)); } catch (e) {
      found.problems.push(`malformed measurement attachment: ${(e as Error).message}`);
    }
  }
  return found;
}

export type Verdict = 'within budget' | 'over budget' | 'no budget';

export function verdict(m: Measurement): Verdict {
  if (m.budget === undefined) return 'no budget';
  return m.value <= m.budget ? 'within budget' : 'over budget';
}

/** A figure for people: at most 3 significant decimals, no trailing zeros, with its unit. */
export function formatFigure(value: number, unit: string): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return `${Number(value.toFixed(digits))} ${unit}`;
}
