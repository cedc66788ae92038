/** Request members checked the way AWS's JSON services check them, with errors that name the member and the right form. */
import { AwsError, type AwsErrorCode } from './errors.js';

export class Input {
  constructor(private readonly body: Record<string, unknown>, private readonly errorCode: AwsErrorCode, private readonly extra: Record<string, unknown> = {}) {}

  private fail(message: string): never {
    throw new AwsError(this.errorCode, `1 validation error detected: ${message}`, this.extra);
  }

  str(name: string, o: { required?: boolean; min?: number; max?: number; pattern?: RegExp; example?: string } = {}): string | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) {
      if (o.required) this.fail(`Value null at '${name}' failed to satisfy constraint: Member must not be null${o.example ? ` (for example ${JSON.stringify(o.example)})` : ''}`);
      return undefined;
    }
    if (typeof v !== 'string') this.fail(`Value ${JSON.stringify(v)} at '${name}' failed to satisfy constraint: Member must be a string`);
    if (o.min !== undefined && v.length < o.min) this.fail(`Value at '${name}' failed to satisfy constraint: Member must have length greater than or equal to ${o.min}`);
    if (o.max !== undefined && v.length > o.max) this.fail(`Value at '${name}' failed to satisfy constraint: Member must have length less than or equal to ${o.max}`);
    if (o.pattern && !o.pattern.test(v)) this.fail(`Value ${JSON.stringify(v.slice(0, 100))} at '${name}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${o.pattern.source}`);
    return v;
  }

  int(name: string, o: { min: number; max: number }): number | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(`Value ${JSON.stringify(v)} at '${name}' failed to satisfy constraint: Member must be a whole number`);
    if (v < o.min) this.fail(`Value '${v}' at '${name}' failed to satisfy constraint: Member must have value greater than or equal to ${o.min}`);
    if (v > o.max) this.fail(`Value '${v}' at '${name}' failed to satisfy constraint: Member must have value less than or equal to ${o.max}`);
    return v;
  }

  obj(name: string): Input | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) this.fail(`Value at '${name}' failed to satisfy constraint: Member must be an object`);
    return new Input(v as Record<string, unknown>, this.errorCode, this.extra);
  }

  strings(name: string, o: { max: number }): string[] | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) this.fail(`Value at '${name}' failed to satisfy constraint: Member must be a list of strings`);
    if (v.length > o.max) this.fail(`Value at '${name}' failed to satisfy constraint: Member must have length less than or equal to ${o.max}`);
    return v as string[];
  }
}
