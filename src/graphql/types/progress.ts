/**
 * Target progress over GraphQL: one target for one jurisdiction, a policy's whole matrix
 * (targets × districts × years), and the districts behind their quota.
 */
import { districtsBehind } from '../../engines/progress/progress.js';
import { rollUpQuotas } from '../../engines/progress/rollup.js';
import type { PeriodProgress, ProgressStep, TargetProgress } from '../../engines/progress/types.js';
import { SEVERITY } from '../../engines/progress/types.js';
import {
  districtsOf,
  matrixCells,
  progressFrom,
  targetProgress,
  targetProgressInputs,
} from '../../evaluation/progress.js';
import { pacer } from '../../scope/pace.js';
import { explainProgress, renderPhrase, renderProgressStep } from '../../i18n/trace.js';
import { languageArgs, namedMessagesOf } from '../language.js';
import { builder } from '../builder.js';
import type { Scope as Context } from '../../scope/scope.js';
import { userError } from '../errors.js';
import { phrase, valuesCodes } from '../../engines/message.js';
import { populationSignal, REPORT_COST } from '../limits.js';
import { encodeId } from '../ids.js';
import { asOfDay } from '../arguments.js';

export const ProgressStatusEnum = builder.enumType('ProgressStatus', {
  description:
    'ACHIEVED: the figure is met. ON_TRACK: open, not yet met, at or beyond the straight path to the figure. AT_RISK: open and behind that path. MISSED: ended unmet, or below the benchmark. BREACHED: a floor (稳定在…以上) fell below in some year. NO_DATA: nothing observed, or no figure to compare with.',
  values: SEVERITY,
});

const PeriodRef = builder.objectRef<PeriodProgress>('PeriodProgress').implement({
  description: 'One period of a target (a year, or the span to the deadline) for one jurisdiction.',
  fields: (t) => ({
    year: t.int({
      resolve: (p) => (Number.isFinite(p.year) ? p.year : 9999),
      description: 'The year the period ends in (9999: no deadline).',
    }),
    start: t.string({ description: 'The first day of the period (YYYY-MM-DD).', resolve: (p) => p.start }),
    end: t.string({ description: 'The last day of the period (YYYY-MM-DD).', resolve: (p) => p.end }),
    targetValue: t.float({
      nullable: true,
      description: "The figure for the period, in the indicator's unit; null where there is none to compare with.",
      resolve: (p) => p.targetValue,
    }),
    targetSource: t.string({
      nullable: true,
      description: "Where the figure comes from: a schedule row, the scope's value or the benchmark, in words.",
      args: languageArgs,
      resolve: async (p, { language }, ctx) =>
        p.targetSource ? renderPhrase(p.targetSource, await namedMessagesOf(language, ctx)) : null,
    }),
    observed: t.float({
      nullable: true,
      description: "The value compared: the year's level or additions, or the running sum of a cumulative goal.",
      resolve: (p) => p.observed,
    }),
    observedThrough: t.int({
      nullable: true,
      description: 'The last year whose observation the value includes.',
      resolve: (p) => p.observedThrough,
    }),
    derivedFromDistricts: t.boolean({
      description:
        "True when a city's count is the sum of its districts' observations or, for a per-jurisdiction target (per: EACH_JURISDICTION), the number of its districts meeting their own figure.",
      resolve: (p) => p.derivedFromDistricts,
    }),
    expected: t.float({
      nullable: true,
      description: 'Expected on the straight path by observedThrough.',
      resolve: (p) => p.expected,
    }),
    share: t.float({
      nullable: true,
      description: '(observed − baseline) / (target − baseline).',
      resolve: (p) => p.share,
    }),
    projection: t.float({
      nullable: true,
      description: 'The observed trend at the period end.',
      resolve: (p) => p.projection,
    }),
    status: t.field({ type: ProgressStatusEnum, description: 'Where the period stands.', resolve: (p) => p.status }),
    reason: t.string({
      description: "Why it has that status, in the request's language.",
      args: languageArgs,
      resolve: async (p, { language }, ctx) => renderPhrase(p.reason, await namedMessagesOf(language, ctx)),
    }),
  }),
});

const ProgressStepRef = builder.objectRef<ProgressStep>('ProgressStep').implement({
  description: "One step of a progress computation: the target's clause, a period's verdict, an observation used.",
  fields: (t) => ({
    code: t.exposeString('code', {
      description: "A stable code for machines: CLAUSE, OBSERVATION, or a period's status (ACHIEVED, AT_RISK …).",
    }),
    text: t.string({
      description: "The step in words, for an officer, in the request's language.",
      args: languageArgs,
      resolve: async (s, { language }, ctx) => renderProgressStep(s, await namedMessagesOf(language, ctx)),
    }),
    values: t.field({
      type: 'JSON',
      description: "What the step reads, for machines: figures, years, days, codes and the clause's own words.",
      resolve: (s) => valuesCodes(s.values),
    }),
  }),
});

interface TargetProgressResult {
  targetId: number;
  progress: TargetProgress;
  /** The day the progress was computed for: the charts draw the same day. */
  asOf: string;
}

const TargetProgressRef = builder.objectRef<TargetProgressResult>('TargetProgress').implement({
  description: 'Where a target stands for one jurisdiction, period by period, with the steps that decided it.',
  fields: (t) => ({
    target: t.prismaField({
      type: 'Target',
      description: 'The target.',
      resolve: (query, r, _args, { db }) => db.target.findUniqueOrThrow({ ...query, where: { id: r.targetId } }),
    }),
    jurisdictionCode: t.string({
      description: 'The code of the jurisdiction whose progress this is.',
      resolve: (r) => r.progress.jurisdiction,
    }),
    jurisdiction: t.prismaField({
      type: 'Jurisdiction',
      description: "The jurisdiction whose progress this is: the target's scope or one of its districts.",
      resolve: (query, r, _args, { db }) =>
        db.jurisdiction.findUniqueOrThrow({ ...query, where: { code: r.progress.jurisdiction } }),
    }),
    status: t.field({
      type: ProgressStatusEnum,
      description: 'The most severe status of the periods that have started.',
      resolve: (r) => r.progress.status,
    }),
    periods: t.field({
      type: [PeriodRef],
      description: 'Period by period: each year, or the span to the deadline.',
      resolve: (r) => r.progress.periods,
    }),
    steps: t.field({
      type: [ProgressStepRef],
      description: 'The steps that decided it: the clause, each period, the observations used.',
      resolve: (r) => r.progress.steps,
    }),
    explanation: t.string({
      description: "The whole computation as text, in the request's language.",
      args: languageArgs,
      resolve: async (r, { language }, ctx) => explainProgress(r.progress, await namedMessagesOf(language, ctx)),
    }),
    chartUrl: t.string({
      description:
        'An SVG chart of this progress, in Chinese: observed series, target path, deadline, as of the same day.',
      resolve: (r) =>
        `/charts/targets/${encodeId('Target', r.targetId)}.svg?${new URLSearchParams({ jurisdiction: r.progress.jurisdiction, asOf: r.asOf })}`,
    }),
    districtsChartUrl: t.string({
      description:
        "An SVG chart of all the target's districts side by side (figure against observed value, districts behind marked), as of the same day.",
      resolve: (r) =>
        `/charts/targets/${encodeId('Target', r.targetId)}/districts.svg?${new URLSearchParams({ asOf: r.asOf })}`,
    }),
  }),
});

async function checkedJurisdiction(ctx: Context, code: string | null | undefined, field: string) {
  if (!code) return null;
  const tree = await ctx.loaders.jurisdictions();
  if (!tree.some((j) => j.code === code))
    throw userError('NOT_FOUND', field, phrase('error.UNKNOWN_JURISDICTION', { code }));
  return code;
}

const progressArgs = {
  asOf: { type: 'Date', description: 'Default: today.' },
} as const;

const DistrictBehindRef = builder.simpleObject('DistrictBehind', {
  description: 'A district behind its figure (AT_RISK, MISSED or BREACHED), at the first period with that status.',
  fields: (t) => ({
    jurisdictionCode: t.string({ description: 'The code of the district.' }),
    status: t.field({ type: ProgressStatusEnum, description: "The district's status: AT_RISK, MISSED or BREACHED." }),
    year: t.int({ description: 'The year that period ends in.' }),
    targetValue: t.float({ description: "The district's figure for that period." }),
    observed: t.float({ description: 'The value observed for that period.' }),
    gap: t.float({ description: 'How far from the figure (target − observed; reversed for a ceiling).' }),
  }),
});

const QuotaRollupRef = builder.simpleObject('QuotaRollup', {
  description:
    "The districts' quotas added up against the city's figure, as the document writes both: a difference is reported, never adjusted (004: the districts owe 400 QMS certifications a year, the city 500). A per-jurisdiction target (per: EACH_JURISDICTION) has no city figure to add up to.",
  fields: (t) => ({
    year: t.int({ nullable: true, description: 'Null: the whole period of a cumulative goal.' }),
    districts: t.int({ description: 'How many districts have a quota for it.' }),
    districtSum: t.float({ description: "The districts' quotas added up." }),
    cityFigure: t.float({ description: "The city's own figure for the same year or period." }),
    difference: t.float({
      description: 'districtSum − cityFigure: negative when the districts owe less than the city.',
    }),
  }),
});

builder.prismaObjectFields('Target', (t) => ({
  quotaRollup: t.field({
    type: [QuotaRollupRef],
    description:
      'Per year (or over the period) where the document gives district quotas and a city figure; rates are never summed.',
    select: { id: true },
    resolve: async (target, _args, ctx) => {
      const input = await ctx.loaders.targetInput.load(target.id);
      return rollUpQuotas(
        {
          kind: input.kind,
          per: input.per,
          value: input.value ?? undefined,
          schedule: input.schedule.map((r) => ({ ...r, jurisdiction: r.jurisdiction ?? undefined })),
        },
        input.indicator.unit,
      );
    },
  }),
  progress: t.field({
    type: TargetProgressRef,
    description:
      'Where the target stands for its scope, or for one district (jurisdiction code, e.g. gd-foshan-nanhai).',
    args: { asOf: t.arg({ ...progressArgs.asOf }), jurisdiction: t.arg.string() },
    select: { id: true },
    resolve: async (target, args, ctx) => {
      const jurisdiction = await checkedJurisdiction(ctx, args.jurisdiction, 'jurisdiction');
      const asOf = asOfDay(args.asOf);
      const { progress } = await targetProgress(ctx.loaders, target.id, { asOf, jurisdiction });
      return { targetId: target.id, progress, asOf };
    },
  }),
  districtsBehind: t.field({
    type: [DistrictBehindRef],
    description: 'Districts whose progress is AT_RISK, MISSED or BREACHED, with their first period behind and the gap.',
    args: { asOf: t.arg({ ...progressArgs.asOf }) },
    select: { id: true },
    resolve: async (target, args, ctx) => {
      const asOf = asOfDay(args.asOf);
      const { target: input, progress: city } = await targetProgress(ctx.loaders, target.id, { asOf });
      const districts = await districtsOf(ctx.loaders, input);
      const perDistrict = await Promise.all(
        districts.map(async (d) => (await targetProgress(ctx.loaders, target.id, { asOf, jurisdiction: d })).progress),
      );
      return districtsBehind({ city, districts: perDistrict }, input.comparator).map(({ jurisdiction, ...rest }) => ({
        jurisdictionCode: jurisdiction,
        ...rest,
      }));
    },
  }),
}));

builder.prismaObjectField('Policy', 'progressMatrix', (t) =>
  t.field({
    type: [TargetProgressRef],
    description:
      'Every target of the policy for its scope and for each district its schedule names (or, per jurisdiction, each district owing the figure): targets × districts × years in one request. Filter by overall status.',
    args: { asOf: t.arg({ ...progressArgs.asOf }), status: t.arg({ type: [ProgressStatusEnum] }) },
    select: { targets: { select: { id: true }, orderBy: { position: 'asc' } } },
    extensions: { cost: REPORT_COST },
    resolve: async (policy, args, ctx, info) => {
      const asOf = asOfDay(args.asOf);
      const pace = pacer(populationSignal(ctx, info));
      // Inputs read together (a fixed number of statements), then evaluated cell by cell, yielding.
      const inputs = await Promise.all(
        (
          await matrixCells(
            ctx.loaders,
            policy.targets.map((t) => t.id),
          )
        ).map(async ({ targetId, jurisdiction }) => ({
          targetId,
          input: await targetProgressInputs(ctx.loaders, targetId, { asOf, jurisdiction }),
        })),
      );
      const cells = [];
      for (const { targetId, input } of inputs) {
        await pace();
        cells.push({ targetId, progress: progressFrom(input).progress, asOf });
      }
      return args.status?.length ? cells.filter((c) => args.status!.includes(c.progress.status)) : cells;
    },
  }),
);

// ---------------------------------------------------------------- recording observations
