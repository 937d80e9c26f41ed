/**
 * Every trace the engines write reads in both languages: for generated inputs over the seed corpus,
 * each step, reason, figure source and explanation renders in zh-CN and en without a missing
 * message or value, and the Chinese has no English word of its own (what Latin letters it holds are
 * the values it quotes: codes, keys, the documents' words).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/engines/entitlement/evaluate.js';
import { isNamed, type MessageValue } from '../../src/engines/message.js';
import { progressOf } from '../../src/engines/progress/progress.js';
import { messagesFor } from '../../src/i18n/index.js';
import { explainEntitlement, explainProgress, renderPhrase } from '../../src/i18n/trace.js';
import { entitlementCaseArb, progressCaseArb } from '../support/engine-samples.js';

const zh = messagesFor('zh-CN');
const en = messagesFor('en');
const RUNS = { seed: 2201, numRuns: 150 };

/** The strings a value holds, nested phrases and lists included. */
function quoted(value: MessageValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || value === undefined || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v: MessageValue) => quoted(v));
  if (isNamed(value)) return [value.code];
  return Object.values((value as { values: Record<string, MessageValue> }).values).flatMap(quoted);
}

/** What is left of a text once the values it quotes are taken out: the catalogue's own words. */
const ownWords = (text: string, values: string[]) =>
  [...values].sort((a, b) => b.length - a.length).reduce((t, v) => (v ? t.split(v).join(' ') : t), text);

const LATIN_WORD = /[A-Za-z]{2,}/;

describe('traces in both languages', () => {
  it('generated: every entitlement step and explanation renders in zh-CN and en, the Chinese in Chinese', () => {
    fc.assert(
      fc.property(entitlementCaseArb, ({ policy, enterprise, achievements, asOf }) => {
        for (const e of evaluatePolicy(policy, enterprise, achievements, asOf)) {
          expect(explainEntitlement(e, en)).toContain(e.quote);
          const text = explainEntitlement(e, zh);
          const values = [
            e.policyKey,
            e.incentiveKey,
            e.clausePath,
            e.quote,
            e.achievementId,
            ...e.missing,
            ...e.steps.flatMap((s) => Object.values(s.values).flatMap(quoted)),
          ];
          expect(ownWords(text, values), text).not.toMatch(LATIN_WORD);
        }
      }),
      RUNS,
    );
  });

  it('generated: every progress step, reason and source renders in zh-CN and en, the Chinese in Chinese', () => {
    fc.assert(
      fc.property(progressCaseArb, ({ target, observations, options }) => {
        const progress = progressOf(target, observations, options);
        expect(explainProgress(progress, en)).toContain(target.quote);
        const text = explainProgress(progress, zh);
        const values = [
          progress.targetKey,
          progress.jurisdiction,
          ...progress.steps.flatMap((s) => Object.values(s.values).flatMap(quoted)),
        ];
        expect(ownWords(text, values), text).not.toMatch(LATIN_WORD);
        for (const p of progress.periods) {
          expect(ownWords(renderPhrase(p.reason, zh), quoted(p.reason))).not.toMatch(LATIN_WORD);
          if (p.targetSource)
            expect(ownWords(renderPhrase(p.targetSource, zh), quoted(p.targetSource))).not.toMatch(LATIN_WORD);
        }
      }),
      RUNS,
    );
  });
});
