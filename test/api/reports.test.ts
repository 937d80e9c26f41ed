/**
 * Reports over GraphQL against 000 台州 (covers five districts and zones; 2000万元 a year): group
 * totals, budget exposure, an incentive's beneficiaries, one achievement's worth, and the same award
 * compared across policies. Statement counts do not grow with the rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AchievementEntitlementsDocument,
  BudgetExposureDocument,
  CompareIncentivesDocument,
  EntitlementTotalsDocument,
  IncentiveBeneficiariesDocument,
} from '../../src/generated/operations.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const WAN = 10_000;
const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');

describe.each(DATABASE_KINDS)('reports on %s database', (kind) => {
  let server: TestServer;
  let taizhouId = '';
  let chinaQualityAwardId = '';
  let firstAwardId = '';

  beforeAll(async () => {
    server = await startTestServer(kind);
    const { db } = server;
    const district = async (code: string) => (await db.jurisdiction.findUniqueOrThrow({ where: { code } })).id;
    const kinds = new Map((await db.achievementKind.findMany()).map((k) => [k.code, k.id]));
    const cqa = kinds.get('CHINA_QUALITY_AWARD')!;
    const made = kinds.get('ZHEJIANG_MADE_CERTIFICATION')!;
    const add = async (
      code: string,
      achievement: { kindId: number; level?: string; units?: number; obtainedOn: string },
    ) => {
      const enterprise = await db.enterprise.create({
        data: { name: `${code}企业`, jurisdictionId: await district(code) },
      });
      const a = await db.achievement.create({
        data: { ...achievement, enterpriseId: enterprise.id, obtainedOn: new Date(achievement.obtainedOn) },
      });
      return a.id;
    };
    firstAwardId = globalId(
      'Achievement',
      await add('zj-taizhou-jiaojiang', { kindId: cqa, level: 'WINNER', obtainedOn: '2018-05-01' }),
    );
    await add('zj-taizhou-jiaojiang', { kindId: made, units: 3, obtainedOn: '2018-06-01' }); // 20万 + 2 × 10万
    await add('zj-taizhou-jiaojiang', { kindId: cqa, level: 'NOMINATION', obtainedOn: '2019-04-01' }); // 30万
    await add('zj-taizhou-huangyan', { kindId: cqa, level: 'WINNER', obtainedOn: '2019-05-01' }); // 100万
    await add('zj-taizhou-huangyan', { kindId: made, units: 6, obtainedOn: '2019-07-01' }); // 70万, capped at 50万
    await add('zj-taizhou-linhai', { kindId: cqa, level: 'WINNER', obtainedOn: '2018-05-01' }); // 临海: not covered
    // 21 winners in 路桥 in 2020: 2100万, more than the 2000万 fund of the year.
    for (let i = 0; i < 21; i++)
      await add('zj-taizhou-luqiao', { kindId: cqa, level: 'WINNER', obtainedOn: '2020-03-01' });
    taizhouId = globalId('Policy', (await db.policy.findUniqueOrThrow({ where: { key: 'taizhou-2017-quality' } })).id);
    const incentive = await db.incentive.findFirstOrThrow({
      where: { key: 'china-quality-award', policy: { key: 'taizhou-2017-quality' } },
    });
    chinaQualityAwardId = globalId('Incentive', incentive.id);
  });
  afterAll(() => server?.stop());

  it('totals 000 by district and year: 椒江 2018 140万 from two enterprises, 黄岩 2019 150万 with the cap applied', async () => {
    const { data, errors } = await server.request(EntitlementTotalsDocument, {
      input: { policy: taizhouId, groupBy: ['JURISDICTION', 'YEAR'], asOf: '2020-12-31' },
    });
    expect(errors).toBeUndefined();
    const rows = data!.entitlementTotals.map((r) => [r.jurisdictionCode, r.year, r.exactYuan, r.enterpriseCount]);
    expect(rows).toEqual([
      ['zj-taizhou-huangyan', 2019, 150 * WAN, 2],
      ['zj-taizhou-jiaojiang', 2018, 140 * WAN, 2],
      ['zj-taizhou-jiaojiang', 2019, 30 * WAN, 1],
      ['zj-taizhou-luqiao', 2020, 2100 * WAN, 21],
    ]);
    expect(data!.entitlementTotals[0]!.jurisdiction!.name).toBe('黄岩区');
  });

  it('groups by incentive and narrows to one district and one year', async () => {
    const { data } = await server.request(EntitlementTotalsDocument, {
      input: { policy: taizhouId, groupBy: ['INCENTIVE'], year: 2018, asOf: '2020-12-31' },
    });
    expect(data!.entitlementTotals.map((r) => [r.incentiveKey, r.exactYuan, r.countedCount])).toEqual([
      ['china-quality-award', 100 * WAN, 1],
      ['zhejiang-made-certification', 40 * WAN, 1],
    ]);
    const jiaojiang = await server.db.jurisdiction.findUniqueOrThrow({ where: { code: 'zj-taizhou-jiaojiang' } });
    const { data: one } = await server.request(EntitlementTotalsDocument, {
      input: { groupBy: ['POLICY'], jurisdiction: globalId('Jurisdiction', jiaojiang.id), asOf: '2020-12-31' },
    });
    expect(one!.entitlementTotals.map((r) => [r.policyKey, r.exactYuan, r.enterpriseCount])).toEqual([
      ['taizhou-2017-quality', 170 * WAN, 3],
    ]);
  });

  it('costs the same number of SQL statements for 2 groups as for 4', async () => {
    const narrowly = () =>
      server.request(EntitlementTotalsDocument, {
        input: { policy: taizhouId, groupBy: ['YEAR'], year: 2018, asOf: '2020-12-31' },
      });
    await narrowly(); // what the server keeps (callers, the corpus) read once, before counting
    const narrow = await narrowly();
    const wide = await server.request(EntitlementTotalsDocument, {
      input: { policy: taizhouId, groupBy: ['JURISDICTION', 'YEAR'], asOf: '2020-12-31' },
    });
    expect(wide.data!.entitlementTotals).toHaveLength(4);
    // The groups' jurisdictions are named from the corpus kept in memory: no statement for them.
    expect(wide.extensions?.sqlStatements).toBe(narrow.extensions!.sqlStatements!);
  });

  it('shows the 2000万 fund overrun in 2020 and what is left in the other years', async () => {
    const { data, errors } = await server.request(BudgetExposureDocument, {
      key: 'taizhou-2017-quality',
      asOf: '2020-12-31',
    });
    expect(errors).toBeUndefined();
    expect(data!.policy.budgetExposure.map((y) => [y.year, y.fundYuan, y.exactYuan, y.remainingYuan])).toEqual([
      [2017, 2000 * WAN, 0, 2000 * WAN],
      [2018, 2000 * WAN, 140 * WAN, 1860 * WAN],
      [2019, 2000 * WAN, 180 * WAN, 1820 * WAN],
      [2020, 2000 * WAN, 2100 * WAN, -100 * WAN],
    ]);
  });

  it("lists 中国质量奖's beneficiaries under 000 by page, leaving out the enterprise in 临海", async () => {
    const { data, errors } = await server.request(IncentiveBeneficiariesDocument, {
      id: chinaQualityAwardId,
      asOf: '2020-12-31',
      first: 2,
    });
    expect(errors).toBeUndefined();
    const node = data!.node;
    if (node?.__typename !== 'Incentive') throw new Error('expected an Incentive');
    expect(node.beneficiaries.totalCount).toBe(24);
    expect(node.beneficiaries.edges.map((e) => [e.node.enterprise.jurisdiction.code, e.node.totals.exactYuan])).toEqual(
      [
        ['zj-taizhou-jiaojiang', 100 * WAN],
        ['zj-taizhou-jiaojiang', 30 * WAN],
      ],
    );
    expect(node.beneficiaries.pageInfo.hasNextPage).toBe(true);
  });

  it('tells what one stored achievement is worth under 000, with the clause', async () => {
    const { data, errors } = await server.request(AchievementEntitlementsDocument, {
      id: firstAwardId,
      asOf: '2020-12-31',
      policy: taizhouId,
    });
    expect(errors).toBeUndefined();
    const node = data!.node;
    if (node?.__typename !== 'Achievement') throw new Error('expected an Achievement');
    expect(node.entitlements.totals.exactYuan).toBe(100 * WAN);
    expect(node.entitlements.entitlements.map((e) => [e.clausePath, e.amountYuan])).toEqual([['二/(四)', 100 * WAN]]);
  });

  it('compares 中国质量奖 across policies: 000 100万, 001 a reward with no sum, 002 300万', async () => {
    const { data, errors } = await server.request(CompareIncentivesDocument, {
      achievement: { kind: 'CHINA_QUALITY_AWARD', level: 'WINNER' },
      asOf: '2020-12-31',
    });
    expect(errors).toBeUndefined();
    const rows = data!.compareIncentives.map((c) => [
      c.policy.key,
      c.entitlement.nature,
      c.entitlement.amountYuan ?? null,
    ]);
    expect(rows).toEqual([
      ['taizhou-2017-quality', 'EXACT', 100 * WAN],
      ['loudi-2017-quality', 'UNSPECIFIED', null],
      ['quanzhou-2019-quality', 'EXACT', 300 * WAN],
    ]);
    expect(data!.compareIncentives[2]!.entitlement.explanation).toContain('300万');
  });

  it('refuses a comparison of an unknown kind with a typed error naming the field', async () => {
    const { errors, status } = await server.request(CompareIncentivesDocument, {
      achievement: { kind: 'NOBEL_PRIZE' },
    });
    expect(status).toBe(200);
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'achievement.kind' });
  });
});
