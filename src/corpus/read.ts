/**
 * Reads and validates the policy corpus (`policies/*.yaml`) without touching a database.
 * Every error names the file, the path inside it and, where there is one, the clause,
 * so that whoever edits a policy file can find the line to fix.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import {
  clausePaths,
  policyFileDef,
  vocabularyFileDef,
  type AchievementKindDef,
  type IncentiveDef,
  type IndicatorDef,
  type JurisdictionDef,
  type PolicyFile,
  type TierDef,
} from '../format/policy.js';
import { checkFaithfulness, findingsOf } from './faithfulness.js';
import { describeMeaning, incentiveWordFindings } from './incentive-meaning.js';
import { targetMeaningProblems } from './target-meaning.js';
import { Refused, type Refusal, type RefusalCode } from '../validation/refusal.js';
import { asWritten, describeRefusal, issuePhrase, refusal } from '../i18n/refusal.js';
import { CATALOGUES } from '../i18n/index.js';
import { phrase, type MessageValue, type Phrase } from '../engines/message.js';

export const VOCABULARY_FILE = 'vocabulary.yaml';

export interface Corpus {
  jurisdictions: Map<string, JurisdictionDef>;
  achievementKinds: Map<string, AchievementKindDef>;
  indicators: Map<string, IndicatorDef>;
  policies: PolicyFile[];
}

/** Why a policy file was refused. */
type PolicyRefusalCode = Extract<
  RefusalCode,
  'NOT_YAML' | 'INVALID_FORMAT' | 'INVALID_REFERENCE' | 'UNFAITHFUL' | 'AMENDMENT_REFUSED'
>;

/**
 * One problem of one file, placed: the file, the path inside it (zod's, dotted) as the field, and
 * the clause the item cites (null when it cites none).
 */
export type PolicyRefusal = Refusal & { file: string; clause: string | null; code: PolicyRefusalCode };

/** The corpus cannot be used at all (its shared vocabulary is refused, or a script needs every file). */
export class CorpusError extends Refused {
  constructor(refusals: Refusal[]) {
    super(refusals);
    this.message = `The policy corpus is invalid:\n${refusals.map((r) => `  - ${describeRefusal(r)}`).join('\n')}`;
  }
}

type Refuse = (path: string, wording: Phrase, clause?: string | null, code?: PolicyRefusalCode) => void;

const WRITTEN_ISSUES: ReadonlySet<string> = new Set(['custom', 'invalid_format']);

function describeIssues(raw: unknown, issues: z.core.$ZodIssue[], refuse: Refuse) {
  for (const issue of issues)
    refuse(
      issue.path.join('.'),
      // The format's own checks (refinements, the calendar day) say what to change in English
      // (src/format/policy.ts), shown as written; zod's own issues in the catalogue's words.
      WRITTEN_ISSUES.has(issue.code) && !(issue.message in CATALOGUES.en)
        ? asWritten(issue.message)
        : issuePhrase(issue),
      clauseOfPath(raw, issue.path),
    );
}

const CITING = new Set(['incentives', 'targets', 'versions', 'amends']);

/** For an error inside an item that cites a clause (incentives[i], its versions[j], amends[k] …), that clause. */
function clauseOfPath(raw: unknown, path: PropertyKey[]): string | undefined {
  let clause: string | undefined;
  let at = raw;
  for (let i = 0; i + 1 < path.length; i++) {
    const [section, index] = [path[i], path[i + 1]];
    if (typeof section !== 'string' || !CITING.has(section) || typeof index !== 'number') continue;
    const item = (at as Record<string, unknown[]> | undefined)?.[section]?.[index] as { clause?: unknown } | undefined;
    if (typeof item?.clause === 'string') clause = item.clause;
    at = item;
    i++;
  }
  return clause;
}

/** The file's YAML (undefined when it is not YAML) and, when it follows the format, what it reads as. */
function parseFile<T extends z.ZodType>(
  dir: string,
  file: string,
  def: T,
  refuse: Refuse,
): { raw: unknown; parsed: z.output<T> | null } {
  let raw: unknown;
  try {
    raw = parse(readFileSync(join(dir, file), 'utf8'));
  } catch (error) {
    refuse('', phrase('error.policy.NOT_YAML', { message: (error as Error).message }), null, 'NOT_YAML');
    return { raw: undefined, parsed: null };
  }
  const result = def.safeParse(raw);
  if (!result.success) {
    describeIssues(raw, result.error.issues, refuse);
    return { raw, parsed: null };
  }
  return { raw, parsed: result.data };
}

/**
 * A refused file's amendments of the policies that load: each named (read from its YAML, however
 * broken the rest), so that the amended policy is not served without its changes silently.
 */
function unappliedAmendments(file: string, raw: unknown, loaded: ReadonlySet<string>): PolicyRefusal[] {
  const amends = (raw as { amends?: unknown } | null)?.amends;
  if (!Array.isArray(amends)) return [];
  return amends.flatMap((entry: unknown, i): PolicyRefusal[] => {
    const { policy, clause, from } = (entry ?? {}) as Record<string, unknown>;
    if (typeof policy !== 'string' || !loaded.has(policy)) return [];
    const wording = phrase('error.AMENDMENT_REFUSED', { policy, from: typeof from === 'string' ? from : 'none' });
    const place = { file, clause: typeof clause === 'string' ? clause : null };
    return [{ ...refusal(`amends.${i}`, 'AMENDMENT_REFUSED', wording, place), policy } as PolicyRefusal];
  });
}

/** Adds vocabulary entries; the same code may be declared twice only with identical content. */
function mergeInto<T extends { code: string }>(map: Map<string, T>, items: T[], what: string, refuse: Refuse) {
  for (const item of items) {
    const existing = map.get(item.code);
    if (existing && JSON.stringify(existing) !== JSON.stringify(item)) {
      refuse(what, phrase('error.policy.DECLARED_TWICE', { what, code: item.code }), null, 'INVALID_REFERENCE');
    } else {
      map.set(item.code, item);
    }
  }
}

const levelsOfTiers = (tiers: TierDef[]) => tiers.flatMap((t) => (t.levels ?? []).concat(t.level ? [t.level] : []));

/** Every level code terms of an incentive refer to, so they can be checked against the kind's levels. */
function levelsOf(terms: Partial<Pick<IncentiveDef, 'rule' | 'levels' | 'provincialPart'>>): string[] {
  const { rule, provincialPart } = terms;
  return [
    ...levelsOfTiers(rule && 'tiers' in rule ? (rule.tiers ?? []) : []),
    ...(terms.levels ?? []),
    ...levelsOfTiers(provincialPart && 'tiers' in provincialPart ? provincialPart.tiers : []),
  ];
}

function checkReferences(corpus: Corpus, policy: PolicyFile, fail: Refuse, policies: Map<string, PolicyFile>) {
  /** Where an item of the file stands: its path, the clause it cites, and its key for the message. */
  interface Place {
    path: string;
    clause?: string;
    label: MessageValue;
  }
  const refuse = (at: Place, wording: Phrase) =>
    fail(
      at.path,
      phrase('error.policy.AT', { label: at.label, message: wording }),
      at.clause ?? null,
      'INVALID_REFERENCE',
    );
  const jurisdiction = (code: string, at: Place) => {
    if (!corpus.jurisdictions.has(code)) refuse(at, phrase('error.UNKNOWN_JURISDICTION', { code }));
  };
  jurisdiction(policy.jurisdiction, { path: 'jurisdiction', label: 'jurisdiction' });
  for (const code of policy.appliesTo) jurisdiction(code, { path: 'appliesTo', label: 'appliesTo' });
  for (const code of policy.mayReferTo) jurisdiction(code, { path: 'mayReferTo', label: 'mayReferTo' });

  const clauses = clausePaths(policy.clauses);
  const clause = (path: string | undefined, at: Place) => {
    if (path !== undefined && !clauses.has(path)) refuse(at, phrase('error.policy.NO_CLAUSE', { path }));
  };
  const levels = (kindCode: string, used: string[], at: Place) => {
    const known = new Set(corpus.achievementKinds.get(kindCode)?.levels.map((l) => l.code));
    for (const level of used)
      if (!known.has(level)) refuse(at, phrase('error.policy.NO_LEVEL', { kind: kindCode, level }));
  };
  /** Versions of this document: after its first day, oldest first, one a day; each checked by `each`. */
  const dated = <V extends { from: string; clause: string }>(
    versions: V[],
    first: string,
    path: string,
    each: (version: V, at: Place) => void,
  ) => {
    let previous = first;
    for (const [j, version] of versions.entries()) {
      const at = {
        path: `${path}.${j}`,
        clause: version.clause,
        label: phrase('error.policy.label.version', { from: version.from }),
      };
      if (version.from <= previous)
        refuse(
          at,
          j === 0
            ? phrase('error.policy.FIRST_VERSION', { first })
            : phrase('error.policy.VERSION_ORDER', { from: version.from, previous }),
        );
      previous = version.from;
      each(version, at);
    }
  };
  clause(policy.stacking.clause, { path: 'stacking.clause', label: 'stacking' });
  clause(policy.fund?.clause, { path: 'fund.clause', label: 'fund' });
  for (const [i, item] of policy.notRewards.entries())
    clause(item.clause, {
      path: `notRewards.${i}.clause`,
      label: phrase('error.policy.label.notRewards', { quote: item.quote }),
    });

  const keys = new Set<string>();
  for (const [i, incentive] of policy.incentives.entries()) {
    const context = {
      path: `incentives.${i}`,
      clause: incentive.clause,
      label: phrase('error.policy.label.incentive', { key: incentive.key }),
    };
    if (keys.has(incentive.key)) refuse(context, phrase('error.policy.DUPLICATE_KEY'));
    keys.add(incentive.key);
    clause(incentive.clause, context);
    const kind = corpus.achievementKinds.get(incentive.achievement);
    if (!kind) {
      refuse(context, phrase('error.UNKNOWN_KIND', { code: incentive.achievement }));
      continue;
    }
    levels(incentive.achievement, levelsOf(incentive), context);
    dated(incentive.versions, policy.effectiveFrom, `incentives.${i}.versions`, (version, at) => {
      clause(version.clause, at);
      levels(incentive.achievement, levelsOf(version), at);
    });
  }
  dated(policy.versions, policy.effectiveFrom, 'versions', (version, at) => {
    clause(version.clause, at);
    for (const code of version.appliesTo ?? []) jurisdiction(code, at);
  });
  for (const [i, amendment] of policy.amends.entries()) {
    const at = {
      path: `amends.${i}`,
      clause: amendment.clause,
      label: phrase('error.policy.label.amendment', { policy: amendment.policy }),
    };
    clause(amendment.clause, at);
    for (const code of amendment.appliesTo ?? []) jurisdiction(code, at);
    const amended = policies.get(amendment.policy);
    if (amendment.policy === policy.key) {
      refuse(at, phrase('error.policy.AMENDS_ITSELF'));
      continue;
    }
    if (!amended) {
      refuse(at, phrase('error.policy.NO_POLICY_TO_AMEND', { policy: amendment.policy }));
      continue;
    }
    if (amendment.from < amended.effectiveFrom)
      refuse(
        at,
        phrase('error.policy.AMENDMENT_BEFORE', {
          from: amendment.from,
          policy: amendment.policy,
          effectiveFrom: amended.effectiveFrom,
        }),
      );
    for (const row of amendment.schedule ?? []) if (row.jurisdiction) jurisdiction(row.jurisdiction, at);
    if (amendment.target !== undefined && !amended.targets.some((x) => x.key === amendment.target))
      refuse(at, phrase('error.policy.NO_TARGET', { policy: amendment.policy, key: amendment.target }));
    if (amendment.incentive === undefined) continue;
    const incentive = amended.incentives.find((x) => x.key === amendment.incentive);
    if (!incentive)
      refuse(at, phrase('error.policy.NO_INCENTIVE', { policy: amendment.policy, key: amendment.incentive }));
    else levels(incentive.achievement, levelsOf(amendment), at);
  }
  for (const [i, target] of policy.targets.entries()) {
    const context = {
      path: `targets.${i}`,
      clause: target.clause,
      label: phrase('error.policy.label.target', { key: target.key }),
    };
    if (keys.has(target.key)) refuse(context, phrase('error.policy.DUPLICATE_KEY'));
    keys.add(target.key);
    clause(target.clause, context);
    if (!corpus.indicators.has(target.indicator))
      refuse(context, phrase('error.observation.UNKNOWN_INDICATOR', { code: target.indicator }));
    if (target.jurisdiction) jurisdiction(target.jurisdiction, context);
    for (const row of target.schedule) if (row.jurisdiction) jurisdiction(row.jurisdiction, context);
    dated(target.versions, policy.effectiveFrom, `targets.${i}.versions`, (version, at) => {
      clause(version.clause, at);
      for (const row of version.schedule ?? []) if (row.jurisdiction) jurisdiction(row.jurisdiction, at);
    });
    const scope = target.jurisdiction ?? policy.jurisdiction;
    for (const code of target.appliesTo) {
      jurisdiction(code, context);
      if (corpus.jurisdictions.has(code) && !liesUnder(corpus, code, scope))
        refuse(context, phrase('error.policy.NOT_UNDER_SCOPE', { code, scope }));
    }
    if (target.appliesTo.length && target.per !== 'EACH_JURISDICTION')
      refuse(context, phrase('error.policy.APPLIES_TO_EACH_ONLY'));
    if (target.kind === 'RELATIVE' && !target.benchmark) refuse(context, phrase('error.policy.NEEDS_BENCHMARK'));
    if (target.value === undefined && target.schedule.length === 0 && target.kind !== 'RELATIVE') {
      refuse(context, phrase('error.policy.NEEDS_VALUE'));
    }
  }
}

/** True when `code` lies somewhere below `scope` in the jurisdiction tree. */
function liesUnder(corpus: Corpus, code: string, scope: string): boolean {
  const seen = new Set<string>(); // a parent cycle is reported elsewhere; it must not hang this walk
  for (
    let at = corpus.jurisdictions.get(code)?.parent;
    at && !seen.has(at);
    at = corpus.jurisdictions.get(at)?.parent
  ) {
    if (at === scope) return true;
    seen.add(at);
  }
  return false;
}

export interface PoliciesRead {
  corpus: Corpus;
  /** The problems of every file left out; empty when each file stands. */
  refused: PolicyRefusal[];
  /** Policy key → the file it was read from, for each policy of the corpus. */
  fileOf: Map<string, string>;
}

const refuser =
  (into: PolicyRefusal[], file: string): Refuse =>
  (path, wording, clause = null, code = 'INVALID_FORMAT') =>
    into.push(refusal(path, code, wording, { file, clause }) as PolicyRefusal);

/** The check `npm run corpus:check` runs: quotes verbatim, every amount quoted agreeing with the rule citing it. */
function isFaithful(seedsDir: string, policy: PolicyFile, refuse: Refuse): boolean {
  let seed: string;
  try {
    seed = readFileSync(join(seedsDir, policy.source), 'utf8');
  } catch {
    refuse('source', phrase('error.policy.NO_SOURCE', { source: policy.source, dir: seedsDir }), null, 'UNFAITHFUL');
    return false;
  }
  const findings = findingsOf(checkFaithfulness(policy, seed));
  // The faithfulness check's findings quote the document and are still English (src/corpus/faithfulness.ts).
  for (const f of findings) refuse(f.path, asWritten(f.message), f.clause, 'UNFAITHFUL');
  return findings.length === 0;
}

/**
 * The meaning checks' words over a file's versions and amendments: a term its own quote contradicts
 * (高于 encoded at least, 首个 without FIRST, a 积极争取省 sum as the city's) is refused as an amount
 * it contradicts is. The terms as first written are `npm run corpus:check`'s, where a reader may
 * keep a finding (`explained`).
 */
function contradictedChanges(policy: PolicyFile, policies: ReadonlyMap<string, PolicyFile>, refuse: Refuse) {
  for (const f of incentiveWordFindings(policy, policies))
    if (f.from !== null) refuse(f.path, asWritten(describeMeaning(f)), f.clause, 'UNFAITHFUL');
  for (const f of targetMeaningProblems(policy, policies))
    if (f.from !== null) refuse(f.path, asWritten(f.message), f.clause, 'UNFAITHFUL');
}

/**
 * Reads each policy file on its own: a file with any problem (YAML, format and dates, references, the
 * words of its versions' quotes and, given the seeds' directory, faithfulness to its source document)
 * is left out with its problems, and
 * the others stand. Problems of the shared vocabulary concern every file: they throw CorpusError.
 */
export function readPolicies(dir: string, options: { seedsDir?: string } = {}): PoliciesRead {
  const refused: PolicyRefusal[] = [];
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') && f !== VOCABULARY_FILE)
      .sort();
  } catch (error) {
    // A directory gone (or a mistyped POLICIES_DIR) loads nothing and retires nothing.
    const message = `cannot read the policy directory ${dir} (${(error as Error).message}): name the directory of the policy files and ${VOCABULARY_FILE}`;
    throw new CorpusError([refusal('dir', 'NOT_FOUND', asWritten(message))]);
  }
  const vocabularyProblems: PolicyRefusal[] = [];
  const vocabulary = parseFile(
    dir,
    VOCABULARY_FILE,
    vocabularyFileDef,
    refuser(vocabularyProblems, VOCABULARY_FILE),
  ).parsed;
  if (!vocabulary) throw new CorpusError(vocabularyProblems);

  let candidates: Array<[string, PolicyFile]> = [];
  const raws = new Map<string, unknown>();
  for (const file of files) {
    const { raw, parsed } = parseFile(dir, file, policyFileDef, refuser(refused, file));
    raws.set(file, raw);
    if (parsed) candidates.push([file, parsed]);
  }
  const { seedsDir } = options;
  // Faithfulness does not depend on the other files: checked once.
  if (seedsDir)
    candidates = candidates.filter(([file, policy]) => isFaithful(seedsDir, policy, refuser(refused, file)));

  // A refused file takes the vocabulary it declares out with it, which may leave another file's
  // references unknown: check again until every remaining file stands.
  for (;;) {
    const corpus: Corpus = {
      jurisdictions: new Map(),
      achievementKinds: new Map(),
      indicators: new Map(),
      policies: [],
    };
    const round: PolicyRefusal[] = [];
    for (const [file, source] of [[VOCABULARY_FILE, vocabulary] as const, ...candidates]) {
      const refuse = refuser(round, file);
      mergeInto(corpus.jurisdictions, source.jurisdictions, 'jurisdictions', refuse);
      mergeInto(corpus.achievementKinds, source.achievementKinds, 'achievementKinds', refuse);
      mergeInto(corpus.indicators, source.indicators, 'indicators', refuse);
    }
    const ofVocabulary = round.filter((r) => r.file === VOCABULARY_FILE);
    if (ofVocabulary.length) throw new CorpusError(ofVocabulary);
    const policyKeys = new Set<string>();
    const byKey = new Map(candidates.map(([, policy]) => [policy.key, policy]));
    for (const [file, policy] of candidates) {
      const refuse = refuser(round, file);
      if (policyKeys.has(policy.key))
        refuse('key', phrase('error.policy.KEY_TAKEN', { key: policy.key }), null, 'INVALID_REFERENCE');
      policyKeys.add(policy.key);
      checkReferences(corpus, policy, refuse, byKey);
      contradictedChanges(policy, byKey, refuse);
    }
    if (round.length === 0) {
      checkVocabulary(corpus);
      corpus.policies = candidates.map(([, policy]) => policy);
      const loaded = new Set(corpus.policies.map((p) => p.key));
      for (const file of new Set(refused.map((r) => r.file)))
        refused.push(...unappliedAmendments(file, raws.get(file), loaded));
      // By file, each file's problems in the order found.
      return {
        corpus,
        refused: refused.sort((a, b) => a.file.localeCompare(b.file)),
        fileOf: new Map(candidates.map(([file, policy]) => [policy.key, file])),
      };
    }
    refused.push(...round);
    const out = new Set(round.map((r) => r.file));
    candidates = candidates.filter(([file]) => !out.has(file));
  }
}

/** The vocabulary's own consistency, whichever files declared it (so its refusals name no file). */
function checkVocabulary(corpus: Corpus) {
  const problems: Refusal[] = [];
  const problem = (field: string, code: PolicyRefusalCode, message: string) =>
    problems.push(refusal(field, code, asWritten(message)));
  for (const j of corpus.jurisdictions.values()) {
    if (j.parent && !corpus.jurisdictions.has(j.parent)) {
      problem(`jurisdictions.${j.code}.parent`, 'INVALID_REFERENCE', `unknown parent "${j.parent}"`);
    }
  }
  for (const indicator of corpus.indicators.values()) {
    const counted = indicator.countsAchievements;
    if (!counted) continue;
    const at = `indicators.${indicator.code}`;
    const kind = corpus.achievementKinds.get(counted.kind);
    if (!kind)
      problem(`${at}.countsAchievements.kind`, 'INVALID_REFERENCE', `unknown achievement kind "${counted.kind}"`);
    for (const level of counted.levels ?? [])
      if (kind && !kind.levels.some((l) => l.code === level))
        problem(`${at}.countsAchievements.levels`, 'INVALID_REFERENCE', `${counted.kind} has no level "${level}"`);
    if (!['COUNT', 'PERSON_TIMES'].includes(indicator.unit))
      problem(`${at}.unit`, 'INVALID_FORMAT', 'only a count can be taken from achievements');
  }
  if (problems.length > 0) throw new CorpusError(problems);
}

/** The whole corpus, every file valid (scripts and tests that read it): any problem throws CorpusError. */
export function readCorpus(dir: string): Corpus {
  const { corpus, refused } = readPolicies(dir);
  if (refused.length > 0) throw new CorpusError(refused);
  return corpus;
}
