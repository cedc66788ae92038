/**
 * What the step definitions offer and where the features use them, from a dry run through
 * cucumber's own API: the same configuration (cucumber.mjs), the same support code and the same
 * matching rules as a real run, but no step is executed and no report file is written.
 *
 * The dry run covers every feature file whatever its tags (@wip included), so a step used only by
 * a work-in-progress scenario still counts as used. One dry run per process: cucumber's support
 * code is loaded through `import()`, which Node caches.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import type * as Messages from '@cucumber/messages';

export interface DryRunOptions {
  cwd?: string;
  /** Feature paths (dirs, files or globs); default: the `paths` of cucumber.mjs. */
  featurePaths?: string[];
  /** Support files to load in addition to those of cucumber.mjs. */
  extraImports?: string[];
  /** Snippet syntax module for undefined steps (default: ours, typed TypeScript). */
  snippetSyntax?: string;
}

export interface DryRun {
  envelopes: Messages.Envelope[];
  featurePaths: string[];
  cwd: string;
}

export const OUR_SNIPPET_SYNTAX = './support/reporting/snippet-syntax.ts';

export async function dryRun(opts: DryRunOptions = {}): Promise<DryRun> {
  const cwd = opts.cwd ?? process.cwd();
  const { runConfiguration } = await loadConfiguration({ profiles: [] }, { cwd });
  const featurePaths = opts.featurePaths ?? runConfiguration.sources.paths;
  runConfiguration.sources = { ...runConfiguration.sources, paths: featurePaths, tagExpression: '', names: [], order: 'defined' };
  delete runConfiguration.sources.shard;
  runConfiguration.support = {
    ...runConfiguration.support,
    importPaths: [...(runConfiguration.support.importPaths ?? []), ...(opts.extraImports ?? [])],
  };
  runConfiguration.runtime = { ...runConfiguration.runtime, dryRun: true, failFast: false, parallel: 0, retry: 0, strict: true };
  runConfiguration.formats = {
    stdout: 'summary',
    files: {},
    publish: false,
    options: { ...runConfiguration.formats.options, snippetSyntax: opts.snippetSyntax ?? OUR_SNIPPET_SYNTAX },
  };
  const sink = new Writable({ write(_chunk, _enc, done) { done(); } });
  const envelopes: Messages.Envelope[] = [];
  await runCucumber(runConfiguration, { cwd, stdout: sink, stderr: sink }, (e) => envelopes.push(e));
  return { envelopes, featurePaths, cwd };
}

export interface StepUsage {
  uri: string;
  line: number;
  /** The keyword as written ("Given ", "And ", ...). */
  keyword: string;
  /** The step's text as cucumber matched it (outline placeholders filled in). */
  text: string;
  scenario: string;
  /** Line of the examples row, for a step of a scenario outline. */
  exampleLine?: number;
  /** The data table under the step, if any (first rows only), or that it has a doc string. */
  table?: string[][];
  docString?: boolean;
  /** The scenario is tagged @wip (not run by default). */
  wip: boolean;
}

export type StepKeyword = 'Given' | 'When' | 'Then' | 'Step';

export interface StepDef {
  id: string;
  /** The phrase: a cucumber expression, or the source of a regular expression. */
  expression: string;
  isRegExp: boolean;
  uri: string;
  line: number;
  keyword: StepKeyword;
  /** Parameter types the phrase uses, in order ("persona", "string", ...; "" for {}). */
  parameters: string[];
  /** Every use, one per step line of a feature (a background step counts once). */
  usages: StepUsage[];
}

export interface ParamTypeDoc {
  name: string;
  builtin: boolean;
  regexps: string[];
  uri?: string;
  line?: number;
  /** From the doc comment of the file that defines it. */
  description?: string;
  /** The allowed values when the regexp is a list of words (e.g. Dana|Rita|Otto), with their meaning when documented. */
  values?: { value: string; meaning?: string }[];
  /** Distinct values the features actually use, sorted. */
  seen: string[];
}

export interface UndefinedStepUse extends StepUsage { snippet?: string }
export interface AmbiguousStepUse extends StepUsage { defs: StepDef[] }

export interface StepCatalog {
  stepDefinitions: StepDef[];
  parameterTypes: ParamTypeDoc[];
  undefinedSteps: UndefinedStepUse[];
  ambiguousSteps: AmbiguousStepUse[];
  /** Gherkin parse errors cucumber met (the gates report them from their own parse too). */
  parseErrors: { uri: string; line: number; message: string }[];
}

export const BUILTIN_PARAMETER_TYPES: Record<string, { regexp: string; description: string }> = {
  int: { regexp: '-?\\d+', description: 'a whole number, e.g. 10 or -3' },
  float: { regexp: '-?\\d*\\.?\\d+', description: 'a number, e.g. 1.5 or 42' },
  double: { regexp: '-?\\d*\\.?\\d+', description: 'a number, e.g. 1.5' },
  bigdecimal: { regexp: '-?\\d*\\.?\\d+', description: 'a decimal number kept exactly, e.g. 0.1' },
  biginteger: { regexp: '-?\\d+', description: 'a whole number of any size' },
  byte: { regexp: '-?\\d+', description: 'a whole number from -128 to 127' },
  short: { regexp: '-?\\d+', description: 'a whole number from -32768 to 32767' },
  long: { regexp: '-?\\d+', description: 'a whole number' },
  word: { regexp: '[^\\s]+', description: 'one word, without spaces, e.g. genomics' },
  string: { regexp: '"([^"\\\\]*(\\\\.[^"\\\\]*)*)"|\'([^\'\\\\]*(\\\\.[^\'\\\\]*)*)\'', description: 'text in double quotes, e.g. "data/file1.csv" (single quotes work too)' },
  '': { regexp: '.*', description: 'anything' },
};

/** The parameter types a cucumber expression uses, in order ({} gives ""). */
export function parametersOf(expression: string): string[] {
  const out: string[] = [];
  const re = /(\\*)\{([^{}]*)\}/g;
  for (let m = re.exec(expression); m; m = re.exec(expression)) if (m[1]!.length % 2 === 0) out.push(m[2]!);
  return out;
}

/** The words a regexp allows when it is nothing but a list of alternatives (Dana|Rita|Otto); undefined otherwise. */
export function alternativesOf(regexp: string): string[] | undefined {
  let r = regexp.replace(/^\^/, '').replace(/\$$/, '');
  const group = /^\((?:\?:)?(.*)\)$/.exec(r);
  if (group && !/[()]/.test(group[1]!)) r = group[1]!;
  const parts = r.split('|');
  if (parts.some((p) => !p || /[\\.*+?()[\]{}^$]/.test(p))) return undefined;
  return parts;
}

/**
 * The documentation of a parameter type from the file that defines it: a doc comment right above
 * its definition, or an entry "{name}  text" (continued on more deeply indented lines) in any
 * block comment of the file.
 */
export function parameterDoc(name: string, fileText: string, line?: number): string | undefined {
  const lines = fileText.split('\n');
  if (line) {
    let i = line - 2;
    while (i >= 0 && !lines[i]!.trim()) i--;
    if (i >= 0 && lines[i]!.trim().endsWith('*/')) {
      const end = i;
      while (i >= 0 && !lines[i]!.includes('/*')) i--;
      const text = lines.slice(Math.max(i, 0), end + 1).map((l) => l.replace(/^\s*\/\*\*?\s?|\s*\*\/\s*$|^\s*\*\s?/g, '')).join(' ').replace(/\s+/g, ' ').trim();
      if (text) return text;
    }
  }
  const entry = new RegExp(`^(\\s*\\*?\\s*)\\{${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\}\\s+(.*)$`);
  for (let i = 0; i < lines.length; i++) {
    const m = entry.exec(lines[i]!);
    if (!m) continue;
    const parts = [m[2]!.trim()];
    const indent = m[1]!.length;
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j]!;
      const body = l.replace(/^\s*\*(?!\/)/, (s) => ' '.repeat(s.length));
      const lead = /^ */.exec(body)![0].length;
      if (!body.trim() || body.trim().startsWith('{') || lead <= indent || /\*\//.test(l)) break;
      parts.push(body.trim());
    }
    return parts.join(' ');
  }
  return undefined;
}

/** "Dana (data manager: reads and writes the test bucket)" in a description → the meaning of Dana. */
function meaningIn(description: string | undefined, value: string): string | undefined {
  if (!description) return undefined;
  const m = new RegExp(`\\b${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\(([^()]*)\\)`).exec(description);
  return m?.[1]?.trim();
}

function keywordAt(fileText: string | undefined, line: number): StepKeyword | undefined {
  if (!fileText) return undefined;
  const lines = fileText.split('\n');
  for (let i = line - 1; i >= Math.max(0, line - 3); i--) {
    const m = /\b(Given|When|Then|defineStep)\s*\(/.exec(lines[i] ?? '');
    if (m) return m[1] === 'defineStep' ? 'Step' : (m[1] as StepKeyword);
  }
  return undefined;
}

const TYPE_KEYWORD: Record<string, StepKeyword> = { Context: 'Given', Action: 'When', Outcome: 'Then' };

export function buildCatalog(run: DryRun): StepCatalog {
  const files = new Map<string, string | undefined>();
  const read = (uri: string): string | undefined => {
    if (!files.has(uri)) {
      try { files.set(uri, readFileSync(resolve(run.cwd, uri), 'utf8')); } catch { files.set(uri, undefined); }
    }
    return files.get(uri);
  };

  // Where each Gherkin step and examples row is.
  const astSteps = new Map<string, { uri: string; line: number; keyword: string; table?: string[][]; docString: boolean }>();
  const rows = new Map<string, number>();
  const pickles = new Map<string, Messages.Pickle>();
  const pickleSteps = new Map<string, { pickle: Messages.Pickle; step: Messages.PickleStep }>();
  const defs = new Map<string, StepDef>();
  const paramTypes: ParamTypeDoc[] = [];
  const seen = new Map<string, Set<string>>();
  const suggestions = new Map<string, string>();
  const testCases: Messages.TestCase[] = [];
  const parseErrors: StepCatalog['parseErrors'] = [];

  const addSteps = (uri: string, steps: readonly Messages.Step[]): void => {
    for (const s of steps) {
      astSteps.set(s.id, {
        uri, line: s.location.line, keyword: s.keyword, docString: !!s.docString,
        ...(s.dataTable ? { table: s.dataTable.rows.slice(0, 4).map((r) => r.cells.map((c) => c.value)) } : {}),
      });
    }
  };
  const addScenario = (uri: string, sc: Messages.Scenario): void => {
    addSteps(uri, sc.steps);
    for (const ex of sc.examples) for (const r of ex.tableBody) rows.set(r.id, r.location.line);
  };

  for (const e of run.envelopes) {
    if (e.gherkinDocument) {
      const uri = e.gherkinDocument.uri ?? '';
      for (const c of e.gherkinDocument.feature?.children ?? []) {
        if (c.background) addSteps(uri, c.background.steps);
        if (c.scenario) addScenario(uri, c.scenario);
        for (const rc of c.rule?.children ?? []) {
          if (rc.background) addSteps(uri, rc.background.steps);
          if (rc.scenario) addScenario(uri, rc.scenario);
        }
      }
    } else if (e.pickle) {
      pickles.set(e.pickle.id, e.pickle);
      for (const s of e.pickle.steps) pickleSteps.set(s.id, { pickle: e.pickle, step: s });
    } else if (e.stepDefinition) {
      const d = e.stepDefinition;
      const uri = d.sourceReference.uri ?? '';
      const line = d.sourceReference.location?.line ?? 0;
      const isRegExp = d.pattern.type === 'REGULAR_EXPRESSION';
      defs.set(d.id, {
        id: d.id, expression: d.pattern.source, isRegExp, uri, line,
        keyword: keywordAt(read(uri), line) ?? 'Step',
        parameters: isRegExp ? [] : parametersOf(d.pattern.source),
        usages: [],
      });
    } else if (e.parameterType) {
      const p = e.parameterType;
      const uri = p.sourceReference?.uri;
      const line = p.sourceReference?.location?.line;
      const description = uri ? parameterDoc(p.name, read(uri) ?? '', line) : undefined;
      const words = p.regularExpressions.length === 1 ? alternativesOf(p.regularExpressions[0]!) : undefined;
      paramTypes.push({
        name: p.name, builtin: false, regexps: [...p.regularExpressions],
        ...(uri ? { uri } : {}), ...(line ? { line } : {}), ...(description ? { description } : {}),
        ...(words ? { values: words.map((value) => ({ value, ...(meaningIn(description, value) ? { meaning: meaningIn(description, value)! } : {}) })) } : {}),
        seen: [],
      });
    } else if (e.testCase) testCases.push(e.testCase);
    else if (e.suggestion) suggestions.set(e.suggestion.pickleStepId, e.suggestion.snippets[0]?.code ?? '');
    else if (e.parseError) parseErrors.push({ uri: e.parseError.source.uri ?? '', line: e.parseError.source.location?.line ?? 0, message: e.parseError.message });
  }

  const usageOf = (pickleStepId: string): StepUsage | undefined => {
    const ps = pickleSteps.get(pickleStepId);
    if (!ps) return undefined;
    const ast = astSteps.get(ps.step.astNodeIds[0] ?? '');
    const exampleLine = rows.get(ps.step.astNodeIds[1] ?? '') ?? rows.get(ps.pickle.astNodeIds[1] ?? '');
    return {
      uri: ast?.uri ?? ps.pickle.uri,
      line: ast?.line ?? 0,
      keyword: ast?.keyword ?? `${TYPE_KEYWORD[ps.step.type ?? ''] ?? 'Given'} `,
      text: ps.step.text,
      scenario: ps.pickle.name,
      ...(exampleLine ? { exampleLine } : {}),
      ...(ast?.table ? { table: ast.table } : {}),
      ...(ast?.docString ? { docString: true } : {}),
      wip: ps.pickle.tags.some((t) => t.name === '@wip'),
    };
  };

  const undefinedSteps: UndefinedStepUse[] = [];
  const ambiguousSteps: AmbiguousStepUse[] = [];
  const usageKeys = new Set<string>();
  const problemKeys = new Set<string>();
  for (const tc of testCases) {
    for (const ts of tc.testSteps) {
      if (!ts.pickleStepId) continue;
      const use = usageOf(ts.pickleStepId);
      if (!use) continue;
      const ids = ts.stepDefinitionIds ?? [];
      const where = `${use.uri}:${use.line}`;
      if (ids.length === 0) {
        if (problemKeys.has(`u ${where}`)) continue;
        problemKeys.add(`u ${where}`);
        const snippet = suggestions.get(ts.pickleStepId);
        undefinedSteps.push({ ...use, ...(snippet ? { snippet } : {}) });
      } else if (ids.length > 1) {
        if (problemKeys.has(`a ${where}`)) continue;
        problemKeys.add(`a ${where}`);
        ambiguousSteps.push({ ...use, defs: ids.map((id) => defs.get(id)).filter((d): d is StepDef => !!d) });
      } else {
        const def = defs.get(ids[0]!);
        if (!def) continue;
        if (!usageKeys.has(`${def.id} ${where}`)) {
          usageKeys.add(`${def.id} ${where}`);
          def.usages.push(use);
        }
        if (def.keyword === 'Step') {
          const t = TYPE_KEYWORD[pickleSteps.get(ts.pickleStepId)?.step.type ?? ''];
          if (t) def.keyword = t;
        }
        for (const list of ts.stepMatchArgumentsLists ?? []) {
          for (const arg of list.stepMatchArguments) {
            const name = arg.parameterTypeName ?? '';
            const value = arg.group.value;
            if (value !== undefined) (seen.get(name) ?? seen.set(name, new Set()).get(name)!).add(value);
          }
        }
      }
    }
  }

  const byPlace = (a: { uri: string; line: number }, b: { uri: string; line: number }): number => a.uri.localeCompare(b.uri) || a.line - b.line;
  const stepDefinitions = [...defs.values()].sort(byPlace);
  for (const d of stepDefinitions) d.usages.sort((a, b) => byPlace(a, b) || (a.exampleLine ?? 0) - (b.exampleLine ?? 0));

  // Built-in parameter types appear only when a step definition uses them.
  const used = new Set(stepDefinitions.flatMap((d) => d.parameters));
  for (const name of [...used].sort()) {
    const b = BUILTIN_PARAMETER_TYPES[name];
    if (b && !paramTypes.some((p) => p.name === name)) paramTypes.push({ name, builtin: true, regexps: [b.regexp], description: b.description, seen: [] });
  }
  for (const p of paramTypes) p.seen = [...(seen.get(p.name) ?? [])].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  paramTypes.sort((a, b) => Number(a.builtin) - Number(b.builtin) || a.name.localeCompare(b.name));
  undefinedSteps.sort(byPlace);
  ambiguousSteps.sort(byPlace);
  return { stepDefinitions, parameterTypes: paramTypes, undefinedSteps, ambiguousSteps, parseErrors };
}
