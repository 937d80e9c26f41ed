/**
 * reformImpact: a reform's baseline and reform side by side over the population a policy covers, by
 * year, district and incentive (src/evaluation/reform-impact.ts). Costed as two reports: it reads the
 * baseline (the ledger where it holds the day) and evaluates the reform for every enterprise.
 */
import type { ImpactChange, ImpactGroup, ImpactYear, Impact } from '../../engines/entitlement/impact.js';
import { phrase } from '../../engines/message.js';
import { reformImpact } from '../../evaluation/reform-impact.js';
import { asOfDay } from '../arguments.js';
import { builder } from '../builder.js';
import { userError } from '../errors.js';
import { populationSignal, REPORT_COST } from '../limits.js';
import { PayerEnum } from './enums.js';
import { policyKeyNamed, REFORMS, ReformInput, withReforms } from './reform.js';
import { EntitlementGroupEnum, GroupTotalsRef, YearExposureRef } from './report.js';

const ReformImpactGroupRef = builder.objectRef<ImpactGroup>('ReformImpactGroup').implement({
  description: 'One group (by the dimensions asked) under the baseline and under the reform.',
  fields: (t) => ({
    incentiveKey: t.exposeString('incentiveKey', { nullable: true, description: 'Null unless grouped by INCENTIVE.' }),
    jurisdictionCode: t.exposeString('jurisdiction', {
      nullable: true,
      description: "The enterprises' own jurisdiction; null unless grouped by JURISDICTION.",
    }),
    year: t.exposeInt('year', { nullable: true, description: 'The year obtained; null unless grouped by YEAR.' }),
    payer: t.expose('payer', { type: PayerEnum, nullable: true, description: 'Null unless grouped by PAYER.' }),
    baseline: t.field({
      type: GroupTotalsRef,
      description: 'Totals as the policy is served.',
      resolve: (g) => g.baseline,
    }),
    reform: t.field({ type: GroupTotalsRef, description: 'Totals under the reform.', resolve: (g) => g.reform }),
    deltaYuan: t.expose('deltaYuan', {
      type: 'SafeInt',
      description: 'Money owed under the reform less the baseline.',
    }),
    gainedCount: t.exposeInt('gainedCount', { description: 'Enterprises owed more in this group under the reform.' }),
    lostCount: t.exposeInt('lostCount', { description: 'Enterprises owed less in this group under the reform.' }),
    changedDispositionCount: t.exposeInt('changedDispositionCount', {
      description: 'Enterprises with an entitlement in this group whose eligibility, disposition or nature changes.',
    }),
  }),
});

const ReformImpactYearRef = builder.objectRef<ImpactYear>('ReformImpactYear').implement({
  description: "One year of the policy's fund under the baseline and under the reform (as budgetExposure).",
  fields: (t) => ({
    year: t.exposeInt('year', { description: 'The calendar year.' }),
    baseline: t.field({ type: YearExposureRef, description: 'As served.', resolve: (y) => y.baseline }),
    reform: t.field({ type: YearExposureRef, description: 'Under the reform.', resolve: (y) => y.reform }),
    deltaYuan: t.field({
      type: 'SafeInt',
      description: 'What the fund pays under the reform less the baseline.',
      resolve: (y) => y.reform.exactYuan - y.baseline.exactYuan,
    }),
  }),
});

const ReformImpactChangeRef = builder.objectRef<ImpactChange>('ReformImpactChange').implement({
  description: 'An enterprise whose money owed or dispositions the reform changes.',
  fields: (t) => ({
    enterprise: t.prismaField({
      type: 'Enterprise',
      description: 'The enterprise.',
      resolve: (query, c, _args, { db }) =>
        db.enterprise.findUniqueOrThrow({ ...query, where: { id: Number(c.enterpriseId) } }),
    }),
    jurisdictionCode: t.exposeString('jurisdiction', { description: "The enterprise's own jurisdiction." }),
    baselineYuan: t.expose('baselineYuan', { type: 'SafeInt', description: 'Money owed as served.' }),
    reformYuan: t.expose('reformYuan', { type: 'SafeInt', description: 'Money owed under the reform.' }),
    deltaYuan: t.expose('deltaYuan', { type: 'SafeInt', description: 'reformYuan − baselineYuan.' }),
    dispositionChanges: t.exposeInt('dispositionChanges', {
      description: 'Its entitlements whose eligibility, disposition or nature changes (or that one side only has).',
    }),
  }),
});

type ImpactAnswer = Impact & { policyKey: string; asOf: string };

const ReformImpactTotalRef = builder.objectRef<Impact['total']>('ReformImpactTotal').implement({
  description: 'The whole population of the policy, baseline beside reform.',
  fields: (t) => ({
    baselineYuan: t.expose('baselineYuan', { type: 'SafeInt', description: 'Money owed as served.' }),
    reformYuan: t.expose('reformYuan', { type: 'SafeInt', description: 'Money owed under the reform.' }),
    deltaYuan: t.expose('deltaYuan', { type: 'SafeInt', description: 'reformYuan − baselineYuan.' }),
    gainedCount: t.exposeInt('gainedCount', { description: 'Enterprises owed more.' }),
    lostCount: t.exposeInt('lostCount', { description: 'Enterprises owed less.' }),
    changedDispositionCount: t.exposeInt('changedDispositionCount', {
      description: 'Enterprises with an entitlement whose eligibility, disposition or nature changes.',
    }),
  }),
});

const ReformImpactRef = builder.objectRef<ImpactAnswer>('ReformImpact').implement({
  description:
    "A reform's impact on a policy's population: baseline (the ledger where it holds, else the engine) beside the reform.",
  fields: (t) => ({
    policyKey: t.exposeString('policyKey', { description: 'The policy reformed.' }),
    asOf: t.exposeString('asOf', { description: 'The day computed for (YYYY-MM-DD).' }),
    enterpriseCount: t.exposeInt('enterpriseCount', {
      description: 'Enterprises evaluated (those the policy covers, baseline or reform).',
    }),
    total: t.field({ type: ReformImpactTotalRef, description: 'The whole population.', resolve: (i) => i.total }),
    groups: t.field({
      type: [ReformImpactGroupRef],
      description: 'By the dimensions asked.',
      resolve: (i) => i.groups,
    }),
    years: t.field({
      type: [ReformImpactYearRef],
      description: "The fund's years, baseline beside reform.",
      resolve: (i) => i.years,
    }),
    largestChanges: t.field({
      type: [ReformImpactChangeRef],
      description: 'The enterprises whose money owed changes most (then those with most changed dispositions).',
      resolve: (i) => i.largestChanges,
    }),
  }),
});

builder.queryField('reformImpact', (t) =>
  t.field({
    type: ReformImpactRef,
    description:
      "What a reform would change over the population a policy covers: money owed, the fund's remaining balance and the enterprises that gain, lose or change disposition, by year, district and incentive. Runs as a report (chunked, under the request's deadline) and costs two; startExport(report: REFORM_IMPACT) writes it as a file.",
    authScopes: { agency: true },
    args: {
      policy: t.arg.string({ required: true, description: 'The policy: its key or document number ("000").' }),
      reforms: t.arg({ type: [ReformInput], required: true, description: REFORMS }),
      years: t.arg.intList({ description: 'Only achievements obtained in these years.' }),
      groupBy: t.arg({
        type: [EntitlementGroupEnum],
        defaultValue: ['YEAR'],
        description: 'The dimensions of `groups`, each at most once.',
      }),
      largest: t.arg.int({ defaultValue: 20, description: 'How many of the largest changes to list (0–100).' }),
      asOf: t.arg({ type: 'Date', description: 'Default: today.' }),
    },
    extensions: { cost: 2 * REPORT_COST },
    resolve: async (_root, args, ctx, info) => {
      const groupBy = args.groupBy ?? ['YEAR'];
      if (new Set(groupBy).size !== groupBy.length)
        throw userError('INVALID_ARGUMENT', 'groupBy', phrase('error.DIMENSION_TWICE'));
      const largest = args.largest ?? 20;
      if (largest < 0 || largest > 100)
        throw userError(
          'INVALID_ARGUMENT',
          'largest',
          phrase(largest < 0 ? 'error.REFORM_TOO_SMALL' : 'error.REFORM_TOO_BIG', {
            field: 'largest',
            limit: largest < 0 ? 0 : 100,
          }),
        );
      const policyKey = await policyKeyNamed(ctx, args.policy, 'policy');
      const reformed = await withReforms(ctx, args.reforms);
      const asOf = asOfDay(args.asOf);
      const impact = await reformImpact(ctx.db, ctx.loaders, reformed.loaders, {
        policyKey,
        groupBy,
        years: args.years ?? null,
        asOf,
        sees: ctx.caller.jurisdictionIds,
        signal: populationSignal(ctx, info),
        largest,
      });
      return { ...impact, policyKey, asOf };
    },
  }),
);
