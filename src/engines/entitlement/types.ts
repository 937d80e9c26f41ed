/**
 * The entitlement engine's inputs and outputs. Plain data: codes and ISO dates, no database
 * rows, so the same engine serves stored enterprises, what-if simulations and benchmarks.
 */
import type { ConditionDef, IncentiveDef, PolicyFile } from '../../format/policy.js';
import type { MessageValues } from '../message.js';

export type RecipientKind = IncentiveDef['recipients'][number];
export type Payer = NonNullable<IncentiveDef['payer']>;

export interface IncentiveInput {
  key: string;
  clausePath: string;
  clauseText: string;
  quote: string;
  achievementKind: string;
  levels: string[];
  recipients: RecipientKind[];
  rule: IncentiveDef['rule'];
  cap?: IncentiveDef['cap'];
  payer?: Payer;
  provincialPart?: IncentiveDef['provincialPart'];
  conditions: ConditionDef[];
  /** NEW: obtained inside the window (新获); HELD: a status held, obtained before the window too. */
  obtained: IncentiveDef['obtained'];
  /** Each level is a separate stage of a project (批准筹建, 建成), paid once each. */
  stageByLevel: boolean;
  /** Where the document states the same promise again (an annex): cited, never paid twice. */
  restatedIn: IncentiveDef['restatedIn'];
}

export interface PolicyInput {
  key: string;
  title: string;
  /** The issuing jurisdiction's code. */
  jurisdiction: string;
  /** Codes of the jurisdictions covered; empty means the whole issuing jurisdiction. */
  appliesTo: string[];
  effectiveFrom: string;
  effectiveUntil?: string | null;
  stacking: PolicyFile['stacking']['rule'];
  incentives: IncentiveInput[];
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
  | 'CAP_EXHAUSTED';

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
