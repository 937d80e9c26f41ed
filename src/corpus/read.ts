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
  policyFileDef,
  vocabularyFileDef,
  type AchievementKindDef,
  type ClauseDef,
  type IndicatorDef,
  type JurisdictionDef,
  type PolicyFile,
  type RuleDef,
} from './format.js';

export const VOCABULARY_FILE = 'vocabulary.yaml';

export interface Corpus {
  jurisdictions: Map<string, JurisdictionDef>;
  achievementKinds: Map<string, AchievementKindDef>;
  indicators: Map<string, IndicatorDef>;
  policies: PolicyFile[];
}

export class CorpusError extends Error {
  constructor(readonly problems: string[]) {
    super(`The policy corpus is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function describeIssues(file: string, raw: unknown, issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.join('.');
    const clause = clauseOfPath(raw, issue.path);
    return `${file}: ${path || '(root)'}${clause ? ` [clause ${clause}]` : ''}: ${issue.message}`;
  });
}

/** For an error inside incentives[i] or targets[i], the clause that item cites. */
function clauseOfPath(raw: unknown, path: PropertyKey[]): string | undefined {
  const [section, index] = path;
  if ((section !== 'incentives' && section !== 'targets') || typeof index !== 'number') return undefined;
  const item = (raw as Record<string, unknown[]> | undefined)?.[section]?.[index] as { clause?: unknown } | undefined;
  return typeof item?.clause === 'string' ? item.clause : undefined;
}

function parseFile<T extends z.ZodType>(dir: string, file: string, def: T, problems: string[]): z.output<T> | null {
  let raw: unknown;
  try {
    raw = parse(readFileSync(join(dir, file), 'utf8'));
  } catch (error) {
    problems.push(`${file}: not valid YAML: ${(error as Error).message}`);
    return null;
  }
  const result = def.safeParse(raw);
  if (!result.success) {
    problems.push(...describeIssues(file, raw, result.error.issues));
    return null;
  }
  return result.data;
}

/** Adds vocabulary entries; the same code may be declared twice only with identical content. */
function mergeInto<T extends { code: string }>(
  map: Map<string, T>,
  items: T[],
  what: string,
  file: string,
  problems: string[],
) {
  for (const item of items) {
    const existing = map.get(item.code);
    if (existing && JSON.stringify(existing) !== JSON.stringify(item)) {
      problems.push(`${file}: ${what} ${item.code} is declared elsewhere with different content`);
    } else {
      map.set(item.code, item);
    }
  }
}

export function clausePaths(clauses: ClauseDef[], prefix = ''): Map<string, ClauseDef> {
  const paths = new Map<string, ClauseDef>();
  for (const clause of clauses) {
    const path = prefix ? `${prefix}/${clause.number}` : clause.number;
    paths.set(path, clause);
    for (const [childPath, child] of clausePaths(clause.children ?? [], path)) paths.set(childPath, child);
  }
  return paths;
}

/** Every level code a rule or incentive refers to, so they can be checked against the kind's levels. */
function levelsOf(rule: RuleDef): string[] {
  const tiers = 'tiers' in rule ? (rule.tiers ?? []) : [];
  return tiers.flatMap((t) => (t.levels ?? []).concat(t.level ? [t.level] : []));
}

function checkReferences(corpus: Corpus, file: string, policy: PolicyFile, problems: string[]) {
  const where = (section: string, key: string, clause?: string) =>
    `${file}: ${section} ${key}${clause ? ` [clause ${clause}]` : ''}`;
  const jurisdiction = (code: string, context: string) => {
    if (!corpus.jurisdictions.has(code)) problems.push(`${context}: unknown jurisdiction "${code}"`);
  };
  jurisdiction(policy.jurisdiction, `${file}: jurisdiction`);
  for (const code of [...policy.appliesTo, ...policy.mayReferTo]) jurisdiction(code, `${file}: appliesTo/mayReferTo`);

  const clauses = clausePaths(policy.clauses);
  const clause = (path: string | undefined, context: string) => {
    if (path !== undefined && !clauses.has(path)) problems.push(`${context}: no clause at path "${path}"`);
  };
  clause(policy.stacking.clause, `${file}: stacking`);
  clause(policy.fund?.clause, `${file}: fund`);
  for (const item of policy.notRewards) clause(item.clause, `${file}: notRewards "${item.quote}"`);

  const keys = new Set<string>();
  for (const incentive of policy.incentives) {
    const context = where('incentive', incentive.key, incentive.clause);
    if (keys.has(incentive.key)) problems.push(`${context}: duplicate key`);
    keys.add(incentive.key);
    clause(incentive.clause, context);
    const kind = corpus.achievementKinds.get(incentive.achievement);
    if (!kind) {
      problems.push(`${context}: unknown achievement kind "${incentive.achievement}"`);
      continue;
    }
    const known = new Set(kind.levels.map((l) => l.code));
    const provincialTiers =
      incentive.provincialPart && 'tiers' in incentive.provincialPart ? incentive.provincialPart.tiers : [];
    const used = [
      ...levelsOf(incentive.rule),
      ...(incentive.levels ?? []),
      ...provincialTiers.flatMap((t) => (t.levels ?? []).concat(t.level ? [t.level] : [])),
    ];
    for (const level of used) {
      if (!known.has(level)) problems.push(`${context}: ${incentive.achievement} has no level "${level}"`);
    }
  }
  for (const target of policy.targets) {
    const context = where('target', target.key, target.clause);
    if (keys.has(target.key)) problems.push(`${context}: duplicate key`);
    keys.add(target.key);
    clause(target.clause, context);
    if (!corpus.indicators.has(target.indicator)) problems.push(`${context}: unknown indicator "${target.indicator}"`);
    if (target.jurisdiction) jurisdiction(target.jurisdiction, context);
    for (const row of target.schedule) if (row.jurisdiction) jurisdiction(row.jurisdiction, context);
    const scope = target.jurisdiction ?? policy.jurisdiction;
    for (const code of target.appliesTo) {
      jurisdiction(code, context);
      if (corpus.jurisdictions.has(code) && !liesUnder(corpus, code, scope))
        problems.push(`${context}: appliesTo "${code}" is not under the target's scope "${scope}"`);
    }
    if (target.appliesTo.length && target.per !== 'EACH_JURISDICTION')
      problems.push(`${context}: appliesTo names the jurisdictions of a per: EACH_JURISDICTION target only`);
    if (target.kind === 'RELATIVE' && !target.benchmark)
      problems.push(`${context}: a RELATIVE target needs a benchmark`);
    if (target.value === undefined && target.schedule.length === 0 && target.kind !== 'RELATIVE') {
      problems.push(`${context}: a target needs a value or a schedule`);
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

export function readCorpus(dir: string): Corpus {
  const problems: string[] = [];
  const corpus: Corpus = { jurisdictions: new Map(), achievementKinds: new Map(), indicators: new Map(), policies: [] };
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== VOCABULARY_FILE)
    .sort();

  const vocabulary = parseFile(dir, VOCABULARY_FILE, vocabularyFileDef, problems);
  const parsed: Array<[string, PolicyFile]> = [];
  for (const file of files) {
    const policy = parseFile(dir, file, policyFileDef, problems);
    if (policy) parsed.push([file, policy]);
  }
  for (const [file, source] of [[VOCABULARY_FILE, vocabulary] as const, ...parsed]) {
    if (!source) continue;
    mergeInto(corpus.jurisdictions, source.jurisdictions, 'jurisdiction', file, problems);
    mergeInto(corpus.achievementKinds, source.achievementKinds, 'achievement kind', file, problems);
    mergeInto(corpus.indicators, source.indicators, 'indicator', file, problems);
  }
  for (const j of corpus.jurisdictions.values()) {
    if (j.parent && !corpus.jurisdictions.has(j.parent)) {
      problems.push(`jurisdiction ${j.code}: unknown parent "${j.parent}"`);
    }
  }
  for (const indicator of corpus.indicators.values()) {
    const counted = indicator.countsAchievements;
    if (!counted) continue;
    const kind = corpus.achievementKinds.get(counted.kind);
    if (!kind) problems.push(`indicator ${indicator.code}: counts unknown achievement kind "${counted.kind}"`);
    for (const level of counted.levels ?? [])
      if (kind && !kind.levels.some((l) => l.code === level))
        problems.push(`indicator ${indicator.code}: ${counted.kind} has no level "${level}"`);
    if (!['COUNT', 'PERSON_TIMES'].includes(indicator.unit))
      problems.push(`indicator ${indicator.code}: only a count can be taken from achievements`);
  }
  const policyKeys = new Set<string>();
  for (const [file, policy] of parsed) {
    if (policyKeys.has(policy.key)) problems.push(`${file}: policy key "${policy.key}" is used by another file`);
    policyKeys.add(policy.key);
    checkReferences(corpus, file, policy, problems);
    corpus.policies.push(policy);
  }
  if (problems.length > 0) throw new CorpusError(problems);
  return corpus;
}
