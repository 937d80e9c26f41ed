/** The whole GraphQL schema: the builder plus one module per domain noun. */
import { isObjectType, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './types/jurisdiction.js';
import './types/policy.js';
import './types/clause.js';
import './types/vocabulary.js';
import './types/incentive.js';
import './types/target.js';
import './types/enterprise.js';
import './types/achievement.js';
import './types/entitlement.js';
import './types/report.js';
import './types/progress.js';
import './types/writes.js';
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

/**
 * The Prisma plugin adds `totalCount` to the connection types of t.prismaConnection and
 * t.relatedConnection (their `totalCount` option) and takes no description for it, so the
 * built schema gets one here. Every other generated type and field is described through the
 * plugins' options (src/graphql/builder.ts, pageOf/edgeOf, the errors plugin's options).
 */
function describeTotalCounts(built: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(built.getTypeMap())) {
    const totalCount = isObjectType(type) && type.name.endsWith('Connection') ? type.getFields().totalCount : undefined;
    if (totalCount && !totalCount.description)
      totalCount.description = 'How many items the list holds over all its pages.';
  }
  return built;
}

export const schema = describeTotalCounts(builder.toSchema({ sortSchema: false }));
