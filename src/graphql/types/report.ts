/**
 * Reports over many enterprises: who benefits from an incentive, entitlement totals grouped for
 * agencies, a policy's budget exposure against its fund, and what one achievement is worth across
 * policies. All computed by the entitlement engine from the same inputs as a single enterprise.
 */
import { resolveArrayConnection } from '@pothos/plugin-relay';
import {
  budgetExposure,
  groupDimensions,
  type GroupDimension,
  type GroupTotals,
  type YearExposure,
} from '../../engines/entitlement/aggregate.js';
import { evaluatePolicy, totalsOf } from '../../engines/entitlement/evaluate.js';
import type { Entitlement, Totals } from '../../engines/entitlement/types.js';
import { fundOfYear, yearsOf } from '../../engines/entitlement/versions.js';
import { evaluatePopulation, populationFilter, visiblePopulation } from '../../evaluation/population.js';
import { entitlementTotals } from '../../evaluation/totals.js';
import { builder, connectionOf } from '../builder.js';
import type { Scope as Context } from '../../scope/scope.js';
import { userError } from '../errors.js';
import { phrase } from '../../engines/message.js';
import { populationSignal, REPORT_COST } from '../limits.js';
import { decodeIdOf } from '../ids.js';
import { jurisdictionRow } from '../corpus-rows.js';
import { PayerEnum, RecipientKindEnum } from './enums.js';
import { asOfDay, OFFSET_CURSORS, policyKeyOf, retiredPolicy } from '../arguments.js';
import {
  EntitlementRef,
  SimulatedAchievementInput,
  simulatedAchievements,
  TotalsRef,
  totalsFields,
} from './entitlement.js';
import { REFORMS, ReformInput, withReforms } from './reform.js';

// ---------------------------------------------------------------- Incentive.beneficiaries

interface Beneficiary {
  enterpriseId: number;
  entitlements: Entitlement[];
  totals: Totals;
}

const BeneficiaryRef = builder.objectRef<Beneficiary>('Beneficiary').implement({
  description: 'An enterprise this incentive entitles to something, with the entitlements it gives.',
  fields: (t) => ({
    enterprise: t.prismaField({
      type: 'Enterprise',
      description: 'The enterprise entitled.',
      resolve: (query, b, _args, { db }) =>
        db.enterprise.findUniqueOrThrow({ ...query, where: { id: b.enterpriseId } }),
    }),
    entitlements: t.field({
      type: [EntitlementRef],
      description: 'What the incentive gives it: its eligible, counted entitlements, one per achievement.',
      resolve: (b) => b.entitlements,
    }),
    totals: t.field({ type: TotalsRef, description: 'Their totals by nature.', resolve: (b) => b.totals }),
  }),
});

builder.prismaObjectField('Incentive', 'beneficiaries', (t) =>
  t.connection(
    {
      type: BeneficiaryRef,
      description: 'Enterprises this incentive entitles to something as of a date (eligible and counted), in id order.',
      args: { asOf: t.arg({ type: 'Date' }) },
      authScopes: { agency: true },
      select: { id: true, key: true, achievementKindId: true, policy: { select: { key: true, retiredAt: true } } },
      extensions: { ...OFFSET_CURSORS, cost: REPORT_COST },
      resolve: async (incentive, args, ctx, info) => {
        if (incentive.policy.retiredAt) throw retiredPolicy(incentive.policy.key, 'beneficiaries');
        const population = evaluatePopulation(ctx.db, ctx.loaders, {
          filter: visiblePopulation(
            { jurisdictionIds: null, achievementKindId: incentive.achievementKindId },
            ctx.caller.jurisdictionIds,
          ),
          asOf: asOfDay(args.asOf),
          policyKeys: [incentive.policy.key],
          signal: populationSignal(ctx, info),
        });
        const beneficiaries: Beneficiary[] = [];
        for await (const { enterprise, entitlements } of population) {
          const mine = entitlements.filter(
            (e) => e.incentiveKey === incentive.key && e.eligibility === 'ELIGIBLE' && e.disposition === 'COUNTED',
          );
          if (mine.length)
            beneficiaries.push({ enterpriseId: enterprise.id, entitlements: mine, totals: totalsOf(mine) });
        }
        return { ...resolveArrayConnection({ args }, beneficiaries), totalCount: beneficiaries.length };
      },
    },
    connectionOf('Beneficiary'),
  ),
);

// ---------------------------------------------------------------- Query.entitlementTotals

export const EntitlementGroupEnum = builder.enumType('EntitlementGroup', {
  description: 'A dimension to group entitlement totals by.',
  values: groupDimensions,
});

export const GroupTotalsRef = builder.objectRef<GroupTotals>('EntitlementGroupTotals').implement({
  description:
    "Totals of one group. Exact sums, maxima (最高) and the province's parts are kept apart; counts say how many rewards have no sum.",
  fields: (t) => ({
    policyKey: t.exposeString('policyKey', {
      nullable: true,
      description: 'The key of the policy; null unless grouped by POLICY or INCENTIVE.',
    }),
    incentiveKey: t.exposeString('incentiveKey', {
      nullable: true,
      description: 'The key of the incentive within its policy; null unless grouped by INCENTIVE.',
    }),
    jurisdictionCode: t.exposeString('jurisdiction', {
      nullable: true,
      description: "The code of the enterprises' own jurisdiction; null unless grouped by JURISDICTION.",
    }),
    jurisdiction: t.prismaField({
      type: 'Jurisdiction',
      nullable: true,
      description: "The enterprises' own jurisdiction; null unless grouped by JURISDICTION.",
      resolve: async (query, g, _args, ctx) => {
        if (g.jurisdiction === null) return null;
        const row = (await ctx.loaders.jurisdictions()).find((j) => j.code === g.jurisdiction);
        return row ? jurisdictionRow(ctx, query, row.id) : null;
      },
    }),
    year: t.exposeInt('year', {
      nullable: true,
      description: 'The year the achievements were obtained; null unless grouped by YEAR, or where the day is unknown.',
    }),
    payer: t.expose('payer', {
      type: PayerEnum,
      nullable: true,
      description: 'Who pays; null unless grouped by PAYER, or where the document names no payer.',
    }),
    ...totalsFields(t),
    provincialPartYuan: t.expose('provincialPartYuan', {
      type: 'SafeInt',
      description: "The province's own parts beside counted rewards, in integer yuan: never added to the city's money.",
    }),
    countedCount: t.exposeInt('countedCount', {
      description: 'Entitlements that counted: eligible, and neither superseded nor in conflict.',
    }),
    enterpriseCount: t.exposeInt('enterpriseCount', {
      description: 'Enterprises with at least one counted entitlement in the group.',
    }),
  }),
});

const EntitlementTotalsInput = builder.inputType('EntitlementTotalsInput', {
  description: 'What to total, and how to group it.',
  fields: (t) => ({
    groupBy: t.field({
      type: [EntitlementGroupEnum],
      required: true,
      description: 'The dimensions to group by, each at most once; none gives one grand total.',
    }),
    policy: t.id({ description: 'Only this policy.' }),
    jurisdiction: t.id({ description: 'Only enterprises in this jurisdiction or under it.' }),
    year: t.int({ description: 'Only achievements obtained in this year.' }),
    asOf: t.field({ type: 'Date', description: 'Default: today.' }),
    reforms: t.field({ type: [ReformInput], description: REFORMS }),
  }),
});

async function aggregate(
  ctx: Context,
  options: {
    groupBy: readonly GroupDimension[];
    policyKey: string | null;
    jurisdiction?: string | null;
    year?: number | null;
    asOf: string;
  },
  field: string,
  signal: AbortSignal,
) {
  return entitlementTotals(ctx.db, ctx.loaders, {
    ...options,
    filter: await populationFilter(
      ctx.loaders,
      options.policyKey,
      options.jurisdiction ? decodeIdOf('Jurisdiction', options.jurisdiction, `${field}.jurisdiction`) : null,
    ),
    signal,
  });
}

builder.queryField('entitlementTotals', (t) =>
  t.field({
    type: [GroupTotalsRef],
    description:
      'Entitlement totals over every enterprise in scope, grouped by policy, jurisdiction, year, incentive and/or payer: the building block of agency reports.',
    args: { input: t.arg({ type: EntitlementTotalsInput, required: true }) },
    extensions: { cost: REPORT_COST },
    resolve: async (_root, { input }, request, info) => {
      const ctx = await withReforms(request, input.reforms, 'input.reforms');
      if (new Set(input.groupBy).size !== input.groupBy.length)
        throw userError('INVALID_ARGUMENT', 'input.groupBy', phrase('error.DIMENSION_TWICE'));
      return aggregate(
        ctx,
        {
          groupBy: input.groupBy,
          policyKey: await policyKeyOf(ctx, input.policy, 'input.policy'),
          jurisdiction: input.jurisdiction,
          year: input.year,
          asOf: asOfDay(input.asOf),
        },
        'input',
        populationSignal(ctx, info),
      );
    },
  }),
);

// ---------------------------------------------------------------- Policy.budgetExposure

export const YearExposureRef = builder.objectRef<YearExposure>('BudgetYear').implement({
  description:
    "Money owed under a policy in one year (by the year the achievement was obtained) against the policy's fund.",
  fields: (t) => ({
    year: t.exposeInt('year', { description: 'The calendar year.' }),
    fundYuan: t.expose('fundYuan', {
      type: 'SafeInt',
      nullable: true,
      description: 'The yearly fund (000: 2000万元 a year); null without a yearly fund.',
    }),
    exactYuan: t.expose('exactYuan', { type: 'SafeInt', description: 'Counted exact sums the fund pays.' }),
    upToYuan: t.expose('upToYuan', { type: 'SafeInt', description: 'Counted maxima (最高) the fund may pay.' }),
    unspecifiedCount: t.exposeInt('unspecifiedCount', { description: 'Rewards promised with no sum.' }),
    remainingYuan: t.expose('remainingYuan', {
      type: 'SafeInt',
      nullable: true,
      description: 'fundYuan − exactYuan: negative when the money owed exceeds the fund.',
    }),
    otherPayersExactYuan: t.expose('otherPayersExactYuan', {
      type: 'SafeInt',
      description: 'Sums other treasuries pay (受益财政, a county, the province): not drawn on this fund.',
    }),
  }),
});

builder.prismaObjectField('Policy', 'budgetExposure', (t) =>
  t.field({
    type: [YearExposureRef],
    description: 'Per year of the policy, what enterprises are owed against its fund.',
    args: { asOf: t.arg({ type: 'Date' }), reforms: t.arg({ type: [ReformInput], description: REFORMS }) },
    select: { id: true, key: true, retiredAt: true },
    extensions: { cost: REPORT_COST },
    resolve: async (policy, { asOf, reforms }, request, info) => {
      if (policy.retiredAt) throw retiredPolicy(policy.key, 'budgetExposure');
      const ctx = await withReforms(request, reforms);
      const day = asOfDay(asOf);
      const rows = await aggregate(
        ctx,
        { groupBy: ['YEAR', 'PAYER'], policyKey: policy.key, asOf: day },
        'budgetExposure',
        populationSignal(ctx, info),
      );
      // The window and fund as their versions set them: an extended window adds years, a changed fund its figure.
      const input = (await ctx.loaders.enginePolicies()).policyById.get(policy.id)!;
      return budgetExposure((year) => fundOfYear(input, year), yearsOf(input, day), rows);
    },
  }),
);

// ---------------------------------------------------------------- Query.compareIncentives

interface Comparison {
  policyKey: string;
  jurisdiction: string;
  entitlement: Entitlement;
}

const ComparisonRef = builder.objectRef<Comparison>('IncentiveComparison').implement({
  description:
    "What one achievement is worth under one policy, for an enterprise in the policy's first covered jurisdiction, obtained on the day the policy took effect unless a date is given.",
  fields: (t) => ({
    policy: t.prismaField({
      type: 'Policy',
      description: 'The policy compared.',
      resolve: (query, c, _args, { db }) => db.policy.findUniqueOrThrow({ ...query, where: { key: c.policyKey } }),
    }),
    jurisdictionCode: t.exposeString('jurisdiction', { description: 'Where the comparison places the enterprise.' }),
    entitlement: t.field({
      type: EntitlementRef,
      description: 'What the achievement is worth under it, with the clause and the trace.',
      resolve: (c) => c.entitlement,
    }),
  }),
});

builder.queryField('compareIncentives', (t) =>
  t.field({
    type: [ComparisonRef],
    description:
      'The same achievement under every policy that rewards its kind (e.g. 中国质量奖 in 000, 001 and 002), side by side with the clause and the why.',
    args: {
      achievement: t.arg({ type: SimulatedAchievementInput, required: true }),
      recipientKind: t.arg({ type: RecipientKindEnum, defaultValue: 'ENTERPRISE' }),
      asOf: t.arg({ type: 'Date', description: 'Default: today.' }),
      reforms: t.arg({ type: [ReformInput], description: REFORMS }),
    },
    resolve: async (_root, args, request) => {
      const ctx = await withReforms(request, args.reforms);
      const [achievement] = await simulatedAchievements(ctx, [args.achievement], () => 'achievement');
      const { policies } = await ctx.loaders.enginePolicies();
      const codes = new Map((await ctx.loaders.jurisdictions()).map((j) => [j.code, j.id]));
      const asOf = asOfDay(args.asOf);
      const rows = await Promise.all(
        policies
          .filter((p) => p.incentives.some((i) => i.achievementKind === achievement!.kind))
          .map(async (policy): Promise<Comparison[]> => {
            const jurisdiction = policy.appliesTo[0] ?? policy.jurisdiction;
            const jurisdictionPath = await ctx.loaders.jurisdictionPath.load(codes.get(jurisdiction)!);
            const dated = { ...achievement!, obtainedOn: achievement!.obtainedOn ?? policy.effectiveFrom };
            return evaluatePolicy(
              policy,
              { id: 'compared', kind: args.recipientKind ?? 'ENTERPRISE', jurisdictionPath },
              [dated],
              asOf,
            ).map((entitlement) => ({ policyKey: policy.key, jurisdiction, entitlement }));
          }),
      );
      return rows.flat();
    },
  }),
);
