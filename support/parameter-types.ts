/**
 * The domain words features use: personas and durations.
 *   {persona}  Dana (data manager: reads and writes the test bucket), Rita (reader: read-only),
 *              Otto (outsider: no access to the test bucket)
 *   {duration} "5 minutes", "30 seconds", "2 hours", "500 milliseconds"
 */
import { defineParameterType } from '@cucumber/cucumber';
import type { PersonaRole } from './target.js';

export const PERSONAS: Record<string, PersonaRole> = { Dana: 'admin', Rita: 'reader', Otto: 'outsider' };

defineParameterType({
  name: 'persona',
  regexp: /Dana|Rita|Otto/,
  transformer: (name: string): PersonaRole => PERSONAS[name]!,
});

const UNIT_MS: Record<string, number> = { millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000 };

defineParameterType({
  name: 'duration',
  regexp: /\d+(?:\.\d+)? (?:milliseconds?|seconds?|minutes?|hours?)/,
  transformer: (text: string): number => {
    const [n, unit] = text.split(' ') as [string, string];
    return Number(n) * UNIT_MS[unit.replace(/s$/, '')]!;
  },
});
