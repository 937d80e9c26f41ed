/** The whole GraphQL schema: the builder plus one module per domain noun. */
import { builder } from './builder.js';
import { withLanguageDirective } from './language.js';
import './types/jurisdiction.js';
import './types/policy.js';
import './types/clause.js';
import './types/vocabulary.js';
import './types/incentive.js';
import './types/target.js';
import './types/enterprise.js';
import './types/achievement.js';
import './types/aggregates.js';
import './types/entitlement.js';
import './types/opportunity.js';
import './types/report.js';
import './types/reform-impact.js';
import './types/version.js';
import './types/progress.js';
import './types/observation.js';
import './types/audit.js';
import './types/exports.js';
import './types/api-keys.js';

builder.queryType({
  description:
    'Reads: policies with their clauses, incentives and targets; the vocabulary; enterprises and achievements; what they are entitled to; target progress; reports and exports.',
});
builder.mutationType({
  description:
    'Writes: enterprises, achievements, observations, policy reloads and API keys (each recorded in the audit log), and bulk exports.',
});

export const schema = withLanguageDirective(builder.toSchema({ sortSchema: false }));

// plugin-prisma-utils registers the mode of its string filters with no description and no option
// for one; every type of the schema is documented (test/api/schema-docs.test.ts).
schema.getType('StringFilterMode')!.description =
  'How text is compared: Default (exactly, case-sensitive) or Insensitive (ignoring case, as ILIKE).';
