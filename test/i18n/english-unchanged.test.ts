/**
 * The English texts of the engines' steps, reasons and explanations, as they read before steps
 * became codes with values (issue 22): every golden case and a fixed sample of generated inputs,
 * rendered now through the English catalogue, must read exactly as the file holds them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/engines/entitlement/evaluate.js';
import { progressOf } from '../../src/engines/progress/progress.js';
import { messagesFor } from '../../src/i18n/index.js';
import { explainEntitlement, explainProgress, renderPhrase } from '../../src/i18n/trace.js';
import { goldenCases } from '../support/golden.js';
import { progressGoldenCases } from '../support/progress-golden.js';
import { entitlementCaseArb, policyInputs, progressCaseArb, corpus } from '../support/engine-samples.js';
import { districtsOfTarget, targetInputOf } from '../../src/engines/progress/corpus-input.js';

const en = messagesFor('en');
const policies = new Map(policyInputs.map((p) => [p.key, p]));

function entitlementTexts(): string[] {
  const golden = goldenCases.map((c) => {
    const achievements = c.achievements.map((a, i) => ({ id: String(a.id ?? `a${i + 1}`), ...a }) as never);
    const enterprise = { id: 'e', kind: c.enterprise.kind as never, jurisdictionPath: c.enterprise.jurisdictionPath };
    return {
      label: `${c.file}: ${c.name}`,
      result: evaluatePolicy(policies.get(c.policy)!, enterprise, achievements, c.asOf),
    };
  });
  const generated = fc.sample(entitlementCaseArb, { seed: 22, numRuns: 150 }).map((c, i) => ({
    label: `generated ${i}`,
    result: evaluatePolicy(c.policy, c.enterprise, c.achievements, c.asOf),
  }));
  return [...golden, ...generated].map(({ label, result }) =>
    [`## ${label}`, ...result.map((e) => explainEntitlement(e, en))].join('\n'),
  );
}

function progressTexts(): string[] {
  const golden = progressGoldenCases.map((c) => {
    const policy = corpus.policies.find((p) => p.key === c.policy)!;
    const target = targetInputOf(
      corpus,
      policy,
      policy.targets.find((t) => t.key === c.target)!,
    );
    const children = [...corpus.jurisdictions.values()].filter((j) => j.parent === target.jurisdiction);
    const observations = c.observations.map((o) => ({
      indicator: o.indicator ?? target.indicator.code,
      jurisdiction: o.jurisdiction,
      year: o.year,
      value: o.value,
      source: 'golden',
      recordedAt: '2026-01-01T00:00:00Z',
    }));
    const options = { asOf: c.asOf, jurisdiction: c.jurisdiction, districts: districtsOfTarget(target, children) };
    return { label: `${c.file}: ${c.name}`, progress: progressOf(target, observations, options) };
  });
  const generated = fc.sample(progressCaseArb, { seed: 22, numRuns: 200 }).map((c, i) => ({
    label: `generated ${i}`,
    progress: progressOf(c.target, c.observations, c.options),
  }));
  return [...golden, ...generated].map(({ label, progress }) =>
    [
      `## ${label}`,
      explainProgress(progress, en),
      ...progress.periods.map(
        (p) =>
          `reason: ${renderPhrase(p.reason, en)}\nsource: ${p.targetSource ? renderPhrase(p.targetSource, en) : ''}`,
      ),
    ].join('\n'),
  );
}

describe('English texts, unchanged', () => {
  it('entitlements', async () => {
    await expect(entitlementTexts().join('\n\n')).toMatchFileSnapshot('__snapshots__/english-entitlements.txt');
  });
  it('progress', async () => {
    await expect(progressTexts().join('\n\n')).toMatchFileSnapshot('__snapshots__/english-progress.txt');
  });
});
