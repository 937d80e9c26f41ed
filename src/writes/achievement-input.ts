/**
 * One validation of an achievement, however it arrives: simulated (simulateEntitlements,
 * compareIncentives), recorded (recordAchievement, updateAchievement) or imported. The same zod
 * fields bound it (money as a column holds it, units and ranks 1–100,000, a real day from 1990 to
 * today), and the same vocabulary names it (kind, level, and only facts some rule for the kind asks
 * for), read from the corpus snapshot in memory. Each check answers fields relative to the
 * achievement (`costYuan`, `facts.ACCEPTANCE_PASSED`); each transport puts its own path before them.
 */
import { z } from 'zod';
import { isCalendarDay, today } from '../dates/index.js';
import type { KindEntry } from '../scope/corpus-snapshot.js';
import { yuan } from './common.js';
import { phrase, type MessageValues } from '../engines/message.js';
import { refusal } from '../i18n/refusal.js';
import type { Refusal } from '../validation/refusal.js';
import { cellIssuePhrase } from './import-stream.js';

/** The earliest achievement any seed rewards is from 2017; 1990 leaves room for older records. */
const EARLIEST = '1990-01-01';

/** The largest unit count or rank an achievement may carry. */
export const MAX_COUNT = 100_000;

const count = z.number().int().min(1).max(MAX_COUNT).nullable();

export const achievementFields = {
  kind: z.string().min(1),
  level: z.string().min(1).nullable(),
  obtainedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'error.zod.DATE'),
  /** Products, product classes, items or cases. */
  units: count,
  costYuan: yuan.nullable(),
  budgetYuan: yuan.nullable(),
  provincialGrantYuan: yuan.nullable(),
  rank: count,
  projectKey: z.string().trim().min(1).max(100).nullable(),
  /** Attested facts: true or false; an absent fact is unknown. */
  facts: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'error.zod.FACT_CODE'), z.boolean()),
  evidence: z.string().trim().max(500).nullable(),
};

/** The fields an achievement may leave out, however it arrives. */
const optional = {
  level: achievementFields.level.optional(),
  units: achievementFields.units.optional(),
  costYuan: achievementFields.costYuan.optional(),
  budgetYuan: achievementFields.budgetYuan.optional(),
  provincialGrantYuan: achievementFields.provincialGrantYuan.optional(),
  rank: achievementFields.rank.optional(),
  projectKey: achievementFields.projectKey.optional(),
  facts: achievementFields.facts.default({}),
};

/** An achievement to record or import: its enterprise and day are required. */
export const achievementCreate = z.strictObject({
  enterpriseId: z.number().int().positive(),
  ...achievementFields,
  ...optional,
  evidence: achievementFields.evidence.optional(),
});
/** A correction: an absent field is kept. */
export const achievementPatch = z.strictObject(achievementFields).partial();
/** A hypothetical achievement: only what the rules read, its day unknown where absent (NEEDS_INFO). */
export const simulatedAchievement = z.strictObject({
  kind: achievementFields.kind,
  ...optional,
  obtainedOn: achievementFields.obtainedOn.nullable().optional(),
});

/** A refusal whose field is relative to the achievement: `kind`, `costYuan`, `facts.ACCEPTANCE_PASSED`. */
export type AchievementIssue = Refusal & { code: 'INVALID_ARGUMENT' | 'NOT_FOUND' };

const issue = (field: string, code: AchievementIssue['code'], id: string, values: MessageValues = {}) =>
  refusal(field, code, phrase(`error.achievement.${id}`, values)) as AchievementIssue;

/** What is wrong with a day: not a calendar day, or outside 1990 to today; null when nothing is. */
export function dateProblem(day: string): AchievementIssue | null {
  if (!isCalendarDay(day)) return issue('obtainedOn', 'INVALID_ARGUMENT', 'NOT_CALENDAR_DAY', { day });
  if (day < EARLIEST || day > today())
    return issue('obtainedOn', 'INVALID_ARGUMENT', 'OUT_OF_RANGE', { day, earliest: EARLIEST });
  return null;
}

/** What is wrong with a kind, level and facts against the vocabulary; null when nothing is. */
export function vocabularyProblem(
  kinds: ReadonlyMap<string, KindEntry>,
  kindCode: string,
  level: string | null | undefined,
  facts: Record<string, boolean> | undefined,
): AchievementIssue | null {
  const kind = kinds.get(kindCode);
  if (!kind) return issue('kind', 'NOT_FOUND', 'UNKNOWN_KIND', { code: kindCode });
  if (level && !kind.levels.includes(level))
    return issue('level', 'INVALID_ARGUMENT', 'NO_LEVEL', {
      kind: kindCode,
      level,
      levels: kind.levels.length ? kind.levels : null,
    });
  for (const fact of Object.keys(facts ?? {}))
    if (!kind.facts.has(fact))
      return issue(`facts.${fact}`, 'INVALID_ARGUMENT', 'NO_FACT', {
        kind: kindCode,
        fact,
        facts: kind.facts.size ? [...kind.facts] : null,
      });
  return null;
}

/**
 * A zod issue as the fields at fault, one per unknown key. A field's shape or bound names the field
 * (`facts`, `costYuan`; empty for the achievement as a whole); only the vocabulary names a fact.
 */
const issuesOf = (zodIssue: z.core.$ZodIssue): AchievementIssue[] =>
  zodIssue.code === 'unrecognized_keys'
    ? zodIssue.keys.map((key) => issue(key, 'INVALID_ARGUMENT', 'NOT_A_FIELD'))
    : [refusal(String(zodIssue.path[0] ?? ''), 'INVALID_ARGUMENT', cellIssuePhrase(zodIssue)) as AchievementIssue];

type Whole = typeof achievementCreate | typeof simulatedAchievement;

/**
 * An achievement checked whole, in one order everywhere: its fields (every problem), then its day,
 * then its vocabulary. `kindId` is the stored id of its kind.
 */
export function checkAchievement<S extends Whole>(
  schema: S,
  raw: unknown,
  kinds: ReadonlyMap<string, KindEntry>,
  params?: z.core.ParseContext<z.core.$ZodIssue>,
): { value: z.output<S>; kindId: number } | { issues: AchievementIssue[] } {
  const parsed = schema.safeParse(raw, params);
  if (!parsed.success) return { issues: parsed.error.issues.flatMap(issuesOf) };
  const value = parsed.data as z.output<S>;
  const problem =
    (value.obtainedOn ? dateProblem(value.obtainedOn) : null) ??
    vocabularyProblem(kinds, value.kind, value.level, value.facts);
  if (problem) return { issues: [problem] };
  return { value, kindId: kinds.get(value.kind)!.id };
}
