/**
 * Guard rails checked on a valid query BEFORE it runs, so an abusive request costs the catalog
 * parsing and nothing else (no S3, no OpenSearch):
 *   depth    selections nested deeper than maxDepth            QUILT_E2E_GRAPHQL_MAX_DEPTH   (16)
 *   aliases  fields renamed with an alias (fragments included) QUILT_E2E_GRAPHQL_MAX_ALIASES (100)
 *   cost     an estimate of the work: each field costs 1, and a field's selections count once per
 *            item its page asks for (perPage / size arguments; 30 when a paged field leaves them
 *            out); root fields that reach S3 or OpenSearch cost ROOT_FIELD_COST
 *                                                              QUILT_E2E_GRAPHQL_MAX_COST    (20000)
 * The operation checked is the one that will run (operationName), with its fragments expanded.
 * A refusal is a GraphQL error with extensions {code: "QUERY_TOO_COMPLEX", limit, max, actual, setting}.
 */
import {
  GraphQLError, Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode,
} from 'graphql';

export interface GraphqlLimits { maxDepth: number; maxAliases: number; maxCost: number }

export const LIMIT_SETTINGS = {
  depth: 'QUILT_E2E_GRAPHQL_MAX_DEPTH',
  aliases: 'QUILT_E2E_GRAPHQL_MAX_ALIASES',
  cost: 'QUILT_E2E_GRAPHQL_MAX_COST',
} as const;

/** Root fields that are answered from the token alone; every other root field reaches a service. */
const CHEAP_ROOT_FIELDS = new Set(['me', '__typename', '__schema', '__type']);
export const ROOT_FIELD_COST = 10;
/** Arguments that say how many items a field's page holds. */
const PAGE_ARGS = new Set(['perPage', 'size']);
/** Page size of a paged field that leaves it out (the schema's default). */
const DEFAULT_PAGE = 30;

function refusal(limit: keyof typeof LIMIT_SETTINGS, max: number, actual: number, what: string, remedy: string): GraphQLError {
  return new GraphQLError(`${what}; at most ${max} ${limit === 'depth' ? 'levels' : limit === 'cost' ? 'is' : 'are'} allowed (${LIMIT_SETTINGS[limit]}): ${remedy}`, {
    extensions: { code: 'QUERY_TOO_COMPLEX', limit, max, actual, setting: LIMIT_SETTINGS[limit] },
  });
}

function intValue(v: ValueNode | undefined, variables: Record<string, unknown>): number | undefined {
  if (!v) return undefined;
  if (v.kind === Kind.INT) return Number(v.value);
  if (v.kind === Kind.VARIABLE) {
    const n = variables[v.name.value];
    return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** How many times a field's selections are produced: its page size when it takes one, else 1. */
function multiplier(field: FieldNode, variables: Record<string, unknown>): number {
  const pageArg = field.arguments?.find((a) => PAGE_ARGS.has(a.name.value));
  if (!pageArg) return field.name.value === 'page' || field.name.value === 'firstPage' ? DEFAULT_PAGE : 1;
  return Math.max(1, intValue(pageArg.value, variables) ?? DEFAULT_PAGE);
}

interface Tally { aliases: number; depth: number; cost: number }

/** Walks the operation with fragments expanded; stops early once a limit is passed. */
function tally(op: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>, variables: Record<string, unknown>, limits: GraphqlLimits): Tally {
  const t: Tally = { aliases: 0, depth: 0, cost: 0 };
  const walk = (set: SelectionSetNode, depth: number, weight: number, root: boolean, seen: ReadonlySet<string>): void => {
    if (t.aliases > limits.maxAliases || t.cost > limits.maxCost || t.depth > limits.maxDepth) return;
    t.depth = Math.max(t.depth, depth);
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.alias) t.aliases++;
        const own = root && !CHEAP_ROOT_FIELDS.has(s.name.value) ? ROOT_FIELD_COST : 1;
        t.cost += own * weight;
        if (s.selectionSet) walk(s.selectionSet, depth + 1, weight * multiplier(s, variables), false, seen);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        walk(s.selectionSet, depth, weight, root, seen);
      } else {
        const name = s.name.value;
        const f = fragments.get(name);
        if (f && !seen.has(name)) walk(f.selectionSet, depth, weight, root, new Set([...seen, name]));
      }
    }
  };
  walk(op.selectionSet, 1, 1, true, new Set());
  return t;
}

/** The limits this operation passes; an empty list when it may run. */
export function checkLimits(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>, limits: GraphqlLimits): GraphQLError[] {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
  if (!op) return [];
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const t = tally(op, fragments, variables, limits);
  if (t.aliases > limits.maxAliases) return [refusal('aliases', limits.maxAliases, t.aliases, `the query renames more than ${limits.maxAliases} fields with aliases`, 'ask for fewer fields in one request')];
  if (t.depth > limits.maxDepth) return [refusal('depth', limits.maxDepth, t.depth, `the query is nested more than ${limits.maxDepth} levels deep`, 'ask for less nested data, or follow the nesting in separate requests')];
  if (t.cost > limits.maxCost) return [refusal('cost', limits.maxCost, t.cost, `the query's estimated cost is more than ${limits.maxCost} (each field 1, times the items of the pages around it)`, 'ask for smaller pages (perPage, size) or fewer fields')];
  return [];
}

/** Counts aliases without validating: a cheap first look, so a huge query is refused before graphql-js validates it. */
export function countAliases(document: DocumentNode, max: number): number {
  let n = 0;
  const walk = (set: SelectionSetNode | undefined): void => {
    if (!set || n > max) return;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) { if (s.alias) n++; walk(s.selectionSet); } else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
    }
  };
  for (const d of document.definitions) if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) walk(d.selectionSet);
  return n;
}

export function aliasRefusal(limits: GraphqlLimits): GraphQLError {
  return refusal('aliases', limits.maxAliases, limits.maxAliases + 1, `the query renames more than ${limits.maxAliases} fields with aliases`, 'ask for fewer fields in one request');
}
