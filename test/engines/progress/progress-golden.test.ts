/** The progress golden cases (test/golden/progress/*.yaml) against the policy files as the engine reads them. */
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../../src/corpus/paths.js';
import { readCorpus } from '../../../src/corpus/read.js';
import { districtsOfTarget, targetInputOf } from '../../../src/engines/progress/corpus-input.js';
import { progressOf } from '../../../src/engines/progress/progress.js';
import { explainProgress } from '../../support/english.js';
import type { ObservationInput } from '../../../src/engines/progress/types.js';
import { progressGoldenCases } from '../../support/progress-golden.js';

const corpus = readCorpus(CORPUS_DIR);

describe.each(progressGoldenCases.map((c) => [`${c.file} ${c.finding}: ${c.name}`, c] as const))('%s', (_, c) => {
  it('stands where the document says', () => {
    const policy = corpus.policies.find((p) => p.key === c.policy)!;
    const target = targetInputOf(
      corpus,
      policy,
      policy.targets.find((t) => t.key === c.target)!,
    );
    const children = [...corpus.jurisdictions.values()].filter((j) => j.parent === target.jurisdiction);
    const observations = c.observations.map((o): ObservationInput => ({
      indicator: o.indicator ?? target.indicator.code,
      jurisdiction: o.jurisdiction,
      year: o.year,
      value: o.value,
      source: 'golden',
      recordedAt: '2026-01-01T00:00:00Z',
    }));
    const progress = progressOf(target, observations, {
      asOf: c.asOf,
      jurisdiction: c.jurisdiction,
      districts: districtsOfTarget(target, children),
    });
    expect(progress.status).toBe(c.expect.status);
    if (c.expect.periods)
      expect(
        progress.periods.map(({ year, targetValue, observed, status }) => ({ year, targetValue, observed, status })),
      ).toEqual(c.expect.periods.map((p) => ({ targetValue: expect.anything(), observed: expect.anything(), ...p })));
    for (const text of c.expect.explains) expect(explainProgress(progress)).toContain(text);
  });
});
