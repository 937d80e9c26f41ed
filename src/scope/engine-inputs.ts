/**
 * The entitlement engine's plain inputs from the database, in a fixed number of statements per
 * request: the policies' stored engine inputs (kept per process by corpus-snapshot.ts),
 * achievements batched across enterprises.
 */
import DataLoader from 'dataloader';
import { Prisma } from '../generated/prisma/client.js';
import { readPolicyInput } from '../corpus/engine-input.js';
import { isoDay } from '../dates/index.js';
import type { Db } from '../db/client.js';
import type { AchievementInput, IncentiveInput, PolicyInput } from '../engines/entitlement/types.js';
import { observing } from './pace.js';

/** PostgreSQL takes at most 65,535 bind parameters a statement: larger batches are split. */
export const BATCH = { maxBatchSize: 5000 };

type AchievementFields = Pick<
  AchievementInput,
  'level' | 'units' | 'costYuan' | 'budgetYuan' | 'provincialGrantYuan' | 'rank' | 'projectKey'
> & { obtainedOn?: Date | null };

/** The engine's view of an achievement, stored or simulated. */
export function toAchievementInput(
  id: string,
  kind: string,
  fields: AchievementFields,
  facts: Record<string, boolean>,
): AchievementInput {
  return {
    id,
    kind,
    level: fields.level,
    obtainedOn: fields.obtainedOn ? isoDay(fields.obtainedOn) : null,
    units: fields.units,
    costYuan: fields.costYuan,
    budgetYuan: fields.budgetYuan,
    provincialGrantYuan: fields.provincialGrantYuan,
    rank: fields.rank,
    projectKey: fields.projectKey,
    facts,
  };
}

export interface EnginePolicies {
  /** The served policies: what every evaluation reads. */
  policies: PolicyInput[];
  /** Keys of the retired policies (files gone): named, they are refused, never evaluated. */
  retired: Set<string>;
  /** Every stored policy, retired ones too, as are the two maps below (their incentives stay readable). */
  policyIdByKey: Map<string, number>;
  /** `${policyKey}/${incentiveKey}` → incentive id */
  incentiveIdByKey: Map<string, number>;
  /** Incentive id → what the engine reads of it (rule, conditions …), for the fields that show it. */
  incentiveById: Map<number, IncentiveInput>;
  /** Policy key → the content hash of the version stored: what an entitlement was computed with. */
  versionByKey: Map<string, string>;
  /** Policy id → its engine input, for the fields that show its versions. */
  policyById: Map<number, PolicyInput>;
}

/** The policies as the loader stored their engine input, with the ids the GraphQL layer names them by. */
export async function readEnginePolicies(db: Db): Promise<EnginePolicies> {
  const rows = await db.policy.findMany({
    orderBy: { id: 'asc' },
    select: {
      id: true,
      key: true,
      contentHash: true,
      retiredAt: true,
      engineInput: true,
      incentives: { select: { id: true, key: true } },
    },
  });
  const policyIdByKey = new Map<string, number>();
  const versionByKey = new Map(rows.map((row) => [row.key, row.contentHash]));
  const incentiveIdByKey = new Map<string, number>();
  const incentiveById = new Map<number, IncentiveInput>();
  const policyById = new Map<number, PolicyInput>();
  const policies: PolicyInput[] = [];
  const retired = new Set<string>();
  for (const row of rows) {
    policyIdByKey.set(row.key, row.id);
    if (row.retiredAt) retired.add(row.key);
    // A retired policy is never loaded again, so its input may be of an older version: unread, it
    // must not stop the served ones (its incentives' rule fields then answer RETIRED).
    let policy: PolicyInput;
    try {
      policy = readPolicyInput(row.key, row.engineInput);
    } catch (error) {
      if (row.retiredAt) continue;
      throw error;
    }
    policyById.set(row.id, policy);
    if (!row.retiredAt) policies.push(policy);
    const ids = new Map(row.incentives.map((i) => [i.key, i.id]));
    for (const incentive of policy.incentives) {
      const id = ids.get(incentive.key)!;
      incentiveIdByKey.set(`${row.key}/${incentive.key}`, id);
      incentiveById.set(id, incentive);
    }
  }
  return { policies, retired, policyIdByKey, incentiveIdByKey, incentiveById, versionByKey, policyById };
}

/** An achievement as ACHIEVEMENTS_JSON reads it: a JSON array, in the order of its SELECT. */
export type StoredAchievement = [
  id: number,
  kindId: number,
  level: string | null,
  obtainedOn: string,
  units: number | null,
  costYuan: number | null,
  budgetYuan: number | null,
  provincialGrantYuan: number | null,
  rank: number | null,
  projectKey: string | null,
  facts: Record<string, boolean>,
];

/**
 * An enterprise's live achievements as one JSON list (an aggregate over "Achievement" rows `a`).
 * Hand-written because of its volume: a province's reports read a million achievements, and mapping
 * them row by row through Prisma took most of that time; json_agg of arrays returns the same rows 3×
 * faster. Kind codes come from the corpus snapshot rather than a join to every row.
 */
export const ACHIEVEMENTS_JSON = Prisma.sql`json_agg(json_build_array(
  a.id, a."kindId", a.level, a."obtainedOn", a.units, a."costYuan", a."budgetYuan", a."provincialGrantYuan",
  a.rank, a."projectKey", a.facts
) ORDER BY a.id)`;

/** The engine's view of achievements read by ACHIEVEMENTS_JSON (null: none). */
export const toAchievementInputs = (stored: StoredAchievement[] | null, codes: Map<number, string>) =>
  (stored ?? []).map((a): AchievementInput => ({
    id: String(a[0]),
    kind: codes.get(a[1])!,
    level: a[2],
    obtainedOn: a[3],
    units: a[4],
    costYuan: a[5],
    budgetYuan: a[6],
    provincialGrantYuan: a[7],
    rank: a[8],
    projectKey: a[9],
    facts: a[10],
  }));

/** The achievements of many enterprises in one statement, one JSON list per enterprise (`signal`: the request's deadline). */
export function achievementsByEnterprise(db: Db, kindCodes: () => Promise<Map<number, string>>, signal?: AbortSignal) {
  return new DataLoader<number, AchievementInput[]>(
    observing(signal, async (enterpriseIds: readonly number[]) => {
      const [codes, rows] = await Promise.all([
        kindCodes(),
        db.$queryRaw<{ enterpriseId: number; achievements: StoredAchievement[] }[]>`
        SELECT a."enterpriseId", ${ACHIEVEMENTS_JSON} AS achievements
        FROM "Achievement" a
        WHERE a."enterpriseId" = ANY(${[...enterpriseIds]}) AND a."retiredAt" IS NULL
        GROUP BY a."enterpriseId"`,
      ]);
      const byEnterprise = new Map(rows.map((row) => [row.enterpriseId, toAchievementInputs(row.achievements, codes)]));
      return enterpriseIds.map((id) => byEnterprise.get(id) ?? []);
    }),
    BATCH,
  );
}
