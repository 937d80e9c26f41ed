/**
 * One validation for every achievement (issue 17 item 2): a simulated one (simulateEntitlements),
 * a recorded one (recordAchievement) and an imported one (POST /import/achievements) are accepted
 * or refused alike, with the same code and field, checked against the corpus snapshot. Before,
 * a simulation took unknown facts and amounts no column holds.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordAchievementDocument, SimulateEntitlementsDocument } from '../../src/generated/operations.js';
import { startTestServer, type TestServer } from '../support/server.js';

const CODE = '91350100M000100Y43';

/** An achievement as the three transports share it: facts as code → attested. */
interface Achievement {
  kind: string;
  level?: string;
  obtainedOn: string;
  units?: number;
  costYuan?: number;
  budgetYuan?: number;
  provincialGrantYuan?: number;
  rank?: number;
  projectKey?: string;
  facts: Record<string, boolean>;
}

interface Verdict {
  accepted: boolean;
  /** The first problem: its code and its field under the achievement (`costYuan`, `facts.X`). */
  code?: string;
  field?: string;
}

describe('one validation for simulated, recorded and imported achievements', () => {
  let server: TestServer;
  let enterprise: string;
  beforeAll(async () => {
    server = await startTestServer('embedded');
    const { id } = await server.db.enterprise.create({
      data: {
        name: '椒江甲',
        creditCode: CODE,
        jurisdictionId: (await server.db.jurisdiction.findUniqueOrThrow({ where: { code: 'zj-taizhou-jiaojiang' } }))
          .id,
      },
    });
    enterprise = Buffer.from(`Enterprise:${id}`).toString('base64');
  });
  afterAll(() => server?.stop());

  async function simulated(a: Achievement): Promise<Verdict> {
    const { facts, ...rest } = a;
    const { data, errors } = await server.request(SimulateEntitlementsDocument, {
      input: {
        jurisdiction: 'zj-taizhou-jiaojiang',
        asOf: '2026-11-30',
        achievements: [
          {
            ...rest,
            facts: Object.keys(facts).filter((f) => facts[f]),
            refutedFacts: Object.keys(facts).filter((f) => !facts[f]),
          },
        ],
      },
    });
    if (data?.simulateEntitlements) return { accepted: true };
    const { code, field } = errors![0]!.extensions!;
    return { accepted: false, code, field: field!.replace('input.achievements[0].', '') };
  }

  async function recorded(a: Achievement): Promise<Verdict> {
    const { facts, ...rest } = a;
    const { data, errors } = await server.request(RecordAchievementDocument, {
      input: { ...rest, enterprise, facts: Object.entries(facts).map(([fact, value]) => ({ fact, value })) },
    });
    expect(errors).toBeUndefined();
    const result = data!.recordAchievement;
    if (result.__typename !== 'WriteRefused') return { accepted: true };
    const [issue] = result.issues;
    return { accepted: false, code: issue!.code, field: issue!.field.replace('input.', '') };
  }

  async function imported(a: Achievement): Promise<Verdict> {
    const response = await fetch(`${server.url}/import/achievements`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${server.adminKey}` },
      body: `${JSON.stringify({ enterpriseCreditCode: CODE, ...a })}\n`,
    });
    const last = JSON.parse((await response.text()).trim().split('\n').at(-1)!) as {
      status: string;
      issues?: Array<{ column: string; code: string }>;
    };
    if (last.status === 'done') return { accepted: true };
    expect(response.status).toBe(422);
    const [issue] = last.issues!;
    return { accepted: false, code: issue!.code, field: issue!.column };
  }

  const verdicts = (a: Achievement) => Promise.all([simulated(a), recorded(a), imported(a)]);

  it.each([
    [
      'an unknown fact',
      {
        kind: 'INDUSTRIAL_STANDARDIZATION_PILOT',
        level: 'NATIONAL',
        obtainedOn: '2018-05-01',
        facts: { BRIBED: true },
      },
      'INVALID_ARGUMENT',
      'facts.BRIBED',
    ],
    [
      'an amount past the column',
      { kind: 'INTERNATIONAL_TRADEMARK_REGISTRATION', obtainedOn: '2018-05-01', costYuan: 2_147_483_648, facts: {} },
      'INVALID_ARGUMENT',
      'costYuan',
    ],
    [
      'a rank past the bound',
      { kind: 'CHINA_QUALITY_AWARD', level: 'WINNER', obtainedOn: '2018-05-01', rank: 100_001, facts: {} },
      'INVALID_ARGUMENT',
      'rank',
    ],
    [
      'a day before 1990',
      { kind: 'CHINA_QUALITY_AWARD', level: 'WINNER', obtainedOn: '1989-12-31', facts: {} },
      'INVALID_ARGUMENT',
      'obtainedOn',
    ],
    ['an unknown kind', { kind: 'NOBEL_PRIZE', obtainedOn: '2018-05-01', facts: {} }, 'NOT_FOUND', 'kind'],
  ] as const)('refuses %s in a simulation as recordAchievement and an import do', async (_label, a, code, field) => {
    const before = await server.db.achievement.count();
    const [simulation, record, row] = await verdicts({ ...a, facts: { ...a.facts } });
    expect(simulation).toEqual({ accepted: false, code, field });
    expect(record).toEqual(simulation);
    expect(row).toEqual(simulation);
    expect(await server.db.achievement.count()).toBe(before);
  });

  it('accepts a good achievement in all three, and the simulation prices it', async () => {
    const a = { kind: 'CHINA_QUALITY_AWARD', level: 'WINNER', obtainedOn: '2018-03-01', facts: {} };
    expect(await verdicts(a)).toEqual([{ accepted: true }, { accepted: true }, { accepted: true }]);
  });

  // Kinds with levels and with attested facts, and one that does not exist; each field inside and past its bounds.
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  // An absent field is left out of the JSON each transport sends.
  const achievement: fc.Arbitrary<Achievement> = fc.record({
    kind: fc.constantFrom(
      'CHINA_QUALITY_AWARD',
      'INDUSTRIAL_STANDARDIZATION_PILOT',
      'QUALITY_INSPECTION_CENTER',
      'NOBEL_PRIZE',
    ),
    level: maybe(fc.constantFrom('WINNER', 'NOMINATION', 'NATIONAL', 'GOLD')),
    // Impossible days (2019-02-30) are not here: GraphQL's Date scalar refuses them before any resolver (BAD_USER_INPUT).
    obtainedOn: fc.constantFrom('2018-05-01', '2017-06-07', '1989-12-31', '2099-01-01'),
    units: maybe(fc.constantFrom(0, 1, 3, 100_000, 100_001)),
    costYuan: maybe(fc.constantFrom(-1, 0, 300_000, 2_147_483_647, 2_147_483_648)),
    budgetYuan: maybe(fc.constantFrom(-1, 50_000, 9_000_000_000)),
    provincialGrantYuan: maybe(fc.constantFrom(0, 1_000_000, -7)),
    rank: maybe(fc.constantFrom(0, 1, 10, 100_001)),
    projectKey: maybe(fc.constantFrom('p1', 'x'.repeat(101))),
    facts: fc.dictionary(
      fc.constantFrom('ACCEPTANCE_PASSED', 'MAIN_UNDERTAKER', 'PREPARATION_APPROVED', 'BRIBED'),
      fc.boolean(),
      {
        maxKeys: 2,
      },
    ),
  });

  it('accepts and refuses generated achievements identically on all three paths (same code, same field)', async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(achievement, async (a) => {
        const [simulation, record, row] = await verdicts(a);
        expect(record, JSON.stringify(a)).toEqual(simulation);
        expect(row, JSON.stringify(a)).toEqual(simulation);
        if (!simulation.accepted) refused++;
      }),
      { seed: 17, numRuns: 100 },
    );
    // Both outcomes are exercised, not only refusals.
    expect(refused).toBeGreaterThan(10);
    expect(refused).toBeLessThan(100);
  }, 180_000);
});
