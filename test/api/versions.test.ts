/**
 * Dated versions and amending documents over HTTP (issue 19 items 1–2). A fixture notice
 * (test/fixtures/amendments: no seed document amends another) raises 000's 中国质量奖 from 100万 to
 * 200万 from 2019-01-01, sets 000's fund to 3000万 a year from 2019 and withdraws 000's 台州市政府质量奖
 * from 2020-01-01. Awards are judged by the version in force on their day, each naming it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusWith, type FixtureCorpus } from '../support/corpus.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const FIXTURE = new URL('../fixtures/amendments/', import.meta.url).pathname;
const AMENDING = 'taizhou-2019-reward-adjustment';

interface Row {
  policyKey: string;
  incentiveKey: string;
  eligibility: string;
  reason: string | null;
  amountYuan: number | null;
  steps: Array<{ code: string; text: string }>;
}

const ENTITLEMENTS = `query ($id: ID!) {
  node(id: $id) {
    ... on Enterprise {
      entitlements(asOf: "2020-12-31") {
        entitlements { policyKey incentiveKey eligibility reason amountYuan steps { code text } }
      }
    }
  }
}`;

describe.each(DATABASE_KINDS)('dated versions and amending documents on %s database', (kind) => {
  let server: TestServer;
  let corpus: FixtureCorpus;
  const enterpriseIds: string[] = [];

  beforeAll(async () => {
    corpus = corpusWith(FIXTURE);
    server = await startTestServer(kind, { policiesDir: corpus.policiesDir, seedsDir: corpus.seedsDir });
    const { db } = server;
    const jiaojiang = await db.jurisdiction.findUniqueOrThrow({ where: { code: 'zj-taizhou-jiaojiang' } });
    const kinds = new Map((await db.achievementKind.findMany()).map((k) => [k.code, k.id]));
    // One enterprise a year: a 中国质量奖 and a 台州市政府质量奖 each.
    for (const [i, year] of [2018, 2019, 2020].entries()) {
      const enterprise = await db.enterprise.create({ data: { name: `企业${i + 1}`, jurisdictionId: jiaojiang.id } });
      enterpriseIds.push(Buffer.from(`Enterprise:${enterprise.id}`).toString('base64'));
      await db.achievement.createMany({
        data: [
          {
            enterpriseId: enterprise.id,
            kindId: kinds.get('CHINA_QUALITY_AWARD')!,
            level: 'WINNER',
            obtainedOn: new Date(`${year}-03-01`),
          },
          {
            enterpriseId: enterprise.id,
            kindId: kinds.get('MUNICIPAL_QUALITY_AWARD')!,
            obtainedOn: new Date(`${year}-06-01`),
          },
        ],
      });
    }
  });
  afterAll(async () => {
    await server?.stop();
    corpus?.remove();
  });

  const rowsOf = async (id: string) => {
    const { data, errors } = await server.request<{ node: { entitlements: { entitlements: Row[] } } }, object>(
      ENTITLEMENTS,
      { id },
    );
    expect(errors).toBeUndefined();
    return data!.node.entitlements.entitlements.filter((r) => r.policyKey === 'taizhou-2017-quality');
  };

  it('loads the amending notice beside the policy it amends', () => {
    expect(server.loadReport.refused).toEqual([]);
    expect(server.loadReport.loaded).toContain(AMENDING);
  });

  it('judges each award by the version in force on its day, and its steps name the version', async () => {
    const award = (rows: Row[]) => rows.find((r) => r.incentiveKey === 'china-quality-award')!;
    const early = award(await rowsOf(enterpriseIds[0]!));
    const late = award(await rowsOf(enterpriseIds[1]!));
    expect(early).toMatchObject({ eligibility: 'ELIGIBLE', amountYuan: 1_000_000 });
    expect(late).toMatchObject({ eligibility: 'ELIGIBLE', amountYuan: 2_000_000 });
    expect(early.steps.find((s) => s.code === 'VERSION')!.text).toBe(
      'the terms in force on 2018-03-01: since 2017-06-07 (taizhou-2017-quality 二/(四))',
    );
    expect(late.steps.find((s) => s.code === 'VERSION')!.text).toBe(
      `the terms in force on 2019-03-01: since 2019-01-01 (${AMENDING} 一)`,
    );
    expect(late.steps.find((s) => s.code === 'TIER')!.text).toBe('level Winner: 200万');
  });

  it('stops a withdrawn incentive from the day of withdrawal only', async () => {
    const municipal = async (i: number) =>
      (await rowsOf(enterpriseIds[i]!)).find((r) => r.incentiveKey === 'municipal-quality-award')!;
    expect(await municipal(0)).toMatchObject({ eligibility: 'ELIGIBLE', amountYuan: 500_000 });
    expect(await municipal(1)).toMatchObject({ eligibility: 'ELIGIBLE', amountYuan: 500_000 });
    const withdrawn = await municipal(2);
    expect(withdrawn).toMatchObject({ eligibility: 'INELIGIBLE', reason: 'WITHDRAWN', amountYuan: null });
    expect(withdrawn.steps.at(-1)!.text).toBe(`withdrawn from 2020-01-01 (${AMENDING} 三)`);
  });

  it("answers the amended policy's budget exposure with each year's figures and fund", async () => {
    const { data, errors } = await server.request<
      { policy: { budgetExposure: Array<{ year: number; fundYuan: number; exactYuan: number }> } },
      never
    >(`{ policy(key: "000") { budgetExposure(asOf: "2020-12-31") { year fundYuan exactYuan } } }`);
    expect(errors).toBeUndefined();
    expect(data!.policy.budgetExposure).toEqual([
      { year: 2017, fundYuan: 20_000_000, exactYuan: 0 },
      // 2018: 100万 + 50万; 2019: 200万 + 50万 under a 3000万 fund; 2020: 200万, the municipal award withdrawn.
      { year: 2018, fundYuan: 20_000_000, exactYuan: 1_500_000 },
      { year: 2019, fundYuan: 30_000_000, exactYuan: 2_500_000 },
      { year: 2020, fundYuan: 30_000_000, exactYuan: 2_000_000 },
    ]);
  });

  it("shows the incentive's history, each version citing the clause that made it", async () => {
    const { data, errors } = await server.request<
      { policy: { incentives: { edges: Array<{ node: object }> } } },
      never
    >(
      `{ policy(key: "000") { incentives(first: 100) { edges { node { key history {
          from until withdrawn ruleText madeBy { policy { key } clausePath quote } } } } } } }`,
    );
    expect(errors).toBeUndefined();
    const history = (key: string) =>
      (data!.policy.incentives.edges.map((e) => e.node) as Array<{ key: string; history: unknown[] }>).find(
        (n) => n.key === key,
      )!.history;
    expect(history('china-quality-award')).toEqual([
      {
        from: '2017-06-07',
        until: '2018-12-31',
        withdrawn: false,
        ruleText: 'by level: 100万 (WINNER), 30万 (NOMINATION)',
        madeBy: [
          {
            policy: { key: 'taizhou-2017-quality' },
            clausePath: '二/(四)',
            quote: '对获得中国质量奖、质量奖提名类的企业(组织),一次性给予100万元、30万元奖励',
          },
        ],
      },
      {
        from: '2019-01-01',
        until: null,
        withdrawn: false,
        ruleText: 'by level: 200万 (WINNER), 30万 (NOMINATION)',
        madeBy: [
          {
            policy: { key: AMENDING },
            clausePath: '一',
            quote: '对获得中国质量奖的企业(组织),一次性给予200万元奖励,自2019年1月1日起执行',
          },
        ],
      },
    ]);
    expect(history('municipal-quality-award')).toMatchObject([
      { from: '2017-06-07', until: '2019-12-31', withdrawn: false },
      { from: '2020-01-01', until: null, withdrawn: true, madeBy: [{ policy: { key: AMENDING }, clausePath: '三' }] },
    ]);
    expect(history('well-known-trademark')).toMatchObject([{ from: '2017-06-07', until: null }]);
  });

  it("shows the policy's versions and links the documents both ways, both documents' clauses readable", async () => {
    const { data, errors } = await server.request<Record<string, unknown>, never>(`{
      amended: policy(key: "000") {
        amendedBy { key } amends { key }
        versions { from until fund { amountYuan period } changedIncentives { key } madeBy { policy { key } clausePath } }
        clause(path: "二/(四)") { text }
      }
      amending: policy(key: "${AMENDING}") { amends { key } amendedBy { key } clause(path: "一") { text } }
    }`);
    expect(errors).toBeUndefined();
    expect(data).toMatchObject({
      amended: {
        amendedBy: [{ key: AMENDING }],
        amends: [],
        versions: [
          {
            from: '2017-06-07',
            until: '2018-12-31',
            fund: { amountYuan: 20_000_000 },
            changedIncentives: [],
            madeBy: [],
          },
          {
            from: '2019-01-01',
            until: '2019-12-31',
            fund: { amountYuan: 30_000_000, period: 'YEAR' },
            changedIncentives: [{ key: 'china-quality-award' }],
            madeBy: [
              { policy: { key: AMENDING }, clausePath: '二' },
              { policy: { key: AMENDING }, clausePath: '一' },
            ],
          },
          {
            from: '2020-01-01',
            until: null,
            fund: { amountYuan: 30_000_000 },
            changedIncentives: [{ key: 'municipal-quality-award' }],
            madeBy: [{ policy: { key: AMENDING }, clausePath: '三' }],
          },
        ],
        clause: {
          text: expect.stringContaining('对获得中国质量奖、质量奖提名类的企业(组织),一次性给予100万元、30万元奖励'),
        },
      },
      amending: {
        amends: [{ key: 'taizhou-2017-quality' }],
        amendedBy: [],
        clause: { text: '对获得中国质量奖的企业(组织),一次性给予200万元奖励,自2019年1月1日起执行。' },
      },
    });
  });
});
