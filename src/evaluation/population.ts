/**
 * A whole population evaluated in chunks for reports: a fixed number of statements per chunk.
 */
import type { Prisma } from '../generated/prisma/client.js';
import { isEmbedded, refreshStatistics, type Db } from '../db/client.js';
import type { EvaluatedEnterprise } from '../engines/entitlement/aggregate.js';
import { evaluateEnterprise } from '../engines/entitlement/evaluate.js';
import type { AchievementInput } from '../engines/entitlement/types.js';
import { achievementsByEnterprise } from '../scope/engine-inputs.js';
import { ENTERPRISE_ROW, type EnterpriseRow } from '../scope/entitlements.js';
import type { Loaders } from '../scope/loaders.js';
import { pacer } from './pace.js';

/** One enterprise of a population, evaluated: with its name and the achievements behind its entitlements. */
export interface PopulationMember extends EvaluatedEnterprise {
  enterprise: EnterpriseRow & { name: string; creditCode: string | null };
  achievements: AchievementInput[];
}

/**
 * The enterprises a report must evaluate: those in a jurisdiction (with everything under it) and,
 * for one policy, in what it covers (an enterprise outside gets only OUT_OF_SCOPE, which no total counts).
 */
export async function populationWhere(
  loaders: Pick<Loaders, 'enginePolicies' | 'jurisdictions' | 'jurisdictionSubtree'>,
  policyKey: string | null,
  jurisdictionId: number | null,
): Promise<Prisma.EnterpriseWhereInput> {
  const where: Prisma.EnterpriseWhereInput = { retiredAt: null };
  const scopes: number[][] = [];
  if (jurisdictionId !== null) scopes.push(await loaders.jurisdictionSubtree.load(jurisdictionId));
  if (policyKey !== null) {
    const policy = (await loaders.enginePolicies()).policies.find((p) => p.key === policyKey)!;
    const tree = await loaders.jurisdictions();
    const covered = (policy.appliesTo.length ? policy.appliesTo : [policy.jurisdiction]).map(
      (code) => tree.find((j) => j.code === code)!.id,
    );
    scopes.push(
      (await loaders.jurisdictionSubtree.loadMany(covered)).flatMap((ids) => (ids instanceof Error ? [] : ids)),
    );
  }
  if (scopes.length) where.jurisdictionId = { in: scopes.reduce((a, b) => a.filter((id) => b.includes(id))) };
  return where;
}

export interface PopulationQuery {
  where: Prisma.EnterpriseWhereInput;
  asOf: string;
  policyKeys: string[] | null;
  chunkSize?: number;
  /** Stops the evaluation (throwing its reason) once aborted: the request's deadline. */
  signal?: AbortSignal;
}

/**
 * On the embedded database a statement holds the event loop from its start to its end (PostgreSQL
 * runs as WebAssembly on the same thread): a chunk of 1,000 enterprises took 100–200 ms to read
 * their achievements, 250 take 25–60 ms. PostgreSQL reads beside the loop, and larger chunks cost
 * fewer round trips.
 */
export const EMBEDDED_CHUNK = 250;

/**
 * Every enterprise matching `where`, evaluated chunk by chunk (two statements a chunk: the
 * enterprises, their achievements), so memory stays flat; on the embedded database chunks are at
 * most EMBEDDED_CHUNK. The engine hands the loop back every SLICE_MS (pace.ts). The next chunk is
 * read while this one is evaluated: on PostgreSQL the database and the engine then work at the same time.
 */
export async function* evaluatePopulation(
  db: Db,
  sources: Pick<Loaders, 'enginePolicies' | 'jurisdictionPath' | 'kindCodes'>,
  { where, asOf, policyKeys, chunkSize: asked = 1000, signal }: PopulationQuery,
): AsyncGenerator<PopulationMember> {
  const chunkSize = isEmbedded(db) ? Math.min(asked, EMBEDDED_CHUNK) : asked;
  await refreshStatistics(db);
  const { policies: all } = await sources.enginePolicies();
  const policies = policyKeys === null ? all : all.filter((p) => policyKeys.includes(p.key));
  const readChunk = async (after: number | undefined) => {
    const enterprises = await db.enterprise.findMany({
      where, // enterprises without achievements yield nothing; an EXISTS filter costs more than it saves
      select: { ...ENTERPRISE_ROW, name: true, creditCode: true },
      orderBy: { id: 'asc' },
      take: chunkSize,
      ...(after === undefined ? {} : { cursor: { id: after }, skip: 1 }),
    });
    // A loader per chunk: achievements already evaluated are not kept.
    const [lists, paths] = await Promise.all([
      achievementsByEnterprise(db, sources.kindCodes).loadMany(enterprises.map((e) => e.id)),
      sources.jurisdictionPath.loadMany(enterprises.map((e) => e.jurisdictionId)),
    ]);
    return { enterprises, lists, paths };
  };
  const prefetch = (after: number | undefined) => {
    const pending = readChunk(after);
    pending.catch(() => undefined); // not unhandled if the caller stops early; awaited below otherwise
    return pending;
  };
  type Chunk = Awaited<ReturnType<typeof readChunk>>;
  let next: Promise<Chunk> | undefined = prefetch(undefined);
  const pace = pacer(signal);
  while (next) {
    // A statement cancelled by statement_timeout (the same deadline) fails as the deadline, not as SQL.
    const { enterprises, lists, paths }: Chunk = await next.catch((error: unknown) => {
      signal?.throwIfAborted();
      throw error;
    });
    signal?.throwIfAborted();
    next = enterprises.length < chunkSize ? undefined : prefetch(enterprises[enterprises.length - 1]!.id);
    for (const [i, enterprise] of enterprises.entries()) {
      await pace(); // the caller's work on the enterprise before counts too
      const list = lists[i]!;
      const path = paths[i]!;
      if (list instanceof Error) throw list;
      if (path instanceof Error) throw path;
      yield {
        enterprise,
        achievements: list,
        enterpriseId: String(enterprise.id),
        jurisdiction: path[0]!,
        entitlements: evaluateEnterprise(
          policies,
          { id: String(enterprise.id), kind: enterprise.kind, jurisdictionPath: path },
          list,
          asOf,
        ),
      };
    }
  }
}
