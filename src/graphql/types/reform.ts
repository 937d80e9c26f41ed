/**
 * ReformInput: what-if changes to the policies for one request (src/engines/entitlement/reforms.ts),
 * taken by simulateEntitlements, Enterprise.entitlements, entitlementTotals, Policy.budgetExposure,
 * compareIncentives and reformImpact. The reformed policies serve that request only
 * (src/scope/reforms.ts): nothing is stored, and a request without reforms sees the policies as served.
 */
import type { GraphQLError } from 'graphql';
import type { ReformDef } from '../../engines/entitlement/reforms.js';
import { isoDay } from '../../dates/index.js';
import { phrase } from '../../engines/message.js';
import type { Loaders } from '../../scope/loaders.js';
import { withReformsApplied } from '../../scope/reforms.js';
import type { Scope as Context } from '../../scope/scope.js';
import { builder } from '../builder.js';
import { userError } from '../errors.js';
import { documentPrefixOf, retiredPolicy } from '../arguments.js';
import { CapPerEnum, FundPeriodEnum, RecipientKindEnum, StackingRuleEnum } from './enums.js';

const ReformCapInput = builder.inputType('ReformCapInput', {
  description: '最高不超过: a cap on what one enterprise receives of the incentive.',
  fields: (t) => ({
    amount: t.field({ type: 'SafeInt', required: true, description: 'The cap in integer yuan.' }),
    per: t.field({
      type: CapPerEnum,
      defaultValue: 'ENTERPRISE',
      description: 'Per enterprise over the whole policy, or per enterprise and year.',
    }),
  }),
});

const ReformFundInput = builder.inputType('ReformFundInput', {
  description: "The policy's fund.",
  fields: (t) => ({
    amount: t.field({ type: 'SafeInt', required: true, description: 'The fund in integer yuan.' }),
    period: t.field({
      type: FundPeriodEnum,
      defaultValue: 'YEAR',
      description: 'A fund a year, or over the whole period.',
    }),
  }),
});

const ReformIncentiveInput = builder.inputType('ReformIncentiveInput', {
  description:
    'An incentive a reform adds to the policy, its rule and conditions written as a policy file writes them (policies/README.md), amounts in integer yuan: `{kind: "FIXED", amount: 500000}`.',
  fields: (t) => ({
    key: t.string({ required: true, description: 'A new key within the policy (a lower-case slug).' }),
    achievement: t.string({
      required: true,
      description: 'The achievement kind it rewards, e.g. CHINA_QUALITY_AWARD.',
    }),
    rule: t.field({
      type: 'JSON',
      required: true,
      description: 'The rule, e.g. {"kind": "TIERED", "tiers": [{"level": "WINNER", "amount": 2000000}]}.',
    }),
    recipients: t.field({ type: [RecipientKindEnum], description: 'Who may receive it; default ENTERPRISE.' }),
    levels: t.stringList({ description: 'Only achievements of these levels (all levels when absent).' }),
    cap: t.field({ type: ReformCapInput, description: 'A cap per enterprise (最高不超过).' }),
    conditions: t.field({
      type: 'JSON',
      description:
        'Conditions as a policy file writes them, e.g. [{"kind": "ATTESTED", "fact": "ACCEPTANCE_PASSED", "text": "通过验收"}].',
    }),
    quote: t.string({ description: 'The proposed sentence, shown as the entitlement’s quote.' }),
  }),
});

export const ReformInput = builder.inputType('ReformInput', {
  description:
    "One change to a policy for this request only, in force from a day (default: the policy's start): a figure of an incentive's rule (amount, tiers, percent, first, increment, base, bands), its cap, recipients, levels or conditions; the policy's fund, window end, scope or stacking; withdraw an incentive (or the policy), or add one. Only the fields given change. Checked as a policy file is: a figure the rule kind does not have, a tier list of another length, a percentage over 100, an unknown policy, incentive, level or jurisdiction are refused naming the field (`reforms[0].tiers`). With reforms the entitlement ledger is not read: the engine computes.",
  fields: (t) => ({
    policy: t.string({ required: true, description: 'The policy: its key or document number ("000").' }),
    incentive: t.string({
      description: 'The incentive changed or withdrawn, by key; absent for the policy’s own terms.',
    }),
    from: t.field({
      type: 'Date',
      description:
        "The first day in force: achievements obtained on or after it are judged by the reform. Default: the policy's start.",
    }),
    amount: t.field({
      type: 'SafeInt',
      description: 'FIXED: the amount; PER_UNIT: the amount per unit; CEILING: the maximum. Integer yuan.',
    }),
    tiers: t.field({
      type: ['SafeInt'],
      description:
        "TIERED (and PER_UNIT or CEILING by level): one amount per tier, in the rule's order (Incentive.rule), integer yuan.",
    }),
    percent: t.float({ description: 'PERCENTAGE: the share, above 0 and at most 100.' }),
    first: t.field({ type: 'SafeInt', description: 'FIRST_PLUS_INCREMENT: the first unit’s amount, integer yuan.' }),
    increment: t.field({
      type: 'SafeInt',
      description: 'FIRST_PLUS_INCREMENT: each further unit’s amount, integer yuan.',
    }),
    base: t.field({ type: 'SafeInt', description: 'RANK: the amount for being listed, integer yuan.' }),
    bands: t.field({ type: ['SafeInt'], description: "RANK: one amount per band, in the rule's order, integer yuan." }),
    cap: t.field({ type: ReformCapInput, description: 'The incentive’s cap (最高不超过), set or replaced.' }),
    recipients: t.field({ type: [RecipientKindEnum], description: 'Who may receive the incentive.' }),
    levels: t.stringList({ description: 'The levels the incentive rewards (codes of its achievement kind).' }),
    conditions: t.field({
      type: 'JSON',
      description:
        'The incentive’s conditions, replaced, as a policy file writes them: [{"kind": "ATTESTED", "fact": "…", "text": "…"}].',
    }),
    withdraw: t.boolean({
      description: 'Withdraw the incentive (or, without incentive, the policy) from `from` on (停止执行).',
    }),
    add: t.field({ type: ReformIncentiveInput, description: 'Add an incentive to the policy, in force from `from`.' }),
    fund: t.field({ type: ReformFundInput, description: "The policy's fund." }),
    effectiveUntil: t.field({ type: 'Date', description: "The policy's last day (its window's end)." }),
    appliesTo: t.stringList({ description: 'The jurisdiction codes the policy covers (its scope).' }),
    stacking: t.field({
      type: StackingRuleEnum,
      description: 'How rewards for one project combine (按最优一项执行 or added up), for the whole policy.',
    }),
  }),
});

export type ReformArgument = typeof ReformInput.$inferInput;

export const REFORMS =
  'Changes to the policies for this request only (ReformInput); the entitlement ledger is then not read: the engine computes.';

/** A refused reform: nothing was evaluated, so the answer is a 400 with the typed error. */
function refused(error: GraphQLError) {
  error.extensions.http = { status: 400 };
  return error;
}
const kept = new WeakMap<Loaders, Map<string, Promise<Loaders>>>();

/** The served policy a reform (or reformImpact) names, by key or document number. */
export async function policyKeyNamed(ctx: Context, named: string, field: string): Promise<string> {
  const rows = [...(await ctx.loaders.corpusRows()).policies.values()];
  const prefix = documentPrefixOf(named);
  const row = rows.find((p) => (prefix ? p.source.startsWith(prefix) : p.key === named));
  if (!row) throw refused(userError('NOT_FOUND', field, phrase('error.NO_POLICY', { key: named })));
  if (row.retiredAt) throw refused(retiredPolicy(row.key, field));
  return row.key;
}

const capOf = (cap: { amount: number; per?: 'ENTERPRISE' | 'ENTERPRISE_YEAR' | null } | null | undefined) =>
  cap ? { amount: cap.amount, per: cap.per ?? 'ENTERPRISE' } : null;

/** The reforms as the engine takes them: policies by key, days as ISO days, defaults applied. */
export async function reformDefsOf(ctx: Context, reforms: ReformArgument[], field: string): Promise<ReformDef[]> {
  return Promise.all(
    reforms.map(async (r, i) => ({
      ...r,
      policy: await policyKeyNamed(ctx, r.policy, `${field}[${i}].policy`),
      from: r.from ? isoDay(r.from) : null,
      effectiveUntil: r.effectiveUntil ? isoDay(r.effectiveUntil) : null,
      cap: capOf(r.cap),
      add: r.add ? { ...r.add, cap: capOf(r.add.cap) } : null,
      fund: r.fund ? { amount: r.fund.amount, period: r.fund.period ?? 'YEAR' } : null,
    })),
  );
}

async function reformed(ctx: Context, reforms: ReformArgument[], field: string): Promise<Loaders> {
  const result = await withReformsApplied(ctx.db, ctx.loaders, await reformDefsOf(ctx, reforms, field));
  if (!result.ok) {
    const { index, field: at, code, message } = result.issue;
    throw refused(userError(code, `${field}[${index}]${at ? `.${at}` : ''}`, message));
  }
  return result.loaders;
}

/**
 * The request's context with its reforms applied (the same context when there are none), kept for
 * the request: a page of enterprises asked with the same reforms shares one reformed corpus and one
 * batch of evaluations.
 */
export async function withReforms(
  ctx: Context,
  reforms: ReformArgument[] | null | undefined,
  field = 'reforms',
): Promise<Context> {
  if (!reforms?.length) return ctx;
  let byReforms = kept.get(ctx.loaders);
  if (!byReforms) kept.set(ctx.loaders, (byReforms = new Map()));
  const key = `${field}\u0000${JSON.stringify(reforms)}`;
  let loaders = byReforms.get(key);
  if (!loaders) {
    loaders = reformed(ctx, reforms, field);
    byReforms.set(key, loaders);
  }
  return { ...ctx, loaders: await loaders };
}
