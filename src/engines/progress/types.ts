/**
 * The progress engine's plain inputs and outputs: targets as the documents set them, observed
 * values per jurisdiction and year, and where each target stands. No GraphQL, no database.
 */
import type { IndicatorDef, TargetDef } from '../../format/policy.js';
import type { Citation } from '../entitlement/types.js';
import type { MessageValues, Phrase } from '../message.js';

export type TargetKind = TargetDef['kind'];
export type Comparator = TargetDef['comparator'];
export type IndicatorUnit = IndicatorDef['unit'];

/** Counts add up across districts; a rate or a score does not (a city's pass rate is no sum). */
export const ADDITIVE_UNITS: ReadonlySet<IndicatorUnit> = new Set(['COUNT', 'PERSON_TIMES', 'YUAN', 'DAYS']);

/** Figures, values and shares to four decimals, as every answer states them. */
export const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** A figure of a schedule: a year's, a district's (null: the scope's own); its comparator where its sentence differs. */
export interface ScheduleRow {
  jurisdiction: string | null;
  year: number;
  value: number;
  comparator: Comparator | null;
}

/** The figures of a target that may change from a date (an amending notice raising a district's quota). */
export interface TargetTerms {
  /** The figure for the whole scope (or for each jurisdiction, see `per`), when the document states one. */
  value: number | null;
  comparator: Comparator;
  /** YYYY-MM-DD */
  deadline: string | null;
  /** Per year, and per district for quotas; a row without jurisdiction is the scope's own. */
  schedule: ScheduleRow[];
}

/** A target's figures from a day on, complete, citing the clauses (its own document's or an amending one's) that made them. */
export interface TargetVersion extends TargetTerms {
  /** YYYY-MM-DD: the first day in force. */
  from: string;
  madeBy: Citation[];
}

export interface TargetInput extends TargetTerms {
  key: string;
  policyKey: string;
  clausePath: string;
  quote: string;
  summary: string;
  indicator: { code: string; unit: IndicatorUnit };
  kind: TargetKind;
  /** SCOPE: `value` is the scope's figure; EACH_JURISDICTION: each county's and district's, the scope having none. */
  per: TargetDef['per'];
  /** For EACH_JURISDICTION: the jurisdictions named; empty = the scope's counties and districts. */
  appliesTo: string[];
  benchmark: 'PROVINCIAL_AVERAGE' | 'NATIONAL_AVERAGE' | null;
  /** The target's scope (a city, or the jurisdiction the document names). */
  jurisdiction: string;
  baseline: { value: number; year: number } | null;
  from: number | null;
  to: number | null;
  /** YYYY-MM-DD: the first year of a target without `from`. */
  policyEffectiveFrom: string;
  /** Later figures, oldest first, each complete (the figures above are the first, from the policy's first day). */
  versions: TargetVersion[];
}

/**
 * One value of an indicator for a jurisdiction and a calendar year: a level at year end (a rate,
 * a stock) or the additions of the year, as the indicator defines it. When several share an
 * indicator, jurisdiction and year, the latest recorded wins: a correction supersedes.
 */
export interface ObservationInput {
  indicator: string;
  jurisdiction: string;
  year: number;
  value: number;
  source: string;
  /** ISO timestamp */
  recordedAt: string;
}

/**
 * - ACHIEVED: the observed value meets the period's figure by the target's comparator (≥, > for
 *   超过/突破, ≤ or < for a ceiling).
 * - ON_TRACK: the period is open, not yet met, and the latest value is at or beyond the straight
 *   path from the baseline to the figure (for a one-year period: at or beyond the share of the year
 *   elapsed).
 * - AT_RISK: the period is open, not yet met, and behind that path.
 * - MISSED: the period has ended and the figure was not met; a RELATIVE target below its benchmark.
 * - BREACHED: a FLOOR (稳定在…以上) fell below its floor in a year: it stays breached even if later
 *   years recover.
 * - NO_DATA: nothing observed for the period yet, or no figure (or benchmark) to compare with.
 */
export type ProgressStatus = 'ACHIEVED' | 'ON_TRACK' | 'AT_RISK' | 'MISSED' | 'BREACHED' | 'NO_DATA';

/** Most severe first: a target's status is the most severe of its periods that have started. */
export const SEVERITY: readonly ProgressStatus[] = ['BREACHED', 'MISSED', 'AT_RISK', 'NO_DATA', 'ON_TRACK', 'ACHIEVED'];

/** A step of a progress trace: the message `progressStep.<code>` (a period's, whatever its status: `progressStep.PERIOD`). */
export interface ProgressStep {
  code: string;
  values: MessageValues;
}

export interface PeriodProgress {
  /** The calendar year the period ends in. */
  year: number;
  /** YYYY-MM-DD */
  start: string;
  end: string;
  targetValue: number | null;
  /** Where the figure comes from: a schedule row, the scope's value, the benchmark (a `source.…` phrase). */
  targetSource: Phrase | null;
  /** The value compared: the year's level or additions, or the running sum of a cumulative goal. */
  observed: number | null;
  /** The last year whose observation the value includes. */
  observedThrough: number | null;
  /** True when a city's count is the sum of its districts' observations. */
  derivedFromDistricts: boolean;
  /** On the straight path from the baseline to the figure, the value expected by observedThrough. */
  expected: number | null;
  /** (observed − baseline) / (target − baseline); not clamped, so over-achievement shows above 1. */
  share: number | null;
  /** Least-squares trend of the observed points, at the period's end year (≥ 2 points). */
  projection: number | null;
  status: ProgressStatus;
  /** Why it has that status (a `reason.…` phrase). */
  reason: Phrase;
}

export interface TargetProgress {
  targetKey: string;
  policyKey: string;
  jurisdiction: string;
  status: ProgressStatus;
  periods: PeriodProgress[];
  /** The values observed year by year (running sums for a cumulative goal), for charts. */
  series: Array<{ year: number; value: number }>;
  /**
   * The official value the path starts from, before the target's years: the document's baseline or
   * the base year's observation (基期); null when the path starts from zero (additions) or from the
   * first value observed, and for a scope that counts its districts.
   */
  baseline: { year: number; value: number } | null;
  steps: ProgressStep[];
}

export interface ProgressOptions {
  /** YYYY-MM-DD */
  asOf: string;
  /** Whose progress: the target's scope by default, or one of its districts. */
  jurisdiction?: string;
  /**
   * The scope's districts: a city's count with no observation of its own is their sum. For a
   * per: EACH_JURISDICTION target, the jurisdictions each with the figure, which the scope's line counts.
   */
  districts?: string[];
  /** The benchmark series of a RELATIVE target (e.g. the province's yearly average). */
  benchmark?: ObservationInput[];
}
