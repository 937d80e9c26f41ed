/**
 * Which periods a target has, for whom: their days, their figures (a schedule row, the scope's
 * value, the benchmark of the year) and the comparator each is met by.
 */
import { yearBounds, yearOf } from '../../dates/index.js';
import { jurisdictionName, term, type Phrase } from '../message.js';
import { round, type Comparator, type ObservationInput, type ProgressOptions, type TargetInput } from './types.js';

/** Whose progress is asked, and whether that jurisdiction owes the target's figure. */
export interface View {
  jurisdiction: string;
  isScope: boolean;
  /** 每个县(市、区)…: the districts each owe the figure and the scope owes none of its own. */
  perEach: boolean;
  ownsValue: boolean;
  districts: string[];
}

export function viewOf(target: TargetInput, options: ProgressOptions): View {
  const jurisdiction = options.jurisdiction ?? target.jurisdiction;
  const isScope = jurisdiction === target.jurisdiction;
  const perEach = target.per === 'EACH_JURISDICTION';
  const districts = options.districts ?? [];
  return {
    jurisdiction,
    isScope,
    perEach,
    ownsValue: perEach ? !isScope && districts.includes(jurisdiction) : isScope,
    districts,
  };
}

export interface Span {
  /** The year the period ends in; +∞ for a goal without deadline. */
  year: number;
  /** YYYY-MM-DD */
  start: string;
  end: string;
  figure: number | null;
  figureSource: Phrase | null;
  comparator: Comparator;
  /** The first year whose observations count towards the period. */
  fromYear: number;
}

export interface Periods {
  /** One period ending at the deadline (REACH and CUMULATIVE goals the document does not schedule by year). */
  single: boolean;
  spans: Span[];
}

/** Goals with one period ending at the deadline, unless the document schedules them by year. */
const ONE_PERIOD_KINDS = new Set(['REACH', 'CUMULATIVE']);

/** Additions are counted from zero: a cumulative goal's years and a yearly additions quota. */
/** The series a RELATIVE target is compared with, as the trace names it. */
export const benchmarkTerm = (target: TargetInput) => term(`benchmark.${target.benchmark ?? 'NONE'}`);

export const isAdditive = (target: TargetInput) => target.kind === 'CUMULATIVE' || target.kind === 'ANNUAL_ADDITIONS';

/**
 * One period ending at the deadline, or one per scheduled year, or one per calendar year of the
 * target. `benchmark` is the RELATIVE target's yearly comparison value.
 */
export function periodsOf(
  target: TargetInput,
  view: View,
  asOf: string,
  benchmark: ReadonlyMap<number, ObservationInput>,
): Periods {
  const { jurisdiction, isScope, ownsValue } = view;
  const rows = target.schedule.filter((r) => r.jurisdiction === jurisdiction || (isScope && r.jurisdiction === null));
  const firstYear = target.from ?? yearOf(target.policyEffectiveFrom);
  const valueSource: Phrase = {
    id: 'source.DOCUMENT',
    values: { each: view.perEach, jurisdiction: jurisdictionName(target.jurisdiction) },
  };
  if (ONE_PERIOD_KINDS.has(target.kind) && rows.length === 0) {
    const end = target.deadline ?? (target.to ? yearBounds(target.to).last : null);
    const span: Span = {
      year: end ? yearOf(end) : Number.POSITIVE_INFINITY,
      start: target.from ? yearBounds(target.from).first : target.policyEffectiveFrom,
      end: end ?? '9999-12-31',
      figure: ownsValue ? target.value : null,
      figureSource: ownsValue && target.value !== null ? valueSource : null,
      comparator: target.comparator,
      fromYear: firstYear,
    };
    return { single: true, spans: [span] };
  }
  const cumulative = target.kind === 'CUMULATIVE';
  const scheduled = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
  const lastYear = target.to ?? (target.deadline ? yearOf(target.deadline) : null) ?? scheduled.at(-1) ?? yearOf(asOf);
  const years = scheduled.length
    ? scheduled
    : Array.from({ length: Math.max(0, lastYear - firstYear + 1) }, (_, i) => firstYear + i);
  const spans = years.map((year): Span => {
    const own = rows.filter((r) => r.year <= year);
    const row = rows.find((r) => r.year === year);
    let figure: number | null = null;
    let figureSource: Phrase | null = null;
    let comparator = target.comparator;
    if (cumulative && own.length) {
      figure = round(own.reduce((s, r) => s + r.value, 0));
      const quotas = own.map((r): Phrase => ({ id: 'phrase.quota', values: { year: r.year, value: r.value } }));
      figureSource = { id: 'source.QUOTAS', values: { jurisdiction: jurisdictionName(jurisdiction), year, quotas } };
      comparator = own.at(-1)!.comparator ?? comparator;
    } else if (row) {
      figure = row.value;
      figureSource = {
        id: 'source.SCHEDULE',
        values: { jurisdiction: jurisdictionName(row.jurisdiction ?? target.jurisdiction), year },
      };
      comparator = row.comparator ?? comparator;
    } else if (ownsValue && target.value !== null && target.kind !== 'RELATIVE') {
      figure = target.value;
      figureSource = valueSource;
    }
    if (target.kind === 'RELATIVE') {
      const b = benchmark.get(year);
      figure = b ? b.value : null;
      figureSource = b
        ? {
            id: 'source.BENCHMARK',
            values: {
              benchmark: benchmarkTerm(target),
              year,
              value: b.value,
              source: b.source,
              recordedAt: b.recordedAt,
            },
          }
        : null;
    }
    const { first, last } = yearBounds(year);
    return {
      year,
      start: first,
      end: last,
      figure,
      figureSource,
      comparator,
      fromYear: cumulative ? (rows[0]?.year ?? firstYear) : year,
    };
  });
  return { single: false, spans };
}
