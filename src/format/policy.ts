/**
 * The policy-definition format: one YAML file per source document under `policies/`.
 * The schema is the contract between the corpus and the engines; everything a rule
 * needs is data here, so a new city's policy is a new file, not new code.
 */
import { z } from 'zod';
import { parseMoney } from './money.js';

/** Stable identifiers used across files: lower-case slugs for records, UPPER_SNAKE for vocabulary. */
export const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lower-case slug such as "zj-taizhou"');
const code = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an UPPER_SNAKE code such as "CHINA_QUALITY_AWARD"');
/** A calendar day written YYYY-MM-DD: 2018-13-01 and 2019-02-30 are refused here, not by the database. */
const isoDate = z.iso.date({ message: 'must be a real calendar day written YYYY-MM-DD, such as "2018-01-31"' });
const year = z.number().int().min(1990).max(2100);

/** Money as the document writes it: "100万", "8万", "3000元". Parsed to integer yuan. */
export const money = z.string().transform((value, ctx) => {
  const yuan = parseMoney(value);
  if (yuan === null) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an amount such as "100万" or "3000元"` });
    return z.NEVER;
  }
  return yuan;
});

export const jurisdictionKinds = ['PROVINCE', 'CITY', 'DISTRICT', 'COUNTY', 'COUNTY_CITY', 'ZONE'] as const;
export const recipientKinds = [
  'ENTERPRISE',
  'ORGANIZATION',
  'ASSOCIATION',
  'PARK',
  'LAB',
  'TEAM',
  'INDIVIDUAL',
  'COUNTY',
] as const;
/** Who pays, where the document names it: 市财政, 受益财政 (the level that benefits), 县财政, the province. */
export const payers = ['CITY', 'BENEFICIARY', 'COUNTY', 'PROVINCE', 'CENTRAL'] as const;
export const perUnits = ['PRODUCT', 'PRODUCT_CLASS', 'ITEM', 'CASE', 'PROJECT'] as const;

export const jurisdictionDef = z.strictObject({
  code: slug,
  name: z.string().min(1),
  nameEn: z.string().min(1),
  kind: z.enum(jurisdictionKinds),
  parent: slug.optional(),
});

export const levelDef = z.strictObject({ code, zh: z.string().min(1), en: z.string().min(1) });

export const achievementKindDef = z.strictObject({
  code,
  zh: z.string().min(1),
  en: z.string().min(1),
  description: z.string().optional(),
  levels: z.array(levelDef).default([]),
});

export const indicatorDef = z.strictObject({
  code,
  zh: z.string().min(1),
  en: z.string().min(1),
  unit: z.enum(['PERCENT', 'COUNT', 'SCORE', 'YUAN', 'RATIO', 'DAYS', 'PERSON_TIMES']),
  /**
   * A count PolicyGraph can take from recorded achievements: those of this kind (and levels)
   * obtained in each year, counted as achievements or as their units (products, items), per
   * jurisdiction and every jurisdiction above it. A recorded observation for the same place and
   * year takes precedence: an official figure beats our own count.
   */
  countsAchievements: z
    .strictObject({
      kind: code,
      levels: z.array(code).optional(),
      measure: z.enum(['ACHIEVEMENTS', 'UNITS']),
    })
    .optional(),
});

/**
 * The schemas of what a reward pays, over one schema of an amount: in a policy file an amount is
 * written as the document writes it (`money`, "100万"); in the engine's stored input it is already
 * integer yuan (src/corpus/engine-input.ts). One definition, so the two cannot drift apart.
 */
export function rewardDefs<Amount extends z.ZodType<number>>(amount: Amount) {
  /** A tier picks an amount by the achievement's level; several levels may share one amount. */
  const tier = z
    .strictObject({ level: code.optional(), levels: z.array(code).min(1).optional(), amount })
    .refine((t) => (t.level === undefined) !== (t.levels === undefined), 'a tier names either level or levels');
  const rule = z.discriminatedUnion('kind', [
    /** 一次性给予N万元 */
    z.strictObject({ kind: z.literal('FIXED'), amount }),
    /** 分别给予A、B、C: amounts by level, in the order the levels were listed */
    z.strictObject({ kind: z.literal('TIERED'), tiers: z.array(tier).min(1) }),
    /** 每个/每项/每类/每宗: an amount (or an amount by level) for each unit */
    z
      .strictObject({
        kind: z.literal('PER_UNIT'),
        unit: z.enum(perUnits),
        amount: amount.optional(),
        tiers: z.array(tier).min(1).optional(),
      })
      .refine((r) => (r.amount === undefined) !== (r.tiers === undefined), 'PER_UNIT takes amount or tiers'),
    /** 首个…给予A,每增加一个…再奖励B (combine with a cap for 最高不超过) */
    z.strictObject({ kind: z.literal('FIRST_PLUS_INCREMENT'), first: amount, increment: amount }),
    /** 按…的N%补助: a share of a cost the recipient paid or of a project's budget */
    z.strictObject({
      kind: z.literal('PERCENTAGE'),
      percent: z.number().positive().max(100),
      of: z.enum(['COST', 'BUDGET']),
    }),
    /** 1:1的配套资金: the same amount (or a ratio) as another grant */
    z.strictObject({
      kind: z.literal('MATCHING'),
      ratio: z.strictObject({ numerator: z.number().int().positive(), denominator: z.number().int().positive() }),
      of: z.enum(['PROVINCIAL_GRANT']),
    }),
    /** Amounts by rank: a base for being listed and/or the amount of the first band the rank falls in. */
    z.strictObject({
      kind: z.literal('RANK'),
      base: amount.optional(),
      bands: z.array(z.strictObject({ upTo: z.number().int().positive(), amount })).min(1),
    }),
    /** 最高N万: a maximum, never a sum */
    z.strictObject({ kind: z.literal('CEILING'), max: amount.optional(), tiers: z.array(tier).min(1).optional() }),
    /** 适当奖励 / 给予一定的奖励: a reward is promised, no sum is set */
    z.strictObject({ kind: z.literal('UNSPECIFIED'), note: z.string().optional() }),
    /** 享受…政策优惠: a benefit that is not money */
    z.strictObject({ kind: z.literal('NON_MONETARY'), benefit: z.string().min(1) }),
  ]);
  const cap = z.strictObject({ amount, per: z.enum(['ENTERPRISE', 'ENTERPRISE_YEAR']) });
  /** 在省…基础上,我市再给予: the province's own part, shown beside the city's but never counted as city money */
  const provincialPart = z.union([
    z.strictObject({ amount, perUnit: z.boolean().default(false) }),
    z.strictObject({ tiers: z.array(tier).min(1), perUnit: z.boolean().default(false) }),
  ]);
  return { tier, rule, cap, provincialPart };
}

const fileRewards = rewardDefs(money);
/** The same schemas over integer yuan: the engine's stored input and a reform's figures (src/engines/entitlement/reforms.ts). */
export const yuan = z.number().int().nonnegative();
export const yuanRewards = rewardDefs(yuan);

/**
 * What a person is asked when an input is missing (NEEDS_INFO), in the document's words: Chinese
 * (`question`) and English (`questionEn`). `npm run corpus:check` reports an input without one.
 */
const questionText = { question: z.string().min(1), questionEn: z.string().min(1) };

export const conditionDef = z.discriminatedUnion('kind', [
  /** A fact the achievement must carry (e.g. 通过考核验收); unknown means NEEDS_INFO, asked by its question */
  z.strictObject({
    kind: z.literal('ATTESTED'),
    fact: code,
    text: z.string().min(1),
    question: questionText.question.optional(),
    questionEn: questionText.questionEn.optional(),
  }),
  /** 满一年: the achievement must have been held this long at the time of evaluation */
  z.strictObject({ kind: z.literal('HELD_FOR'), months: z.number().int().positive(), text: z.string().min(1) }),
  /**
   * 首个/首次: counted against the enterprise's whole record of the kind, before the window too.
   * A FIRST_PLUS_INCREMENT rule pays its first-unit amount only when nothing earlier is on record;
   * any other rule pays only the enterprise's first achievement of the kind.
   */
  z.strictObject({ kind: z.literal('FIRST'), text: z.string().min(1) }),
]);

/** The inputs of an achievement a rule or a level list may find missing, besides attested facts. */
export const questionFields = ['level', 'units', 'costYuan', 'budgetYuan', 'provincialGrantYuan', 'rank'] as const;
export type QuestionField = (typeof questionFields)[number];

/** The question that settles a missing level or measure of an incentive (获得的是…还是…？). */
export const questionDef = z.strictObject({ field: z.enum(questionFields), ...questionText });

/**
 * Findings of `npm run corpus:check`'s meaning checks that a reader looked at and kept: the check
 * and why the text says otherwise (首台(套) names an insurance, not a first unit).
 */
export const meaningChecks = ['PAYER', 'FIRST', 'OBTAINED', 'RESTATED', 'OVERLAP'] as const;
const explainedDef = z.strictObject({ check: z.enum(meaningChecks), reason: z.string().min(1) });

/** A path of clause numbers as the document writes them, joined by "/": "二/(四)" or "附件1/3". */
const clausePath = z.string().min(1);

/** The same promise stated again elsewhere in the document (an annex): its clause and sentence. */
export const restatementDef = z.strictObject({ clause: clausePath, quote: z.string().min(4) });

/**
 * A change from a date, citing the clause that makes it and its sentence: of this document (a value
 * that the document itself changes from a date) or of the amending document that carries it.
 */
const datedShape = {
  /** The first day the change is in force: an achievement obtained on or after it is judged by it. */
  from: isoDate,
  clause: clausePath,
  quote: z.string().min(4),
};
const changeShape = {
  ...datedShape,
  /** 停止执行, 废止: from this day the incentive (or the whole document) pays nothing. */
  withdrawn: z.literal(true).optional(),
};

/** What of an incentive may change from a date: its rule's figures, cap, recipients, levels and conditions. */
const incentiveTermsShape = {
  /** Restricts the incentive to achievements of these levels (all levels when absent). */
  levels: z.array(code).optional(),
  recipients: z.array(z.enum(recipientKinds)).min(1),
  rule: fileRewards.rule,
  cap: fileRewards.cap.optional(),
  payer: z.enum(payers).optional(),
  provincialPart: fileRewards.provincialPart.optional(),
  conditions: z.array(conditionDef).default([]),
};
const incentiveChangeShape = {
  ...changeShape,
  levels: incentiveTermsShape.levels,
  recipients: incentiveTermsShape.recipients.optional(),
  rule: incentiveTermsShape.rule.optional(),
  cap: incentiveTermsShape.cap,
  payer: incentiveTermsShape.payer,
  provincialPart: incentiveTermsShape.provincialPart,
  conditions: z.array(conditionDef).optional(),
};
/** The terms of an incentive a version or an amendment may write. */
export const incentiveTermKeys = [
  'levels',
  'recipients',
  'rule',
  'cap',
  'payer',
  'provincialPart',
  'conditions',
] as const;

/** What of a policy may change from a date: its window's end, its scope and its fund. */
const policyChangeShape = {
  effectiveUntil: isoDate.optional(),
  appliesTo: z.array(slug).optional(),
  fund: z.strictObject({ amount: money, period: z.enum(['YEAR', 'TOTAL']) }).optional(),
};
const policyTermKeys = ['effectiveUntil', 'appliesTo', 'fund'] as const;

const changes = (item: object, keys: readonly string[]) =>
  keys.filter((k) => (item as Record<string, unknown>)[k] !== undefined);
const saysWhatChanges = (item: { withdrawn?: true }, keys: readonly string[]) =>
  item.withdrawn === true ? changes(item, keys).length === 0 : changes(item, keys).length > 0;
const WHAT_CHANGES = 'a change either withdraws (withdrawn: true, nothing else) or sets at least one term';

/** A version of an incentive from a date, stated by this document: only the terms that change are written. */
export const incentiveVersionDef = z
  .strictObject(incentiveChangeShape)
  .refine((v) => saysWhatChanges(v, incentiveTermKeys), WHAT_CHANGES);

/** A version of the policy from a date (its window extended, its fund changed), stated by this document. */
export const policyVersionDef = z
  .strictObject({ ...changeShape, ...policyChangeShape })
  .refine((v) => saysWhatChanges(v, policyTermKeys), WHAT_CHANGES);

/**
 * How a value meets its figure, as the sentence says: GTE 以上/不少于/达到/至少, GT 超过/突破/高于 (strictly
 * more: "more than 35" is not met by 35), LTE 以内/不超过/以下 (a ceiling), LT 低于/少于 (strictly less).
 */
export const comparators = ['GTE', 'GT', 'LTE', 'LT'] as const;
const comparator = z.enum(comparators);
/** A figure of a target's schedule: for a year, for a district (or the target's own scope). */
const scheduleRowDef = z.strictObject({
  jurisdiction: slug.optional(),
  year,
  value: z.number().nonnegative(),
  comparator: comparator.optional(),
});

/**
 * What of a target may change from a date: its figure, comparator, deadline and schedule rows. A
 * version's `schedule` lists only the rows it sets: each replaces the row of the same jurisdiction
 * and year, or adds one.
 */
const targetChangeShape = {
  value: z.number().nonnegative().optional(),
  comparator: comparator.optional(),
  deadline: isoDate.optional(),
  schedule: z.array(scheduleRowDef).min(1).optional(),
};
/** The figures of a target a version or an amendment may write. */
export const targetTermKeys = ['value', 'comparator', 'deadline', 'schedule'] as const;

/** A version of a target's figures from a date, stated by this document: only the figures that change. */
export const targetVersionDef = z
  .strictObject({ ...datedShape, ...targetChangeShape })
  .refine((v) => changes(v, targetTermKeys).length > 0, 'a target version sets at least one figure');

/**
 * A change this document makes to an earlier one (修改, 调整, 延长, 停止执行): the policy it amends by key,
 * the incentive or the target when it changes one (otherwise the policy's own window, scope or fund), and
 * from when.
 */
export const amendmentDef = z
  .strictObject({
    policy: slug,
    incentive: slug.optional(),
    target: slug.optional(),
    ...incentiveChangeShape,
    ...policyChangeShape,
    ...targetChangeShape,
  })
  .superRefine((a, ctx) => {
    if (a.incentive && a.target) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'an amendment changes one incentive or one target' });
      return;
    }
    const [own, what] = a.incentive
      ? [incentiveTermKeys, 'an incentive']
      : a.target
        ? [targetTermKeys, 'a target']
        : [policyTermKeys, 'the policy'];
    for (const key of changes(a, [...incentiveTermKeys, ...policyTermKeys, ...targetTermKeys]))
      if (!(own as readonly string[]).includes(key))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} is not a term of ${what}: ${
            (incentiveTermKeys as readonly string[]).includes(key)
              ? 'name the incentive it changes ("incentive: <key>")'
              : (targetTermKeys as readonly string[]).includes(key)
                ? 'name the target it changes ("target: <key>")'
                : 'write it in an amendment without "incentive" or "target"'
          }`,
        });
    if (a.target && a.withdrawn)
      ctx.addIssue({ code: 'custom', path: ['withdrawn'], message: 'a target is not withdrawn: set its figures' });
    else if (!saysWhatChanges(a, own)) ctx.addIssue({ code: 'custom', path: [], message: WHAT_CHANGES });
  });

export const incentiveDef = z.strictObject({
  key: slug,
  clause: clausePath,
  /** The sentence that promises the reward, copied verbatim from the seed text. */
  quote: z.string().min(4),
  summary: z.string().min(1),
  achievement: code,
  ...incentiveTermsShape,
  /**
   * NEW (新获, 首次, the default): the achievement must be obtained inside the policy's window.
   * HELD: the benefit belongs to whoever holds the status (a recognised brand, a listed zone), so
   * one obtained before the window and still held (not retired) counts too.
   */
  obtained: z.enum(['NEW', 'HELD']).default('NEW'),
  /**
   * 批准筹建和建成…一次性各给予: each level is a separate stage of one project, paid once each;
   * a best-single-reward rule compares rewards within one stage of a project, never across stages.
   */
  stageByLevel: z.boolean().default(false),
  /** The same promise stated again elsewhere (an annex): one incentive, one entitlement, both quotes checked. */
  restatedIn: z.array(restatementDef).default([]),
  /** Meaning-check findings read and kept, each with the reason. */
  explained: z.array(explainedDef).default([]),
  /** The question for each level or measure its rule (any version) may find missing. */
  questions: z.array(questionDef).default([]),
  /** Later versions of its terms, each from a date and citing the clause that changes them (oldest first). */
  versions: z.array(incentiveVersionDef).default([]),
  note: z.string().optional(),
});

export const targetKinds = ['REACH', 'FLOOR', 'ANNUAL_ADDITIONS', 'STOCK', 'CUMULATIVE', 'RELATIVE'] as const;
/** Whose figure `value` is: the scope's own (SCOPE), or each county and district's (每个县(市、区)…). */
export const targetPers = ['SCOPE', 'EACH_JURISDICTION'] as const;

export const targetDef = z.strictObject({
  key: slug,
  clause: clausePath,
  quote: z.string().min(4),
  summary: z.string().min(1),
  indicator: code,
  kind: z.enum(targetKinds),
  comparator: comparator.default('GTE'),
  /**
   * SCOPE: `value` is the figure of the whole scope. EACH_JURISDICTION: `value` is every county's
   * and district's own figure and the scope has none (每个县(市、区)每年至少5个).
   */
  per: z.enum(targetPers).default('SCOPE'),
  /** For EACH_JURISDICTION: the jurisdictions the figure is set for; empty = the scope's counties, county-level cities and districts. */
  appliesTo: z.array(slug).default([]),
  /** The figure for the whole scope (the city, unless `jurisdiction` says otherwise), or for each of its jurisdictions (`per`). */
  value: z.number().nonnegative().optional(),
  /** For RELATIVE targets: the series the value is compared with. */
  benchmark: z.enum(['PROVINCIAL_AVERAGE', 'NATIONAL_AVERAGE']).optional(),
  jurisdiction: slug.optional(),
  baseline: z.strictObject({ value: z.number().nonnegative(), year }).optional(),
  from: year.optional(),
  to: year.optional(),
  deadline: isoDate.optional(),
  /**
   * Figures per jurisdiction and year (004's task table), or per year for the whole scope. A row's
   * `comparator` is the word of the sentence that sets it, where that differs from the target's
   * (004: the city 超过20项 a year, the districts' annex quotas 不少于).
   */
  schedule: z.array(scheduleRowDef).default([]),
  /** Later versions of its figures, each from a date and citing the clause that changes them (oldest first). */
  versions: z.array(targetVersionDef).default([]),
  note: z.string().optional(),
});

export interface ClauseDef {
  number: string;
  heading?: string;
  text: string;
  children?: ClauseDef[];
}
export const clauseDef: z.ZodType<ClauseDef> = z.lazy(() =>
  z.strictObject({
    number: z.string().min(1),
    heading: z.string().optional(),
    text: z.string(),
    children: z.array(clauseDef).optional(),
  }),
);

/** An amount in the text that is deliberately not a reward (a fund, a province's own grant, a statistic). */
export const notARewardDef = z.strictObject({
  clause: clausePath,
  quote: z.string().min(2),
  reason: z.string().min(1),
});

export const policyFileDef = z
  .strictObject({
    key: slug,
    /** File name of the source document in shared/seeds. */
    source: z.string().min(1),
    title: z.string().min(1),
    titleEn: z.string().min(1),
    documentNumber: z.string().optional(),
    issuer: z.string().min(1),
    jurisdiction: slug,
    /** Absent where the published copy prints no date of issue (003). */
    issuedOn: isoDate.optional(),
    effectiveFrom: isoDate,
    effectiveUntil: isoDate.optional(),
    /** Districts and zones the rewards cover; empty means the whole issuing jurisdiction. */
    appliesTo: z.array(slug).default([]),
    /** 参照执行: jurisdictions that may follow the policy but are not covered by it. */
    mayReferTo: z.array(slug).default([]),
    stacking: z.strictObject({
      rule: z.enum(['ADDITIVE', 'BEST_SINGLE_PER_PROJECT']),
      clause: clausePath.optional(),
      quote: z.string().optional(),
    }),
    fund: z
      .strictObject({ amount: money, period: z.enum(['YEAR', 'TOTAL']), clause: clausePath, quote: z.string() })
      .optional(),
    supersession: z.string().optional(),
    notes: z.array(z.string()).default([]),
    jurisdictions: z.array(jurisdictionDef).default([]),
    achievementKinds: z.array(achievementKindDef).default([]),
    indicators: z.array(indicatorDef).default([]),
    clauses: z.array(clauseDef).min(1),
    incentives: z.array(incentiveDef).default([]),
    targets: z.array(targetDef).default([]),
    notRewards: z.array(notARewardDef).default([]),
    /** Later versions of the policy's window, scope or fund stated by this document (oldest first). */
    versions: z.array(policyVersionDef).default([]),
    /** Changes this document makes to earlier ones: each names the policy (and incentive) it amends. */
    amends: z.array(amendmentDef).default([]),
  })
  // ISO days compare as strings.
  .refine((p) => p.effectiveUntil === undefined || p.effectiveUntil >= p.effectiveFrom, {
    path: ['effectiveUntil'],
    message: 'the window ends before it starts: effectiveUntil must be on or after effectiveFrom',
  });

/** Shared vocabulary: achievement kinds and indicators that several policies use, so they can be compared. */
export const vocabularyFileDef = z.strictObject({
  jurisdictions: z.array(jurisdictionDef).default([]),
  achievementKinds: z.array(achievementKindDef).default([]),
  indicators: z.array(indicatorDef).default([]),
});

export type PolicyFile = z.output<typeof policyFileDef>;
export type IncentiveDef = z.output<typeof incentiveDef>;
export type IncentiveVersionDef = z.output<typeof incentiveVersionDef>;
export type PolicyVersionDef = z.output<typeof policyVersionDef>;
export type AmendmentDef = z.output<typeof amendmentDef>;
export type RuleDef = z.output<typeof fileRewards.rule>;
export type TierDef = z.output<typeof fileRewards.tier>;
export type ConditionDef = z.output<typeof conditionDef>;
export type QuestionDef = z.output<typeof questionDef>;
export type TargetDef = z.output<typeof targetDef>;
export type TargetVersionDef = z.output<typeof targetVersionDef>;
export type JurisdictionDef = z.output<typeof jurisdictionDef>;
export type AchievementKindDef = z.output<typeof achievementKindDef>;
export type IndicatorDef = z.output<typeof indicatorDef>;

/** Every clause of a tree by its path: numbers from the top, joined by "/" (二/(四)). */
export function clausePaths(clauses: ClauseDef[], prefix = ''): Map<string, ClauseDef> {
  const paths = new Map<string, ClauseDef>();
  for (const clause of clauses) {
    const path = prefix ? `${prefix}/${clause.number}` : clause.number;
    paths.set(path, clause);
    for (const [childPath, child] of clausePaths(clause.children ?? [], path)) paths.set(childPath, child);
  }
  return paths;
}
