/**
 * Names where the engines write codes (issue 22): for generated inputs over the whole corpus, a
 * Chinese explanation or progress summary holds no jurisdiction, kind, level or incentive code the
 * corpus has a name for: each reads as 椒江区, 中国质量奖, 国家级. A code the corpus does not name
 * reads as itself, never as nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/engines/entitlement/evaluate.js';
import { isNamed, jurisdictionName, levelName, type MessageValue } from '../../src/engines/message.js';
import { progressOf } from '../../src/engines/progress/progress.js';
import { messagesFor, withNames } from '../../src/i18n/index.js';
import { explainEntitlement, explainProgress, renderPhrase } from '../../src/i18n/trace.js';
import { corpus, entitlementCaseArb, names, progressCaseArb } from '../support/engine-samples.js';

const zh = withNames(messagesFor('zh-CN'), names);
const en = withNames(messagesFor('en'), names);

/** Every code the corpus names. */
const namedCodes = new Set([
  ...corpus.jurisdictions.keys(),
  ...[...corpus.achievementKinds.values()].flatMap((k) => [k.code, ...k.levels.map((l) => l.code)]),
  ...corpus.policies.flatMap((p) => p.incentives.map((i) => i.key)),
]);

/** What the corpus calls things, and the documents' own words a trace quotes: taken out before codes are looked for. */
const corpusWords = [
  ...[...corpus.jurisdictions.values()].map((j) => j.name),
  ...[...corpus.achievementKinds.values()].flatMap((k) => [k.zh, ...k.levels.map((l) => l.zh)]),
];

/** The plain strings of a trace's values (the documents' words, keys and days), not its names. */
function plainStrings(value: MessageValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || value === undefined || typeof value !== 'object' || isNamed(value)) return [];
  if (Array.isArray(value)) return value.flatMap((v: MessageValue) => plainStrings(v));
  return Object.values((value as { values: Record<string, MessageValue> }).values).flatMap(plainStrings);
}

/** The Latin tokens of a text left once the given words are taken out, that are codes the corpus names. */
function namedCodesIn(text: string, quoted: string[]): string[] {
  // A code left as a plain value is what this looks for: it is not taken out with the quoted words.
  const rest = [...quoted.filter((q) => !namedCodes.has(q)), ...corpusWords]
    .sort((a, b) => b.length - a.length)
    .reduce((t, w) => (w ? t.split(w).join(' ') : t), text);
  return (rest.match(/[A-Za-z0-9_-]+/g) ?? []).filter((token) => namedCodes.has(token));
}

const RUNS = { seed: 2222, numRuns: 300 };

describe('names for codes', () => {
  it('generated: a Chinese explanation names every jurisdiction, kind, level and incentive the corpus names', () => {
    fc.assert(
      fc.property(entitlementCaseArb, ({ policy, enterprise, achievements, asOf }) => {
        for (const e of evaluatePolicy(policy, enterprise, achievements, asOf)) {
          const text = explainEntitlement(e, zh);
          const quoted = [
            e.quote,
            e.policyKey,
            e.clausePath,
            ...e.steps.flatMap((s) => Object.values(s.values).flatMap(plainStrings)),
          ];
          expect(namedCodesIn(text, quoted), text).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('generated: a Chinese progress summary and its reasons name every jurisdiction', () => {
    fc.assert(
      fc.property(progressCaseArb, ({ target, observations, options }) => {
        const progress = progressOf(target, observations, options);
        const text = explainProgress(progress, zh);
        const quoted = [
          target.quote,
          target.key,
          target.policyKey,
          target.clausePath,
          ...progress.steps.flatMap((s) => Object.values(s.values).flatMap(plainStrings)),
        ];
        expect(namedCodesIn(text, quoted), text).toEqual([]);
        for (const p of progress.periods)
          expect(namedCodesIn(renderPhrase(p.reason, zh), plainStrings(p.reason))).toEqual([]);
      }),
      RUNS,
    );
  });

  it('reads a name in the reader language, and a code the corpus does not name as the code', () => {
    expect(zh.name(jurisdictionName('zj-taizhou-jiaojiang'))).toBe('椒江区');
    expect(en.name(jurisdictionName('zj-taizhou-jiaojiang'))).toBe('Jiaojiang District');
    expect(zh.name(levelName('INDUSTRIAL_STANDARDIZATION_PILOT', 'NATIONAL'))).toBe('国家级');
    expect(zh.name(levelName('STANDARD_INNOVATION_CONTRIBUTION_AWARD', 'NATIONAL_FIRST'))).toBe(
      '中国标准创新贡献奖一等奖',
    );
    expect(zh.name(jurisdictionName('gd-guangzhou'))).toBe('gd-guangzhou');
    expect(zh.name(levelName('NO_SUCH_KIND', 'NATIONAL'))).toBe('NATIONAL');
    expect(messagesFor('zh-CN').name(jurisdictionName('zj-taizhou-jiaojiang'))).toBe('zj-taizhou-jiaojiang');
  });
});
