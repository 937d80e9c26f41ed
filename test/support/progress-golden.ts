/**
 * Progress golden cases as data (test/golden/progress/*.yaml): a target of a seed document, the
 * observations recorded, and where the target stands. Each case is the figure of a second-reading
 * finding (issue 21), so the finding it checks is named. Shared by the engine test (targets from
 * the policy files) and the API test (recorded and read over HTTP on both databases).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const DIR = join(import.meta.dirname, '../golden/progress');
const status = z.enum(['ACHIEVED', 'ON_TRACK', 'AT_RISK', 'MISSED', 'BREACHED', 'NO_DATA']);

const caseDef = z.strictObject({
  name: z.string(),
  /** The second-reading finding (NNN-Fn) the case checks. */
  finding: z.string(),
  policy: z.string(),
  target: z.string(),
  /** Whose progress: the target's scope when absent. */
  jurisdiction: z.string().optional(),
  asOf: z.string(),
  observations: z.array(
    z.strictObject({ indicator: z.string().optional(), jurisdiction: z.string(), year: z.number(), value: z.number() }),
  ),
  expect: z.strictObject({
    status,
    periods: z
      .array(
        z.strictObject({
          year: z.number(),
          targetValue: z.number().nullable().optional(),
          observed: z.number().nullable().optional(),
          status,
        }),
      )
      .optional(),
    /** Text the explanation must contain (the comparator, the districts counted). */
    explains: z.array(z.string()).default([]),
  }),
});

export type ProgressGoldenCase = z.output<typeof caseDef> & { file: string };

export const progressGoldenCases: ProgressGoldenCase[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .flatMap((file) =>
    z
      .array(caseDef)
      .parse(parse(readFileSync(join(DIR, file), 'utf8')))
      .map((c) => ({ ...c, file })),
  );
