/**
 * The CI gates on the Gherkin: each finds problems with a place (file:line:column), what is wrong
 * and how to fix it. Pure functions of the parsed feature files and the step catalog, so they can
 * be run on any set of features (the project's, or bad examples in a temporary folder).
 *
 * Gates:
 *   parse        the file is valid Gherkin
 *   undefined    every step matches a step definition (dry run, strict) — in @wip scenarios only a note
 *   ambiguous    no step matches more than one step definition
 *   unused       every step definition is used by some feature (@wip ones count)
 *   tags         only tags of the vocabulary (support/reporting/tags.ts)
 *   flaky        a @flaky scenario links to the issue that explains it
 *   indentation  two spaces per level, no tabs: Feature at column 1; Rule, Background, Scenario at 3
 *                (5 inside a Rule); steps and Examples 2 deeper than their scenario; tables and doc
 *                strings 2 deeper than their step or Examples; tags at the column of what they tag.
 *                Each line is measured against where its parent actually is, so one misplaced
 *                scenario gives one message. (The Cucumber VS Code extension formats files this way.)
 *   names        every scenario has a name, unique in its feature and in the suite (--name runs one)
 *   sleeps       no fixed waits ("wait 5 seconds"): say what must happen and poll with eventually()
 */
import type * as Messages from '@cucumber/messages';
import { scenariosOf, type FeatureFile } from './feature-files.js';
import type { StepCatalog } from './step-catalog.js';
import { closestTag, KNOWN_TAGS } from './tags.js';

export const GATES = ['parse', 'undefined', 'ambiguous', 'unused', 'tags', 'flaky', 'indentation', 'names', 'sleeps'] as const;
export type Gate = (typeof GATES)[number];

export interface Problem {
  gate: Gate;
  uri: string;
  line: number;
  column?: number;
  /** What is wrong, in one sentence. */
  what: string;
  /** How to fix it. */
  fix: string;
  /** Extra lines shown under the problem (a snippet to paste, the definitions that compete). */
  detail?: string;
  /** Reported but not failing (an undefined step of a @wip scenario). */
  note?: boolean;
}

const STEP_HELP = 'use a phrase from docs/step-glossary.md (same words, your values), or ask a programmer to define this one';

export function checkParse(files: readonly FeatureFile[]): Problem[] {
  return files.flatMap((f) => f.parseErrors.map((e) => ({
    gate: 'parse' as const, uri: f.uri, line: e.line, ...(e.column ? { column: e.column } : {}),
    what: `not valid Gherkin: ${e.message}`,
    fix: 'compare with a working feature under features/: keywords end with ":", table rows start and end with "|", every step starts with Given/When/Then/And/But',
  })));
}

export function checkUndefined(c: StepCatalog): Problem[] {
  return c.undefinedSteps.map((u) => ({
    gate: 'undefined' as const, uri: u.uri, line: u.line, note: u.wip,
    what: `no step definition matches this step${u.wip ? ' (in a @wip scenario: allowed until the tag is removed)' : ''}: ${u.keyword.trim()} ${u.text}`,
    fix: `${STEP_HELP}; a programmer pastes this into step_definitions/<capability>.steps.ts and makes it call a task:`,
    ...(u.snippet ? { detail: u.snippet } : {}),
  }));
}

export function checkAmbiguous(c: StepCatalog): Problem[] {
  return c.ambiguousSteps.map((a) => ({
    gate: 'ambiguous' as const, uri: a.uri, line: a.line,
    what: `${a.defs.length} step definitions match this step, so cucumber cannot tell which to run: ${a.keyword.trim()} ${a.text}`,
    fix: 'make the phrases different (reword one step definition, or remove the duplicate); the competing definitions are:',
    detail: a.defs.map((d) => `${d.uri}:${d.line}  ${d.isRegExp ? `/${d.expression}/` : d.expression}`).join('\n'),
  }));
}

export function checkUnused(c: StepCatalog): Problem[] {
  return c.stepDefinitions.filter((d) => d.usages.length === 0).map((d) => ({
    gate: 'unused' as const, uri: d.uri, line: d.line,
    what: `the step definition "${d.isRegExp ? `/${d.expression}/` : d.expression}" is used by no feature`,
    fix: 'remove it, or use it in a scenario (a scenario tagged @wip counts); then regenerate the glossary: npx tsx scripts/glossary.ts',
  }));
}

function allTags(doc: Messages.GherkinDocument): Messages.Tag[] {
  const f = doc.feature;
  if (!f) return [];
  const out = [...f.tags];
  const scenario = (s: Messages.Scenario): void => { out.push(...s.tags); for (const e of s.examples) out.push(...e.tags); };
  for (const c of f.children) {
    if (c.scenario) scenario(c.scenario);
    if (c.rule) { out.push(...c.rule.tags); for (const rc of c.rule.children) if (rc.scenario) scenario(rc.scenario); }
  }
  return out;
}

export function checkTags(files: readonly FeatureFile[]): Problem[] {
  const out: Problem[] = [];
  for (const f of files) {
    if (!f.doc) continue;
    for (const t of allTags(f.doc)) {
      if (KNOWN_TAGS.has(t.name)) continue;
      const near = closestTag(t.name);
      out.push({
        gate: 'tags', uri: f.uri, line: t.location.line, column: t.location.column,
        what: `unknown tag ${t.name}${near ? ` (did you mean ${near}?)` : ''}`,
        fix: `use a tag of the vocabulary (${[...KNOWN_TAGS].join(' ')}); a new tag is added, with its meaning, in support/reporting/tags.ts`,
      });
    }
  }
  return out;
}

export function checkFlaky(files: readonly FeatureFile[]): Problem[] {
  const out: Problem[] = [];
  for (const f of files) {
    if (!f.doc) continue;
    for (const { scenario } of scenariosOf(f.doc)) {
      const tag = scenario.tags.find((t) => t.name === '@flaky');
      if (!tag) continue;
      const firstTagLine = Math.min(...scenario.tags.map((t) => t.location.line));
      const nearComments = f.doc.comments.filter((c) => c.location.line >= firstTagLine - 3 && c.location.line <= scenario.location.line).map((c) => c.text);
      if ([scenario.description, ...nearComments].some((t) => /https?:\/\/\S+/.test(t))) continue;
      out.push({
        gate: 'flaky', uri: f.uri, line: tag.location.line, column: tag.location.column,
        what: `@flaky on "${scenario.name}" without a link to the issue that explains it`,
        fix: 'add a comment above the tags, e.g. "# flaky: https://github.com/<org>/<repo>/issues/123 (search index lags under load)", or remove @flaky and fix the cause',
      });
    }
  }
  return out;
}

export function checkIndentation(files: readonly FeatureFile[]): Problem[] {
  const out: Problem[] = [];
  for (const f of files) {
    f.source.split('\n').forEach((l, i) => {
      const lead = /^[ \t]*/.exec(l)![0];
      if (lead.includes('\t')) out.push({ gate: 'indentation', uri: f.uri, line: i + 1, column: lead.indexOf('\t') + 1, what: 'a tab in the indentation', fix: 'indent with spaces only (two per level); set your editor to insert spaces in .feature files' });
    });
    const doc = f.doc;
    if (!doc?.feature) continue;
    const seen = new Set<number>();
    // Each element is expected 2 columns deeper than where its parent actually is, so one
    // misplaced line gives one message (not one for every line below it).
    const expect = (line: number, column: number, want: number, what: string, parent?: string): void => {
      if (column === want || seen.has(line)) return;
      seen.add(line);
      out.push({
        gate: 'indentation', uri: f.uri, line, column,
        what: `${what} starts at column ${column}, expected column ${want}${parent ? ` (${parent})` : ''}`,
        fix: `start it at column ${want} (${want - 1} spaces): two spaces per level, like the rest of the suite`,
      });
    };
    const col = (loc: Messages.Location): number => loc.column ?? 0;
    const tags = (list: readonly Messages.Tag[], at: number, of: string): void => {
      const firstOfLine = new Map<number, Messages.Tag>();
      for (const t of list) if ((firstOfLine.get(t.location.line)?.location.column ?? Infinity) > col(t.location)) firstOfLine.set(t.location.line, t);
      for (const t of firstOfLine.values()) expect(t.location.line, col(t.location), at, `the tags of a ${of}`, `the column of the ${of} they tag`);
    };
    const stepsOf = (steps: readonly Messages.Step[], parent: Messages.Location, parentKw: string): void => {
      for (const s of steps) {
        expect(s.location.line, col(s.location), col(parent) + 2, `the step "${s.keyword.trim()} ${s.text}"`, `2 spaces deeper than the ${parentKw} at line ${parent.line}`);
        for (const r of s.dataTable?.rows ?? []) expect(r.location.line, col(r.location), col(s.location) + 2, 'a table row', `2 spaces deeper than its step at line ${s.location.line}`);
        if (s.docString) expect(s.docString.location.line, col(s.docString.location), col(s.location) + 2, 'a doc string', `2 spaces deeper than its step at line ${s.location.line}`);
      }
    };
    const scenario = (sc: Messages.Scenario, want: number, parent: string): void => {
      expect(sc.location.line, col(sc.location), want, `"${sc.keyword}: ${sc.name}"`, parent);
      tags(sc.tags, col(sc.location), sc.keyword);
      stepsOf(sc.steps, sc.location, sc.keyword);
      for (const ex of sc.examples) {
        expect(ex.location.line, col(ex.location), col(sc.location) + 2, `"${ex.keyword}:"`, `2 spaces deeper than the ${sc.keyword} at line ${sc.location.line}`);
        tags(ex.tags, col(ex.location), ex.keyword);
        for (const r of [...(ex.tableHeader ? [ex.tableHeader] : []), ...ex.tableBody]) expect(r.location.line, col(r.location), col(ex.location) + 2, 'an examples row', `2 spaces deeper than "${ex.keyword}:" at line ${ex.location.line}`);
      }
    };
    const background = (b: Messages.Background, want: number, parent: string): void => {
      expect(b.location.line, col(b.location), want, `"${b.keyword}:"`, parent);
      stepsOf(b.steps, b.location, b.keyword);
    };
    const feature = doc.feature;
    expect(feature.location.line, col(feature.location), 1, `"${feature.keyword}:"`);
    tags(feature.tags, col(feature.location), feature.keyword);
    const underFeature = `2 spaces deeper than "${feature.keyword}:"`;
    for (const c of feature.children) {
      if (c.background) background(c.background, col(feature.location) + 2, underFeature);
      if (c.scenario) scenario(c.scenario, col(feature.location) + 2, underFeature);
      if (c.rule) {
        const rule = c.rule;
        expect(rule.location.line, col(rule.location), col(feature.location) + 2, `"${rule.keyword}: ${rule.name}"`, underFeature);
        tags(rule.tags, col(rule.location), rule.keyword);
        const underRule = `2 spaces deeper than the ${rule.keyword} at line ${rule.location.line}`;
        for (const rc of rule.children) {
          if (rc.background) background(rc.background, col(rule.location) + 2, underRule);
          if (rc.scenario) scenario(rc.scenario, col(rule.location) + 2, underRule);
        }
      }
    }
  }
  return out.sort((a, b) => a.uri.localeCompare(b.uri) || a.line - b.line);
}

export function checkNames(files: readonly FeatureFile[]): Problem[] {
  const out: Problem[] = [];
  const suite = new Map<string, { uri: string; line: number }>();
  const norm = (n: string): string => n.trim().replace(/\s+/g, ' ').toLowerCase();
  for (const f of files) {
    if (!f.doc) continue;
    const inFeature = new Map<string, number>();
    for (const { scenario } of scenariosOf(f.doc)) {
      const key = norm(scenario.name);
      const at = { uri: f.uri, line: scenario.location.line };
      if (!key) {
        out.push({ gate: 'names', ...at, what: `a ${scenario.keyword} without a name`, fix: 'give it a title that states the outcome, e.g. "A shared link serves exactly the stored bytes"' });
        continue;
      }
      const here = inFeature.get(key);
      const elsewhere = suite.get(key);
      if (here !== undefined) {
        out.push({ gate: 'names', ...at, what: `the scenario name "${scenario.name.trim()}" is already used at line ${here} of this feature`, fix: 'rename one of them so each title states its own outcome (cucumber --name must find exactly one)' });
      } else if (elsewhere) {
        out.push({ gate: 'names', ...at, what: `the scenario name "${scenario.name.trim()}" is already used in ${elsewhere.uri}:${elsewhere.line}`, fix: 'rename one of them: names are unique in the whole suite, so a scenario can be run alone with --name and found in the reports' });
      }
      if (here === undefined) inFeature.set(key, scenario.location.line);
      if (!elsewhere) suite.set(key, at);
    }
  }
  return out;
}

const SLEEP = /\b(?:wait(?:s|ing)?|sleep(?:s|ing)?|pause(?:s|d|ing)?|delay(?:s|ed|ing)?)\b(?:\s+(?:for|about|around|another|at\s+least))*\s+(?:\d+(?:\.\d+)?|a|an|one|two|three|five|ten|few|some|several)\s*(?:more\s+)?(?:ms|milliseconds?|s|secs?|seconds?|mins?|minutes?|h|hours?|moments?)\b/i;

export function checkSleeps(files: readonly FeatureFile[]): Problem[] {
  const out: Problem[] = [];
  for (const f of files) {
    if (!f.doc?.feature) continue;
    const steps: Messages.Step[] = [];
    for (const c of f.doc.feature.children) {
      steps.push(...(c.background?.steps ?? []), ...(c.scenario?.steps ?? []));
      for (const rc of c.rule?.children ?? []) steps.push(...(rc.background?.steps ?? []), ...(rc.scenario?.steps ?? []));
    }
    for (const s of steps) {
      const m = SLEEP.exec(s.text);
      if (!m) continue;
      out.push({
        gate: 'sleeps', uri: f.uri, line: s.location.line, column: (s.location.column ?? 1) + s.keyword.length + m.index,
        what: `a fixed wait ("${m[0]}") in: ${s.keyword.trim()} ${s.text}`,
        fix: 'state the outcome instead and let its step poll until a deadline with eventually() (@quilt-e2e/test-kit), e.g. "Then Rita finds the package within 30 seconds" (style rule 8)',
      });
    }
  }
  return out;
}

/** Runs the gates (all but `skip`) and returns their problems, sorted by place. */
export function runGates(files: readonly FeatureFile[], catalog: StepCatalog | undefined, skip: ReadonlySet<string> = new Set()): Problem[] {
  const on = (g: Gate): boolean => !skip.has(g);
  const problems = [
    ...(on('parse') ? checkParse(files) : []),
    ...(catalog && on('undefined') ? checkUndefined(catalog) : []),
    ...(catalog && on('ambiguous') ? checkAmbiguous(catalog) : []),
    ...(catalog && on('unused') ? checkUnused(catalog) : []),
    ...(on('tags') ? checkTags(files) : []),
    ...(on('flaky') ? checkFlaky(files) : []),
    ...(on('indentation') ? checkIndentation(files) : []),
    ...(on('names') ? checkNames(files) : []),
    ...(on('sleeps') ? checkSleeps(files) : []),
  ];
  return problems.sort((a, b) => a.uri.localeCompare(b.uri) || a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
}

export function formatProblem(p: Problem): string {
  const lines = [`${p.uri}:${p.line}${p.column ? `:${p.column}` : ''}  [${p.gate}]${p.note ? ' (note)' : ''} ${p.what}`, `    fix: ${p.fix}`];
  if (p.detail) lines.push(...p.detail.split('\n').map((l) => `      ${l}`));
  return lines.join('\n');
}
