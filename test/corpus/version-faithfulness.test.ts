/**
 * A version's amounts agree with its own figures, generated (issue 19): a version of 000's China
 * Quality Award quoting the first sentence (100万元、30万元) is faithful only when it pays 100万.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkFaithfulness, findingsOf } from '../../src/corpus/faithfulness.js';
import { CORPUS_DIR, SEEDS_DIR } from '../../src/corpus/paths.js';
import { policyFileDef } from '../../src/format/policy.js';
import { withAwardVersion } from '../support/corpus.js';

const text = readFileSync(join(CORPUS_DIR, '000-taizhou-2017.yaml'), 'utf8');

describe("a version's amounts (generated)", () => {
  it('refuses every winner amount but the one its quote states', () => {
    const policy0 = policyFileDef.parse(parse(text));
    const seed = readFileSync(join(SEEDS_DIR, policy0.source), 'utf8');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999 }), (wan) => {
        const policy = policyFileDef.parse(parse(withAwardVersion(text, `${wan}万`)));
        const findings = findingsOf(checkFaithfulness(policy, seed)).filter((f) => f.path.includes('.versions.'));
        expect(findings.length).toBe(wan === 100 ? 0 : 1);
      }),
      { seed: 20261202, numRuns: 40, examples: [[100]] },
    );
  });
});
