/**
 * The progress engine's inputs from stored rows: targets with their schedules, and observations
 * per indicator, each batched into one statement however many targets a request asks about.
 */
import DataLoader from 'dataloader';
import type { Db } from '../db/client.js';
import type { ObservationInput, TargetInput } from '../engines/progress/types.js';
import { BATCH, isoDay } from './engine-inputs.js';

export function targetInputs(db: Db) {
  return new DataLoader<number, TargetInput>(async (ids) => {
    const rows = await db.target.findMany({
      where: { id: { in: [...ids] } },
      include: {
        indicator: { select: { code: true, unit: true } },
        clause: { select: { path: true } },
        policy: { select: { key: true, effectiveFrom: true } },
        jurisdiction: { select: { code: true } },
        schedule: { include: { jurisdiction: { select: { code: true } } }, orderBy: [{ year: 'asc' }, { id: 'asc' }] },
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
          })),
          policyEffectiveFrom: isoDay(t.policy.effectiveFrom),
        },
      ]),
    );
    return ids.map((id) => byId.get(id) ?? new Error(`no target ${id}`));
  }, BATCH);
}

/** Every observation of an indicator, corrections included (the engine keeps the latest). */
export function observationsOfIndicator(db: Db) {
  return new DataLoader<string, ObservationInput[]>(async (codes) => {
    const rows = await db.observation.findMany({
      where: { indicator: { code: { in: [...codes] } } },
      include: { indicator: { select: { code: true } }, jurisdiction: { select: { code: true } } },
      orderBy: { id: 'asc' },
    });
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
    return codes.map((code) => byCode.get(code) ?? []);
  });
}
