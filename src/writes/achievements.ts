/**
 * Recording, correcting and retiring achievements, checked as every achievement is
 * (src/writes/achievement-input.ts): kinds, levels and facts from the vocabulary, dates and money
 * inside their bounds.
 */
import type { Db } from '../db/client.js';
import { Prisma } from '../generated/prisma/client.js';
import { dateOf } from '../dates/index.js';
import type { Actor } from '../scope/caller.js';
import { corpusSnapshot } from '../scope/corpus-snapshot.js';
import {
  achievementCreate,
  achievementPatch,
  checkAchievement,
  dateProblem,
  vocabularyProblem,
  type AchievementIssue,
} from './achievement-input.js';
import { refreshLedger } from '../evaluation/ledger.js';
import { audit, once, parseInput, type Tx } from './common.js';
import { phrase } from '../engines/message.js';
import { refuse } from '../i18n/refusal.js';
import { Refused } from '../validation/refusal.js';

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

/** A refusal naming the achievement's fields under `input.`. */
const refused = (issues: AchievementIssue[]) =>
  new Refused(issues.map((issue) => ({ ...issue, field: issue.field ? `input.${issue.field}` : 'input' })));

async function liveEnterprise(tx: Tx, id: number) {
  const enterprise = await tx.enterprise.findUnique({ where: { id }, select: { retiredAt: true } });
  if (!enterprise) throw refuse('input.enterprise', 'NOT_FOUND', phrase('error.NO_ENTERPRISE', { id }));
  if (enterprise.retiredAt)
    throw refuse(
      'input.enterprise',
      'RETIRED',
      phrase('error.ENTERPRISE_RETIRED', { id, at: enterprise.retiredAt.toISOString() }),
    );
}

export async function recordAchievement(db: Db, actor: Actor, raw: unknown, idempotencyKey?: string | null) {
  const snapshot = await corpusSnapshot(db);
  const checked = checkAchievement(achievementCreate, raw, snapshot.kinds);
  if ('issues' in checked) throw refused(checked.issues);
  const { value: input, kindId } = checked;
  return once(db, actor, idempotencyKey, 'recordAchievement', input, async (tx) => {
    await liveEnterprise(tx, input.enterpriseId);
    const { kind: _kind, obtainedOn, ...fields } = input;
    const row = await tx.achievement.create({ data: { ...fields, kindId, obtainedOn: dateOf(obtainedOn) } });
    await audit(tx, actor, { action: 'create', entity: 'Achievement', entityId: row.id, before: null, after: row });
    await refreshLedger(db, tx, snapshot, [row.enterpriseId]);
    return { id: row.id };
  });
}

async function current(tx: Tx, id: number) {
  const row = await tx.achievement.findUnique({ where: { id }, include: { kind: { select: { code: true } } } });
  if (!row) throw refuse('id', 'NOT_FOUND', phrase('error.NO_ACHIEVEMENT', { id }));
  if (row.retiredAt)
    throw refuse('id', 'RETIRED', phrase('error.ACHIEVEMENT_RETIRED', { id, at: row.retiredAt.toISOString() }));
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
  const day = patch.obtainedOn === undefined ? null : dateProblem(patch.obtainedOn);
  if (day) throw refused([day]);
  const snapshot = await corpusSnapshot(db);
  const { kinds } = snapshot;
  return once(db, actor, idempotencyKey, 'updateAchievement', [id, patch], async (tx) => {
    const { kind: beforeKind, ...before } = await current(tx, id);
    const { kind = beforeKind.code, obtainedOn, ...fields } = patch;
    // The vocabulary checks the achievement as it will be: the kind and level kept where not changed.
    const problem = vocabularyProblem(
      kinds,
      kind,
      fields.level === undefined ? before.level : fields.level,
      fields.facts,
    );
    if (problem) throw refused([problem]);
    const after = await tx.achievement.update({
      where: { id },
      data: { ...fields, kindId: kinds.get(kind)!.id, obtainedOn: obtainedOn && dateOf(obtainedOn) },
    });
    await audit(tx, actor, { action: 'update', entity: 'Achievement', entityId: id, before, after });
    await refreshLedger(db, tx, snapshot, [before.enterpriseId, after.enterpriseId]);
    return { id };
  });
}

export async function retireAchievement(db: Db, actor: Actor, id: number, idempotencyKey?: string | null) {
  const snapshot = await corpusSnapshot(db);
  return once(db, actor, idempotencyKey, 'retireAchievement', id, async (tx) => {
    const { kind: _kind, ...before } = await current(tx, id);
    const after = await tx.achievement.update({ where: { id }, data: { retiredAt: new Date() } });
    await audit(tx, actor, { action: 'retire', entity: 'Achievement', entityId: id, before, after });
    await refreshLedger(db, tx, snapshot, [before.enterpriseId]);
    return { id };
  });
}
