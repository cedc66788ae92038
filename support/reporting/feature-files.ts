/**
 * The feature files as written: found on disk and parsed with cucumber's own Gherkin parser, for
 * the living documentation and the CI gates (which need lines, columns, comments and descriptions
 * that the run's message stream does not keep for files it did not run).
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import * as Gherkin from '@cucumber/gherkin';
import * as Messages from '@cucumber/messages';

export interface FeatureFile {
  /** Path relative to the project root, with forward slashes (as cucumber reports it). */
  uri: string;
  source: string;
  doc?: Messages.GherkinDocument;
  /** Set when the file is not valid Gherkin. */
  parseErrors: { line: number; column?: number; message: string }[];
}

/** The capability a feature belongs to: its folder under features/ ("s3" for features/s3/x.feature). */
export function capabilityOf(uri: string): string {
  const parts = uri.split('/');
  const i = parts.indexOf('features');
  const rest = i >= 0 ? parts.slice(i + 1) : parts;
  return rest.length > 1 ? rest[0]! : '(top level)';
}

/**
 * Feature files under the given paths: directories (searched recursively), files, or cucumber
 * globs such as "features/**\/*.feature" (searched from the folder before the first wildcard).
 */
export function findFeatureFiles(cwd: string, paths: readonly string[]): string[] {
  const found = new Set<string>();
  const walk = (abs: string): void => {
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const f of readdirSync(abs).sort()) if (f !== 'node_modules' && !f.startsWith('.')) walk(join(abs, f));
    } else if (abs.endsWith('.feature')) found.add(abs);
  };
  for (const p of paths) {
    const wildcard = p.search(/[*?[{]/);
    const base = wildcard >= 0 ? p.slice(0, wildcard).replace(/[^/]*$/, '') || '.' : p;
    walk(resolve(cwd, base.replace(/:\d+(:\d+)*$/, '')));
  }
  return [...found].sort().map((abs) => relative(cwd, abs).split(sep).join('/'));
}

export function parseFeature(uri: string, source: string): FeatureFile {
  const newId = Messages.IdGenerator.incrementing();
  const parser = new Gherkin.Parser(new Gherkin.AstBuilder(newId), new Gherkin.GherkinClassicTokenMatcher());
  try {
    const doc = parser.parse(source);
    doc.uri = uri;
    return { uri, source, doc, parseErrors: [] };
  } catch (e) {
    const errors = (e as { errors?: { location?: { line: number; column?: number }; message: string }[] }).errors;
    const list = errors?.length ? errors : [{ message: (e as Error).message }];
    return {
      uri, source,
      parseErrors: list.map((x) => ({
        line: 'location' in x && x.location ? x.location.line : 1,
        ...('location' in x && x.location?.column ? { column: x.location.column } : {}),
        message: x.message.replace(/^\(\d+:\d+\):\s*/, ''),
      })),
    };
  }
}

export function loadFeatureFiles(cwd: string, paths: readonly string[]): FeatureFile[] {
  return findFeatureFiles(cwd, paths).map((uri) => parseFeature(uri, readFileSync(resolve(cwd, uri), 'utf8')));
}

/** A scenario (or outline) with where it sits: its rule, if any, and the tags it inherits. */
export interface ScenarioNode {
  scenario: Messages.Scenario;
  rule?: Messages.Rule;
  /** Tags of the feature, rule and scenario (examples' tags are on scenario.examples). */
  tags: string[];
}

export function scenariosOf(doc: Messages.GherkinDocument): ScenarioNode[] {
  const feature = doc.feature;
  if (!feature) return [];
  const featureTags = feature.tags.map((t) => t.name);
  const out: ScenarioNode[] = [];
  for (const child of feature.children) {
    if (child.scenario) out.push({ scenario: child.scenario, tags: [...featureTags, ...child.scenario.tags.map((t) => t.name)] });
    if (child.rule) {
      const ruleTags = child.rule.tags.map((t) => t.name);
      for (const rc of child.rule.children) {
        if (rc.scenario) out.push({ scenario: rc.scenario, rule: child.rule, tags: [...featureTags, ...ruleTags, ...rc.scenario.tags.map((t) => t.name)] });
      }
    }
  }
  return out;
}

/** The backgrounds that apply to a scenario: the feature's, then its rule's. */
export function backgroundsOf(doc: Messages.GherkinDocument, rule?: Messages.Rule): Messages.Background[] {
  const out: Messages.Background[] = [];
  for (const c of doc.feature?.children ?? []) if (c.background) out.push(c.background);
  for (const c of rule?.children ?? []) if (c.background) out.push(c.background);
  return out;
}

/** A feature's or scenario's description with the common indentation removed. */
export function dedent(text: string): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n').replace(/^\n+/, '');
}
