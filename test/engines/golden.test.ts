/** The golden cases against the policy files as the engine reads them; every incentive needs one. */
import { describe, expect, it } from 'vitest';
import { policyInputOf } from '../../src/corpus/engine-input.js';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { readCorpus } from '../../src/corpus/read.js';
import { checkGoldenCase, goldenCases, goldenLabel } from '../support/golden.js';

const corpus = readCorpus(CORPUS_DIR);
const policies = new Map(corpus.policies.map((p) => [p.key, policyInputOf(p)]));

describe('golden entitlement cases', () => {
  it.each(goldenCases.map((c) => [goldenLabel(c), c] as const))('%s', (_label, c) => checkGoldenCase(policies, c));

  it('has a golden case for every incentive of the corpus', () => {
    const covered = new Set(goldenCases.flatMap((c) => c.covers.map((key) => `${c.policy}/${key}`)));
    const uncovered = corpus.policies
      .flatMap((p) => p.incentives.map((i) => `${p.key}/${i.key}`))
      .filter((k) => !covered.has(k));
    expect(uncovered).toEqual([]);
  });
});
