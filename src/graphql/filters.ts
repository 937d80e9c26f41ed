/**
 * The `filter` input of every list: types generated from the Prisma schema by
 * @pothos/plugin-prisma-utils (operators per column type, AND/OR/NOT, filters on related rows), and
 * the one translation from a caller's filter to a Prisma `where` (`whereOf`): global IDs decoded,
 * a jurisdiction meaning it and everything under it, kind and indicator codes looked up through
 * their relation, `equals: null` refused on a column that is never null. Each list ANDs its access
 * rules onto the result, so a filter narrows what a caller sees and can never widen it.
 */
import type { InputFieldRef, InputObjectRef } from '@pothos/core';
import { getModel } from '@pothos/plugin-prisma';
import { builder, type Types } from './builder.js';
import type { Scope as Context } from '../scope/scope.js';
import { FILTER_MARK, type FilterMark } from './filter-checks.js';
import { decodeIdOf } from './ids.js';
import {
  BenchmarkEnum,
  ComparatorEnum,
  ObtainedAsEnum,
  PayerEnum,
  RecipientKindEnum,
  RuleKindEnum,
  StackingRuleEnum,
  TargetKindEnum,
  TargetPerEnum,
} from './types/enums.js';

const op = (description: string) => ({ description });
/**
 * Operators with their descriptions. The plugin reads a record of options at run time, but types
 * it as a Record of every operator (Partial is missing), so a record is passed as its keys' list.
 */
const ops = <K extends string>(record: Record<K, object>) => record as unknown as readonly K[];
const ORDERED = (what: string) => ({
  equals: op(`Exactly this ${what}; null (on a column that may be empty) matches rows without one.`),
  in: op(`One of these ${what}s.`),
  lt: op(`Before / less than this ${what}.`),
  lte: op(`On or before / at most this ${what}.`),
  gt: op(`After / more than this ${what}.`),
  gte: op(`On or after / at least this ${what}.`),
});

export const StringFilter = builder.prismaFilter('String', {
  description: 'Conditions on a text column; all those given must hold.',
  ops: ops({
    equals: op('Exactly this text; null (on a column that may be empty) matches rows without one.'),
    in: op('One of these texts.'),
    contains: op('Contains this text (% and _ are plain characters).'),
    startsWith: op('Starts with this text.'),
    endsWith: op('Ends with this text.'),
    mode: op('Insensitive: equals, in, contains, startsWith and endsWith ignore case (ILIKE).'),
  }),
});
export const IntFilter = builder.prismaFilter('Int', {
  description: 'Conditions on a whole-number column (money in yuan, units, ranks, years); all those given must hold.',
  ops: ops(ORDERED('number')),
});
export const FloatFilter = builder.prismaFilter('Float', {
  description: 'Conditions on a decimal column (indicator values); all those given must hold.',
  ops: ops(ORDERED('value')),
});
export const DateFilter = builder.prismaFilter('Date', {
  description: 'Conditions on a date column (YYYY-MM-DD); all those given must hold.',
  ops: ops(ORDERED('day')),
});
export const BooleanFilter = builder.prismaFilter('Boolean', {
  description: 'A condition on a yes/no column.',
  ops: ops({ equals: op('True or false.') }),
});
export const IDFilter = builder.prismaFilter('ID', {
  description: 'Conditions on an object by its global ID.',
  ops: ops({ equals: op('Exactly this object.'), in: op('One of these objects.') }),
});

export function enumFilter<T extends Parameters<typeof builder.prismaFilter>[0]>(type: T, what: string) {
  return builder.prismaFilter(type, {
    description: `Conditions on ${what}.`,
    ops: ops({ equals: op('Exactly this value.'), in: op('One of these values.') }),
  });
}
const RecipientKindFilter = enumFilter(RecipientKindEnum, 'a recipient kind');
const RuleKindFilter = enumFilter(RuleKindEnum, 'a rule kind');
const PayerFilter = enumFilter(PayerEnum, 'a payer');
const ObtainedAsFilter = enumFilter(ObtainedAsEnum, 'how an incentive counts an achievement (NEW or HELD)');
const StackingRuleFilter = enumFilter(StackingRuleEnum, 'a stacking rule');
const TargetKindFilter = enumFilter(TargetKindEnum, 'a target kind');
const ComparatorFilter = enumFilter(ComparatorEnum, 'a comparator');
const TargetPerFilter = enumFilter(TargetPerEnum, 'whose figure a target sets (SCOPE or EACH_JURISDICTION)');
const BenchmarkFilter = enumFilter(BenchmarkEnum, 'the benchmark of a relative target');

type Where = Record<string, unknown>;
type Field = (t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>) => InputFieldRef<Types, unknown>;
/** Input fields that are not the Prisma column of their name: their values are translated by `ModelFilter.custom`. */
const customField = (field: InputFieldRef<Types, unknown>) => field as never;

export interface ModelFilter {
  /** The Prisma model, whose columns say which may be null. */
  model: string;
  /** The fields whose conditions an index serves (it leads one): the others cost more (filter-checks.ts). */
  indexed: string[];
  /** Fields whose values are not Prisma's (IDs, subtrees, codes): their translation to a `where`. */
  custom?: Record<string, (value: never, ctx: Context, path: string) => Promise<Where> | Where>;
  /** Fields that filter related rows: the filter of the model they lead to, and what those rows must always meet. */
  relations?: Record<string, { filter: () => ModelFilter; list?: boolean; always?: Where }>;
}

/** `id: {equals, in}` of global IDs of `typename`, as the integer column `column`. */
export function idsOf(typename: string, column = 'id') {
  return (value: { equals?: string | null; in?: string[] | null }, _ctx: Context, path: string): Where => {
    const filter: Where = {};
    if (value.equals != null) filter.equals = decodeIdOf(typename, value.equals, `${path}.equals`);
    if (value.in) filter.in = value.in.map((id, i) => decodeIdOf(typename, id, `${path}.in[${i}]`));
    return { [column]: filter };
  };
}

/** A jurisdiction's global ID as the ids of it and everything under it (a city includes its districts). */
async function subtreeOf(globalId: string, ctx: Context, path: string): Promise<number[]> {
  return ctx.loaders.jurisdictionSubtree.load(decodeIdOf('Jurisdiction', globalId, path));
}

const isRequired = (spec: ModelFilter, column: string) =>
  getModel(spec.model, builder).fields.find((f) => f.name === column)?.isRequired ?? true;

/** The Prisma `where` of a caller's filter on `spec`'s model (the access rules are ANDed on by the list). */
export async function whereOf(
  spec: ModelFilter,
  filter: object | null | undefined,
  ctx: Context,
  path = 'filter',
): Promise<Where> {
  // Its shape (depth, nulls, ranges) was checked before execution (filter-checks.ts).
  if (!filter) return {};
  const parts: Where[] = [];
  for (const [key, value] of Object.entries(filter) as [string, unknown][]) {
    if (value === undefined) continue;
    const at = `${path}.${key}`;
    const relation = spec.relations?.[key];
    const custom = spec.custom?.[key];
    if (key === 'AND' || key === 'OR') {
      const items = value as object[];
      parts.push({ [key]: await Promise.all(items.map((f, i) => whereOf(spec, f, ctx, `${at}[${i}]`))) });
    } else if (key === 'NOT') {
      parts.push({ NOT: await whereOf(spec, value as object, ctx, at) });
    } else if (custom) {
      if (value !== null) parts.push(await custom(value as never, ctx, at));
    } else if (relation?.list) {
      const quantified: Where = {};
      for (const [q, f] of Object.entries(value as Record<string, object | null>))
        if (f)
          quantified[q] = {
            AND: [await whereOf(relation.filter(), f, ctx, `${at}.${q}`), relation.always ?? {}],
          };
      parts.push({ [key]: quantified });
    } else if (relation) {
      const related = await whereOf(relation.filter(), value as object, ctx, at);
      parts.push({ [key]: { is: { AND: [related, relation.always ?? {}] } } });
    } else if (
      value !== null &&
      typeof value === 'object' &&
      !isRequired(spec, key) &&
      !('equals' in value && value.equals === null)
    ) {
      // SQL compares an empty column as unknown, and NOT(unknown) is unknown too: without this,
      // NOT {level: {in: [NATIONAL]}} would leave out achievements without a level.
      parts.push({ AND: [{ [key]: { not: null } }, { [key]: value }] });
    } else {
      parts.push({ [key]: value });
    }
  }
  return parts.length === 1 ? parts[0] : { AND: parts };
}

/** An input type generated from a model's columns, with the fields `custom` translates. */
export function modelFilter(
  spec: ModelFilter,
  description: string,
  fields: (t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>) => Record<string, unknown>,
): InputObjectRef<Types, Where> {
  const name = `${spec.model}Filter`;
  const mark: FilterMark = {
    kind: 'model',
    required: getModel(spec.model, builder)
      .fields.filter((f) => f.isRequired)
      .map((f) => f.name),
    indexed: spec.indexed,
  };
  return builder.prismaWhere(spec.model as keyof Types['PrismaTypes'], {
    name,
    description,
    extensions: { [FILTER_MARK]: mark },
    fields: ((t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>) => ({
      AND: t.field({ type: [name as never], description: 'Every one of these filters holds.' }),
      OR: t.field({ type: [name as never], description: 'At least one of these filters holds.' }),
      NOT: t.field({ type: name as never, description: 'This filter does not hold.' }),
      ...fields(t),
    })) as never,
  }) as unknown as InputObjectRef<Types, Where>;
}

export const described =
  (type: unknown, description: string): Field =>
  (t) =>
    t.field({ type: type as never, description });

function code(relation: string): ModelFilter['custom'] {
  return { [relation]: (value: Where) => ({ [relation]: { is: { code: value } } }) };
}

// ---------------------------------------------------------------- the models' filters

export const enterpriseFilter: ModelFilter = {
  model: 'Enterprise',
  indexed: ['id', 'jurisdiction', 'creditCode'],
  custom: {
    id: idsOf('Enterprise'),
    jurisdiction: async (id: string, ctx: Context, path: string) => ({
      jurisdictionId: { in: await subtreeOf(id, ctx, path) },
    }),
  },
  relations: { achievements: { filter: () => achievementFilter, list: true, always: { retiredAt: null } } },
};

export const achievementFilter: ModelFilter = {
  model: 'Achievement',
  indexed: ['id', 'jurisdiction', 'kind', 'obtainedOn'],
  custom: {
    id: idsOf('Achievement'),
    jurisdiction: async (id: string, ctx: Context, path: string) => ({
      enterprise: { is: { jurisdictionId: { in: await subtreeOf(id, ctx, path) } } },
    }),
    ...code('kind'),
  },
  relations: { enterprise: { filter: () => enterpriseFilter } },
};

export const policyFilter: ModelFilter = {
  model: 'Policy',
  indexed: ['id', 'key', 'jurisdiction'],
  custom: {
    id: idsOf('Policy'),
    jurisdiction: async (globalId: string, ctx: Context, path: string) => {
      const id = decodeIdOf('Jurisdiction', globalId, path);
      const ancestors = await ctx.loaders.jurisdictionAncestry.load(id);
      return { OR: [{ jurisdictionId: { in: ancestors } }, { coverage: { some: { jurisdictionId: id } } }] };
    },
    achievementKind: (value: Where) => ({ incentives: { some: { achievementKind: { is: { code: value } } } } }),
    inForceOn: (day: Date) => ({
      effectiveFrom: { lte: day },
      OR: [{ effectiveUntil: null }, { effectiveUntil: { gte: day } }],
    }),
  },
  relations: { incentives: { filter: () => incentiveFilter, list: true } },
};

export const incentiveFilter: ModelFilter = {
  model: 'Incentive',
  indexed: ['id', 'achievementKind'],
  custom: {
    id: idsOf('Incentive'),
    jurisdiction: async (globalId: string, ctx: Context, path: string) => ({
      policy: { is: await policyFilter.custom!.jurisdiction(globalId as never, ctx, path) },
    }),
    ...code('achievementKind'),
  },
  relations: { policy: { filter: () => policyFilter } },
};

export const targetFilter: ModelFilter = {
  model: 'Target',
  indexed: ['id', 'indicator'],
  custom: {
    id: idsOf('Target'),
    jurisdiction: (globalId: string, _ctx: Context, path: string) => {
      const id = decodeIdOf('Jurisdiction', globalId, path);
      return { OR: [{ jurisdictionId: id }, { schedule: { some: { jurisdictionId: id } } }] };
    },
    ...code('indicator'),
  },
  relations: { policy: { filter: () => policyFilter } },
};

export const auditEntryFilter: ModelFilter = { model: 'AuditEntry', indexed: ['id', 'entity', 'at'] };

const JURISDICTION = 'In this jurisdiction or anywhere under it (its global ID; a city includes its districts).';

export const EnterpriseFilter: InputObjectRef<Types, Where> = modelFilter(
  enterpriseFilter,
  'Which enterprises to list; every condition given must hold.',
  (t) => ({
    id: described(IDFilter, 'The enterprise itself.')(t),
    name: described(StringFilter, 'Its name.')(t),
    creditCode: described(StringFilter, '统一社会信用代码.')(t),
    industry: described(StringFilter, 'Its industry (行业).')(t),
    kind: described(RecipientKindFilter, 'The kind of recipient.')(t),
    createdAt: described(DateFilter, 'The day it was recorded (UTC).')(t),
    jurisdiction: customField(t.id({ description: JURISDICTION })),
    achievements: described(
      AchievementListFilter,
      'Its achievements (retired ones never count): some, none or every.',
    )(t),
  }),
);

export const AchievementFilter: InputObjectRef<Types, Where> = modelFilter(
  achievementFilter,
  'Which achievements to list; every condition given must hold.',
  (t) => ({
    id: described(IDFilter, 'The achievement itself.')(t),
    enterprise: described(EnterpriseFilter, 'Its enterprise.')(t),
    jurisdiction: customField(
      t.id({ description: `Of an enterprise ${JURISDICTION.charAt(0).toLowerCase()}${JURISDICTION.slice(1)}` }),
    ),
    kind: customField(t.field({ type: StringFilter, description: 'Its kind code (CHINA_QUALITY_AWARD …).' })),
    level: described(StringFilter, 'Its level code (NATIONAL, WINNER …); equals: null for none.')(t),
    obtainedOn: described(DateFilter, 'The day it was obtained.')(t),
    units: described(IntFilter, 'Its units (products, standards …).')(t),
    costYuan: described(IntFilter, 'Its cost in yuan.')(t),
    budgetYuan: described(IntFilter, 'Its budget in yuan.')(t),
    provincialGrantYuan: described(IntFilter, "The province's grant in yuan.")(t),
    rank: described(IntFilter, 'Its rank (1 = first).')(t),
    projectKey: described(StringFilter, 'The project it belongs to.')(t),
  }),
);

export const AchievementListFilter: InputObjectRef<Types, Where> = builder.prismaListFilter(AchievementFilter, {
  name: 'AchievementListFilter',
  description: 'Conditions on a list of achievements.',
  extensions: { [FILTER_MARK]: { kind: 'list' } satisfies FilterMark },
  ops: ops({
    some: op('At least one achievement meets the filter.'),
    none: op('No achievement meets the filter.'),
    every: op('Every achievement meets the filter.'),
  }),
});

export const PolicyFilter: InputObjectRef<Types, Where> = modelFilter(
  policyFilter,
  'Which policies to list; every condition given must hold.',
  (t) => ({
    id: described(IDFilter, 'The policy itself.')(t),
    key: described(StringFilter, 'Its key (taizhou-2017-quality).')(t),
    title: described(StringFilter, 'Its title in Chinese.')(t),
    titleEn: described(StringFilter, 'Its title in English.')(t),
    documentNumber: described(StringFilter, '文号.')(t),
    issuer: described(StringFilter, 'The issuing body.')(t),
    issuedOn: described(DateFilter, 'Its date of issue.')(t),
    effectiveFrom: described(DateFilter, 'The day its rules start.')(t),
    effectiveUntil: described(DateFilter, 'The last day it is in force; equals: null for no end.')(t),
    stackingRule: described(StackingRuleFilter, 'How rewards for one project combine.')(t),
    fundYuan: described(IntFilter, 'Its fund in yuan.')(t),
    jurisdiction: customField(t.id({ description: 'Issued by this jurisdiction or by one above it, or covering it.' })),
    achievementKind: customField(
      t.field({ type: StringFilter, description: 'With an incentive for an achievement kind of this code.' }),
    ),
    inForceOn: customField(t.field({ type: 'Date', description: 'In force on this day (its window covers it).' })),
    incentives: described(IncentiveListFilter, 'Its incentives: some, none or every.')(t),
  }),
);

export const IncentiveFilter: InputObjectRef<Types, Where> = modelFilter(
  incentiveFilter,
  'Which incentives to list; every condition given must hold.',
  (t) => ({
    id: described(IDFilter, 'The incentive itself.')(t),
    policy: described(PolicyFilter, 'Its policy (e.g. inForceOn: the policy is in force that day).')(t),
    jurisdiction: customField(
      t.id({ description: 'Of policies issued by this jurisdiction or one above it, or covering it.' }),
    ),
    achievementKind: customField(t.field({ type: StringFilter, description: 'The code of the kind it rewards.' })),
    key: described(StringFilter, 'Its key within its policy.')(t),
    quote: described(StringFilter, 'The sentence that promises it.')(t),
    summary: described(StringFilter, 'Its summary in English.')(t),
    ruleKind: described(RuleKindFilter, 'The kind of its rule.')(t),
    payer: described(PayerFilter, 'Who pays; equals: null where the document names none.')(t),
    obtained: described(ObtainedAsFilter, 'NEW or HELD.')(t),
    stageByLevel: described(BooleanFilter, 'Whether each level is a stage paid once.')(t),
    capYuan: described(IntFilter, 'Its cap in yuan.')(t),
  }),
);

export const IncentiveListFilter: InputObjectRef<Types, Where> = builder.prismaListFilter(IncentiveFilter, {
  name: 'IncentiveListFilter',
  description: 'Conditions on a list of incentives.',
  extensions: { [FILTER_MARK]: { kind: 'list' } satisfies FilterMark },
  ops: ops({
    some: op('At least one incentive meets the filter.'),
    none: op('No incentive meets the filter.'),
    every: op('Every incentive meets the filter.'),
  }),
});

export const TargetFilter: InputObjectRef<Types, Where> = modelFilter(
  targetFilter,
  'Which targets to list; every condition given must hold.',
  (t) => ({
    id: described(IDFilter, 'The target itself.')(t),
    policy: described(PolicyFilter, 'Its policy.')(t),
    indicator: customField(t.field({ type: StringFilter, description: 'The code of the indicator it measures.' })),
    jurisdiction: customField(t.id({ description: 'Whose scope or schedule names this jurisdiction.' })),
    key: described(StringFilter, 'Its key within its policy.')(t),
    quote: described(StringFilter, 'The sentence that sets it.')(t),
    summary: described(StringFilter, 'Its summary in English.')(t),
    kind: described(TargetKindFilter, 'Its kind.')(t),
    comparator: described(ComparatorFilter, 'How its figure is met.')(t),
    per: described(TargetPerFilter, 'SCOPE or EACH_JURISDICTION.')(t),
    value: described(FloatFilter, 'Its figure; equals: null where it states none.')(t),
    benchmark: described(BenchmarkFilter, 'The benchmark of a relative target.')(t),
    baselineYear: described(IntFilter, 'The year of its baseline.')(t),
    fromYear: described(IntFilter, 'The first year it covers.')(t),
    toYear: described(IntFilter, 'The last year it covers.')(t),
    deadline: described(DateFilter, 'The day its figure is due.')(t),
  }),
);

export const AuditEntryFilter: InputObjectRef<Types, Where> = modelFilter(
  auditEntryFilter,
  'Which audit entries to list; every condition given must hold.',
  (t) => ({
    at: described(DateFilter, 'The day of the write (UTC).')(t),
    actor: described(StringFilter, 'Who wrote.')(t),
    action: described(StringFilter, 'The write (create, update, retire …).')(t),
    entity: described(StringFilter, 'The type written (Enterprise, Achievement …).')(t),
    entityId: described(IntFilter, 'The id of the row written.')(t),
  }),
);

export const clauseFilter: ModelFilter = {
  model: 'Clause',
  indexed: ['id'],
  custom: { id: idsOf('Clause') },
  relations: { policy: { filter: () => policyFilter }, incentives: { filter: () => incentiveFilter, list: true } },
};

export const ClauseFilter: InputObjectRef<Types, Where> = modelFilter(
  clauseFilter,
  'Which clauses to list; every condition given must hold.',
  (t) => ({
    id: described(IDFilter, 'The clause itself.')(t),
    policy: described(PolicyFilter, 'Its policy.')(t),
    path: described(StringFilter, 'Its path ("二/(四)"; startsWith "二/" for the clauses under 二).')(t),
    number: described(StringFilter, 'Its number as printed (一, (四), 1.).')(t),
    heading: described(StringFilter, 'Its heading; equals: null where it has none.')(t),
    text: described(StringFilter, 'Its original text (原文).')(t),
    position: described(IntFilter, 'Its place in the document.')(t),
    incentives: described(IncentiveListFilter, 'The rewards it promises: some, none or every.')(t),
  }),
);

export const observationFilter: ModelFilter = {
  model: 'Observation',
  indexed: ['id', 'indicator'],
  custom: {
    id: idsOf('Observation'),
    jurisdiction: async (id: string, ctx: Context, path: string) => ({
      jurisdictionId: { in: await subtreeOf(id, ctx, path) },
    }),
    ...code('indicator'),
    superseded: (corrected: boolean) => ({ supersededBy: corrected ? { isNot: null } : { is: null } }),
  },
};

export const ObservationFilter: InputObjectRef<Types, Where> = modelFilter(
  observationFilter,
  'Which observations to list; every condition given must hold.',
  (t) => ({
    id: described(IDFilter, 'The observation itself.')(t),
    indicator: customField(t.field({ type: StringFilter, description: 'The code of the indicator measured.' })),
    jurisdiction: customField(
      t.id({ description: `For a jurisdiction ${JURISDICTION.charAt(0).toLowerCase()}${JURISDICTION.slice(1)}` }),
    ),
    year: described(IntFilter, 'The year the value is for.')(t),
    value: described(FloatFilter, 'The value.')(t),
    source: described(StringFilter, 'Who reported it.')(t),
    recordedAt: described(DateFilter, 'The day it was recorded (UTC).')(t),
    superseded: customField(
      t.boolean({ description: 'true: only values a later correction replaced; false: only the values that count.' }),
    ),
  }),
);
