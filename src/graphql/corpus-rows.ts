/**
 * Fields returning a policy, a jurisdiction or an achievement kind, answered from the corpus kept in
 * memory (src/scope/corpus-snapshot.ts) when the selection asks for their columns only: no statement
 * (an enterprise's dashboard asks for its jurisdiction's name, its achievements' kinds and each
 * entitlement's policy). A selection that asks for a relation of theirs (a jurisdiction's parent, a
 * kind's levels) is read with its Prisma query, as before.
 */
import type { Prisma } from '../generated/prisma/client.js';
import type { Scope } from '../scope/scope.js';

interface Query {
  include?: object;
  select?: object;
}

/** Whether the query Pothos built for a field asks for columns only: no relation, no count. */
const columnsOnly = ({ include, select }: Query) =>
  (!include || Object.keys(include).length === 0) && (!select || Object.values(select).every((v) => v === true));

export async function policyRow(
  ctx: Scope,
  query: { include?: Prisma.PolicyInclude; select?: Prisma.PolicySelect },
  id: number,
) {
  const row = columnsOnly(query) ? (await ctx.loaders.corpusRows()).policies.get(id) : undefined;
  return row ?? ctx.db.policy.findUniqueOrThrow({ ...query, where: { id } });
}

export async function jurisdictionRow(
  ctx: Scope,
  query: { include?: Prisma.JurisdictionInclude; select?: Prisma.JurisdictionSelect },
  id: number,
) {
  const row = columnsOnly(query) ? (await ctx.loaders.corpusRows()).jurisdictions.get(id) : undefined;
  return row ?? ctx.db.jurisdiction.findUniqueOrThrow({ ...query, where: { id } });
}

export async function kindRow(
  ctx: Scope,
  query: { include?: Prisma.AchievementKindInclude; select?: Prisma.AchievementKindSelect },
  id: number,
) {
  const row = columnsOnly(query) ? (await ctx.loaders.corpusRows()).kinds.get(id) : undefined;
  return row ?? ctx.db.achievementKind.findUniqueOrThrow({ ...query, where: { id } });
}
