/**
 * Performance budgets (spec §4), in seconds. Defaults are the spec's; each can be set per target
 * with an environment variable QUILT_E2E_BUDGET_<NAME> (e.g. QUILT_E2E_BUDGET_LIST_10K_OBJECTS=20).
 */
export const BUDGETS = {
  list_10k_objects: { seconds: 30, label: 'list 10,000 objects' },
  search_1000_results: { seconds: 5, label: 'search returning 1,000 results' },
  query_10k_rows: { seconds: 60, label: 'query returning 10,000 rows' },
  deep_browse: { seconds: 10, label: 'browse a deep package tree' },
  parallel_heads: { seconds: 10, label: '20 parallel object look-ups' },
  parallel_searches: { seconds: 5, label: '5 parallel searches' },
} as const;

export type BudgetName = keyof typeof BUDGETS;

export function budgetSeconds(name: BudgetName, env: NodeJS.ProcessEnv = process.env): number {
  const variable = `QUILT_E2E_BUDGET_${name.toUpperCase()}`;
  const raw = env[variable];
  if (raw === undefined || raw === '') return BUDGETS[name].seconds;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${variable}=${JSON.stringify(raw)} is not a budget: give a positive number of seconds, for example ${variable}=${BUDGETS[name].seconds}`);
  return n;
}

export function isBudgetName(name: string): name is BudgetName {
  return Object.hasOwn(BUDGETS, name);
}
