/**
 * Mechanical checks that a policy file says what its source document says:
 * every quote is in the text, every clause is in the text, and every amount the text
 * writes (N万元, N元, N%) is either encoded by the item quoting it or declared not a reward.
 */
import {
  clausePaths,
  incentiveTermKeys,
  targetTermKeys,
  type AmendmentDef,
  type ClauseDef,
  type IncentiveDef,
  type IncentiveVersionDef,
  type PolicyFile,
  type PolicyVersionDef,
  type TargetDef,
  type TargetVersionDef,
  type TierDef,
} from '../format/policy.js';
import { written } from './engine-input.js';

/** Page furniture and line breaks are not part of a sentence; "…" in a quote skips such a gap. */
export function normalize(text: string): string {
  return text.replace(/\s+/g, '');
}

const GAP = 80;

/** Where a quote stands in the (normalized) text, or null. "…" matches a gap of up to 80 characters. */
export function locate(text: string, quote: string): { start: number; end: number } | null {
  const parts = normalize(quote)
    .split('…')
    .filter((p) => p.length > 0);
  if (parts.length === 0) return null;
  let from = 0;
  while (true) {
    const start = text.indexOf(parts[0], from);
    if (start < 0) return null;
    let end = start + parts[0].length;
    let ok = true;
    for (const part of parts.slice(1)) {
      const next = text.indexOf(part, end);
      if (next < 0 || next - end > GAP) {
        ok = false;
        break;
      }
      end = next + part.length;
    }
    if (ok) return { start, end };
    from = start + 1;
  }
}

export interface AmountToken {
  text: string;
  at: number;
  /** Yuan for money, the number for a percentage. */
  value: number;
  unit: 'YUAN' | 'PERCENT';
}

const UNIT_SCALE: Record<string, number> = { 亿元: 1e8, 亿: 1e8, 万元: 1e4, 萬元: 1e4, 万: 1e4, 萬: 1e4, 元: 1 };
// "IOO万" is an OCR slip for 100万 in one seed; read O as 0 only between digits-or-I.
const AMOUNT = /([0-9IO]*[0-9][0-9IO]*|[I][0-9IO]+)(?:\.(\d+))?(亿元|萬元|万元|亿|萬|万|元|%|%)/g;

export function amountsIn(text: string): AmountToken[] {
  const tokens: AmountToken[] = [];
  for (const match of text.matchAll(AMOUNT)) {
    const digits = match[1].replace(/I/g, '1').replace(/O/g, '0');
    const number = Number(`${digits}${match[2] ? `.${match[2]}` : ''}`);
    const unit = match[3] === '%' || match[3] === '%' ? 'PERCENT' : 'YUAN';
    const value = unit === 'PERCENT' ? number : Math.round(number * UNIT_SCALE[match[3]]);
    tokens.push({ text: match[0], at: match.index, value, unit });
  }
  return tokens;
}

function tierAmounts(tiers: TierDef[] | undefined): number[] {
  return (tiers ?? []).map((t) => t.amount);
}

/** Every figure an incentive (or a version of it, which may write only some terms) encodes, in yuan or as a number (percent). */
export function figuresOfIncentive(
  incentive: Partial<Pick<IncentiveDef, 'rule' | 'cap' | 'provincialPart'>>,
): number[] {
  const rule = incentive.rule;
  const figures: number[] = [];
  switch (rule?.kind) {
    case undefined:
      break;
    case 'FIXED':
      figures.push(rule.amount);
      break;
    case 'TIERED':
      figures.push(...tierAmounts(rule.tiers));
      break;
    case 'PER_UNIT':
      figures.push(...(rule.amount !== undefined ? [rule.amount] : []), ...tierAmounts(rule.tiers));
      break;
    case 'FIRST_PLUS_INCREMENT':
      figures.push(rule.first, rule.increment);
      break;
    case 'PERCENTAGE':
      figures.push(rule.percent);
      break;
    case 'MATCHING':
      break;
    case 'RANK':
      figures.push(...(rule.base !== undefined ? [rule.base] : []), ...rule.bands.map((b) => b.amount));
      break;
    case 'CEILING':
      figures.push(...(rule.max !== undefined ? [rule.max] : []), ...tierAmounts(rule.tiers));
      break;
    case 'UNSPECIFIED':
    case 'NON_MONETARY':
      break;
  }
  if (incentive.cap) figures.push(incentive.cap.amount);
  const part = incentive.provincialPart;
  if (part) figures.push(...('amount' in part ? [part.amount] : tierAmounts(part.tiers)));
  return figures;
}

/** Every figure a target (or a version of its figures, which may write only some) encodes. */
export function figuresOfTarget(target: Partial<Pick<TargetDef, 'value' | 'baseline' | 'schedule'>>): number[] {
  return [
    ...(target.value !== undefined ? [target.value] : []),
    ...(target.baseline ? [target.baseline.value] : []),
    ...(target.schedule ?? []).map((row) => row.value),
  ];
}

/** Where an item of a policy file stands: its dotted path and the clause it cites. */
export interface Place {
  path: string;
  clause: string;
}

/**
 * An item as one sentence states it: the terms as first written (`from` null), or as a dated version
 * or an amendment leaves them (the terms in force before it, with what it writes over them), each
 * with its own quote. The checks of a quote against what it states (amounts here, words in the
 * meaning checks) read every reading.
 */
export interface Reading<T> {
  at: Place;
  quote: string;
  label: string;
  /** YYYY-MM-DD: the first day of a version or an amendment; null for the terms as first written. */
  from: string | null;
  /** The terms in force from this reading on. */
  terms: T;
  /** What the sentence itself writes: every term as first written, only its own for a version. */
  written: Partial<T>;
  withdrawn: boolean;
}

type Merge<T, C> = (terms: T, change: C) => { terms: T; written: Partial<T> };

const mergeIncentive: Merge<IncentiveDef, IncentiveVersionDef | AmendmentDef> = (terms, change) => {
  const set = written<IncentiveDef>(change, incentiveTermKeys);
  return { terms: { ...terms, ...set }, written: set };
};

/** A version's schedule rows are added to those before (a row it replaces still explains an amount it quotes). */
const mergeTarget: Merge<TargetDef, TargetVersionDef | AmendmentDef> = (terms, change) => {
  const set = written<TargetDef>(change, targetTermKeys);
  return { terms: { ...terms, ...set, schedule: [...terms.schedule, ...(set.schedule ?? [])] }, written: set };
};

function readingsOf<
  T extends { key: string; clause: string; quote: string },
  C extends TargetVersionDef | IncentiveVersionDef,
>(what: string, item: T, versions: C[], path: string, merge: Merge<T, C>): Array<Reading<T>> {
  const label = `${what} ${item.key} [${item.clause}]`;
  const first: Reading<T> = {
    at: { path, clause: item.clause },
    quote: item.quote,
    label,
    from: null,
    terms: item,
    written: item,
    withdrawn: false,
  };
  let terms = item;
  return [
    first,
    ...versions.map((version, j): Reading<T> => {
      const next = merge(terms, version);
      terms = next.terms;
      return {
        at: { path: `${path}.versions.${j}`, clause: version.clause },
        quote: version.quote,
        label: `${label} from ${version.from} [${version.clause}]`,
        from: version.from,
        ...next,
        withdrawn: 'withdrawn' in version && version.withdrawn === true,
      };
    }),
  ];
}

/** An incentive's readings: as first written, then as each of its versions leaves it. */
export const incentiveReadings = (incentive: IncentiveDef, path: string) =>
  readingsOf('incentive', incentive, incentive.versions, path, mergeIncentive);

/** A target's readings: its figures as first written, then as each of its versions leaves them. */
export const targetReadings = (target: TargetDef, path: string) =>
  readingsOf('target', target, target.versions, path, mergeTarget);

const amendmentLabel = (a: AmendmentDef) =>
  `amendment of ${a.policy}${(a.incentive ?? a.target) ? ` ${a.incentive ?? a.target}` : ''} from ${a.from} [${a.clause}]`;

/** An amendment read as a version of the item it changes: that item's terms in force on its day, with its own over them. */
function amendedReading<T, C extends AmendmentDef>(
  readings: Array<Reading<T>>,
  amendment: C,
  path: string,
  merge: Merge<T, C>,
): Reading<T> {
  const before = readings.findLast((r) => r.from === null || r.from <= amendment.from)!;
  return {
    at: { path, clause: amendment.clause },
    quote: amendment.quote,
    label: amendmentLabel(amendment),
    from: amendment.from,
    ...merge(before.terms, amendment),
    withdrawn: amendment.withdrawn === true,
  };
}

/**
 * The readings of a document's amendments of other policies' incentives and targets, each over the
 * amended item as `policies` holds it (an amendment of a policy or an item not there is left out:
 * the reference check names it).
 */
export function amendmentReadings(policy: PolicyFile, policies: ReadonlyMap<string, PolicyFile>) {
  const incentives: Array<Reading<IncentiveDef>> = [];
  const targets: Array<Reading<TargetDef>> = [];
  for (const [i, amendment] of policy.amends.entries()) {
    const amended = policies.get(amendment.policy);
    const incentive = amended?.incentives.find((x) => x.key === amendment.incentive);
    const target = amended?.targets.find((x) => x.key === amendment.target);
    if (incentive)
      incentives.push(amendedReading(incentiveReadings(incentive, ''), amendment, `amends.${i}`, mergeIncentive));
    if (target) targets.push(amendedReading(targetReadings(target, ''), amendment, `amends.${i}`, mergeTarget));
  }
  return { incentives, targets };
}

/** Target values keep the document's unit, so 1000亿元 may be encoded as 1000 (亿) or 100000000000 (元). */
function explains(figures: number[], token: AmountToken, scaled: boolean): boolean {
  const scales = scaled && token.unit === 'YUAN' ? [1, 1e4, 1e8] : [1];
  return figures.some((f) => scales.some((scale) => f * scale === token.value));
}

/** One problem, placed: the path of the item at fault in the policy file and the clause it cites. */
export interface Finding {
  path: string;
  clause: string | null;
  message: string;
}

export interface FaithfulnessReport {
  missingQuotes: Finding[];
  /** Quotes that stand in the seed but not in the clause they cite. */
  misplacedQuotes: Finding[];
  missingClauses: Finding[];
  unexplainedAmounts: Finding[];
}

/** Every finding of a report, in the order the checks run. */
export function findingsOf(report: FaithfulnessReport): Finding[] {
  return [...report.missingQuotes, ...report.misplacedQuotes, ...report.missingClauses, ...report.unexplainedAmounts];
}

/** Page furniture between clauses (a signature, a page number, an annex heading) stays under this length. */
const MAX_UNCOVERED = 60;

/**
 * Text of the seed, between the first and the last clause, that no clause holds: a clause left out.
 * Runs shorter than MAX_UNCOVERED are furniture; the web page around the document is ignored.
 */
function uncoveredText(text: string, clauses: ClauseDef[]): Finding[] {
  const covered = new Uint8Array(text.length);
  for (const [, clause] of clausePaths(clauses)) {
    for (const part of normalize(clause.text).split('…').filter(Boolean)) {
      const at = text.indexOf(part);
      if (at >= 0) covered.fill(1, at, at + part.length);
    }
  }
  const first = covered.indexOf(1);
  const last = covered.lastIndexOf(1);
  const runs: Finding[] = [];
  let start = -1;
  for (let i = first; i <= last + 1; i++) {
    if (i <= last && !covered[i]) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start > MAX_UNCOVERED)
        runs.push({
          path: 'clauses',
          clause: null,
          message: `text in no clause: "${text.slice(start, Math.min(i, start + 80))}…"`,
        });
      start = -1;
    }
  }
  return first < 0 ? [] : runs;
}

function clauseProblems(text: string, clauses: ClauseDef[]): Finding[] {
  const problems: Finding[] = [];
  for (const [path, clause] of clausePaths(clauses)) {
    if (clause.text.trim() && !locate(text, clause.text))
      problems.push({ path: 'clauses', clause: path, message: `clause ${path}: text not found in the seed` });
  }
  return problems;
}

/** A clause's own text followed by its descendants', as one normalized string. */
function subtreeText(clause: ClauseDef): string {
  return normalize(clause.text) + (clause.children ?? []).map(subtreeText).join('');
}

export function checkFaithfulness(policy: PolicyFile, seedText: string): FaithfulnessReport {
  const text = normalize(seedText);
  const clauses = clausePaths(policy.clauses);
  const missingQuotes: Finding[] = [];
  const misplacedQuotes: Finding[] = [];
  /**
   * `change`: the quote of a version or an amendment, whose every amount must agree with its own
   * figures (or be a notRewards entry): the first terms' quote around it does not explain its amounts.
   */
  type Span = {
    start: number;
    end: number;
    figures: number[] | 'ANY';
    label: string;
    scaled: boolean;
    at: Place;
    change: boolean;
  };
  const spans: Span[] = [];
  const place = (
    quote: string,
    at: Place,
    figures: number[] | 'ANY',
    label: string,
    scaled = false,
    change = false,
  ) => {
    const span = locate(text, quote);
    const finding = (message: string) => ({ path: `${at.path}.quote`, clause: at.clause, message });
    if (!span) missingQuotes.push(finding(`${label}: quote not found in the seed: "${quote}"`));
    else spans.push({ ...span, figures, label, scaled, at, change });
    const cited = clauses.get(at.clause);
    if (span && cited && !locate(subtreeText(cited), quote))
      misplacedQuotes.push(finding(`${label}: quote is not in clause ${at.clause}: "${quote}"`));
  };
  for (const [i, incentive] of policy.incentives.entries()) {
    const readings = incentiveReadings(incentive, `incentives.${i}`);
    for (const r of readings) place(r.quote, r.at, figuresOfIncentive(r.terms), r.label, false, r.from !== null);
    for (const [j, again] of incentive.restatedIn.entries())
      place(
        again.quote,
        { path: `incentives.${i}.restatedIn.${j}`, clause: again.clause },
        figuresOfIncentive(incentive),
        `${readings[0]!.label} restated in [${again.clause}]`,
      );
  }
  for (const [i, target] of policy.targets.entries())
    for (const r of targetReadings(target, `targets.${i}`))
      place(r.quote, r.at, figuresOfTarget(r.terms), r.label, true, r.from !== null);
  for (const [i, item] of policy.notRewards.entries())
    place(item.quote, { path: `notRewards.${i}`, clause: item.clause }, 'ANY', `notReward [${item.clause}]`);
  if (policy.fund) place(policy.fund.quote, { path: 'fund', clause: policy.fund.clause }, [policy.fund.amount], 'fund');
  // A version or an amendment is checked as the item it changes: its sentence stands in its clause, its figures explain it.
  const changeFigures = (c: AmendmentDef | PolicyVersionDef) => [
    ...('policy' in c ? figuresOfIncentive(c) : []),
    ...(c.fund ? [c.fund.amount] : []),
  ];
  for (const [i, version] of policy.versions.entries())
    place(
      version.quote,
      { path: `versions.${i}`, clause: version.clause },
      changeFigures(version),
      `policy from ${version.from} [${version.clause}]`,
      false,
      true,
    );
  for (const [i, amendment] of policy.amends.entries()) {
    place(
      amendment.quote,
      { path: `amends.${i}`, clause: amendment.clause },
      amendment.target ? figuresOfTarget(amendment) : changeFigures(amendment),
      amendmentLabel(amendment),
      amendment.target !== undefined,
      true,
    );
  }

  const unexplainedAmounts: Finding[] = [];
  for (const token of amountsIn(text)) {
    const covering = spans.filter((s) => s.start <= token.at && token.at < s.end);
    const ok = covering.some((s) => s.figures === 'ANY' || explains(s.figures, token, s.scaled));
    if (!ok) {
      const context = text.slice(Math.max(0, token.at - 30), token.at + token.text.length + 10);
      const by = covering.length
        ? ` (quoted by ${covering.map((s) => s.label).join(', ')}, which do not encode it)`
        : '';
      // Placed at the first item quoting the amount, whose figures disagree; an amount no item quotes is the clauses'.
      const at = covering[0]?.at;
      unexplainedAmounts.push({
        path: at?.path ?? 'clauses',
        clause: at?.clause ?? null,
        message: `"${token.text}" in …${context}…${by}`,
      });
    }
  }
  // A change's amounts agree with its own figures: another quote around it (the first terms') explains nothing.
  for (const span of spans.filter((s) => s.change && s.figures !== 'ANY')) {
    for (const token of amountsIn(text.slice(span.start, span.end))) {
      const at = span.start + token.at;
      const excused = spans.some((s) => s.figures === 'ANY' && s.start <= at && at < s.end);
      if (excused || explains(span.figures as number[], token, span.scaled)) continue;
      if (unexplainedAmounts.some((f) => f.path === span.at.path && f.message.startsWith(`"${token.text}"`))) continue;
      unexplainedAmounts.push({
        path: span.at.path,
        clause: span.at.clause,
        message: `"${token.text}" in the quote of ${span.label} disagrees with its figures (${(span.figures as number[]).join(', ') || 'none'}): a version's amounts are its own, or a notRewards entry (由…调整为: the figure replaced)`,
      });
    }
  }
  return {
    missingQuotes,
    misplacedQuotes,
    missingClauses: [...clauseProblems(text, policy.clauses), ...uncoveredText(text, policy.clauses)],
    unexplainedAmounts,
  };
}
