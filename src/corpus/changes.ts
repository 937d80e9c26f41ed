/**
 * What loading a policy changed, rule by rule, kept in the reload's audit entry: its incentives and
 * targets added, removed, and those whose stored meaning changed, with the fields that changed
 * before and after. An incentive means its stored engine input (read as JSON, whichever version
 * wrote it), a target its stored row with the codes it names; summaries and notes are not meaning.
 */
import { isDeepStrictEqual } from 'node:util';
import { isoDay } from '../dates/index.js';
import type { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;
type Meaning = Record<string, unknown>;

/** The fields of one incentive, target or document that changed, as they were and as they are. */
export interface FieldChanges {
  before: Meaning;
  after: Meaning;
}

export interface ItemChanges {
  added: string[];
  removed: string[];
  changed: Array<FieldChanges & { key: string }>;
}

export interface PolicyChange {
  policy: string;
  /** First stored by this load (every incentive and target is then added). */
  new: boolean;
  /** Served again: its file was put back after it had been retired. */
  restored: boolean;
  /** The document's own fields of its engine input (window, scope, stacking); null when unchanged. */
  document: FieldChanges | null;
  incentives: ItemChanges;
  targets: ItemChanges;
}

export interface StoredMeaning {
  document: Meaning;
  incentives: Map<string, Meaning>;
  targets: Map<string, Meaning>;
}

/** A policy's meaning as stored now, inside the load's transaction; null before its first load. */
export async function storedMeaning(tx: Tx, key: string): Promise<StoredMeaning | null> {
  const row = await tx.policy.findUnique({
    where: { key },
    select: {
      engineInput: true,
      targets: {
        orderBy: { position: 'asc' },
        select: {
          key: true,
          clause: { select: { path: true } },
          quote: true,
          indicator: { select: { code: true } },
          kind: true,
          comparator: true,
          per: true,
          value: true,
          benchmark: true,
          jurisdiction: { select: { code: true } },
          appliesTo: { select: { code: true }, orderBy: { code: 'asc' } },
          baselineValue: true,
          baselineYear: true,
          fromYear: true,
          toYear: true,
          deadline: true,
          schedule: {
            select: { year: true, value: true, comparator: true, jurisdiction: { select: { code: true } } },
            orderBy: [{ year: 'asc' }, { id: 'asc' }],
          },
          versions: true,
        },
      },
    },
  });
  if (!row) return null;
  const { incentives = [], ...document } = row.engineInput as Meaning & { incentives?: Meaning[] };
  return {
    document,
    incentives: new Map(incentives.map((i) => [String(i.key), i])),
    targets: new Map(
      row.targets.map(({ key, clause, indicator, jurisdiction, appliesTo, deadline, schedule, ...fields }) => [
        key,
        {
          ...fields,
          clause: clause.path,
          indicator: indicator.code,
          jurisdiction: jurisdiction.code,
          appliesTo: appliesTo.map((j) => j.code),
          deadline: deadline ? isoDay(deadline) : null,
          schedule: schedule.map((s) => ({ ...s, jurisdiction: s.jurisdiction?.code ?? null })),
        },
      ]),
    ),
  };
}

/** The fields whose values differ; a field one side lacks is null there. Null when none differ. */
function fieldChanges(before: Meaning, after: Meaning): FieldChanges | null {
  const changes: FieldChanges = { before: {}, after: {} };
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)]))
    if (!isDeepStrictEqual(before[field], after[field])) {
      changes.before[field] = before[field] ?? null;
      changes.after[field] = after[field] ?? null;
    }
  return Object.keys(changes.before).length ? changes : null;
}

function itemChanges(before: Map<string, Meaning>, after: Map<string, Meaning>): ItemChanges {
  return {
    added: [...after.keys()].filter((key) => !before.has(key)),
    removed: [...before.keys()].filter((key) => !after.has(key)),
    changed: [...after].flatMap(([key, meaning]) => {
      const changes = before.has(key) ? fieldChanges(before.get(key)!, meaning) : null;
      return changes ? [{ key, ...changes }] : [];
    }),
  };
}

const NOTHING: StoredMeaning = { document: {}, incentives: new Map(), targets: new Map() };

export function changesOf(
  policy: string,
  before: StoredMeaning | null,
  after: StoredMeaning,
  restored: boolean,
): PolicyChange {
  return {
    policy,
    new: before === null,
    restored,
    document: before ? fieldChanges(before.document, after.document) : null,
    incentives: itemChanges((before ?? NOTHING).incentives, after.incentives),
    targets: itemChanges((before ?? NOTHING).targets, after.targets),
  };
}
