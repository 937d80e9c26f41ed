/** Entitlements over GraphQL: stored enterprises, the what-if calculator, and what bad input gets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EnterpriseEntitlementsDocument,
  EnterprisePageEntitlementsDocument,
  SimulateEntitlementsDocument,
} from '../../src/generated/operations.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe.each(DATABASE_KINDS)('entitlements on %s database', (kind) => {
  let server: TestServer;
  let firstEnterpriseId = '';

  beforeAll(async () => {
    server = await startTestServer(kind);
    const { db } = server;
    const jiaojiang = await db.jurisdiction.findUniqueOrThrow({ where: { code: 'zj-taizhou-jiaojiang' } });
    const kinds = new Map((await db.achievementKind.findMany()).map((k) => [k.code, k.id]));
    // 40 enterprises, each with a 浙江制造 certification of (i % 4) + 1 units and a 中国质量奖 nomination.
    for (let i = 1; i <= 40; i++) {
      const enterprise = await db.enterprise.create({ data: { name: `企业${i}`, jurisdictionId: jiaojiang.id } });
      if (i === 1) firstEnterpriseId = Buffer.from(`Enterprise:${enterprise.id}`).toString('base64');
      await db.achievement.createMany({
        data: [
          {
            enterpriseId: enterprise.id,
            kindId: kinds.get('ZHEJIANG_MADE_CERTIFICATION')!,
            obtainedOn: new Date('2018-03-01'),
            units: (i % 4) + 1,
          },
          {
            enterpriseId: enterprise.id,
            kindId: kinds.get('CHINA_QUALITY_AWARD')!,
            level: 'NOMINATION',
            obtainedOn: new Date('2019-03-01'),
          },
        ],
      });
    }
  });
  afterAll(() => server?.stop());

  it("computes an enterprise's entitlements with the clause and the trace", async () => {
    const { data, errors } = await server.request(EnterpriseEntitlementsDocument, {
      id: firstEnterpriseId,
      asOf: '2019-12-31',
    });
    expect(errors).toBeUndefined();
    const report = 'entitlements' in data!.node! ? data!.node.entitlements : null;
    // 企业1: 2 units of 浙江制造 (20万 + 10万) and a 中国质量奖 nomination (30万).
    expect(report!.totals.exactYuan).toBe(600_000);
    const zjMade = report!.entitlements.find((e) => e.incentiveKey === 'zhejiang-made-certification')!;
    expect(zjMade).toMatchObject({
      clausePath: '二/(四)',
      amountYuan: 300_000,
      nature: 'EXACT',
      eligibility: 'ELIGIBLE',
    });
    expect(zjMade.explanation).toContain('first unit 20万 + 1 further unit(s) × 10万 = 30万');
  });

  it('computes a page of 40 enterprises with the same number of SQL statements as a page of 2', async () => {
    const small = await server.request(EnterprisePageEntitlementsDocument, { first: 2, asOf: '2019-12-31' });
    const large = await server.request(EnterprisePageEntitlementsDocument, { first: 40, asOf: '2019-12-31' });
    expect(large.data!.enterprises.edges).toHaveLength(40);
    const total = large.data!.enterprises.edges.reduce((n, e) => n + e.node.entitlements.totals.exactYuan, 0);
    // units 1..4 repeat ten times: 20万, 30万, 40万, 50万 → 140万 × 10, plus 30万 × 40.
    expect(total).toBe(14_000_000 + 12_000_000);
    expect(large.extensions?.sqlStatements).toBe(small.extensions?.sqlStatements);
  });

  it('simulates hypothetical achievements without storing anything', async () => {
    const before = await server.db.achievement.count();
    const { data, errors } = await server.request(SimulateEntitlementsDocument, {
      input: {
        jurisdiction: 'zj-taizhou-huangyan',
        asOf: '2019-12-31',
        achievements: [
          { kind: 'CHINA_QUALITY_AWARD', level: 'WINNER', obtainedOn: '2018-03-01' },
          { kind: 'INTERNATIONAL_TRADEMARK_REGISTRATION', obtainedOn: '2018-05-01', costYuan: 300_000 },
          { kind: 'INDUSTRIAL_STANDARDIZATION_PILOT', level: 'NATIONAL', obtainedOn: '2018-05-01' },
        ],
      },
    });
    expect(errors).toBeUndefined();
    const byKey = new Map(
      data!.simulateEntitlements.entitlements
        .filter((e) => e.policyKey === 'taizhou-2017-quality')
        .map((e) => [e.incentiveKey, e]),
    );
    // 娄底's promise for the same award does not reach 黄岩区.
    const loudi = data!.simulateEntitlements.entitlements.find((e) => e.policyKey === 'loudi-2017-quality')!;
    expect(loudi).toMatchObject({ eligibility: 'INELIGIBLE', reason: 'OUT_OF_SCOPE' });
    expect(byKey.get('china-quality-award')).toMatchObject({
      amountYuan: 1_000_000,
      policyKey: 'taizhou-2017-quality',
    });
    expect(byKey.get('international-trademark-fees')).toMatchObject({ amountYuan: 80_000 });
    expect(byKey.get('international-trademark-fees')!.steps.map((s) => s.code)).toContain('CAP');
    // 通过考核验收 and 主要承担单位: both written in 四/(十五), both unknown here.
    expect(byKey.get('industrial-standardization-pilot')).toMatchObject({
      eligibility: 'NEEDS_INFO',
      missing: ['facts.ACCEPTANCE_PASSED', 'facts.MAIN_UNDERTAKER'],
    });
    expect(data!.simulateEntitlements.totals).toMatchObject({ exactYuan: 1_080_000, needsInfoCount: 1 });
    expect(await server.db.achievement.count()).toBe(before);
  });

  it.each([
    [
      'taizhou-2017-quality',
      'zj-taizhou-luqiao',
      'ENTERPRISE',
      'CHINA_QUALITY_AWARD',
      'WINNER',
      '2018-03-01',
      'EXACT',
      1_000_000,
    ],
    [
      'loudi-2017-quality',
      'hn-loudi-louxing',
      'ENTERPRISE',
      'WELL_KNOWN_TRADEMARK',
      null,
      '2018-03-01',
      'UNSPECIFIED',
      null,
    ],
    [
      'quanzhou-2019-quality',
      'fj-quanzhou-jinjiang',
      'ENTERPRISE',
      'CHINA_QUALITY_AWARD',
      'WINNER',
      '2019-09-01',
      'EXACT',
      3_000_000,
    ],
    [
      'xx-2022-product-quality',
      'xx-city',
      'ENTERPRISE',
      'ENTERPRISE_STANDARD_FRONTRUNNER',
      null,
      '2022-09-01',
      'EXACT',
      30_000,
    ],
    [
      'foshan-2017-industrial-quality',
      'gd-foshan-nanhai',
      'ORGANIZATION',
      'SME_QUALITY_SERVICES_PROVIDED',
      null,
      '2018-03-01',
      'UNSPECIFIED',
      null,
    ],
  ] as const)(
    'simulates under %s (%s): %s',
    async (policyKey, jurisdiction, recipientKind, kind, level, obtainedOn, nature, amountYuan) => {
      const { data, errors } = await server.request(SimulateEntitlementsDocument, {
        input: { jurisdiction, recipientKind, asOf: '2023-12-31', achievements: [{ kind, level, obtainedOn }] },
      });
      expect(errors).toBeUndefined();
      const found = data!.simulateEntitlements.entitlements.filter((e) => e.policyKey === policyKey);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ eligibility: 'ELIGIBLE', nature, amountYuan });
      expect(found[0]!.explanation).toContain(`${policyKey} clause ${found[0]!.clausePath}`);
      expect(found[0]!.explanation).toContain(`原文: ${found[0]!.quote}`);
    },
  );

  it('answers a valid input outside every scope with INELIGIBLE and the reason', async () => {
    const { data } = await server.request(SimulateEntitlementsDocument, {
      input: {
        jurisdiction: 'zj-taizhou-linhai',
        achievements: [{ kind: 'CHINA_QUALITY_AWARD', level: 'WINNER', obtainedOn: '2018-03-01' }],
      },
    });
    const taizhou = data!.simulateEntitlements.entitlements.find((e) => e.policyKey === 'taizhou-2017-quality')!;
    expect(taizhou).toMatchObject({ eligibility: 'INELIGIBLE', reason: 'OUT_OF_SCOPE' });
  });

  it('refuses bad simulation input with a typed error naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ kind: 'NO_SUCH_AWARD', obtainedOn: '2018-01-01' }, 'NOT_FOUND', 'input.achievements[0].kind'],
      [{ kind: 'CHINA_QUALITY_AWARD', level: 'GOLD' }, 'INVALID_ARGUMENT', 'input.achievements[0].level'],
      [
        { kind: 'INTERNATIONAL_TRADEMARK_REGISTRATION', costYuan: -5 },
        'INVALID_ARGUMENT',
        'input.achievements[0].costYuan',
      ],
      [{ kind: 'PROVINCIAL_FAMOUS_BRAND_PRODUCT', units: 0 }, 'INVALID_ARGUMENT', 'input.achievements[0].units'],
    ];
    for (const [achievement, code, field] of cases) {
      const response = await server.request(SimulateEntitlementsDocument, {
        input: { jurisdiction: 'zj-taizhou-jiaojiang', achievements: [achievement as never] },
      });
      expect(response.errors?.[0].extensions, JSON.stringify(achievement)).toMatchObject({ code, field });
    }
    const unknownPlace = await server.request(SimulateEntitlementsDocument, {
      input: { jurisdiction: 'nowhere', achievements: [] },
    });
    expect(unknownPlace.errors?.[0].extensions).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'input.jurisdiction',
    });
    // Fractional money and impossible dates are refused by the scalars before any resolver runs.
    for (const achievement of [
      { kind: 'CHINA_QUALITY_AWARD', obtainedOn: '2018-02-30' },
      { kind: 'TESTING_RESEARCH_PROJECT', budgetYuan: 10.5 },
    ]) {
      const response = await server.request(SimulateEntitlementsDocument, {
        input: { jurisdiction: 'zj-taizhou-jiaojiang', achievements: [achievement as never] },
      });
      expect(response.status).toBe(400);
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});
