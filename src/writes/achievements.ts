/**
 * Recording, correcting and retiring achievements: kinds and levels from the vocabulary, dates
 * inside sane bounds, money as non-negative integer yuan, attested facts the rules know.
 */
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { Prisma } from '../generated/prisma/client.js';
import { isoDay } from '../scope/engine-inputs.js';
import type { Actor } from '../scope/caller.js';
import { audit, once, parseInput, refuse, yuan, type Tx } from './common.js';
import { loadKinds, vocabularyProblem } from './vocabulary.js';

/** The earliest achievement any seed rewards is from 2017; 1990 leaves room for older records. */
const EARLIEST = '1990-01-01';

const achievementFields = {
  kind: z.string().min(1),
  level: z.string().min(1).nullable(),
  obtainedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
  units: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100_000).nullable(),
  costYuan: yuan.nullable(),
  budgetYuan: yuan.nullable(),
  provincialGrantYuan: yuan.nullable(),
  rank: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100_000).nullable(),
  projectKey: z.string().trim().min(1).max(100).nullable(),
  /** Attested facts: true or false; an absent fact is unknown. */
  facts: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be a fact code'), z.boolean()),
  evidence: z.string().trim().max(500).nullable(),
};

export const achievementCreate = z.strictObject({
  enterpriseId: z.number().int().positive(),
  ...achievementFields,
  level: achievementFields.level.optional(),
  units: achievementFields.units.optional(),
  costYuan: achievementFields.costYuan.optional(),
  budgetYuan: achievementFields.budgetYuan.optional(),
  provincialGrantYuan: achievementFields.provincialGrantYuan.optional(),
  rank: achievementFields.rank.optional(),
  projectKey: achievementFields.projectKey.optional(),
  facts: achievementFields.facts.default({}),
  evidence: achievementFields.evidence.optional(),
});
export const achievementPatch = z.strictObject(achievementFields).partial();

/** A checked achievement as written in bulk; the day as a Date or as YYYY-MM-DD. */
export type AchievementRow = Omit<Prisma.AchievementCreateManyInput, 'obtainedOn'> & { obtainedOn: Date | string };

/**
 * The INSERT of many achievements as one statement, the rows one JSON parameter (a multi-row VALUES
 * binds a parameter per cell, and Prisma's createMany builds exactly that): for imports and for the
 * synthetic population.
 */
export function insertAchievementRows(rows: readonly AchievementRow[]): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "Achievement" ("enterpriseId", "kindId", level, "obtainedOn", units, "costYuan", "budgetYuan",
      "provincialGrantYuan", rank, "projectKey", facts, evidence, "updatedAt")
    SELECT "enterpriseId", "kindId", level, "obtainedOn", units, "costYuan", "budgetYuan",
      "provincialGrantYuan", rank, "projectKey", coalesce(facts, '{}'), evidence, now()
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS t("enterpriseId" int, "kindId" int, level text,
      "obtainedOn" date, units int, "costYuan" int, "budgetYuan" int, "provincialGrantYuan" int, rank int,
      "projectKey" text, facts jsonb, evidence text)`;
}

/** A real calendar day between 1990 and today. */
export function checkDate(day: string) {
  const parsed = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || isoDay(parsed) !== day)
    throw refuse('input.obtainedOn', 'INVALID_ARGUMENT', `${day} is not a calendar date`);
  if (day < EARLIEST || day > isoDay(new Date()))
    throw refuse('input.obtainedOn', 'INVALID_ARGUMENT', `${day} is outside ${EARLIEST} to today`);
  return parsed;
}

/** The kind's id, with the level checked against the kind's levels and the facts against the rules. */
async function vocabulary(
  tx: Tx,
  kindCode: string,
  level: string | null | undefined,
  facts: Record<string, boolean> | undefined,
) {
  const kinds = await loadKinds(tx);
  const problem = vocabularyProblem(kinds, kindCode, level, facts);
  if (problem) throw refuse(`input.${problem[0]}`, problem[1], problem[2]);
  return kinds.get(kindCode)!.id;
}

async function liveEnterprise(tx: Tx, id: number) {
  const enterprise = await tx.enterprise.findUnique({ where: { id }, select: { retiredAt: true } });
  if (!enterprise) throw refuse('input.enterprise', 'NOT_FOUND', `no enterprise ${id}`);
  if (enterprise.retiredAt) throw refuse('input.enterprise', 'RETIRED', `enterprise ${id} is retired`);
}

export async function recordAchievement(db: Db, actor: Actor, raw: unknown, idempotencyKey?: string | null) {
  const input = parseInput(achievementCreate, raw);
  const obtainedOn = checkDate(input.obtainedOn);
  return once(db, actor, idempotencyKey, 'recordAchievement', input, async (tx) => {
    await liveEnterprise(tx, input.enterpriseId);
    const { kind, ...fields } = input;
    const kindId = await vocabulary(tx, kind, fields.level, fields.facts);
    const row = await tx.achievement.create({ data: { ...fields, kindId, obtainedOn } });
    await audit(tx, actor, { action: 'create', entity: 'Achievement', entityId: row.id, before: null, after: row });
    return { id: row.id };
  });
}

async function current(tx: Tx, id: number) {
  const row = await tx.achievement.findUnique({ where: { id }, include: { kind: { select: { code: true } } } });
  if (!row) throw refuse('id', 'NOT_FOUND', `no achievement ${id}`);
  if (row.retiredAt) throw refuse('id', 'RETIRED', `achievement ${id} was retired on ${row.retiredAt.toISOString()}`);
  return row;
}

export async function updateAchievement(
  db: Db,
  actor: Actor,
  id: number,
  raw: unknown,
  idempotencyKey?: string | null,
) {
  const patch = parseInput(achievementPatch, raw);
  const obtainedOn = patch.obtainedOn === undefined ? undefined : checkDate(patch.obtainedOn);
  return once(db, actor, idempotencyKey, 'updateAchievement', [id, patch], async (tx) => {
    const { kind: beforeKind, ...before } = await current(tx, id);
    const { kind, ...fields } = patch;
    const kindId = await vocabulary(
      tx,
      kind ?? beforeKind.code,
      fields.level === undefined ? before.level : fields.level,
      fields.facts,
    );
    const after = await tx.achievement.update({ where: { id }, data: { ...fields, kindId, obtainedOn } });
    await audit(tx, actor, { action: 'update', entity: 'Achievement', entityId: id, before, after });
    return { id };
  });
}

export async function retireAchievement(db: Db, actor: Actor, id: number, idempotencyKey?: string | null) {
  return once(db, actor, idempotencyKey, 'retireAchievement', id, async (tx) => {
    const { kind: _kind, ...before } = await current(tx, id);
    const after = await tx.achievement.update({ where: { id }, data: { retiredAt: new Date() } });
    await audit(tx, actor, { action: 'retire', entity: 'Achievement', entityId: id, before, after });
    return { id };
  });
}
