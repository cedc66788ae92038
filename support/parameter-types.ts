/**
 * The domain words features use: personas and durations.
 *   {persona}  Dana (data manager: reads and writes the test bucket), Rita (reader: read-only),
 *              Otto (outsider: no access to the test bucket)
 *   {duration} "5 minutes", "30 seconds", "2 hours", "500 milliseconds"
 *   {onOff}    "on" or "off" (a switch of the stack's settings) → true / false
 *   {documentationWay} "all at once" or "step by step" (how quilt-mcp's summary tools make a package's documentation)
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

defineParameterType({
  name: 'onOff',
  regexp: /on|off/,
  transformer: (text: string): boolean => text === 'on',
});

defineParameterType({
  name: 'documentationWay',
  regexp: /all at once|step by step/,
  transformer: (text: string): string => text,
});
