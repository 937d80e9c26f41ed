/**
 * A whole population evaluated in chunks for reports: one statement a chunk, a few chunks in flight.
 * Entitlements come from the entitlement ledger when it holds the day asked (src/scope/ledger.ts),
 * else from the engine.
 */
import { Prisma } from '../generated/prisma/client.js';
import { driverQuery, isEmbedded, refreshStatistics, type Db } from '../db/client.js';
import type { EvaluatedEnterprise } from '../engines/entitlement/aggregate.js';
import { evaluateEnterprise } from '../engines/entitlement/evaluate.js';
import type { AchievementInput, Entitlement, RecipientKind } from '../engines/entitlement/types.js';
import { ACHIEVEMENTS_JSON, toAchievementInputs, type StoredAchievement } from '../scope/engine-inputs.js';
import type { EnterpriseRow } from '../scope/entitlements.js';
import { entitlementsByEnterprise, servingGeneration, type LedgerRow } from '../scope/ledger.js';
import type { Loaders } from '../scope/loaders.js';
import { pacer } from '../scope/pace.js';

/** One enterprise of a population, evaluated: with its name and the achievements behind its entitlements. */
export interface PopulationMember extends EvaluatedEnterprise {
  enterprise: EnterpriseRow & { name: string; creditCode: string | null };
  /** Its jurisdiction's code, then each one above it. */
  jurisdictionPath: string[];
  /** Empty when read from the ledger without `withAchievements`. */
  achievements: AchievementInput[];
}

/** Which live enterprises a population holds. */
export interface PopulationFilter {
  /** Those in these jurisdictions; null: everywhere. */
  jurisdictionIds: readonly number[] | null;
  /** Only those with a live achievement of this kind. */
  achievementKindId?: number;
}

/** The filter as a Prisma condition, for counts. */
export function enterpriseWhereOf(filter: PopulationFilter): Prisma.EnterpriseWhereInput {
  return {
    retiredAt: null,
    ...(filter.jurisdictionIds === null ? {} : { jurisdictionId: { in: [...filter.jurisdictionIds] } }),
    ...(filter.achievementKindId === undefined
      ? {}
      : { achievements: { some: { kindId: filter.achievementKindId, retiredAt: null } } }),
  };
}

/** The filter narrowed to what a caller sees (its jurisdiction ids; null: everything). */
export function visiblePopulation(filter: PopulationFilter, sees: ReadonlySet<number> | null): PopulationFilter {
  if (sees === null) return filter;
  const ids = filter.jurisdictionIds === null ? [...sees] : filter.jurisdictionIds.filter((id) => sees.has(id));
  return { ...filter, jurisdictionIds: ids };
}

/**
 * The enterprises a report must evaluate: those in a jurisdiction (with everything under it) and,
 * for one policy, in what any of its versions covers (an enterprise outside them all gets only
 * OUT_OF_SCOPE, which no total counts; a scope widened from a day reaches more).
 */
export async function populationFilter(
  loaders: Pick<Loaders, 'enginePolicies' | 'jurisdictions' | 'jurisdictionSubtree'>,
  policyKey: string | null,
  jurisdictionId: number | null,
): Promise<PopulationFilter> {
  const scopes: number[][] = [];
  if (jurisdictionId !== null) scopes.push(await loaders.jurisdictionSubtree.load(jurisdictionId));
  if (policyKey !== null) {
    const policy = (await loaders.enginePolicies()).policies.find((p) => p.key === policyKey)!;
    const tree = await loaders.jurisdictions();
    const codes = [policy, ...policy.versions].flatMap((v) =>
      v.appliesTo.length ? v.appliesTo : [policy.jurisdiction],
    );
    const covered = [...new Set(codes)].map((code) => tree.find((j) => j.code === code)!.id);
    scopes.push(
      (await loaders.jurisdictionSubtree.loadMany(covered)).flatMap((ids) => (ids instanceof Error ? [] : ids)),
    );
  }
  return { jurisdictionIds: scopes.length ? scopes.reduce((a, b) => a.filter((id) => b.includes(id))) : null };
}

export interface PopulationQuery {
  filter: PopulationFilter;
  asOf: string;
  policyKeys: string[] | null;
  chunkSize?: number;
  /** Stops the evaluation (throwing its reason) once aborted: the request's deadline. */
  signal?: AbortSignal;
  /** Whether members from the ledger carry their achievements (an export's columns); the engine's always do. */
  withAchievements?: boolean;
  /** The engine, even where the ledger holds the day (the ledger's own rebuild). */
  engineOnly?: boolean;
}

/**
 * On the embedded database a statement holds the event loop from its start to its end (PostgreSQL
 * runs as WebAssembly on the same thread): a chunk of 1,000 enterprises took 100–200 ms to read
 * their achievements on a quiet machine, 250 took 25–60 ms there and 100–185 ms under a load of 14
 * on 2 cores; 100 hold it about 40% of that. PostgreSQL reads beside the loop, and larger chunks cost
 * fewer round trips.
 */
export const EMBEDDED_CHUNK = 100;

/**
 * Chunks read ahead of the one evaluated. PostgreSQL reads them beside the engine on other
 * connections; the embedded database runs one statement at a time, so one read ahead is enough.
 */
export const IN_FLIGHT = { postgres: 3, embedded: 1 };

interface MemberRow {
  id: number;
  kind: RecipientKind;
  jurisdictionId: number;
  name: string;
  creditCode: string | null;
  achievements: StoredAchievement[] | null;
  entries: LedgerRow[] | null;
}

const filterSql = (filter: PopulationFilter) =>
  Prisma.sql`e."retiredAt" IS NULL${
    filter.jurisdictionIds === null
      ? Prisma.empty
      : Prisma.sql` AND e."jurisdictionId" = ANY(${[...filter.jurisdictionIds]})`
  }${
    filter.achievementKindId === undefined
      ? Prisma.empty
      : Prisma.sql` AND EXISTS (SELECT 1 FROM "Achievement" k
          WHERE k."enterpriseId" = e.id AND k."kindId" = ${filter.achievementKindId} AND k."retiredAt" IS NULL)`
  }`;

/** The last id of every full chunk, in one statement: the chunks can then be read in any order, several at once. */
async function chunkEnds(db: Db, filter: PopulationFilter, chunkSize: number): Promise<number[]> {
  const rows = await db.$queryRaw<{ id: number }[]>`
    SELECT id FROM (SELECT e.id, row_number() OVER (ORDER BY e.id) AS n FROM "Enterprise" e WHERE ${filterSql(filter)}) t
    WHERE n % ${chunkSize} = 0 ORDER BY id`;
  return rows.map((r) => r.id);
}

/**
 * Every enterprise matching the filter, evaluated chunk by chunk, so memory stays flat; on the
 * embedded database chunks are at most EMBEDDED_CHUNK. A chunk is one statement: the enterprises
 * with their achievements as JSON lists, or with their ledger rows when the ledger holds `asOf`.
 * IN_FLIGHT chunks are read while one is evaluated; the engine hands the loop back every SLICE_MS (pace.ts).
 */
export async function* evaluatePopulation(
  db: Db,
  sources: Pick<Loaders, 'enginePolicies' | 'jurisdictionPath' | 'kindCodes' | 'fingerprint' | 'engineOnly'>,
  {
    filter,
    asOf,
    policyKeys,
    chunkSize: asked = 1000,
    signal,
    withAchievements = false,
    engineOnly = false,
  }: PopulationQuery,
): AsyncGenerator<PopulationMember> {
  const embedded = isEmbedded(db);
  const chunkSize = embedded ? Math.min(asked, EMBEDDED_CHUNK) : asked;
  await refreshStatistics(db);
  const enginePolicies = await sources.enginePolicies();
  const policies =
    policyKeys === null ? enginePolicies.policies : enginePolicies.policies.filter((p) => policyKeys.includes(p.key));
  // Reformed policies (sources.engineOnly) are not the ledger's: the engine answers.
  const generation =
    engineOnly || sources.engineOnly ? null : await servingGeneration(db, asOf, await sources.fingerprint());
  const codes = await sources.kindCodes();
  const ends = await chunkEnds(db, filter, chunkSize);
  signal?.throwIfAborted(); // the reads before the first chunk observe the deadline too
  const achievementsSql =
    generation !== null && !withAchievements
      ? Prisma.sql`NULL::json`
      : Prisma.sql`(SELECT ${ACHIEVEMENTS_JSON} FROM "Achievement" a WHERE a."enterpriseId" = e.id AND a."retiredAt" IS NULL)`;
  const entriesSql =
    generation === null
      ? Prisma.sql`NULL::json`
      : Prisma.sql`(SELECT json_agg(l ORDER BY l.position) FROM "LedgerEntry" l
          WHERE l.generation = ${generation} AND l."enterpriseId" = e.id${
            policyKeys === null ? Prisma.empty : Prisma.sql` AND l."policyKey" = ANY(${policyKeys})`
          })`;
  // Chunk i holds the ids after ends[i - 1] up to ends[i]; the last one, everything after the last end.
  const readChunk = (i: number) => {
    // On the driver (see DriverQuery): a chunk's achievements are parsed as its rows arrive.
    const pending = driverQuery<MemberRow>(
      db,
      Prisma.sql`
      SELECT e.id, e.kind::text AS kind, e."jurisdictionId", e.name, e."creditCode",
        ${achievementsSql} AS achievements, ${entriesSql} AS entries
      FROM "Enterprise" e
      WHERE ${filterSql(filter)} AND e.id > ${i === 0 ? 0 : ends[i - 1]!}${
        i < ends.length ? Prisma.sql` AND e.id <= ${ends[i]!}` : Prisma.empty
      }
      ORDER BY e.id`,
    );
    pending.catch(() => undefined); // not unhandled if the caller stops early; awaited below otherwise
    return pending;
  };
  const ahead = embedded ? IN_FLIGHT.embedded : IN_FLIGHT.postgres;
  const queue = Array.from({ length: Math.min(ahead + 1, ends.length + 1) }, (_, i) => readChunk(i));
  const pace = pacer(signal);
  for (let i = 0; i <= ends.length; i++) {
    // A statement cancelled by statement_timeout (the same deadline) fails as the deadline, not as SQL.
    const rows = await queue.shift()!.catch((error: unknown) => {
      signal?.throwIfAborted();
      throw error;
    });
    signal?.throwIfAborted();
    if (i + ahead + 1 <= ends.length) queue.push(readChunk(i + ahead + 1));
    const paths = await sources.jurisdictionPath.loadMany(rows.map((r) => r.jurisdictionId));
    const stored =
      generation === null
        ? null
        : entitlementsByEnterprise(
            rows.flatMap((r) => r.entries ?? []),
            enginePolicies,
          );
    for (const [n, row] of rows.entries()) {
      await pace(); // the caller's work on the enterprise before counts too
      const path = paths[n]!;
      if (path instanceof Error) throw path;
      const { achievements: list, entries: _entries, ...enterprise } = row;
      const achievements = toAchievementInputs(list, codes);
      const fromLedger = stored?.get(row.id);
      const entitlements: Entitlement[] =
        stored && fromLedger !== null
          ? (fromLedger ?? [])
          : evaluateEnterprise(
              policies,
              { id: String(row.id), kind: row.kind, jurisdictionPath: path },
              // A row whose incentive a reload removed: the engine answers, with the achievements read now.
              stored ? await achievementsOf(db, row.id, codes) : achievements,
              asOf,
            );
      yield {
        enterprise: { ...enterprise, retiredAt: null },
        achievements,
        jurisdictionPath: path,
        enterpriseId: String(row.id),
        jurisdiction: path[0]!,
        entitlements,
      };
    }
  }
}

async function achievementsOf(db: Db, enterpriseId: number, codes: Map<number, string>) {
  const [row] = await db.$queryRaw<{ achievements: StoredAchievement[] | null }[]>`
    SELECT ${ACHIEVEMENTS_JSON} AS achievements FROM "Achievement" a
    WHERE a."enterpriseId" = ${enterpriseId} AND a."retiredAt" IS NULL`;
  return toAchievementInputs(row?.achievements ?? null, codes);
}
