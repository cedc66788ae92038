/** Lists written in one step argument: "a.csv, b.csv" (and, where a step allows it, "a.csv and b.csv"). */
export function splitList(text: string, options: { and?: boolean } = {}): string[] {
  return text.split(options.and ? /,| and / : /,/).map((s) => s.trim().replace(/^"|"$/g, '')).filter(Boolean);
}

/** Text to be matched literally inside a regular expression. */
export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A data-table cell's text with its escapes read: `\n` a new line, `\t` a tab. */
export const unescapeCell = (s: string): string => s.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
