/**
 * Cucumber snippet syntax for this project: the code cucumber suggests for an undefined step is
 * ready-to-paste TypeScript in our style — an async function typed with `this: QuiltWorld` and
 * typed parameters ({persona} → PersonaRole, {int} → number, a data table → DataTable).
 *
 * Used by the CI gates (scripts/gherkin-gates.ts prints it under each undefined step). To get it
 * from a plain dry run as well:
 *   npx cucumber-js --dry-run --format-options '{"snippetSyntax":"./support/reporting/snippet-syntax.ts"}'
 * (or add `snippetSyntax: './support/reporting/snippet-syntax.ts'` to formatOptions in cucumber.mjs).
 */

interface GeneratedExpressionLike {
  source: string;
  parameterNames: readonly string[];
  parameterTypes: readonly { name?: string }[];
}

interface BuildOptions {
  comment: string;
  functionName: string;
  generatedExpressions: readonly GeneratedExpressionLike[];
  stepParameterNames: readonly string[];
}

/** TypeScript types of the values the parameter types hand to a step function. */
export const PARAMETER_TS_TYPES: Record<string, string> = {
  persona: 'PersonaRole',
  duration: 'number /* milliseconds */',
  int: 'number',
  float: 'number',
  double: 'number',
  bigdecimal: 'string',
  biginteger: 'bigint',
  byte: 'number',
  short: 'number',
  long: 'number',
  string: 'string',
  word: 'string',
  '': 'string',
  dataTable: 'DataTable',
  docString: 'string',
};

export default class QuiltSnippetSyntax {
  constructor(private readonly snippetInterface: string = 'async-await') {}

  build({ functionName, generatedExpressions, stepParameterNames }: BuildOptions): string {
    const async = this.snippetInterface === 'synchronous' ? '' : 'async ';
    const choices = generatedExpressions.map((g, i) => {
      const params = g.parameterNames.map((n, j) => `${n}: ${PARAMETER_TS_TYPES[g.parameterTypes[j]?.name ?? ''] ?? 'unknown'}`);
      const extra = stepParameterNames.map((n) => `${n}: ${PARAMETER_TS_TYPES[n] ?? 'unknown'}`);
      const args = ['this: QuiltWorld', ...params, ...extra].join(', ');
      const source = g.source.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
      return `${i === 0 ? '' : '// '}${functionName}('${source}', ${async}function (${args}) {\n`;
    });
    return `${choices.join('')}  // One to three lines calling a task in support/tasks/ (see docs/step-glossary.md for existing phrases).\n  return 'pending';\n});`;
  }
}
