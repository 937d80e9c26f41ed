/**
 * Entitlement totals grouped by policy, jurisdiction, year, incentive and/or payer: one GROUP BY over
 * the entitlement ledger's counted rows (LedgerFigure) when it holds the day asked, else the engine over
 * the population.
 */
import { Prisma } from '../generated/prisma/client.js';
import type { Db } from '../db/client.js';
import {
  EntitlementAggregator,
  inOrder,
  type GroupDimension,
  type GroupTotals,
} from '../engines/entitlement/aggregate.js';
import type { Payer } from '../engines/entitlement/types.js';
import { servingGeneration } from '../scope/ledger.js';
import type { Loaders } from '../scope/loaders.js';
import { evaluatePopulation, type PopulationFilter } from './population.js';

export interface TotalsQuery {
  groupBy: readonly GroupDimension[];
  policyKey: string | null;
  /** The enterprises counted (populationFilter). */
  filter: PopulationFilter;
  year?: number | null;
  asOf: string;
  signal?: AbortSignal;
}

export async function entitlementTotals(
  db: Db,
  loaders: Pick<
    Loaders,
    'enginePolicies' | 'jurisdictionPath' | 'kindCodes' | 'fingerprint' | 'jurisdictions' | 'engineOnly'
  >,
  query: TotalsQuery,
): Promise<GroupTotals[]> {
  const generation = loaders.engineOnly ? null : await servingGeneration(db, query.asOf, await loaders.fingerprint());
  if (generation !== null) return ledgerTotals(db, generation, query, await loaders.jurisdictions());
  const aggregator = new EntitlementAggregator(query.groupBy);
  const population = evaluatePopulation(db, loaders, {
    filter: query.filter,
    asOf: query.asOf,
    policyKeys: query.policyKey === null ? null : [query.policyKey],
    signal: query.signal,
    engineOnly: true,
  });
  const { year } = query;
  for await (const enterprise of population)
    aggregator.add(
      year == null
        ? enterprise
        : { ...enterprise, entitlements: enterprise.entitlements.filter((e) => e.year === year) },
    );
  return aggregator.rows();
}

/**
 * Counted as addToTotals (src/engines/entitlement/evaluate.ts) counts: eligible, and neither superseded nor in
 * conflict. LedgerFigure holds only the rows some figure counts, so every group of it has one.
 */
const COUNTED = Prisma.sql`e.eligibility = 'ELIGIBLE' AND e.disposition = 'COUNTED'`;

/**
 * The same groups and figures as EntitlementAggregator over the engine's results, summed in SQL. Grouped by
 * the jurisdiction's id (an integer, not its code), named from the corpus.
 */
async function ledgerTotals(
  db: Db,
  generation: number,
  query: TotalsQuery,
  jurisdictions: ReadonlyArray<{ id: number; code: string }>,
): Promise<GroupTotals[]> {
  const by = new Set(query.groupBy);
  const columns: Array<[grouped: boolean, column: Prisma.Sql, type: Prisma.Sql]> = [
    [by.has('POLICY') || by.has('INCENTIVE'), Prisma.sql`e."policyKey"`, Prisma.sql`text`],
    [by.has('INCENTIVE'), Prisma.sql`e."incentiveKey"`, Prisma.sql`text`],
    [by.has('JURISDICTION'), Prisma.sql`e."jurisdictionId"`, Prisma.sql`int`],
    [by.has('YEAR'), Prisma.sql`e.year`, Prisma.sql`int`],
    [by.has('PAYER'), Prisma.sql`e.payer`, Prisma.sql`text`],
  ];
  const dimensions = columns.map(([grouped, column, type]) => (grouped ? column : Prisma.sql`NULL::${type}`));
  const grouped = columns.filter(([isGrouped]) => isGrouped).map(([, column]) => column);
  const where = [
    Prisma.sql`e.generation = ${generation}`,
    ...(query.policyKey === null ? [] : [Prisma.sql`e."policyKey" = ${query.policyKey}`]),
    ...(query.filter.jurisdictionIds === null
      ? []
      : [Prisma.sql`e."jurisdictionId" = ANY(${[...query.filter.jurisdictionIds]})`]),
    ...(query.year == null ? [] : [Prisma.sql`e.year = ${query.year}`]),
  ];
  const rows = await db.$queryRaw<
    Array<Omit<GroupTotals, 'payer' | 'jurisdiction'> & { payer: Payer | null; jurisdictionId: number | null }>
  >`
    SELECT ${dimensions[0]} AS "policyKey", ${dimensions[1]} AS "incentiveKey", ${dimensions[2]} AS "jurisdictionId",
      ${dimensions[3]} AS year, ${dimensions[4]} AS payer,
      coalesce(sum(e."amountYuan") FILTER (WHERE ${COUNTED} AND e.nature = 'EXACT'), 0)::float8 AS "exactYuan",
      coalesce(sum(e."amountYuan") FILTER (WHERE ${COUNTED} AND e.nature = 'UP_TO'), 0)::float8 AS "upToYuan",
      (count(*) FILTER (WHERE ${COUNTED} AND e.nature = 'UNSPECIFIED'))::int AS "unspecifiedCount",
      (count(*) FILTER (WHERE ${COUNTED} AND e.nature = 'NON_MONETARY'))::int AS "nonMonetaryCount",
      (count(*) FILTER (WHERE e.eligibility = 'NEEDS_INFO'))::int AS "needsInfoCount",
      (count(*) FILTER (WHERE e.eligibility = 'ELIGIBLE' AND e.disposition = 'CONFLICT'))::int AS "conflictCount",
      coalesce(sum(e."provincialPartYuan") FILTER (WHERE ${COUNTED}), 0)::float8 AS "provincialPartYuan",
      (count(*) FILTER (WHERE ${COUNTED}))::int AS "countedCount",
      (count(DISTINCT e."enterpriseId") FILTER (WHERE ${COUNTED}))::int AS "enterpriseCount"
    FROM "LedgerFigure" e
    WHERE ${Prisma.join(where, ' AND ')}
    ${grouped.length ? Prisma.sql`GROUP BY ${Prisma.join(grouped)}` : Prisma.empty}
    HAVING count(*) > 0`;
  const codeOf = new Map(jurisdictions.map((j) => [j.id, j.code]));
  return inOrder(
    rows.map(({ jurisdictionId, ...group }) => ({
      ...group,
      jurisdiction: jurisdictionId === null ? null : codeOf.get(jurisdictionId)!,
    })),
  );
}
