/**
 * Golden cases as data (test/golden/*.yaml), in the manner of OpenFisca's YAML tests: each case
 * names the clause it tests, gives an enterprise and its achievements, and the expected
 * entitlements. Shared by the engine test (policies from the files) and the database test
 * (policies as stored and read back).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { expect } from 'vitest';
import { z } from 'zod';
import { evaluatePolicy, totalsOf } from '../../src/engines/entitlement/evaluate.js';
import type { PolicyInput } from '../../src/engines/entitlement/types.js';

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

const files = readdirSync(GOLDEN_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
export const goldenCases = files.flatMap((file) =>
  z
    .array(caseDef)
    .parse(parse(readFileSync(join(GOLDEN_DIR, file), 'utf8')))
    .map((c) => ({ ...c, file })),
);

export type GoldenCase = (typeof goldenCases)[number];

/** Evaluates a case under the given policies and checks every expectation. */
export function checkGoldenCase(policies: Map<string, PolicyInput>, c: GoldenCase) {
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
    const found = result.find((e) => e.incentiveKey === expected.incentive && e.achievementId === expected.achievement);
    expect(found, `no entitlement for ${expected.incentive} / ${expected.achievement}`).toBeDefined();
    const { incentive: _i, achievement: _a, ...fields } = expected;
    expect(found).toMatchObject(fields);
  }
  if (c.totals) expect(totalsOf(result)).toMatchObject(c.totals);
}

export const goldenLabel = (c: GoldenCase) => `${c.file}: ${c.name} [${c.policy} ${c.clause}]`;
