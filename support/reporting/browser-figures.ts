/**
 * What the web catalog's browser costs a run: each scenario that opened a page attaches two
 * figures (measurements.ts) — its time, with the budget of a browser scenario, and the part of it
 * spent waiting on the browser (less what ran beside its pages: besidePages in
 * adapters/catalog-app.ts) — and the run summary adds them up: the browser's share of the
 * workers' time is how much longer the whole suite runs for having a browser (the suite's budget).
 */
import type { Measurement } from './measurements.js';
import type { RunSummary } from './run-summary.js';

/** A browser scenario on a warm stack: at most this many seconds (issue budget). */
export const BROWSER_SCENARIO_BUDGET_S = 10;
/** The browser may make the whole suite at most this much longer. */
export const SUITE_GROWTH_BUDGET = 0.25;

export const SCENARIO_FIGURE = 'the scenario, with its catalog pages';
export const IN_BROWSER_FIGURE = 'of it, in the browser';

/** The two figures of a scenario that spent `inBrowserMs` of its `scenarioMs` in the browser. */
export function browserFigures(scenarioMs: number, inBrowserMs: number, target: string): Measurement[] {
  const s = (ms: number): number => Math.round(ms) / 1000;
  return [
    { name: SCENARIO_FIGURE, value: s(scenarioMs), unit: 's', budget: BROWSER_SCENARIO_BUDGET_S, target },
    { name: IN_BROWSER_FIGURE, value: s(inBrowserMs), unit: 's', target },
  ];
}

export interface BrowserShare {
  /** Scenarios that opened a page, and how many of them took longer than the budget. */
  scenarios: number;
  overBudget: number;
  /** Seconds in the browser, over all scenarios; seconds of all scenarios of the run. */
  inBrowserS: number;
  allScenariosS: number;
  /** How much longer the suite runs for the browser: its seconds over the others' (0.2 = 20 %). */
  growth: number;
}

/** The browser's share of a run, from every scenario's time and figures; undefined when no scenario opened a page. */
export function browserShare(scenarios: Array<{ ms: number; measurements: Measurement[] }>): BrowserShare | undefined {
  const withPages = scenarios.filter((x) => x.measurements.some((m) => m.name === IN_BROWSER_FIGURE));
  if (withPages.length === 0) return undefined;
  const inBrowserS = withPages.reduce((n, x) => n + x.measurements.find((m) => m.name === IN_BROWSER_FIGURE)!.value, 0);
  const allScenariosS = scenarios.reduce((n, x) => n + x.ms / 1000, 0);
  const overBudget = withPages.filter((x) => x.measurements.some((m) => m.name === SCENARIO_FIGURE && m.value > BROWSER_SCENARIO_BUDGET_S)).length;
  const rest = allScenariosS - inBrowserS;
  return { scenarios: withPages.length, overBudget, inBrowserS, allScenariosS, growth: rest > 0 ? inBrowserS / rest : Infinity };
}

/** One line for a person: the browser's scenarios against their budget, and the suite's growth against its own. */
export function describeBrowserShare(b: BrowserShare): string {
  const pct = (x: number): string => `${Math.round(x * 100)} %`;
  return `The browser: ${b.scenarios} scenarios opened catalog pages, ${b.overBudget} of them over ${BROWSER_SCENARIO_BUDGET_S} s; `
    + `${b.inBrowserS.toFixed(1)} s in the browser of ${b.allScenariosS.toFixed(1)} s of scenarios: this run's scenarios take ${pct(b.growth)} longer for it `
    + `(budget ${pct(SUITE_GROWTH_BUDGET)}: ${b.growth <= SUITE_GROWTH_BUDGET ? 'within' : 'OVER'}).`;
}

/** One cucumber run of the suite (the engine's, the quilt target's rehearsal, a driver's): its wall time, its workers, its seconds in the browser. */
export interface RunOfSuite { name: string; wallS: number; workers: number; inBrowserS: number }

/** What a run of the acceptance command is called, by its reports folder (reports/, reports/quilt-target, reports/mcp…). */
export const suiteRunName = (dir: string): string =>
  (dir.replace(/\/+$/, '') === 'reports' ? 'the engine' : dir.endsWith('quilt-target') ? 'the quilt target (rehearsed)' : dir.replace(/^reports\//, 'quilt-mcp: '));

/** A finished run as one run of the whole suite (undefined when it has no start or end). */
export function runOfSuite(name: string, run: RunSummary): RunOfSuite | undefined {
  if (!run.startedAt || !run.finishedAt) return undefined;
  return { name, wallS: (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000, workers: run.workers, inBrowserS: browserShare(run.scenarios)?.inBrowserS ?? 0 };
}

export interface WholeSuiteShare {
  runs: RunOfSuite[];
  /** The runs' wall time, added up; of it, the part the browser took (each run's browser seconds over its workers). */
  wallS: number;
  browserWallS: number;
  /** How much longer the whole suite runs for the browser: its wall seconds over the others'. */
  growth: number;
}

/**
 * The browser's share of the whole suite (every run the acceptance command made): a run's seconds in
 * the browser, spread over the workers that ran them side by side, are wall time it spent for the
 * browser. An estimate: without the browser, the other work of the run would not have been faster.
 */
export function wholeSuiteShare(runs: RunOfSuite[]): WholeSuiteShare | undefined {
  if (runs.length === 0) return undefined;
  const wallS = runs.reduce((n, r) => n + r.wallS, 0);
  const browserWallS = runs.reduce((n, r) => n + r.inBrowserS / Math.max(1, r.workers), 0);
  const rest = wallS - browserWallS;
  return { runs, wallS, browserWallS, growth: rest > 0 ? browserWallS / rest : Infinity };
}

/** One line per run and one for the whole suite, against the suite's budget. */
export function describeWholeSuiteShare(w: WholeSuiteShare): string[] {
  const pct = (x: number): string => `${Math.round(x * 100)} %`;
  return [
    ...w.runs.map((r) => `  ${r.name}: ${r.wallS.toFixed(0)} s, ${r.inBrowserS.toFixed(1)} s of its scenarios in the browser over ${r.workers} worker(s): about ${(r.inBrowserS / Math.max(1, r.workers)).toFixed(0)} s of its wall time`),
    `The browser in the whole suite (${w.runs.length} runs): about ${w.browserWallS.toFixed(0)} s of ${w.wallS.toFixed(0)} s of wall time: the suite runs ${pct(w.growth)} longer for it `
      + `(budget ${pct(SUITE_GROWTH_BUDGET)}: ${w.growth <= SUITE_GROWTH_BUDGET ? 'within' : 'OVER'}).`,
  ];
}
