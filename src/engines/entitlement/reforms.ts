/**
 * Reforms, as PolicyEngine has them: changes to the policies for one request ("what if 000 paid
 * 200万 for 中国质量奖?"). A reform is a version in force from a day (default: the policy's start):
 * applied to plain engine inputs, it returns new inputs the engine evaluates like any others, and
 * nothing is stored. Each change is checked by the policy format's own schemas (src/format/policy.ts,
 * the same a policy file goes through), over integer yuan, and names its field when refused.
 */
import { z } from 'zod';
import { conditionDef, recipientKinds, slug, yuan, yuanRewards, type RuleDef } from '../../format/policy.js';
import { phrase, term, type MessageValues, type Phrase } from '../message.js';
import { versionAt } from './versions.js';
import type {
  Citation,
  IncentiveInput,
  IncentiveTerms,
  PolicyInput,
  PolicyTerms,
  RecipientKind,
  Version,
} from './types.js';

/** The figures a rule may have, by the names the policy format gives them (`max` is a ceiling's amount). */
const FIGURES = ['amount', 'tiers', 'percent', 'first', 'increment', 'base', 'bands'] as const;
type Figure = (typeof FIGURES)[number];

/** A new incentive a reform adds: its rule and conditions written as a policy file writes them, over integer yuan. */
export interface AddedIncentiveDef {
  key: string;
  achievement: string;
  rule?: unknown;
  recipients?: RecipientKind[] | null;
  levels?: string[] | null;
  cap?: { amount: number; per: 'ENTERPRISE' | 'ENTERPRISE_YEAR' } | null;
  conditions?: unknown;
  quote?: string | null;
}

/** One change, as ReformInput carries it (null or absent: unchanged). */
export interface ReformDef {
  /** The served policy's key. */
  policy: string;
  /** The incentive changed or withdrawn; absent for the policy's own terms or an added incentive. */
  incentive?: string | null;
  /** The first day in force; default the policy's start. */
  from?: string | null;
  amount?: number | null;
  tiers?: number[] | null;
  percent?: number | null;
  first?: number | null;
  increment?: number | null;
  base?: number | null;
  bands?: number[] | null;
  cap?: { amount: number; per: 'ENTERPRISE' | 'ENTERPRISE_YEAR' } | null;
  recipients?: RecipientKind[] | null;
  levels?: string[] | null;
  conditions?: unknown;
  withdraw?: boolean | null;
  add?: AddedIncentiveDef | null;
  fund?: { amount: number; period: 'YEAR' | 'TOTAL' } | null;
  effectiveUntil?: string | null;
  appliesTo?: string[] | null;
  stacking?: PolicyInput['stacking'] | null;
}

/** What a reform is checked against besides the policies: the vocabulary of the corpus. */
export interface ReformVocabulary {
  /** Achievement kind code → its level codes. */
  levelsOfKind: ReadonlyMap<string, readonly string[]>;
  jurisdictions: ReadonlySet<string>;
}

export interface ReformIssue {
  /** Path below the reform, e.g. `tiers`, `cap.amount`, `appliesTo[1]`. */
  field: string;
  index: number;
  code: 'NOT_FOUND' | 'INVALID_ARGUMENT';
  message: Phrase;
}

export type Reformed = { ok: true; policies: PolicyInput[] } | { ok: false; issue: ReformIssue };

class Refused extends Error {
  constructor(readonly issue: Omit<ReformIssue, 'index'>) {
    super(issue.message.id);
  }
}

const refuse = (
  field: string,
  id: string,
  values: MessageValues = {},
  code: ReformIssue['code'] = 'INVALID_ARGUMENT',
) => new Refused({ field, code, message: phrase(`error.${id}`, values) });

/** A zod issue of a reformed term as a refusal naming the reform's field. */
function parsed<T>(schema: z.ZodType<T>, value: unknown, field: (path: PropertyKey[]) => string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const at = field(issue.path);
  if (issue.code === 'too_big') throw refuse(at, 'REFORM_TOO_BIG', { field: at, limit: Number(issue.maximum) });
  if (issue.code === 'too_small') throw refuse(at, 'REFORM_TOO_SMALL', { field: at, limit: Number(issue.minimum) });
  throw refuse(at, 'REFORM_FORMAT', { field: at, message: issue.message });
}

const pathText = (path: PropertyKey[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');

/** A figure's value in a REFORM step: money (`…Yuan`, written as money) or a plain value. */
const money = (name: string, level: string | null, beforeYuan: number | null, afterYuan: number): MessageValues => ({
  case: 'money',
  term: term(`reformTerm.${name}`),
  level,
  beforeYuan,
  afterYuan,
});
const value = (name: string, before: string | number | null, after: string | number | null): MessageValues => ({
  case: 'value',
  term: term(`reformTerm.${name}`),
  level: null,
  before,
  after,
});

/** A term restated as it was is no change: it gets no REFORM step. */
const changed = (notes: MessageValues[]) =>
  notes.filter((n) => (n.case === 'money' ? n.beforeYuan !== n.afterYuan : n.before !== n.after));

/** Which figures a rule has: only those may be changed (a FIXED rule has no percent). */
function figuresOf(rule: RuleDef): Figure[] {
  switch (rule.kind) {
    case 'FIXED':
      return ['amount'];
    case 'TIERED':
      return ['tiers'];
    case 'PER_UNIT':
      return rule.amount !== undefined ? ['amount'] : ['tiers'];
    case 'CEILING':
      return rule.max !== undefined ? ['amount'] : ['tiers'];
    case 'FIRST_PLUS_INCREMENT':
      return ['first', 'increment'];
    case 'PERCENTAGE':
      return ['percent'];
    case 'RANK':
      return ['base', 'bands'];
    default:
      return [];
  }
}

/** The rule with the reform's figures, checked by the format's rule schema, and a note per figure changed. */
function reformedRule(rule: RuleDef, r: ReformDef): { rule: RuleDef; notes: MessageValues[] } {
  const asked = FIGURES.filter((f) => r[f] != null);
  if (!asked.length) return { rule, notes: [] };
  const takes = figuresOf(rule);
  for (const figure of asked)
    if (!takes.includes(figure))
      throw refuse(figure, 'REFORM_FIGURE', {
        figure,
        kind: rule.kind,
        figures: takes.length ? takes.join(', ') : '—',
      });
  const next = structuredClone(rule) as Record<string, unknown>;
  const old = rule as Record<string, unknown>;
  const notes: MessageValues[] = [];
  const listed = (figure: 'tiers' | 'bands', given: number[]) => {
    const items = old[figure] as Array<{ amount: number; level?: string; levels?: string[]; upTo?: number }>;
    // A tier by its level or levels, a rank band by its last rank.
    const labels = items.map((t) => t.level ?? t.levels?.join('/') ?? `≤${t.upTo}`);
    if (given.length !== items.length)
      throw refuse(figure, 'REFORM_LENGTH', {
        figure,
        expected: items.length,
        given: given.length,
        items: labels.join(', '),
      });
    next[figure] = items.map((item, i) => ({ ...item, amount: given[i] }));
    items.forEach((item, i) => notes.push(money(figure, labels[i]!, item.amount, given[i]!)));
  };
  for (const figure of asked) {
    if (figure === 'tiers' || figure === 'bands') listed(figure, r[figure]!);
    else {
      const name = figure === 'amount' && rule.kind === 'CEILING' ? 'max' : figure;
      const before = (old[name] as number | undefined) ?? null;
      next[name] = r[figure];
      notes.push(figure === 'percent' ? value(figure, before, r[figure]!) : money(figure, null, before, r[figure]!));
    }
  }
  const checked = parsed(yuanRewards.rule, next, (path) => {
    const [head, index] = path;
    const figure = head === 'max' ? 'amount' : String(head ?? asked[0]);
    return typeof index === 'number' ? `${figure}[${index}]` : figure;
  });
  return { rule: checked, notes };
}

const recipientsDef = z.array(z.enum(recipientKinds)).min(1);

/** Refuses the first of `levels` that is not a level of `kind` (`known`), naming it at `field[i]`. */
function knownLevels(levels: readonly string[], kind: string, known: readonly string[], field: string) {
  levels.forEach((level, i) => {
    if (!known.includes(level))
      throw refuse(`${field}[${i}]`, 'REFORM_LEVEL', { level, kind, levels: known.join(', ') }, 'NOT_FOUND');
  });
}
const conditionsDef = z.array(conditionDef);

/** The incentive's terms a reform sets, checked, with a note per term changed. */
function incentiveChange(
  incentive: Pick<IncentiveInput, 'achievementKind'>,
  at: IncentiveTerms,
  r: ReformDef,
  vocabulary: ReformVocabulary,
): { set: Partial<IncentiveTerms>; notes: MessageValues[] } {
  const { rule, notes } = reformedRule(at.rule, r);
  const set: Partial<IncentiveTerms> = rule === at.rule ? {} : { rule };
  if (r.cap) {
    set.cap = parsed(yuanRewards.cap, r.cap, (path) => `cap.${pathText(path)}`);
    notes.push(money('cap', null, at.cap?.amount ?? null, set.cap.amount));
  }
  if (r.recipients) {
    set.recipients = parsed(recipientsDef, r.recipients, () => 'recipients');
    notes.push(value('recipients', at.recipients.join('/'), set.recipients.join('/')));
  }
  if (r.levels) {
    knownLevels(
      r.levels,
      incentive.achievementKind,
      vocabulary.levelsOfKind.get(incentive.achievementKind) ?? [],
      'levels',
    );
    set.levels = r.levels;
    notes.push(value('levels', at.levels.join('/') || null, r.levels.join('/') || null));
  }
  if (r.conditions != null) {
    set.conditions = parsed(conditionsDef, r.conditions, (path) => `conditions${pathText(path)}`);
    const texts = (list: IncentiveTerms['conditions']) => list.map((c) => c.text).join('、') || null;
    notes.push(value('conditions', texts(at.conditions), texts(set.conditions)));
  }
  return { set, notes: changed(notes) };
}

/** The policy's terms a reform sets, checked, with a note per term changed. */
function policyChange(
  policy: PolicyInput,
  at: PolicyTerms,
  r: ReformDef,
  vocabulary: ReformVocabulary,
): { set: Partial<PolicyTerms>; notes: MessageValues[] } {
  const set: Partial<PolicyTerms> = {};
  const notes: MessageValues[] = [];
  if (r.fund) {
    const fund = parsed(
      z.strictObject({ amount: yuan, period: z.enum(['YEAR', 'TOTAL']) }),
      r.fund,
      (path) => `fund.${pathText(path)}`,
    );
    set.fund = { amountYuan: fund.amount, period: fund.period };
    notes.push(money('fund', null, at.fund?.amountYuan ?? null, fund.amount));
  }
  if (r.effectiveUntil) {
    if (r.effectiveUntil < policy.effectiveFrom)
      throw refuse('effectiveUntil', 'REFORM_WINDOW', { until: r.effectiveUntil, from: policy.effectiveFrom });
    set.effectiveUntil = r.effectiveUntil;
    notes.push(value('effectiveUntil', at.effectiveUntil ?? null, r.effectiveUntil));
  }
  if (r.appliesTo) {
    r.appliesTo.forEach((code, i) => {
      if (!vocabulary.jurisdictions.has(code))
        throw refuse(`appliesTo[${i}]`, 'UNKNOWN_JURISDICTION', { code }, 'NOT_FOUND');
    });
    set.appliesTo = r.appliesTo;
    notes.push(
      value('appliesTo', at.appliesTo.join(', ') || policy.jurisdiction, r.appliesTo.join(', ') || policy.jurisdiction),
    );
  }
  return { set, notes: changed(notes) };
}

type Dated<T> = T & { reformed?: MessageValues[] };

/**
 * The terms (`first`: the first terms alone, as a version holds them) with a change in force from `from`: from the policy's start it rewrites the first terms and
 * every version; later, it becomes a version of its own (or joins one of that day), and every later
 * version carries it too, so the reform holds from its day on.
 */
function withChange<T extends Dated<object>>(
  first: T,
  versions: Array<T & Version>,
  start: string,
  from: string,
  change: { set: Partial<T>; notes: MessageValues[]; withdrawn: boolean; madeBy: Citation },
): { first: T; versions: Array<T & Version> } {
  const apply = <U extends Dated<object>>(terms: U): U => ({
    ...terms,
    ...change.set,
    reformed: [...(terms.reformed ?? []), ...change.notes],
  });
  const later = versions
    .filter((v) => v.from > from)
    .map((v) => ({ ...apply(v), withdrawn: v.withdrawn || change.withdrawn }));
  if (from <= start && !change.withdrawn)
    return {
      first: apply(first),
      versions: versions
        .filter((v) => v.from <= from)
        .map(apply)
        .concat(later),
    };
  const at = versionAt(versions, from);
  const day = at?.from === from ? at : null;
  const inserted = {
    ...apply(at ?? first),
    from,
    withdrawn: change.withdrawn || (at?.withdrawn ?? false),
    madeBy: [...(day?.madeBy ?? []), change.madeBy],
  } as T & Version;
  return { first, versions: [...versions.filter((v) => v.from < from), inserted, ...later] };
}

/** A new incentive of the policy, in force from `from` (before it, as if withdrawn: nothing is paid). */
function addedIncentive(
  policy: PolicyInput,
  add: AddedIncentiveDef,
  from: string,
  madeBy: Citation,
  vocabulary: ReformVocabulary,
): IncentiveInput {
  if (!slug.safeParse(add.key).success)
    throw refuse('add.key', 'REFORM_FORMAT', {
      field: 'add.key',
      message: 'must be a lower-case slug such as "new-award"',
    });
  if (policy.incentives.some((i) => i.key === add.key))
    throw refuse('add.key', 'REFORM_INCENTIVE_EXISTS', { key: add.key, policy: policy.key });
  const levels = vocabulary.levelsOfKind.get(add.achievement);
  if (!levels) throw refuse('add.achievement', 'NO_KIND', { code: add.achievement }, 'NOT_FOUND');
  knownLevels(add.levels ?? [], add.achievement, levels, 'add.levels');
  const terms: IncentiveTerms = {
    levels: add.levels ?? [],
    recipients: parsed(recipientsDef, add.recipients ?? ['ENTERPRISE'], () => 'add.recipients'),
    rule: parsed(yuanRewards.rule, add.rule, (path) => `add.rule${path.length ? '.' : ''}${pathText(path)}`),
    cap: add.cap ? parsed(yuanRewards.cap, add.cap, (path) => `add.cap.${pathText(path)}`) : undefined,
    conditions: parsed(conditionsDef, add.conditions ?? [], (path) => `add.conditions${pathText(path)}`),
    reformed: [value('added', null, add.key)],
  };
  return {
    key: add.key,
    clausePath: madeBy.clausePath,
    clauseText: '',
    quote: add.quote ?? '',
    achievementKind: add.achievement,
    ...terms,
    obtained: 'NEW',
    stageByLevel: false,
    restatedIn: [],
    versions:
      from > policy.effectiveFrom
        ? [
            { ...terms, from: policy.effectiveFrom, withdrawn: true, madeBy: [madeBy] },
            { ...terms, from, withdrawn: false, madeBy: [madeBy] },
          ]
        : [],
  };
}

/** One reform applied to its policy. */
function reformPolicy(policy: PolicyInput, r: ReformDef, index: number, vocabulary: ReformVocabulary): PolicyInput {
  const from = r.from && r.from > policy.effectiveFrom ? r.from : policy.effectiveFrom;
  const madeBy: Citation = { policyKey: 'reform', clausePath: `reforms[${index}]`, quote: '' };
  const incentiveTerms = FIGURES.some((f) => r[f] != null) || r.cap || r.recipients || r.levels || r.conditions != null;
  const policyTerms = r.fund || r.effectiveUntil || r.appliesTo;
  const says = [incentiveTerms, policyTerms, r.withdraw, r.add, r.stacking].filter(Boolean).length;
  if (says === 0) throw refuse('', 'REFORM_NOTHING');
  if (r.add) {
    if (r.incentive) throw refuse('add', 'REFORM_ADD_AND_CHANGE');
    return { ...policy, incentives: [...policy.incentives, addedIncentive(policy, r.add, from, madeBy, vocabulary)] };
  }
  let next = policy;
  if (r.stacking) {
    if (r.from && r.from > policy.effectiveFrom) throw refuse('from', 'REFORM_STACKING_DATED');
    next = {
      ...next,
      stacking: r.stacking,
      reformed: [...(next.reformed ?? []), ...changed([value('stacking', policy.stacking, r.stacking)])],
    };
  }
  if (policyTerms || (r.withdraw && !r.incentive)) {
    const at = versionAt(next.versions, from) ?? next;
    const { set, notes } = policyChange(next, at, r, vocabulary);
    const { effectiveUntil, appliesTo, fund, reformed } = next;
    const terms: PolicyTerms = { effectiveUntil, appliesTo, fund, reformed };
    const { first, versions } = withChange(terms, next.versions, next.effectiveFrom, from, {
      set,
      notes,
      withdrawn: Boolean(r.withdraw && !r.incentive),
      madeBy,
    });
    next = { ...next, ...first, versions };
  }
  if (r.incentive) {
    const position = next.incentives.findIndex((i) => i.key === r.incentive);
    if (position < 0)
      throw refuse('incentive', 'REFORM_NO_INCENTIVE', { key: r.incentive, policy: policy.key }, 'NOT_FOUND');
    const incentive = next.incentives[position]!;
    const at = versionAt(incentive.versions, from) ?? incentive;
    const { set, notes } = incentiveTerms ? incentiveChange(incentive, at, r, vocabulary) : { set: {}, notes: [] };
    const { levels, recipients, rule, cap, payer, provincialPart, conditions, reformed } = incentive;
    const terms: IncentiveTerms = { levels, recipients, rule, cap, payer, provincialPart, conditions, reformed };
    const { first, versions } = withChange(terms, incentive.versions, next.effectiveFrom, from, {
      set,
      notes,
      withdrawn: Boolean(r.withdraw),
      madeBy,
    });
    const incentives = [...next.incentives];
    incentives[position] = { ...incentive, ...first, versions };
    next = { ...next, incentives };
  } else if (incentiveTerms) throw refuse('incentive', 'REFORM_NEEDS_INCENTIVE');
  return next;
}

/**
 * The policies with the reforms applied in order (each reads the policies as the ones before it left
 * them); the first refused change is named by its index and field. The inputs are not modified.
 */
export function applyReforms(
  policies: readonly PolicyInput[],
  reforms: readonly ReformDef[],
  vocabulary: ReformVocabulary,
): Reformed {
  let result = [...policies];
  for (const [index, r] of reforms.entries()) {
    const position = result.findIndex((p) => p.key === r.policy);
    if (position < 0)
      return {
        ok: false,
        issue: { index, field: 'policy', code: 'NOT_FOUND', message: phrase('error.NO_POLICY', { key: r.policy }) },
      };
    try {
      result = result.map((p, i) => (i === position ? reformPolicy(p, r, index, vocabulary) : p));
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      return { ok: false, issue: { ...error.issue, index } };
    }
  }
  return { ok: true, policies: result };
}
