/**
 * 200+ malformed inputs, generated reproducibly: wrong check digits, negative or fractional money,
 * impossible or out-of-range dates, unknown kinds, levels and jurisdictions, malformed and foreign
 * IDs. Every one gets a typed error (a code, and the field) and a 4xx or a refusal, never a 5xx;
 * nothing stored changes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCodeProblem } from '../../src/validation/credit-code.js';
import { CreateEnterpriseDocument, RecordAchievementDocument } from '../../src/generated/operations.js';
import { startTestServer, type TestServer } from '../support/server.js';

const seed = 20261122;
const sample = <T>(arb: fc.Arbitrary<T>, n: number) => fc.sample(arb, { seed, numRuns: n });
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

const badCodes = sample(
  fc
    .string({ unit: fc.constantFrom(...ALPHABET, 'I', 'O', 'a', '-'), minLength: 0, maxLength: 20 })
    .filter((c) => creditCodeProblem(c) !== null),
  50,
);
const badMoney = sample(fc.oneof(fc.integer({ max: -1 }), fc.double({ min: 0.01, max: 1e7, noInteger: true })), 50);
const badDates = sample(
  fc.oneof(
    fc.constantFrom('2019-02-30', '2018-13-01', '2018-00-10', '2021-04-31', '2019-02-29'),
    fc.integer({ min: 2030, max: 9999 }).map((y) => `${y}-01-01`),
    fc.integer({ min: 1000, max: 1989 }).map((y) => `${y}-06-01`),
  ),
  50,
);
const badKinds = sample(
  fc.stringMatching(/^[A-Z][A-Z_]{2,20}$/).filter((k) => !k.includes('AWARD')),
  30,
);
const badLevels = sample(
  fc.stringMatching(/^[A-Z]{3,10}$/).filter((l) => !['WINNER', 'NOMINATION'].includes(l)),
  20,
);
const badIds = sample(
  fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.integer({ min: 1, max: 1e6 }).map((n) => Buffer.from(`Policy:${n}`).toString('base64')),
    fc.integer({ min: 1e6, max: 1e9 }).map((n) => Buffer.from(`Enterprise:${n}`).toString('base64')),
  ),
  20,
);

describe('malformed inputs', () => {
  let server: TestServer;
  let enterprise = '';
  let counts = '';
  const snapshot = async () =>
    JSON.stringify([
      await server.db.enterprise.count(),
      await server.db.achievement.count(),
      await server.db.auditEntry.count(),
    ]);

  beforeAll(async () => {
    server = await startTestServer('embedded');
    const { data } = await server.request(CreateEnterpriseDocument, {
      input: { name: '受测企业', jurisdiction: 'zj-taizhou-jiaojiang' },
    });
    if (data!.createEnterprise.__typename !== 'MutationCreateEnterpriseSuccess') throw new Error('setup failed');
    enterprise = data!.createEnterprise.data.id;
    counts = await snapshot();
  });
  afterAll(async () => {
    expect(await snapshot()).toBe(counts); // nothing stored changed
    await server?.stop();
  });

  const refusedWith = (response: Awaited<ReturnType<TestServer['request']>>, field: string) => {
    expect(response.status).toBeLessThan(500);
    const data = response.data as
      Record<string, { __typename: string; issues?: Array<{ field: string }> }> | null | undefined;
    const result = data ? Object.values(data)[0] : undefined;
    if (result?.__typename === 'WriteRefused') expect(result.issues![0]!.field).toBe(field);
    else {
      expect(response.errors?.[0]?.extensions?.code).toMatch(
        /^(BAD_USER_INPUT|INVALID_ID|WRONG_ID_TYPE|INVALID_ARGUMENT|NOT_FOUND)$/,
      );
      expect(JSON.stringify(response.errors)).toContain(field.split('.').at(-1)!);
    }
  };

  it.each(badCodes.map((c) => [c]))('refuses 统一社会信用代码 %j', async (creditCode) => {
    refusedWith(
      await server.request(CreateEnterpriseDocument, {
        input: { name: '企业', jurisdiction: 'zj-taizhou-jiaojiang', creditCode },
      }),
      'input.creditCode',
    );
  });

  it.each(badMoney.map((m) => [m]))('refuses %d yuan of fees', async (costYuan) => {
    refusedWith(
      await server.request(RecordAchievementDocument, {
        input: { enterprise, kind: 'INTERNATIONAL_TRADEMARK_REGISTRATION', obtainedOn: '2018-05-01', costYuan },
      }),
      'input.costYuan',
    );
  });

  it.each(badDates.map((d) => [d]))('refuses the date %s', async (obtainedOn) => {
    refusedWith(
      await server.request(RecordAchievementDocument, {
        input: { enterprise, kind: 'CHINA_QUALITY_AWARD', level: 'WINNER', obtainedOn },
      }),
      'input.obtainedOn',
    );
  });

  it.each(badKinds.map((k) => [k]))('refuses the achievement kind %s', async (kind) => {
    refusedWith(
      await server.request(RecordAchievementDocument, { input: { enterprise, kind, obtainedOn: '2018-05-01' } }),
      'input.kind',
    );
  });

  it.each(badLevels.map((l) => [l]))('refuses the 中国质量奖 level %s', async (level) => {
    refusedWith(
      await server.request(RecordAchievementDocument, {
        input: { enterprise, kind: 'CHINA_QUALITY_AWARD', level, obtainedOn: '2018-05-01' },
      }),
      'input.level',
    );
  });

  it.each(badIds.map((id) => [id]))('refuses the enterprise ID %j', async (id) => {
    refusedWith(
      await server.request(RecordAchievementDocument, {
        input: { enterprise: id, kind: 'CHINA_QUALITY_AWARD', level: 'WINNER', obtainedOn: '2018-05-01' },
      }),
      'input.enterprise',
    );
  });
});
