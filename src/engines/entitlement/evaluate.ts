/**
 * The one place where windows, scope, recipient kinds, conditions, caps and stacking are applied
 * around the rule evaluators. Deterministic: the same inputs in any order give the same result.
 */
import { addMonths, yearOf } from '../../dates/index.js';
import { incentiveName, jurisdictionName, kindName, levelName, term, type Phrase } from '../message.js';
import { evaluateRule, tierFor } from './rules.js';
import { allTerms, incentiveTermsAt, policyTermsAt, type InForce } from './versions.js';
import type {
  AchievementInput,
  Citation,
  Entitlement,
  EnterpriseInput,
  IncentiveInput,
  PolicyInput,
  Totals,
  TraceStep,
} from './types.js';

export function isCovered(
  policy: Pick<PolicyInput, 'appliesTo' | 'jurisdiction'>,
  enterprise: EnterpriseInput,
): boolean {
  const covered = policy.appliesTo.length > 0 ? policy.appliesTo : [policy.jurisdiction];
  return enterprise.jurisdictionPath.some((code) => covered.includes(code));
}

/** Whether any version of the policy covers the enterprise: one that never does only answers OUT_OF_SCOPE. */
export const mayCover = (policy: PolicyInput, enterprise: EnterpriseInput): boolean =>
  [policy, ...policy.versions].some((terms) => isCovered({ ...policy, ...terms }, enterprise));

function provincialPartOf(incentive: IncentiveInput, achievement: AchievementInput): number | null {
  const part = incentive.provincialPart;
  if (!part) return null;
  const amount = 'amount' in part ? part.amount : (tierFor(part.tiers, achievement.level)?.amount ?? null);
  // 在省每个项目…的基础上: the province pays per unit too, so its part grows with the units.
  if (amount === null || !part.perUnit) return amount;
  return achievement.units == null ? null : amount * achievement.units;
}

type Check = { ok: true; steps: TraceStep[] } | { ok: false; entitlement: Partial<Entitlement> };

const described = (a: AchievementInput): Phrase => ({
  id: 'phrase.achievement',
  values: {
    kind: kindName(a.kind),
    level: a.level ? levelName(a.kind, a.level) : null,
    id: a.id,
    obtainedOn: a.obtainedOn ?? null,
  },
});

/**
 * Conditions beyond the window: attested facts (unknown → NEEDS_INFO), durations such as 满一年,
 * and 首次 against `earlier`, the enterprise's achievements of the kind on record before this one.
 */
function checkConditions(
  incentive: IncentiveInput,
  achievement: AchievementInput,
  asOf: string,
  earlier: AchievementInput[],
): Check {
  const steps: TraceStep[] = [];
  const missing: string[] = [];
  for (const condition of incentive.conditions) {
    if (condition.kind === 'FIRST') {
      const before = earlier[0];
      const values = {
        condition: condition.text,
        kind: kindName(achievement.kind),
        earlier: before ? described(before) : null,
      };
      // A first-plus-increment rule keeps paying the increments: history decides only its first unit.
      if (incentive.rule.kind === 'FIRST_PLUS_INCREMENT') {
        steps.push({ code: 'FIRST', values: { case: before ? 'notFirst' : 'first', ...values } });
      } else if (before) {
        return {
          ok: false,
          entitlement: {
            eligibility: 'INELIGIBLE',
            reason: 'CONDITION_NOT_MET',
            steps: [{ code: 'FIRST', values: { case: 'notMet', ...values } }],
          },
        };
      } else steps.push({ code: 'FIRST', values: { case: 'met', ...values } });
    } else if (condition.kind === 'ATTESTED') {
      const fact = achievement.facts?.[condition.fact];
      if (fact === undefined) missing.push(`facts.${condition.fact}`);
      else if (!fact) {
        return {
          ok: false,
          entitlement: {
            eligibility: 'INELIGIBLE',
            reason: 'CONDITION_NOT_MET',
            steps: [{ code: 'CONDITION', values: { case: 'notMet', condition: condition.text } }],
          },
        };
      } else steps.push({ code: 'CONDITION', values: { case: 'met', condition: condition.text } });
    } else {
      const due = addMonths(achievement.obtainedOn!, condition.months);
      if (due > asOf) {
        return {
          ok: false,
          entitlement: {
            eligibility: 'INELIGIBLE',
            reason: 'CONDITION_NOT_MET',
            steps: [{ code: 'CONDITION', values: { case: 'notBefore', condition: condition.text, due } }],
          },
        };
      }
      steps.push({
        code: 'CONDITION',
        values: { case: 'held', condition: condition.text, since: achievement.obtainedOn!, due },
      });
    }
  }
  if (missing.length) return { ok: false, entitlement: { eligibility: 'NEEDS_INFO', missing } };
  return { ok: true, steps };
}

/**
 * The year an entitlement belongs to: the year obtained, or for a status held from before the
 * window (HELD) the policy's first year, when the policy starts to pay it.
 */
/**
 * The day whose versions judge an achievement: the day obtained, or for a status held from before the
 * window the policy's first day (when it starts to pay); the first day when the date is unknown.
 */
function judgedOn(policy: PolicyInput, achievement: AchievementInput): string {
  const day = achievement.obtainedOn;
  return day && day > policy.effectiveFrom ? day : policy.effectiveFrom;
}

function entitlementYear(policy: PolicyInput, achievement: AchievementInput): number | null {
  if (!achievement.obtainedOn) return null;
  return yearOf(achievement.obtainedOn < policy.effectiveFrom ? policy.effectiveFrom : achievement.obtainedOn);
}

function baseEntitlement(policy: PolicyInput, incentive: IncentiveInput, achievement: AchievementInput): Entitlement {
  return {
    policyKey: policy.key,
    incentiveKey: incentive.key,
    clausePath: incentive.clausePath,
    clauseText: incentive.clauseText,
    quote: incentive.quote,
    achievementId: achievement.id,
    year: entitlementYear(policy, achievement),
    eligibility: 'ELIGIBLE',
    missing: [],
    nature:
      incentive.rule.kind === 'UNSPECIFIED'
        ? 'UNSPECIFIED'
        : incentive.rule.kind === 'NON_MONETARY'
          ? 'NON_MONETARY'
          : 'EXACT',
    amountYuan: null,
    payer: incentive.payer ?? null,
    provincialPartYuan: provincialPartOf(incentive, achievement),
    disposition: 'COUNTED',
    steps: [],
  };
}

/** Marks a fresh entitlement as not paying, with the steps that say why. */
function withoutAmount(entitlement: Entitlement, patch: Partial<Entitlement>): Entitlement {
  return Object.assign(entitlement, { amountYuan: null }, patch, {
    steps: [...entitlement.steps, ...(patch.steps ?? [])],
  });
}

/** The clauses that made a version, for its step: `taizhou-2019-reward-adjustment 一`. */
const cited = (madeBy: Citation[]): Phrase[] =>
  madeBy.map((c) => ({ id: 'phrase.citation', values: { policy: c.policyKey, clause: c.clausePath } }));

const windowOf = (policy: PolicyInput): Phrase => ({
  id: 'phrase.window',
  values: { from: policy.effectiveFrom, until: policy.effectiveUntil ?? null },
});

/**
 * Window, scope (decided once per policy by the caller), recipient and conditions; then the rule
 * itself. Caps and stacking come later.
 */
function evaluateOne(
  policy: PolicyInput,
  incentive: IncentiveInput,
  enterprise: EnterpriseInput,
  inScope: boolean,
  achievement: AchievementInput,
  asOf: string,
  priorUnits: number,
  earlier: AchievementInput[],
  inForce: InForce,
): Entitlement {
  const entitlement = baseEntitlement(policy, incentive, achievement);
  // A request's reform names each term it changed, first, whatever the answer.
  for (const values of [...(policy.reformed ?? []), ...(incentive.reformed ?? [])])
    entitlement.steps.push({ code: 'REFORM', values });
  if (!inScope) {
    const covered = policy.appliesTo.length ? policy.appliesTo : [policy.jurisdiction];
    const refers = enterprise.jurisdictionPath.find((code) => policy.mayReferTo?.includes(code));
    return withoutAmount(entitlement, {
      eligibility: 'INELIGIBLE',
      reason: 'OUT_OF_SCOPE',
      steps: [
        {
          code: 'SCOPE',
          values: {
            jurisdiction: jurisdictionName(enterprise.jurisdictionPath[0]!),
            covered: covered.map(jurisdictionName),
            // 其他县(市)可参照本意见执行: the document names it, but leaves the reward to it.
            refers: refers === undefined ? null : jurisdictionName(refers),
          },
        },
      ],
    });
  }
  if (!incentive.recipients.includes(enterprise.kind)) {
    return withoutAmount(entitlement, {
      eligibility: 'INELIGIBLE',
      reason: 'RECIPIENT_KIND',
      steps: [
        {
          code: 'RECIPIENT',
          values: {
            recipients: incentive.recipients.map((r) => term(`recipient.${r}`)),
            kind: term(`recipient.${enterprise.kind}`),
          },
        },
      ],
    });
  }
  if (!achievement.obtainedOn)
    return withoutAmount(entitlement, { eligibility: 'NEEDS_INFO', missing: ['obtainedOn'] });
  if (achievement.obtainedOn > asOf) {
    return withoutAmount(entitlement, {
      eligibility: 'INELIGIBLE',
      reason: 'NOT_YET_OBTAINED',
      steps: [{ code: 'WINDOW', values: { case: 'notYet', obtainedOn: achievement.obtainedOn, asOf } }],
    });
  }
  const held = incentive.obtained === 'HELD';
  const before = achievement.obtainedOn < policy.effectiveFrom;
  // A status held from before the window pays only once the policy is in force.
  if (held && before && asOf < policy.effectiveFrom) {
    return withoutAmount(entitlement, {
      eligibility: 'INELIGIBLE',
      reason: 'OUTSIDE_WINDOW',
      steps: [{ code: 'WINDOW', values: { case: 'notInForce', asOf, from: policy.effectiveFrom } }],
    });
  }
  if ((before && !held) || (policy.effectiveUntil && achievement.obtainedOn > policy.effectiveUntil)) {
    return withoutAmount(entitlement, {
      eligibility: 'INELIGIBLE',
      reason: 'OUTSIDE_WINDOW',
      steps: [
        {
          code: 'WINDOW',
          values: { case: 'outside', obtainedOn: achievement.obtainedOn, window: windowOf(policy), before },
        },
      ],
    });
  }
  entitlement.steps.push({
    code: 'WINDOW',
    values: {
      case: before ? 'held' : 'inside',
      obtainedOn: achievement.obtainedOn,
      window: windowOf(policy),
      obtained: term(`obtained.${incentive.obtained}`),
    },
  });
  // A dated incentive names the version it is judged by; the first is cited by the incentive's own clause.
  if (incentive.versions.length) {
    const madeBy = inForce.incentive?.madeBy ?? [
      { policyKey: policy.key, clausePath: incentive.clausePath, quote: incentive.quote },
    ];
    entitlement.steps.push({
      code: 'VERSION',
      values: { day: inForce.day, since: inForce.incentive?.from ?? policy.effectiveFrom, madeBy: cited(madeBy) },
    });
  }
  const withdrawn = [inForce.policy, inForce.incentive].find((v) => v?.withdrawn);
  if (withdrawn)
    return withoutAmount(entitlement, {
      eligibility: 'INELIGIBLE',
      reason: 'WITHDRAWN',
      steps: [{ code: 'WITHDRAWN', values: { since: withdrawn.from, madeBy: cited(withdrawn.madeBy) } }],
    });
  // 国家级、省级…: a level the sentence names is a condition like any other, unknown until recorded.
  if (incentive.levels.length && !achievement.level)
    return withoutAmount(entitlement, { eligibility: 'NEEDS_INFO', missing: ['level'] });
  for (const again of incentive.restatedIn)
    entitlement.steps.push({ code: 'RESTATED', values: { clause: again.clause } });

  const conditions = checkConditions(incentive, achievement, asOf, earlier);
  if (!conditions.ok) return withoutAmount(entitlement, conditions.entitlement);
  entitlement.steps.push(...conditions.steps);

  const outcome = evaluateRule(incentive.rule, achievement, { priorUnits });
  if (outcome.kind === 'missing')
    return withoutAmount(entitlement, { eligibility: 'NEEDS_INFO', missing: outcome.fields });
  if (outcome.kind === 'ineligible')
    return withoutAmount(entitlement, {
      eligibility: 'INELIGIBLE',
      reason: outcome.reason,
      steps: [outcome.step],
    });
  entitlement.nature = outcome.nature;
  entitlement.amountYuan = outcome.amountYuan;
  entitlement.steps.push(...outcome.steps);
  return entitlement;
}

const byDateThenId = (a: AchievementInput, b: AchievementInput) =>
  (a.obtainedOn ?? '').localeCompare(b.obtainedOn ?? '') || a.id.localeCompare(b.id, 'en', { numeric: true });

/**
 * 最高不超过: the running total of one incentive for one enterprise (or enterprise-year) never passes the
 * cap, each entitlement's cap being that of the version it was judged by.
 */
function applyCap(entitlements: Entitlement[], capOf: (e: Entitlement) => IncentiveInput['cap']) {
  const used = new Map<string, number>();
  for (const e of entitlements) {
    const cap = capOf(e);
    if (!cap || e.eligibility !== 'ELIGIBLE' || e.amountYuan === null || e.nature !== 'EXACT') continue;
    const bucket = cap.per === 'ENTERPRISE' ? 'all' : String(e.year);
    const before = used.get(bucket) ?? 0;
    const room = Math.max(0, cap.amount - before);
    const values = { capYuan: cap.amount, year: cap.per === 'ENTERPRISE' ? null : e.year };
    if (e.amountYuan > room) {
      e.steps.push({
        code: 'CAP',
        values: { case: 'reached', ...values, grantedYuan: before },
        before: e.amountYuan,
        after: room,
      });
      e.amountYuan = room;
      if (room === 0) {
        e.eligibility = 'INELIGIBLE';
        e.reason = 'CAP_EXHAUSTED';
      }
    } else {
      e.steps.push({ code: 'CAP', values: { case: 'within', ...values } });
    }
    used.set(bucket, before + e.amountYuan);
  }
}

/** The project an achievement belongs to under 按最优一项执行: its projectKey, or itself alone. */
export const projectOf = (a: AchievementInput): string => a.projectKey ?? `achievement:${a.id}`;

/**
 * 按最优一项执行: per project, only the best counted amount stands; the others name the winner.
 * Stages of a project paid each (批准筹建, 建成: `stageByLevel`) are compared within their stage.
 */
function applyBestSinglePerProject(
  policy: PolicyInput,
  entitlements: Entitlement[],
  achievements: Map<string, AchievementInput>,
  staged: ReadonlySet<string>,
) {
  const projects = new Map<string, Entitlement[]>();
  for (const e of entitlements) {
    if (e.eligibility !== 'ELIGIBLE' || e.amountYuan === null) continue;
    const achievement = achievements.get(e.achievementId)!;
    const stage = staged.has(e.incentiveKey) && achievement.level ? achievement.level : null;
    const project = `${projectOf(achievement)}${stage ? `, stage ${stage}` : ''}`;
    if (stage && achievement.projectKey)
      e.steps.push({
        code: 'STAGE',
        values: { stage: levelName(achievement.kind, stage), project: achievement.projectKey },
      });
    projects.set(project, [...(projects.get(project) ?? []), e]);
  }
  for (const candidates of projects.values()) {
    if (candidates.length < 2) continue;
    // Exact sums beat maxima of the same size; ties go to the earlier clause, then the earlier achievement.
    const rank = (e: Entitlement) => [e.amountYuan!, e.nature === 'EXACT' ? 1 : 0] as const;
    const best = [...candidates].sort((a, b) => {
      const [ra, rb] = [rank(a), rank(b)];
      return (
        rb[0] - ra[0] ||
        rb[1] - ra[1] ||
        a.incentiveKey.localeCompare(b.incentiveKey) ||
        a.achievementId.localeCompare(b.achievementId)
      );
    })[0];
    for (const e of candidates) {
      if (e === best) continue;
      e.disposition = 'SUPERSEDED';
      e.relatedTo = { incentiveKey: best.incentiveKey, achievementId: best.achievementId };
      const achievement = achievements.get(e.achievementId)!;
      e.steps.push({
        code: 'SUPERSEDED',
        values: {
          project: achievement.projectKey ?? null,
          stage:
            staged.has(e.incentiveKey) && achievement.level ? levelName(achievement.kind, achievement.level) : null,
          winner: incentiveName(policy.key, best.incentiveKey),
          winnerYuan: best.amountYuan!,
          clause: policy.stackingClause?.clause ?? null,
          quote: policy.stackingClause?.quote ?? null,
        },
        before: e.amountYuan!,
        after: 0,
      });
    }
  }
}

/**
 * Two rules of an additive policy paying for one achievement, with no stated priority: a conflict,
 * not a sum. Benefits that are not money (customs facilitation, a listing) sit beside each other.
 */
function flagConflicts(entitlements: Entitlement[]) {
  const byAchievement = new Map<string, Entitlement[]>();
  for (const e of entitlements) {
    if (e.eligibility !== 'ELIGIBLE' || e.nature === 'NON_MONETARY') continue;
    byAchievement.set(e.achievementId, [...(byAchievement.get(e.achievementId) ?? []), e]);
  }
  for (const claims of byAchievement.values()) {
    if (claims.length < 2) continue;
    for (const e of claims) {
      const other = claims.find((c) => c !== e)!;
      e.disposition = 'CONFLICT';
      e.relatedTo = { incentiveKey: other.incentiveKey, achievementId: other.achievementId };
      e.steps.push({ code: 'CONFLICT', values: { incentives: claims.map((c) => c.incentiveKey) } });
    }
  }
}

/** Of the incentive's kind and, where it names levels, of one of them or of no recorded level (NEEDS_INFO). */
function matches(incentive: IncentiveInput, achievement: AchievementInput): boolean {
  if (incentive.achievementKind !== achievement.kind) return false;
  return incentive.levels.length === 0 || achievement.level == null || incentive.levels.includes(achievement.level);
}

/** Everything one policy entitles one enterprise to, from its achievements, as of a date. */
export function evaluatePolicy(
  policy: PolicyInput,
  enterprise: EnterpriseInput,
  achievements: AchievementInput[],
  asOf: string,
): Entitlement[] {
  const ordered = [...achievements].sort(byDateThenId);
  const inScope = isCovered(policy, enterprise);
  const result: Entitlement[] = [];
  for (const incentive of policy.incentives) {
    const first = allTerms(incentive).some((terms) => terms.conditions.some((c) => c.kind === 'FIRST'));
    // The enterprise's record of the kind, any level and date: what 首个/首次 is counted against.
    const record = first ? ordered.filter((a) => a.kind === incentive.achievementKind && a.obtainedOn) : [];
    let priorUnits = 0;
    const own: Entitlement[] = [];
    const caps = new Map<Entitlement, IncentiveInput['cap']>();
    for (const achievement of ordered) {
      // The policy and incentive as in force on the achievement's day (most have one version).
      const day = judgedOn(policy, achievement);
      const [policyNow, incentiveNow] = [policyTermsAt(policy, day), incentiveTermsAt(incentive, day)];
      const policyAt = policyNow.version ? { ...policy, ...policyNow.terms } : policy;
      const incentiveAt = incentiveNow.version ? { ...incentive, ...incentiveNow.terms } : incentive;
      const inForce: InForce = { day, policy: policyNow.version, incentive: incentiveNow.version };
      if (!matches(incentiveAt, achievement)) continue;
      // A project (a brand, a product line) has its own history; without one, the enterprise's is counted.
      const earlier = record.filter(
        (a) =>
          a !== achievement &&
          byDateThenId(a, achievement) < 0 &&
          (achievement.projectKey == null || a.projectKey === achievement.projectKey),
      );
      // 首个 counts the whole record (an unrecorded unit count is at least one); otherwise what this policy paid.
      const prior = first ? earlier.reduce((n, a) => n + (a.units ?? 1), 0) : priorUnits;
      const covered = policyAt === policy ? inScope : isCovered(policyAt, enterprise);
      const entitlement = evaluateOne(
        policyAt,
        incentiveAt,
        enterprise,
        covered,
        achievement,
        asOf,
        prior,
        earlier,
        inForce,
      );
      if (entitlement.eligibility === 'ELIGIBLE') priorUnits += achievement.units ?? 0;
      own.push(entitlement);
      caps.set(entitlement, incentiveAt.cap);
    }
    applyCap(own, (e) => caps.get(e));
    result.push(...own);
  }
  const byId = new Map(ordered.map((a) => [a.id, a]));
  const staged = new Set(policy.incentives.filter((i) => i.stageByLevel).map((i) => i.key));
  if (policy.stacking === 'BEST_SINGLE_PER_PROJECT') applyBestSinglePerProject(policy, result, byId, staged);
  else flagConflicts(result);
  return result;
}

export function evaluateEnterprise(
  policies: PolicyInput[],
  enterprise: EnterpriseInput,
  achievements: AchievementInput[],
  asOf: string,
): Entitlement[] {
  return policies.flatMap((policy) => evaluatePolicy(policy, enterprise, achievements, asOf));
}

/** The policies under one policy's key, or all of them (null). */
export const onlyPolicy = (policies: PolicyInput[], key: string | null) =>
  key === null ? policies : policies.filter((p) => p.key === key);

export const emptyTotals = (): Totals => ({
  exactYuan: 0,
  upToYuan: 0,
  unspecifiedCount: 0,
  nonMonetaryCount: 0,
  needsInfoCount: 0,
  conflictCount: 0,
});

/** Adds one entitlement to running totals; true when it counted towards them (eligible and not superseded). */
export function addToTotals(totals: Totals, e: Entitlement): boolean {
  if (e.eligibility === 'NEEDS_INFO') totals.needsInfoCount += 1;
  if (e.eligibility !== 'ELIGIBLE') return false;
  if (e.disposition === 'CONFLICT') totals.conflictCount += 1;
  if (e.disposition !== 'COUNTED') return false;
  if (e.nature === 'EXACT') totals.exactYuan += e.amountYuan ?? 0;
  else if (e.nature === 'UP_TO') totals.upToYuan += e.amountYuan ?? 0;
  else if (e.nature === 'UNSPECIFIED') totals.unspecifiedCount += 1;
  else totals.nonMonetaryCount += 1;
  return true;
}

export function totalsOf(entitlements: Entitlement[]): Totals {
  const totals = emptyTotals();
  for (const e of entitlements) addToTotals(totals, e);
  return totals;
}
