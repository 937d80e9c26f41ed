/**
 * Recording indicator observations, one at a time (GraphQL) or in bulk (CSV/JSON): each checked
 * against the vocabulary and the targets that measure the indicator, all-or-nothing per batch.
 * A value for a period and source already recorded is refused unless it names the observation it
 * corrects; the correction supersedes it and both stay in history.
 */
import { z } from 'zod';
import { MAX_ROW_ID, type Db } from '../db/client.js';
import type { Actor } from '../scope/caller.js';
import { once, type Tx } from '../writes/common.js';
import { CELL_PARSE, cellIssuePhrase } from '../writes/import-stream.js';
import { phrase, type MessageValues } from '../engines/message.js';
import { refusal } from '../i18n/refusal.js';
import type { Prisma } from '../generated/prisma/client.js';
import { Refused, type RefusalCode, type RowRefusal } from '../validation/refusal.js';

export const observationInput = z.strictObject({
  indicator: z.string().min(1),
  jurisdiction: z.string().min(1),
  year: z.number().int(),
  value: z.number().finite(),
  source: z.string().trim().min(1).max(200),
  /** The id of the observation this one corrects. */
  supersedes: z.number().int().positive().max(MAX_ROW_ID, 'error.zod.NO_OBSERVATION').optional(),
});
export type ObservationRecord = z.infer<typeof observationInput>;

/** A refused observation: its row in the batch (from 1), and its field, or "row" for the whole row. */
export type ObservationRefusal = RowRefusal & { field: keyof ObservationRecord | 'row' };

/**
 * The years each indicator's served targets span, and their base year: a value outside all of them
 * measures nothing. A goal reached along a straight path (REACH, not scheduled by year) starts from
 * the year before its first (基期: a 2016 pass rate for a 2017–2020 goal), where the document states
 * no baseline; its progress engine reads that year's value as the path's start (src/engines/progress).
 */
async function spansOf(tx: Tx, indicatorIds: number[]) {
  const targets = await tx.target.findMany({
    where: { indicatorId: { in: indicatorIds }, policy: { retiredAt: null } },
    select: {
      indicatorId: true,
      kind: true,
      fromYear: true,
      toYear: true,
      deadline: true,
      schedule: { select: { year: true } },
      policy: { select: { effectiveFrom: true, effectiveUntil: true } },
    },
  });
  const spans = new Map<number, Array<{ first: number; last: number; base: number | null }>>();
  for (const t of targets) {
    const years = t.schedule.map((s) => s.year);
    const first = Math.min(t.fromYear ?? t.policy.effectiveFrom.getUTCFullYear(), ...years);
    const last = Math.max(
      t.toYear ??
        t.deadline?.getUTCFullYear() ??
        t.policy.effectiveUntil?.getUTCFullYear() ??
        new Date().getUTCFullYear(),
      ...years,
    );
    const base = t.kind === 'REACH' && years.length === 0 ? first - 1 : null;
    spans.set(t.indicatorId, [...(spans.get(t.indicatorId) ?? []), { first, last, base }]);
  }
  return spans;
}

/**
 * Validates and stores a batch in one transaction; on any error nothing is stored and every refused
 * row is named (Refused of ObservationRefusal). Returns the new ids.
 * `name` is how messages name an observation, as the caller would pass it in supersedes: its row id
 * from the command line, its global ID over GraphQL.
 */
export async function recordObservations(
  db: Db,
  rows: unknown[],
  actor: Actor,
  idempotencyKey?: string | null,
  name: (id: number) => string = String,
): Promise<number[]> {
  const errors: ObservationRefusal[] = [];
  const parsed: Array<{ index: number; row: ObservationRecord }> = [];
  rows.forEach((raw, index) => {
    const result = observationInput.safeParse(raw, CELL_PARSE);
    if (result.success) parsed.push({ index, row: result.data });
    else
      for (const issue of result.error.issues)
        errors.push({
          ...refusal(
            (issue.path[0] as keyof ObservationRecord | undefined) ?? 'row',
            'INVALID_ARGUMENT',
            cellIssuePhrase(issue),
          ),
          row: index + 1,
        } as ObservationRefusal);
  });

  return once(db, actor, idempotencyKey, 'recordObservations', rows, async (tx) => {
    const indicators = new Map(
      (await tx.indicator.findMany({ select: { id: true, code: true, unit: true } })).map((i) => [i.code, i]),
    );
    const jurisdictions = new Map(
      (await tx.jurisdiction.findMany({ select: { id: true, code: true } })).map((j) => [j.code, j.id]),
    );
    const indicatorIds = [
      ...new Set(parsed.map((p) => indicators.get(p.row.indicator)?.id).filter((id) => id !== undefined)),
    ];
    const spans = await spansOf(tx, indicatorIds);
    // Current (uncorrected) values of these indicators, and the observations corrections name: two statements.
    const periodKey = (indicatorId: number, jurisdictionId: number, year: number, source: string) =>
      `${indicatorId}|${jurisdictionId}|${year}|${source}`;
    const current = new Map(
      (
        await tx.observation.findMany({
          where: { indicatorId: { in: indicatorIds }, supersededBy: { is: null } },
          select: { id: true, indicatorId: true, jurisdictionId: true, year: true, source: true },
        })
      ).map((o) => [periodKey(o.indicatorId, o.jurisdictionId, o.year, o.source), o.id]),
    );
    const corrected = new Map(
      (
        await tx.observation.findMany({
          where: { id: { in: parsed.flatMap((p) => (p.row.supersedes === undefined ? [] : [p.row.supersedes])) } },
          include: { supersededBy: { select: { id: true } } },
        })
      ).map((o) => [o.id, o]),
    );
    const seenInBatch = new Set<string>();
    const ready: Prisma.ObservationCreateManyInput[] = [];
    for (const { index, row } of parsed) {
      const fail = (field: ObservationRefusal['field'], code: RefusalCode, id: string, values: MessageValues) =>
        errors.push({ ...refusal(field, code, phrase(`error.observation.${id}`, values)), row: index + 1, field });
      const indicator = indicators.get(row.indicator);
      const jurisdictionId = jurisdictions.get(row.jurisdiction);
      if (!indicator) fail('indicator', 'NOT_FOUND', 'UNKNOWN_INDICATOR', { code: row.indicator });
      if (jurisdictionId === undefined)
        fail('jurisdiction', 'NOT_FOUND', 'UNKNOWN_JURISDICTION', { code: row.jurisdiction });
      if (!indicator || jurisdictionId === undefined) continue;
      if (row.value < 0) fail('value', 'INVALID_ARGUMENT', 'NEGATIVE', { value: row.value });
      if (indicator.unit === 'PERCENT' && row.value > 100)
        fail('value', 'INVALID_ARGUMENT', 'OVER_100', { value: row.value });
      const covering = spans.get(indicator.id) ?? [];
      const measures = (s: (typeof covering)[number]) =>
        (s.first <= row.year && row.year <= s.last) || row.year === s.base;
      if (covering.length && !covering.some(measures)) {
        const spans = covering.map((s) =>
          phrase('error.observation.span', { first: s.first, last: s.last, base: s.base }),
        );
        fail('year', 'INVALID_ARGUMENT', 'OUTSIDE_TARGETS', { year: row.year, indicator: row.indicator, spans });
      }
      const period = periodKey(indicator.id, jurisdictionId, row.year, row.source);
      const reported = { source: row.source, indicator: row.indicator, jurisdiction: row.jurisdiction, year: row.year };
      if (row.supersedes === undefined) {
        const existing = current.get(period);
        if (existing !== undefined)
          fail('supersedes', 'DUPLICATE', 'ALREADY_REPORTED', { ...reported, observation: name(existing) });
        else if (seenInBatch.has(period)) fail('row', 'DUPLICATE', 'TWICE', reported);
      } else {
        const old = corrected.get(row.supersedes);
        const observation = name(row.supersedes);
        if (!old) fail('supersedes', 'NOT_FOUND', 'NO_OBSERVATION', { observation });
        else if (old.supersededBy)
          fail('supersedes', 'DUPLICATE', 'ALREADY_CORRECTED', { observation, by: name(old.supersededBy.id) });
        else if (old.indicatorId !== indicator.id || old.jurisdictionId !== jurisdictionId || old.year !== row.year)
          fail('supersedes', 'INVALID_ARGUMENT', 'ANOTHER_SERIES', { observation });
      }
      seenInBatch.add(period);
      ready.push({
        indicatorId: indicator.id,
        jurisdictionId,
        year: row.year,
        value: row.value,
        source: row.source,
        supersedesId: row.supersedes ?? null,
      });
    }
    if (errors.length) throw new Refused(errors.sort((a, b) => a.row - b.row));
    const created = await tx.observation.createManyAndReturn({ data: ready });
    await tx.auditEntry.createMany({
      data: created.map((row) => ({
        actor: actor.name,
        action: row.supersedesId === null ? 'create' : 'correct',
        entity: 'Observation',
        entityId: row.id,
        after: JSON.parse(JSON.stringify(row)) as Prisma.InputJsonValue,
      })),
    });
    return created.map((c) => c.id);
  });
}
