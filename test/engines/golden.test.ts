/**
 * Golden cases as data (test/golden/*.yaml), in the manner of OpenFisca's YAML tests: each case
 * names the clause it tests, gives an enterprise and its achievements, and the expected
 * entitlements, evaluated against the real policy files. Every incentive must have a case.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { policyInputOf } from '../../src/corpus/engine-input.js';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { readCorpus } from '../../src/corpus/read.js';
import { evaluatePolicy, totalsOf } from '../../src/engines/entitlement/evaluate.js';

const GOLDEN_DIR = join(import.meta.dirname, '../golden');

const caseDef = z.strictObject({
  name: z.string(),
  policy: z.string(),
  clause: z.string(),
  /** The incentives this case exercises (checked for coverage). */
  covers: z.array(z.string()).min(1),
  asOf: z.string(),
  enterprise: z.strictObject({
    kind: z.string().default('ENTERPRISE'),
    jurisdictionPath: z.array(z.string()).min(1),
  }),
  achievements: z.array(z.record(z.string(), z.unknown())),
  expect: z.array(
    z.strictObject({
      incentive: z.string(),
      achievement: z.string(),
      eligibility: z.enum(['ELIGIBLE', 'INELIGIBLE', 'NEEDS_INFO']).optional(),
      reason: z.string().optional(),
      missing: z.array(z.string()).optional(),
      nature: z.enum(['EXACT', 'UP_TO', 'UNSPECIFIED', 'NON_MONETARY']).optional(),
      amountYuan: z.number().int().nullable().optional(),
      disposition: z.enum(['COUNTED', 'SUPERSEDED', 'CONFLICT']).optional(),
      payer: z.string().optional(),
      provincialPartYuan: z.number().int().optional(),
    }),
  ),
  totals: z.strictObject({ exactYuan: z.number().int(), upToYuan: z.number().int().optional() }).optional(),
});

const corpus = readCorpus(CORPUS_DIR);
const policies = new Map(corpus.policies.map((p) => [p.key, policyInputOf(p)]));
const files = readdirSync(GOLDEN_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const cases = files.flatMap((file) =>
  z
    .array(caseDef)
    .parse(parse(readFileSync(join(GOLDEN_DIR, file), 'utf8')))
    .map((c) => ({ ...c, file })),
);

describe('golden entitlement cases', () => {
  it.each(cases.map((c) => [`${c.file}: ${c.name} [${c.policy} ${c.clause}]`, c] as const))('%s', (_label, c) => {
    const policy = policies.get(c.policy);
    expect(policy, `unknown policy ${c.policy}`).toBeDefined();
    const achievements = c.achievements.map((a, i) => ({ id: String(a.id ?? `a${i + 1}`), ...a }) as never);
    const result = evaluatePolicy(
      policy!,
      { id: 'e', kind: c.enterprise.kind as never, jurisdictionPath: c.enterprise.jurisdictionPath },
      achievements,
      c.asOf,
    );
    for (const expected of c.expect) {
      const found = result.find(
        (e) => e.incentiveKey === expected.incentive && e.achievementId === expected.achievement,
      );
      expect(found, `no entitlement for ${expected.incentive} / ${expected.achievement}`).toBeDefined();
      const { incentive: _i, achievement: _a, ...fields } = expected;
      expect(found).toMatchObject(fields);
    }
    if (c.totals) expect(totalsOf(result)).toMatchObject(c.totals);
  });

  it('has a golden case for every incentive of the corpus', () => {
    const covered = new Set(cases.flatMap((c) => c.covers.map((key) => `${c.policy}/${key}`)));
    const uncovered = corpus.policies
      .flatMap((p) => p.incentives.map((i) => `${p.key}/${i.key}`))
      .filter((k) => !covered.has(k));
    expect(uncovered).toEqual([]);
  });
});
