/**
 * Meaning checks: readings of a clause that its words contradict, where words can tell. Who pays
 * (我市/市财政 against 积极争取省), 首个/首次 without the history condition, 新获 read as a status
 * held, a promise stated twice and not marked a restatement, and two incentives of an additive
 * policy that would both claim one achievement (a CONFLICT that drops out of every total).
 * The word checks read every version and amendment against its own quote (its readings, as the
 * amount check reads them). A finding a reader kept is `explained` on its incentive, with the reason.
 */
import { amendmentReadings, incentiveReadings, locate, normalize, type Reading } from './faithfulness.js';
import { clausePaths, type ClauseDef, type IncentiveDef, type PolicyFile } from '../format/policy.js';

export type MeaningCheck = IncentiveDef['explained'][number]['check'];

export interface MeaningFinding {
  check: MeaningCheck;
  incentive: string;
  clause: string;
  text: string;
  /** Where in the file: the incentive, its version or the amendment whose quote the reading contradicts. */
  path: string;
  /** The day of that version or amendment; null for the terms as first written. */
  from: string | null;
  /** The reading, as the faithfulness check names it (`incentive china-quality-award from 2019-01-01 [一]`). */
  label: string;
  /** The reader's reason, where the file keeps the reading (the terms as first written only). */
  explained?: string;
}

// Simplified and traditional script (001 is printed in traditional characters).
const CITY_MONEY = /我市|市[财財]政|市[级級]/;
const SOUGHT_FROM_PROVINCE = /[积積][极極][争爭]取省/;
const FIRST = /首[个個]|首次/;
const NEWLY = /新[获獲]|新[认認]定|首次/;
/** A quote this short may stand twice in a document by chance. */
const MIN_RESTATED = 15;

const pays = (i: IncentiveDef) => i.rule.kind !== 'NON_MONETARY';

/** The sentence of the clause (up to 。) that holds the quote, from its start to the quote's end. */
function sentenceUpTo(clauseText: string, quote: string): string {
  const text = normalize(clauseText);
  const span = locate(text, quote);
  if (!span) return normalize(quote);
  return text.slice(text.lastIndexOf('。', span.start) + 1, span.end);
}

function overlap<T>(a: T[] | undefined, b: T[] | undefined): boolean {
  return !a?.length || !b?.length || a.some((x) => b.includes(x));
}

/**
 * The word checks of one reading: its terms against its own quote and sentence. A term the reading
 * only keeps from the terms before (a version raising an amount keeps the payer and the FIRST
 * condition) is read against the quote's words where they say it, never against their absence.
 */
function wordFindings(
  reading: Reading<IncentiveDef>,
  clauses: ReadonlyMap<string, ClauseDef>,
): Array<[MeaningCheck, string]> {
  const { terms: i, written } = reading;
  const found: Array<[MeaningCheck, string]> = [];
  const quote = normalize(reading.quote);
  const sentence = sentenceUpTo(clauses.get(reading.at.clause)?.text ?? '', reading.quote);
  const cityWords = CITY_MONEY.test(quote);
  if (pays(i) && i.payer !== 'PROVINCE' && !cityWords && SOUGHT_FROM_PROVINCE.test(sentence))
    found.push([
      'PAYER',
      `the sum follows 积极争取省… in its sentence but is read as ${i.payer ?? 'the city (no payer)'}'s money`,
    ]);
  if (written.payer === 'CITY' && !CITY_MONEY.test(sentence))
    found.push(['PAYER', 'payer CITY, but the sentence names neither 我市, 市财政 nor 市级']);
  if (i.payer === 'PROVINCE' && cityWords) found.push(['PAYER', 'payer PROVINCE, but the quote says 我市/市财政/市级']);
  const first = i.conditions.some((c) => c.kind === 'FIRST');
  if (FIRST.test(quote) && !first)
    found.push(['FIRST', 'the quote says 首个/首次 but no FIRST condition counts the history']);
  if (written.conditions?.some((c) => c.kind === 'FIRST') && !FIRST.test(quote))
    found.push(['FIRST', 'a FIRST condition, but the quote says neither 首个 nor 首次']);
  if (i.obtained === 'HELD' && NEWLY.test(quote))
    found.push(['OBTAINED', 'read HELD, but the quote says 新获/新认定/首次']);
  return found;
}

/**
 * The word checks over every reading of the file's incentives: as first written, each version, and
 * each amendment of another policy's incentive (read over that incentive as `policies` holds it). A
 * withdrawal states no rule and is not read.
 */
export function incentiveWordFindings(
  policy: PolicyFile,
  policies: ReadonlyMap<string, PolicyFile> = new Map(),
): MeaningFinding[] {
  const clauses = clausePaths(policy.clauses);
  const readings = [
    ...policy.incentives.flatMap((i, n) => incentiveReadings(i, `incentives.${n}`)),
    ...amendmentReadings(policy, policies).incentives,
  ];
  return readings
    .filter((r) => !r.withdrawn)
    .flatMap((r) =>
      wordFindings(r, clauses).map(([check, text]): MeaningFinding => ({
        check,
        incentive: r.terms.key,
        clause: r.at.clause,
        text,
        path: r.at.path,
        from: r.from,
        label: r.label,
        explained: r.from === null ? r.terms.explained.find((e) => e.check === check)?.reason : undefined,
      })),
    );
}

/** A finding as corpus:check and a refused file state it. */
export const describeMeaning = (f: MeaningFinding) => `meaning ${f.check}, ${f.label}: ${f.text}`;

export function checkMeaning(
  policy: PolicyFile,
  seedText: string,
  policies?: ReadonlyMap<string, PolicyFile>,
): MeaningFinding[] {
  const seed = normalize(seedText);
  const findings = incentiveWordFindings(policy, policies);
  for (const [n, i] of policy.incentives.entries()) {
    const quote = normalize(i.quote);
    if (quote.length >= MIN_RESTATED) {
      const at = locate(seed, quote);
      const again = at && locate(seed.slice(at.end), quote);
      if (again && !i.restatedIn.some((r) => normalize(r.quote).includes(quote)))
        findings.push({
          check: 'RESTATED',
          incentive: i.key,
          clause: i.clause,
          text: 'the promise stands twice in the document; mark the second as restatedIn',
          path: `incentives.${n}`,
          from: null,
          label: `incentive ${i.key} [${i.clause}]`,
          explained: i.explained.find((e) => e.check === 'RESTATED')?.reason,
        });
    }
  }
  // Two rules of an additive policy that can pay for one achievement clash (CONFLICT, out of every total).
  if (policy.stacking.rule === 'ADDITIVE') {
    const paying = policy.incentives.filter(pays);
    for (const [n, a] of paying.entries()) {
      for (const b of paying.slice(n + 1)) {
        if (a.achievement !== b.achievement || !overlap(a.levels, b.levels) || !overlap(a.recipients, b.recipients))
          continue;
        const reason =
          a.explained.find((e) => e.check === 'OVERLAP')?.reason ??
          b.explained.find((e) => e.check === 'OVERLAP')?.reason;
        findings.push({
          check: 'OVERLAP',
          incentive: a.key,
          clause: a.clause,
          text: `${a.key} and ${b.key} [${b.clause}] both pay for one ${a.achievement}: a CONFLICT out of every total (one promise stated twice? mark it restatedIn)`,
          path: `incentives.${policy.incentives.indexOf(a)}`,
          from: null,
          label: `incentive ${a.key} [${a.clause}]`,
          explained: reason,
        });
      }
    }
  }
  return findings;
}
