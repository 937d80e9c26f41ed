/**
 * The progress engine's inputs from stored rows: targets with their schedules, and observations
 * per indicator, each batched into one statement however many targets a request asks about.
 */
import DataLoader from 'dataloader';
import type { Db } from '../db/client.js';
import { Prisma } from '../generated/prisma/client.js';
import type { ObservationInput, TargetInput } from '../engines/progress/types.js';
import { targetVersionsDef } from '../corpus/engine-input.js';
import { isoDay } from '../dates/index.js';
import { BATCH } from './engine-inputs.js';
import type { JurisdictionRow } from './corpus-snapshot.js';
import { treeOf } from './jurisdiction-tree.js';
import { observing } from './pace.js';

export function targetInputs(db: Db, signal?: AbortSignal) {
  return new DataLoader<number, TargetInput>(
    observing(signal, async (ids: readonly number[]) => {
      const rows = await db.target.findMany({
        where: { id: { in: [...ids] } },
        include: {
          indicator: { select: { code: true, unit: true } },
          clause: { select: { path: true } },
          policy: { select: { key: true, effectiveFrom: true } },
          jurisdiction: { select: { code: true } },
          appliesTo: { select: { code: true }, orderBy: { code: 'asc' } },
          schedule: {
            include: { jurisdiction: { select: { code: true } } },
            orderBy: [{ year: 'asc' }, { id: 'asc' }],
          },
        },
      });
      const byId = new Map(
        rows.map((t): [number, TargetInput] => [
          t.id,
          {
            key: t.key,
            policyKey: t.policy.key,
            clausePath: t.clause.path,
            quote: t.quote,
            summary: t.summary,
            indicator: t.indicator,
            kind: t.kind,
            comparator: t.comparator,
            per: t.per,
            appliesTo: t.appliesTo.map((j) => j.code),
            value: t.value,
            benchmark: t.benchmark,
            jurisdiction: t.jurisdiction.code,
            baseline:
              t.baselineValue !== null && t.baselineYear !== null
                ? { value: t.baselineValue, year: t.baselineYear }
                : null,
            from: t.fromYear,
            to: t.toYear,
            deadline: t.deadline ? isoDay(t.deadline) : null,
            schedule: t.schedule.map((s) => ({
              jurisdiction: s.jurisdiction?.code ?? null,
              year: s.year,
              value: s.value,
              comparator: s.comparator,
            })),
            policyEffectiveFrom: isoDay(t.policy.effectiveFrom),
            versions: targetVersionsDef.parse(t.versions),
          },
        ]),
      );
      return ids.map((id) => byId.get(id) ?? new Error(`no target ${id}`));
    }),
    BATCH,
  );
}

interface CountsAchievements {
  kind: string;
  levels?: string[];
  measure: 'ACHIEVEMENTS' | 'UNITS';
}

/**
 * Counts taken from recorded achievements, per jurisdiction and every one above it, dated at the
 * start of time so that any recorded observation of the same place and year supersedes them.
 * An achievement without units counts as one unit.
 */
async function countedObservations(
  db: Db,
  tree: () => Promise<JurisdictionRow[]>,
  indicators: Array<{ code: string; counts: CountsAchievements }>,
): Promise<Map<string, ObservationInput[]>> {
  const result = new Map<string, ObservationInput[]>();
  if (indicators.length === 0) return result;
  const rows = await db.$queryRaw<
    Array<{
      kind: string;
      level: string | null;
      jurisdictionId: number;
      year: number;
      achievements: number;
      units: number;
    }>
  >`
    SELECT k.code AS kind, a.level, e."jurisdictionId", EXTRACT(YEAR FROM a."obtainedOn")::int AS year,
           COUNT(*)::int AS achievements, SUM(COALESCE(a.units, 1))::int AS units
    FROM "Achievement" a
    JOIN "Enterprise" e ON e.id = a."enterpriseId"
    JOIN "AchievementKind" k ON k.id = a."kindId"
    WHERE k.code = ANY(${[...new Set(indicators.map((i) => i.counts.kind))]}) AND a."retiredAt" IS NULL AND e."retiredAt" IS NULL
    GROUP BY 1, 2, 3, 4`;
  const jurisdictions = await tree();
  const byId = new Map(jurisdictions.map((j) => [j.id, j]));
  const walks = treeOf(jurisdictions);
  for (const { code, counts } of indicators) {
    const totals = new Map<string, number>();
    for (const row of rows) {
      if (row.kind !== counts.kind || (counts.levels && !counts.levels.includes(row.level ?? ''))) continue;
      const n = counts.measure === 'UNITS' ? row.units : row.achievements;
      for (const at of walks.ancestry(row.jurisdictionId).map((id) => byId.get(id)!))
        totals.set(`${at.code}|${row.year}`, (totals.get(`${at.code}|${row.year}`) ?? 0) + n);
    }
    result.set(
      code,
      [...totals].map(([key, value]) => {
        const [jurisdiction, year] = key.split('|');
        return {
          indicator: code,
          jurisdiction: jurisdiction!,
          year: Number(year),
          value,
          source: `achievements of ${counts.kind} recorded in PolicyGraph`,
          recordedAt: '1970-01-01T00:00:00.000Z',
        };
      }),
    );
  }
  return result;
}

/** Every observation of an indicator, corrections included (the engine keeps the latest), and counts taken from achievements. */
export function observationsOfIndicator(db: Db, tree: () => Promise<JurisdictionRow[]>, signal?: AbortSignal) {
  return new DataLoader<string, ObservationInput[]>(
    observing(signal, async (codes: readonly string[]) => {
      const [rows, indicators] = await Promise.all([
        db.observation.findMany({
          where: { indicator: { code: { in: [...codes] } } },
          include: { indicator: { select: { code: true } }, jurisdiction: { select: { code: true } } },
          orderBy: { id: 'asc' },
        }),
        db.indicator.findMany({
          where: { code: { in: [...codes] }, countsAchievements: { not: Prisma.DbNull } },
          select: { code: true, countsAchievements: true },
        }),
      ]);
      const counted = await countedObservations(
        db,
        tree,
        indicators.map((i) => ({ code: i.code, counts: i.countsAchievements as unknown as CountsAchievements })),
      );
      const byCode = new Map<string, ObservationInput[]>();
      for (const o of rows) {
        const list = byCode.get(o.indicator.code) ?? [];
        list.push({
          indicator: o.indicator.code,
          jurisdiction: o.jurisdiction.code,
          year: o.year,
          value: o.value,
          source: o.source,
          recordedAt: o.recordedAt.toISOString(),
        });
        byCode.set(o.indicator.code, list);
      }
      return codes.map((code) => [...(counted.get(code) ?? []), ...(byCode.get(code) ?? [])]);
    }),
  );
}
