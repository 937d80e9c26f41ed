import { readFileSync, readdirSync } from 'node:fs';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { fileURLToPath } from 'node:url';

/** The shared operations (schema/operations) open in GraphiQL, ready to run. */
export const OPERATIONS_DIR = fileURLToPath(new URL('../../schema/operations/', import.meta.url));

/** What analysts reach for first: the reports, the exports and the policy calculator. */
const FIRST = [
  'EntitlementTotals',
  'ProgressMatrix',
  'SimulateEntitlements',
  'CompareIncentives',
  'BudgetExposure',
  'StartExport',
  'ExportJob',
  'EnterpriseDashboard',
];
const rank = (file: string) => {
  const at = FIRST.indexOf(file.replace(/\.graphql$/, ''));
  return at === -1 ? FIRST.length : at;
};

export function exampleOperations(): string {
  return readdirSync(OPERATIONS_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((file) => readFileSync(OPERATIONS_DIR + file, 'utf8').trim())
    .join('\n\n');
}

let page: string | undefined;

/** A self-contained GraphiQL page: its scripts and styles are inlined, so it works offline. */
export function graphiqlPage(): string {
  return (page ??= renderGraphiQL({
    title: 'PolicyGraph',
    endpoint: '/graphql',
    defaultQuery: `# PolicyGraph: incentive policies, clauses, incentives, targets, enterprises and achievements.\n# Pick an operation with the run button; every field is documented in the Docs pane.\n\n${exampleOperations()}\n`,
  }));
}
