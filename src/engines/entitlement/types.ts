/**
 * The entitlement engine's inputs and outputs. Plain data: codes and ISO dates, no database
 * rows, so the same engine serves stored enterprises, what-if simulations and benchmarks.
 */
import type { ConditionDef, IncentiveDef, PolicyFile, QuestionDef } from '../../format/policy.js';
import type { MessageValues } from '../message.js';

export type RecipientKind = IncentiveDef['recipients'][number];
export type Payer = NonNullable<IncentiveDef['payer']>;

/** The clause that made a version, of this document or of an amending one, with its sentence. */
export interface Citation {
  policyKey: string;
  clausePath: string;
  quote: string;
}

/** What changes in a version, whatever its date: when it starts, whether it withdraws, who made it. */
export interface Version {
  /** The first day in force: an achievement obtained on or after it is judged by this version. */
  from: string;
  /** From this day nothing is paid (停止执行). */
  withdrawn: boolean;
  /** The clauses that made it (several when changes of one day come from several sentences). */
  madeBy: Citation[];
}

/** The terms of an incentive that may change from a date. */
export interface IncentiveTerms {
  levels: string[];
  recipients: RecipientKind[];
  rule: IncentiveDef['rule'];
  cap?: IncentiveDef['cap'];
  payer?: Payer;
  provincialPart?: IncentiveDef['provincialPart'];
  conditions: ConditionDef[];
  /** What a request's reforms changed of these terms (src/engines/entitlement/reforms.ts): REFORM steps. */
  reformed?: MessageValues[];
}

export type IncentiveVersion = IncentiveTerms & Version;

export interface IncentiveInput extends IncentiveTerms {
  key: string;
  clausePath: string;
  clauseText: string;
  quote: string;
  achievementKind: string;
  /** NEW: obtained inside the window (新获); HELD: a status held, obtained before the window too. */
  obtained: IncentiveDef['obtained'];
  /** Each level is a separate stage of a project (批准筹建, 建成), paid once each. */
  stageByLevel: boolean;
  /** Where the document states the same promise again (an annex): cited, never paid twice. */
  restatedIn: IncentiveDef['restatedIn'];
  /** Later versions of the terms above (the first version), oldest first: each complete. */
  versions: IncentiveVersion[];
  /** What a person is asked for a missing level or measure (an attested fact's question is its condition's). */
  questions?: QuestionDef[];
}

export interface Fund {
  amountYuan: number;
  period: 'YEAR' | 'TOTAL';
}

/** The terms of a policy that may change from a date. */
export interface PolicyTerms {
  effectiveUntil?: string | null;
  /** Codes of the jurisdictions covered; empty means the whole issuing jurisdiction. */
  appliesTo: string[];
  fund: Fund | null;
  /** What a request's reforms changed of these terms (or of the stacking rule): REFORM steps. */
  reformed?: MessageValues[];
}

export type PolicyVersion = PolicyTerms & Version;

export interface PolicyInput extends PolicyTerms {
  key: string;
  title: string;
  /** The issuing jurisdiction's code. */
  jurisdiction: string;
  effectiveFrom: string;
  stacking: PolicyFile['stacking']['rule'];
  /** The clause that states the stacking rule (按最优一项执行) and its words, cited when a reward is superseded. */
  stackingClause?: { clause: string; quote: string } | null;
  /** 参照执行: jurisdictions the document lets follow it, though it does not cover them. */
  mayReferTo?: string[];
  incentives: IncentiveInput[];
  /** Later versions of the terms above, oldest first: each complete. */
  versions: PolicyVersion[];
}

export interface EnterpriseInput {
  id: string;
  kind: RecipientKind;
  /** The enterprise's jurisdiction code first, then each one above it (district, city, province). */
  jurisdictionPath: string[];
}

export interface AchievementInput {
  id: string;
  kind: string;
  level?: string | null;
  /** YYYY-MM-DD; unknown dates make the answer NEEDS_INFO, never a guess. */
  obtainedOn?: string | null;
  units?: number | null;
  costYuan?: number | null;
  budgetYuan?: number | null;
  provincialGrantYuan?: number | null;
  rank?: number | null;
  projectKey?: string | null;
  facts?: Record<string, boolean>;
}

export type Eligibility = 'ELIGIBLE' | 'INELIGIBLE' | 'NEEDS_INFO';
/** What the amount means: a sum owed, a maximum ("最高"), a reward with no sum, or a benefit that is not money. */
export type AmountNature = 'EXACT' | 'UP_TO' | 'UNSPECIFIED' | 'NON_MONETARY';
/** Whether an eligible amount counts in totals, lost to a better reward for the same project, or clashes with another rule. */
export type Disposition = 'COUNTED' | 'SUPERSEDED' | 'CONFLICT';

export type IneligibleReason =
  | 'OUT_OF_SCOPE'
  | 'RECIPIENT_KIND'
  | 'OUTSIDE_WINDOW'
  | 'NOT_YET_OBTAINED'
  | 'LEVEL_NOT_REWARDED'
  | 'CONDITION_NOT_MET'
  | 'RANK_NOT_REWARDED'
  | 'CAP_EXHAUSTED'
  | 'WITHDRAWN';

/** One step of the trace: its words are the catalogue's message `step.<code>` with these values (src/i18n/trace.ts). */
export interface TraceStep {
  /** A stable code for machines: RULE, TIER, PER_UNIT, CAP, SUPERSEDED … */
  code: string;
  /** What the message reads: amounts (`…Yuan`), days, codes, keys, the document's own words; `case` for a variant. */
  values: MessageValues;
  before?: number;
  after?: number;
}

export interface Entitlement {
  policyKey: string;
  incentiveKey: string;
  clausePath: string;
  clauseText: string;
  quote: string;
  achievementId: string;
  /** The year the achievement was obtained, for yearly caps and reports. */
  year: number | null;
  eligibility: Eligibility;
  reason?: IneligibleReason;
  /** Inputs that would decide the answer (for NEEDS_INFO): "costYuan", "facts.ACCEPTANCE_PASSED" … */
  missing: string[];
  nature: AmountNature;
  /** Integer yuan: the sum for EXACT, the maximum for UP_TO, null otherwise. */
  amountYuan: number | null;
  payer: Payer | null;
  /** The province's own part, shown beside the city's reward, never counted as the city's money. */
  provincialPartYuan: number | null;
  disposition: Disposition;
  /** For SUPERSEDED and CONFLICT: the entitlement that won or clashed. */
  relatedTo?: { incentiveKey: string; achievementId: string };
  steps: TraceStep[];
}

export interface Totals {
  /** Sum of counted EXACT amounts: money owed. */
  exactYuan: number;
  /** Sum of counted UP_TO maxima: exposure, never owed as such. */
  upToYuan: number;
  unspecifiedCount: number;
  nonMonetaryCount: number;
  needsInfoCount: number;
  conflictCount: number;
}
