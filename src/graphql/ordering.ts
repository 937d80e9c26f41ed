/**
 * The `orderBy` input of every list: `[{field: Asc|Desc}]`, types generated from the Prisma schema
 * by @pothos/plugin-prisma-utils, over columns that are never null (a keyset cursor compares the
 * cursor row's values, and a null compares as unknown, so rows after it would be lost) and over
 * related rows (an achievement by its enterprise's name). The id is always the last key, so every
 * ordering is total and a cursor (an id; Prisma reads the cursor row's keys) stays exact.
 */
import type { InputObjectRef } from '@pothos/core';
import { builder, type Types } from './builder.js';
import { FILTER_MARK, type FilterMark } from './filter-checks.js';

type Direction = 'asc' | 'desc';
type Order = { [field: string]: Direction | Order };

const SortDirection = builder.enumType('SortDirection', {
  description: 'Asc: smallest, earliest or A first; Desc: largest, latest or Z first.',
  values: { Asc: { value: 'asc' }, Desc: { value: 'desc' } } as const,
});

/** An ordering input of `model`: each field a column (its description) or the ordering of a related model. */
export function orderByOf(
  model: keyof Types['PrismaTypes'] & string,
  fields: () => Record<string, string | InputObjectRef<Types, Order>>,
): InputObjectRef<Types, Order> {
  return builder.prismaOrderBy(model, {
    name: `${model}OrderBy`,
    description: `One key to order ${model} objects by (one field per item; later items break ties, then the id).`,
    extensions: { [FILTER_MARK]: { kind: 'orderBy' } satisfies FilterMark },
    fields: () =>
      Object.fromEntries(
        Object.entries(fields()).map(([name, field]) => [
          name,
          () =>
            typeof field === 'string'
              ? { type: SortDirection, description: field }
              : { type: field, description: `By the related ${name}.` },
        ]),
      ) as never,
  }) as unknown as InputObjectRef<Types, Order>;
}

export const JurisdictionOrderBy = orderByOf('Jurisdiction', () => ({
  code: 'By code (zj-taizhou-jiaojiang).',
  name: 'By Chinese name.',
}));
export const EnterpriseOrderBy: InputObjectRef<Types, Order> = orderByOf('Enterprise', () => ({
  name: 'By name.',
  kind: 'By recipient kind.',
  createdAt: 'By the day it was recorded.',
  jurisdiction: JurisdictionOrderBy,
}));
export const AchievementKindOrderBy = orderByOf('AchievementKind', () => ({
  code: 'By code.',
  zh: 'By Chinese name.',
}));
export const AchievementOrderBy = orderByOf('Achievement', () => ({
  obtainedOn: 'By the day obtained.',
  enterprise: EnterpriseOrderBy,
  kind: AchievementKindOrderBy,
}));
export const PolicyOrderBy: InputObjectRef<Types, Order> = orderByOf('Policy', () => ({
  key: 'By key.',
  title: 'By Chinese title.',
  effectiveFrom: 'By the day its rules start.',
  loadedAt: 'By when its file was last loaded.',
}));
export const IncentiveOrderBy = orderByOf('Incentive', () => ({
  key: 'By key.',
  position: 'In document order.',
  ruleKind: 'By rule kind.',
  policy: PolicyOrderBy,
}));
export const TargetOrderBy = orderByOf('Target', () => ({
  key: 'By key.',
  position: 'In document order.',
  kind: 'By target kind.',
  policy: PolicyOrderBy,
}));
export const AuditEntryOrderBy = orderByOf('AuditEntry', () => ({
  at: 'By the time of the write.',
  entity: 'By the type written.',
  actor: 'By who wrote.',
}));

/** The direction of an ordering item's one field (its shape was checked before execution). */
function directionOf(item: Order): Direction {
  const value = Object.values(item).find((v) => v != null)!;
  return typeof value === 'string' ? value : directionOf(value);
}

/**
 * The Prisma orderBy of a caller's `orderBy` (or `fallback` when none is given), always ending with
 * the id in the last key's direction, so that ties are broken the same way on every page.
 */
export function orderOf(orderBy: readonly Order[] | null | undefined, fallback: Order[]): Order[] {
  const items = orderBy?.length ? [...orderBy] : fallback;
  const last = items.map(directionOf).at(-1) ?? 'asc';
  return [...items.filter((item) => !('id' in item)), { id: last }];
}
