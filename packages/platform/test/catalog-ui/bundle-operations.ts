/**
 * The GraphQL operations of Quilt's catalog app, read from its built bundle: the app carries each
 * document as a GraphQL AST (object literals `{kind:"OperationDefinition",...}` and
 * `{kind:"FragmentDefinition",...}` in its chunks). Each literal is cut out by its braces, turned
 * into JSON (keys quoted, `!0`/`!1` as true/false) and parsed — never evaluated.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, print, visit, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';

/** The object literal starting at `start` (a '{'), to its matching '}', strings respected. */
function literalAt(text: string, start: number): string {
  let depth = 0;
  let quote: string | null = null;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error(`unbalanced literal at ${start}`);
}

/** JSON of a literal with bare keys and minified booleans, outside its strings. */
function toJson(literal: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < literal.length; i++) {
    const c = literal[i]!;
    if (quote) {
      out += c;
      if (c === '\\') { out += literal[++i]; continue; }
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"') { quote = c; out += c; continue; }
    const key = /^[A-Za-z_$][\w$]*(?=:)/.exec(literal.slice(i));
    if (key && /[{,]$/.test(out)) { out += `"${key[0]}"`; i += key[0].length - 1; continue; }
    if (c === '!' && (literal[i + 1] === '0' || literal[i + 1] === '1')) { out += literal[i + 1] === '0' ? 'true' : 'false'; i++; continue; }
    out += c;
  }
  return out;
}

export interface BundleOperations { operations: Map<string, OperationDefinitionNode>; fragments: Map<string, FragmentDefinitionNode> }

export function readBundleOperations(bundleDir: string): BundleOperations {
  const operations = new Map<string, OperationDefinitionNode>();
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const f of readdirSync(bundleDir).filter((n) => n.endsWith('.js'))) {
    const text = readFileSync(join(bundleDir, f), 'utf8');
    for (const m of text.matchAll(/\{kind:"(OperationDefinition|FragmentDefinition)"/g)) {
      const node = JSON.parse(toJson(literalAt(text, m.index))) as DefinitionNode;
      if (node.kind === Kind.OPERATION_DEFINITION && node.name) operations.set(node.name.value, node);
      if (node.kind === Kind.FRAGMENT_DEFINITION) fragments.set(node.name.value, node);
    }
  }
  return { operations, fragments };
}

/** An operation with every fragment it uses (transitively), as one document. */
export function documentOf(op: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): DocumentNode {
  const used = new Map<string, FragmentDefinitionNode>();
  const collect = (node: OperationDefinitionNode | FragmentDefinitionNode): void => {
    visit(node, {
      FragmentSpread(s) {
        const name = s.name.value;
        const frag = fragments.get(name);
        if (!frag) throw new Error(`the bundle's ${op.name?.value} spreads ${name}, which the bundle does not define`);
        if (!used.has(name)) { used.set(name, frag); collect(frag); }
      },
    });
  };
  collect(op);
  return { kind: Kind.DOCUMENT, definitions: [op, ...used.values()] };
}

export const printed = (d: DocumentNode): string => print(d);
