/**
 * Dated versions and amending documents (issue 19): an incentive's timeline (`Incentive.history`),
 * a target's (`Target.history`), a policy's (`Policy.versions`), and the documents that amend one
 * another. Read from the policies' stored engine input and the targets' stored versions, which carry
 * every version complete (src/corpus/engine-input.ts).
 */
import { describeIncentive } from '../../corpus/describe.js';
import { targetVersionsDef } from '../../corpus/engine-input.js';
import { addDays, dateOf } from '../../dates/index.js';
import type {
  Citation,
  IncentiveInput,
  IncentiveVersion,
  PolicyInput,
  PolicyVersion,
} from '../../engines/entitlement/types.js';
import type { ScheduleRow, TargetVersion } from '../../engines/progress/types.js';
import type { Scope as Context } from '../../scope/scope.js';
import { builder, type Types } from '../builder.js';
import { ComparatorEnum, PayerEnum, RecipientKindEnum } from './enums.js';
import { Cap, IncentiveCondition, ProvincialPart } from './incentive.js';
import { Fund } from './policy.js';

export const CitationRef = builder.objectRef<Citation>('VersionCitation').implement({
  description: 'The clause that made a version, of the policy itself or of a document amending it, with its sentence.',
  fields: (t) => ({
    policy: t.prismaField({
      type: 'Policy',
      description: 'The document whose clause made the version: the policy itself, or one amending it.',
      resolve: (query, c, _args, { db }) => db.policy.findUniqueOrThrow({ ...query, where: { key: c.policyKey } }),
    }),
    clausePath: t.exposeString('clausePath', { description: 'Path of that clause in its document, e.g. "一".' }),
    quote: t.exposeString('quote', { description: 'The sentence that makes the change, verbatim (原文).' }),
  }),
});

/** A version with the day it ends: the day before the next one starts (null: still in force). */
type Dated<V> = V & { until: string | null };

function withEnds<V extends { from: string }>(versions: V[]): Array<Dated<V>> {
  return versions.map((v, i) => ({ ...v, until: i + 1 < versions.length ? addDays(versions[i + 1]!.from, -1) : null }));
}

const versionDescription = (what: string) =>
  `A version of ${what} from a day: an achievement obtained from \`from\` to \`until\` is judged by it.`;

/** `from` and `until`, the same on every kind of version. */
const periodFields = <V extends { from: string; until: string | null }>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, V>,
) => ({
  from: t.field({ type: 'Date', description: 'The first day in force.', resolve: (v) => dateOf(v.from) }),
  until: t.field({
    type: 'Date',
    nullable: true,
    description: 'The last day in force, the day before the next version; null while it is the latest.',
    resolve: (v) => (v.until ? dateOf(v.until) : null),
  }),
});

const IncentiveVersionRef = builder.objectRef<Dated<IncentiveVersion>>('IncentiveVersion').implement({
  description: versionDescription('an incentive’s terms'),
  fields: (t) => ({
    ...periodFields(t),
    withdrawn: t.exposeBoolean('withdrawn', { description: 'Withdrawn (停止执行): nothing is paid from `from`.' }),
    rule: t.field({ type: 'JSON', description: 'The rule, amounts in integer yuan.', resolve: (v) => v.rule }),
    ruleText: t.string({ description: 'The rule in words, with its cap.', resolve: (v) => describeIncentive(v) }),
    cap: t.field({
      type: Cap,
      nullable: true,
      description: 'The ceiling on what it pays (最高不超过); null where none.',
      resolve: (v) => (v.cap ? { amountYuan: v.cap.amount, per: v.cap.per } : null),
    }),
    recipientKinds: t.field({
      type: [RecipientKindEnum],
      description: 'Who may receive it in this version.',
      resolve: (v) => v.recipients,
    }),
    levels: t.stringList({
      description: 'The levels it is limited to; empty means every level.',
      resolve: (v) => v.levels,
    }),
    payer: t.field({
      type: PayerEnum,
      nullable: true,
      description: 'Who pays, where the document names it.',
      resolve: (v) => v.payer ?? null,
    }),
    provincialPart: t.field({
      type: ProvincialPart,
      nullable: true,
      description: "在省…基础上: the province's own part in this version, never counted as city money.",
      resolve: (v) => v.provincialPart ?? null,
    }),
    conditions: t.field({
      type: [IncentiveCondition],
      description: 'Every restriction in this version, as typed data.',
      resolve: (v) => v.conditions,
    }),
    madeBy: t.field({
      type: [CitationRef],
      description: 'The clauses that made it: the incentive’s own for the first version, else the changing ones.',
      resolve: (v) => v.madeBy,
    }),
  }),
});

/** An incentive's timeline: its terms as first written (in force from the policy's first day), then each version. */
export function historyOf(policy: PolicyInput, incentive: IncentiveInput): Array<Dated<IncentiveVersion>> {
  const first: IncentiveVersion = {
    ...incentive,
    from: policy.effectiveFrom,
    withdrawn: false,
    madeBy: [{ policyKey: policy.key, clausePath: incentive.clausePath, quote: incentive.quote }],
  };
  return withEnds([first, ...incentive.versions]);
}

/** A day of a policy's timeline: its own terms then, and the changes of that day to it and to its incentives. */
interface PolicyDay extends PolicyVersion {
  /** Ids of the incentives a version of which starts that day. */
  incentiveIds: number[];
}

const PolicyVersionRef = builder.objectRef<Dated<PolicyDay>>('PolicyVersion').implement({
  description: versionDescription('a policy (its window, scope and fund, and its incentives’ terms)'),
  fields: (t) => ({
    ...periodFields(t),
    withdrawn: t.exposeBoolean('withdrawn', { description: 'The whole document withdrawn (废止) from `from`.' }),
    effectiveUntil: t.field({
      type: 'Date',
      nullable: true,
      description: 'The last day of the window in this version; null: open.',
      resolve: (v) => (v.effectiveUntil ? dateOf(v.effectiveUntil) : null),
    }),
    fund: t.field({
      type: Fund,
      nullable: true,
      description: 'The fund in this version (its clause: see madeBy when the version changes it).',
      resolve: (v) => (v.fund ? { ...v.fund, clausePath: null } : null),
    }),
    appliesTo: t.prismaField({
      type: ['Jurisdiction'],
      description: 'The districts and zones covered in this version (empty: the whole issuing jurisdiction).',
      resolve: (query, v, _args, { db }) =>
        db.jurisdiction.findMany({ ...query, where: { code: { in: v.appliesTo } } }),
    }),
    changedIncentives: t.prismaField({
      type: ['Incentive'],
      description: 'The incentives a new version of which starts that day (see their history).',
      resolve: (query, v, _args, { db }) =>
        db.incentive.findMany({ ...query, where: { id: { in: v.incentiveIds } }, orderBy: { position: 'asc' } }),
    }),
    madeBy: t.field({
      type: [CitationRef],
      description: 'The clauses that made the changes of that day; empty for the document as first issued.',
      resolve: (v) => v.madeBy,
    }),
  }),
});

async function enginePolicy(id: number, { loaders }: Context): Promise<PolicyInput> {
  return (await loaders.enginePolicies()).policyById.get(id)!;
}

/** Every day the policy or one of its incentives changes, the first day included, with the policy's terms then. */
async function timelineOf(id: number, ctx: Context): Promise<Array<Dated<PolicyDay>>> {
  const { policyById, incentiveIdByKey } = await ctx.loaders.enginePolicies();
  const policy = policyById.get(id)!;
  const changes = policy.incentives.flatMap((i) => i.versions.map((v) => ({ incentive: i.key, version: v })));
  const days = [...new Set([...policy.versions, ...changes.map((c) => c.version)].map((v) => v.from))].sort();
  const first: PolicyVersion = { ...policy, from: policy.effectiveFrom, withdrawn: false, madeBy: [] };
  return withEnds(
    [policy.effectiveFrom, ...days.filter((d) => d > policy.effectiveFrom)].map((day) => {
      const own = [first, ...policy.versions].filter((v) => v.from <= day).at(-1)!;
      const ofDay = changes.filter((c) => c.version.from === day);
      return {
        ...own,
        from: day,
        madeBy: [...(own.from === day ? own.madeBy : []), ...ofDay.flatMap((c) => c.version.madeBy)].filter(
          (c, i, all) => all.findIndex((d) => JSON.stringify(d) === JSON.stringify(c)) === i,
        ),
        incentiveIds: ofDay.map((c) => incentiveIdByKey.get(`${policy.key}/${c.incentive}`)!),
      };
    }),
  );
}

/** The keys of the documents whose clauses made a version of `policy`, itself left out. */
const amendingKeys = (policy: PolicyInput) =>
  new Set(
    [...policy.versions, ...policy.incentives.flatMap((i) => i.versions)]
      .flatMap((v) => v.madeBy.map((c) => c.policyKey))
      .filter((key) => key !== policy.key),
  );

/** The documents amending each policy's targets, by the amended policy's id (the targets' versions cite them). */
async function targetAmendments({ db }: Context): Promise<Map<number, Set<string>>> {
  const byPolicy = new Map<number, Set<string>>();
  const policies = await db.policy.findMany({ select: { id: true, key: true } });
  const keyOf = new Map(policies.map((p) => [p.id, p.key]));
  for (const target of await db.target.findMany({ select: { policyId: true, versions: true } }))
    for (const version of targetVersionsDef.parse(target.versions))
      for (const { policyKey } of version.madeBy)
        if (policyKey !== keyOf.get(target.policyId))
          byPolicy.set(target.policyId, (byPolicy.get(target.policyId) ?? new Set()).add(policyKey));
  return byPolicy;
}

builder.prismaObjectFields('Policy', (t) => ({
  versions: t.field({
    type: [PolicyVersionRef],
    description:
      'The timeline: the document as first issued, then every day it or one of its incentives changes (by its own dated values or by an amending document), oldest first.',
    select: { id: true },
    resolve: (p, _args, ctx) => timelineOf(p.id, ctx),
  }),
  amendedBy: t.prismaField({
    type: ['Policy'],
    description: 'The later documents that amend, extend or withdraw some of its terms.',
    select: { id: true },
    resolve: async (query, p, _args, ctx) => {
      const ofTargets = (await targetAmendments(ctx)).get(p.id) ?? [];
      return ctx.db.policy.findMany({
        ...query,
        where: { key: { in: [...amendingKeys(await enginePolicy(p.id, ctx)), ...ofTargets] } },
        orderBy: { effectiveFrom: 'asc' },
      });
    },
  }),
  amends: t.prismaField({
    type: ['Policy'],
    description: 'The earlier documents this one amends, extends or withdraws terms of.',
    select: { key: true },
    resolve: async (query, p, _args, ctx) => {
      const { policies } = await ctx.loaders.enginePolicies();
      const amended = policies.filter((other) => amendingKeys(other).has(p.key)).map((other) => other.key);
      const ofTargets = [...(await targetAmendments(ctx))].filter(([, by]) => by.has(p.key)).map(([id]) => id);
      return ctx.db.policy.findMany({
        ...query,
        where: { OR: [{ key: { in: amended } }, { id: { in: ofTargets } }] },
        orderBy: { effectiveFrom: 'asc' },
      });
    },
  }),
}));

const TargetVersionFigure = builder.objectRef<ScheduleRow>('TargetVersionFigure').implement({
  description: 'One schedule figure of a version of a target: for a year and, for district quotas, a district.',
  fields: (t) => ({
    jurisdictionCode: t.exposeString('jurisdiction', {
      nullable: true,
      description: "The district's code; null: the target's own scope.",
    }),
    year: t.exposeInt('year', { description: 'The year the figure is for.' }),
    value: t.exposeFloat('value', {
      description: "The figure: that year's additions, or the level at the year's end, as the target counts.",
    }),
    comparator: t.expose('comparator', {
      type: ComparatorEnum,
      nullable: true,
      description: "How this figure is met where its sentence says otherwise than the version's; null = the version's.",
    }),
  }),
});

const TargetVersionRef = builder.objectRef<Dated<TargetVersion>>('TargetVersion').implement({
  description: `${versionDescription('a target’s figures')} A period is judged by the figures in force on its last day, or on \`asOf\` while it is open.`,
  fields: (t) => ({
    ...periodFields(t),
    value: t.exposeFloat('value', {
      nullable: true,
      description: 'The figure for the whole scope (or for each of its jurisdictions) in this version.',
    }),
    comparator: t.expose('comparator', {
      type: ComparatorEnum,
      description: 'How the figure is met in this version: GTE at least, GT more than, LTE at most, LT less than.',
    }),
    deadline: t.field({
      type: 'Date',
      nullable: true,
      description: 'The day the figure is due in this version.',
      resolve: (v) => (v.deadline ? dateOf(v.deadline) : null),
    }),
    schedule: t.field({
      type: [TargetVersionFigure],
      description: 'Every figure per year and district in this version, complete, in year order.',
      resolve: (v) => v.schedule,
    }),
    madeBy: t.field({
      type: [CitationRef],
      description: 'The clauses that made it: the target’s own for the first version, else the changing ones.',
      resolve: (v) => v.madeBy,
    }),
  }),
});

builder.prismaObjectField('Target', 'history', (t) =>
  t.field({
    type: [TargetVersionRef],
    description:
      'The timeline of its figures: as first written (from the policy’s first day), then each later version (its own document’s dated figures or an amending document’s), oldest first, each citing the clause that made it.',
    select: { id: true },
    resolve: async (target, _args, { loaders }) => {
      const input = await loaders.targetInput.load(target.id);
      const first: TargetVersion = {
        ...input,
        from: input.policyEffectiveFrom,
        madeBy: [{ policyKey: input.policyKey, clausePath: input.clausePath, quote: input.quote }],
      };
      return withEnds([first, ...input.versions]);
    },
  }),
);

builder.prismaObjectField('Incentive', 'history', (t) =>
  t.field({
    type: [IncentiveVersionRef],
    description:
      'The timeline of its terms: as first written (from the policy’s first day), then each later version, oldest first, each citing the clause that made it.',
    select: { id: true, policyId: true },
    resolve: async (i, _args, ctx) => {
      const { policyById, incentiveById } = await ctx.loaders.enginePolicies();
      return historyOf(policyById.get(i.policyId)!, incentiveById.get(i.id)!);
    },
  }),
);
