/**
 * Opportunities and questions over HTTP (issue 20 items 3, 4): what an enterprise could still
 * obtain, valued with what it already has, and the inputs of a NEEDS_INFO answer ranked by spread.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EnterpriseOpportunitiesDocument,
  SimulateEntitlementsDocument,
  SimulateOpportunitiesDocument,
  type SimulatedAchievementInput,
} from '../../src/generated/operations.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');
const ZJ_MADE = 'ZHEJIANG_MADE_CERTIFICATION';

describe.each(DATABASE_KINDS)('opportunities and questions on %s database', (kind) => {
  let server: TestServer;
  const ids = { three: 0, four: 0, nomination: 0, undecided: 0 };

  beforeAll(async () => {
    server = await startTestServer(kind);
    const { db } = server;
    const jiaojiang = await db.jurisdiction.findUniqueOrThrow({ where: { code: 'zj-taizhou-jiaojiang' } });
    const kinds = new Map((await db.achievementKind.findMany()).map((k) => [k.code, k.id]));
    const enterprise = async (
      name: string,
      achievements: Array<{ kind: string; obtainedOn: Date; level?: string; units?: number }>,
    ) => {
      const { id } = await db.enterprise.create({ data: { name, jurisdictionId: jiaojiang.id } });
      for (const { kind: code, ...a } of achievements)
        await db.achievement.create({ data: { enterpriseId: id, kindId: kinds.get(code)!, ...a } });
      return id;
    };
    ids.three = await enterprise('三个单元', [{ kind: ZJ_MADE, obtainedOn: new Date('2018-03-01'), units: 3 }]);
    ids.four = await enterprise('四个单元', [{ kind: ZJ_MADE, obtainedOn: new Date('2018-03-01'), units: 4 }]);
    ids.nomination = await enterprise('提名', [
      { kind: 'CHINA_QUALITY_AWARD', level: 'NOMINATION', obtainedOn: new Date('2018-05-01') },
    ]);
    // A pilot with neither level nor facts, and trademark fees with no sum: NEEDS_INFO twice.
    ids.undecided = await enterprise('待补', [
      { kind: 'INDUSTRIAL_STANDARDIZATION_PILOT', obtainedOn: new Date('2018-09-01') },
      { kind: 'INTERNATIONAL_TRADEMARK_REGISTRATION', obtainedOn: new Date('2018-10-01') },
      { kind: 'CHINA_QUALITY_AWARD', level: 'WINNER', obtainedOn: new Date('2018-05-01') },
    ]);
  });
  afterAll(() => server?.stop());

  const opportunitiesOf = async (id: number, asOf: string, filter?: { kinds?: string[] }) => {
    const { data, errors } = await server.request(EnterpriseOpportunitiesDocument, {
      id: globalId('Enterprise', id),
      asOf,
      filter,
    });
    expect(errors).toBeUndefined();
    const node = data!.node!;
    if (node.__typename !== 'Enterprise') throw new Error(`not an enterprise: ${node.__typename}`);
    return node;
  };

  it('values a fourth 浙江制造 unit at 10万 and any unit beyond the 50万 cap at 0 (二/(四))', async () => {
    const three = await opportunitiesOf(ids.three, '2019-06-01', { kinds: [ZJ_MADE] });
    expect(three.opportunities).toHaveLength(1);
    const [next] = three.opportunities;
    // 20万 + 10万 + 10万 held; 每增加一个认证产品单元再奖励10万元, 最高奖额不超过50万元.
    expect(next).toMatchObject({
      policyKey: 'taizhou-2017-quality',
      incentiveKey: 'zhejiang-made-certification',
      clausePath: '二/(四)',
      achievement: { kind: ZJ_MADE, units: 1, obtainedOn: '2019-06-01' },
      valueYuan: 100_000,
      furtherUnitYuan: 0,
      upgrades: null,
      window: { from: '2017-06-07', until: null, daysLeft: null },
      version: { from: '2017-06-07', madeBy: [{ policy: { key: 'taizhou-2017-quality' }, clausePath: '二/(四)' }] },
    });
    expect(next!.quote).toContain('最高奖额不超过50万元');
    expect(next!.explanation).toContain('money owed rises by 10万');
    expect(next!.explanation).toContain('each further unit after it adds 0');

    const four = await opportunitiesOf(ids.four, '2019-06-01', { kinds: [ZJ_MADE] });
    expect(four.opportunities.map((o) => [o.valueYuan, o.furtherUnitYuan])).toEqual([[0, 0]]);
    expect(four.opportunities[0]!.explanation).toContain('CAP_EXHAUSTED');
  });

  it('values a tier above the one held at the difference only, under 按最优一项执行 (六)', async () => {
    const { opportunities } = await opportunitiesOf(ids.nomination, '2019-06-01', { kinds: ['CHINA_QUALITY_AWARD'] });
    // 中国质量奖 100万 won on the nominated project: the 30万 nomination is superseded, so it adds 70万.
    expect(opportunities.map((o) => [o.achievement.level, o.valueYuan])).toEqual([['WINNER', 700_000]]);
    const [upgrade] = opportunities;
    const nominationId = String(
      (await server.db.achievement.findFirstOrThrow({ where: { enterpriseId: ids.nomination } })).id,
    );
    expect(upgrade!.upgrades).toBe(nominationId);
    expect(upgrade!.achievement.projectKey).toBe(`achievement:${nominationId}`);
    expect(upgrade!.explanation).toContain(`an upgrade of achievement ${nominationId}`);

    // Stages are paid once each (批准筹建和建成…一次性各给予): the one not reached is worth all of its 40万.
    const staged = await server.request(SimulateOpportunitiesDocument, {
      input: {
        jurisdiction: 'zj-taizhou-jiaojiang',
        recipientKind: 'PARK',
        asOf: '2019-06-01',
        achievements: [
          {
            kind: 'NATIONAL_BRAND_DEMO_ZONE',
            level: 'PREPARATION_APPROVED',
            obtainedOn: '2018-03-01',
            projectKey: 'z',
          },
        ],
      },
      filter: { kinds: ['NATIONAL_BRAND_DEMO_ZONE'] },
    });
    expect(staged.errors).toBeUndefined();
    expect(
      staged.data!.simulateOpportunities.map((o) => [o.achievement.level, o.achievement.projectKey, o.valueYuan]),
    ).toEqual([['BUILT', 'z', 400_000]]);
  });

  it('lists every opportunity largest value first, and none of a window that has closed', async () => {
    const all = await opportunitiesOf(ids.three, '2019-06-01');
    const values = all.opportunities.map((o) => o.valueYuan);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    // 000's largest, 100万 each, in the document's order: 中国质量奖 (二/(四)), an international standard's
    // first drafter (四/(十八)), a national inspection centre approved for preparation (五/(二十二)).
    expect(all.opportunities.slice(0, 4).map((o) => [o.incentiveKey, o.clausePath, o.valueYuan])).toEqual([
      ['china-quality-award', '二/(四)', 1_000_000],
      ['standard-drafted', '四/(十八)', 1_000_000],
      ['quality-inspection-center', '五/(二十二)', 1_000_000],
      ['well-known-trademark', '二/(四)', 500_000],
    ]);

    // 002 (泉州) runs to 2020-12-31: open 30 days before, gone the day after.
    const quanzhou = (asOf: string) =>
      server.request(SimulateOpportunitiesDocument, {
        input: { jurisdiction: 'fj-quanzhou-jinjiang', asOf, achievements: [] },
      });
    const open = await quanzhou('2020-12-01');
    expect(open.errors).toBeUndefined();
    expect(open.data!.simulateOpportunities.length).toBeGreaterThan(5);
    for (const o of open.data!.simulateOpportunities)
      expect(o.window).toEqual({ from: '2019-01-05', until: '2020-12-31', daysLeft: 30 });
    const closed = await quanzhou('2021-01-01');
    expect(closed.errors).toBeUndefined();
    expect(closed.data!.simulateOpportunities).toEqual([]);
  });

  it('lists the questions of a NEEDS_INFO answer in spread order, with their Chinese texts', async () => {
    const { entitlements } = await opportunitiesOf(ids.undecided, '2019-06-01');
    expect(entitlements.totals).toEqual({ exactYuan: 1_000_000, needsInfoCount: 2 });
    const pilot = String(
      (
        await server.db.achievement.findFirstOrThrow({
          where: { enterpriseId: ids.undecided, kind: { code: 'INDUSTRIAL_STANDARDIZATION_PILOT' } },
        })
      ).id,
    );
    // A pilot that passed, with its main undertaker, at the national level is 50万; the fees' 50% is capped at 8万 a year.
    expect(entitlements.questions.map((q) => [q.field, q.spreadYuan, q.minTotalYuan, q.maxTotalYuan])).toEqual([
      ['facts.ACCEPTANCE_PASSED', 500_000, 1_080_000, 1_580_000],
      ['facts.MAIN_UNDERTAKER', 500_000, 1_080_000, 1_580_000],
      // Its rule reads the level once both facts are known: asked now, so one questionnaire settles it.
      ['level', 400_000, 1_180_000, 1_580_000],
      ['costYuan', 80_000, 1_500_000, 1_580_000],
    ]);
    expect(entitlements.questions[0]).toMatchObject({
      achievementId: pilot,
      entitlements: [{ incentiveKey: 'industrial-standardization-pilot', clausePath: '四/(十五)' }],
    });
    const texts = await server.request(
      `query($id: ID!) { node(id: $id) { ... on Enterprise { entitlements(asOf: "2019-06-01") {
        questions { field zh: text(language: ZH_CN) en: text(language: EN) } } } } }`,
      { id: globalId('Enterprise', ids.undecided) },
    );
    expect(texts.errors).toBeUndefined();
    expect((texts.data as { node: { entitlements: { questions: unknown[] } } }).node.entitlements.questions).toEqual([
      {
        field: 'facts.ACCEPTANCE_PASSED',
        zh: '项目是否已通过考核验收？',
        en: 'Has the project passed its acceptance review (通过考核验收)?',
      },
      {
        field: 'facts.MAIN_UNDERTAKER',
        zh: '企业是否为该项目的主要承担单位？',
        en: 'Is the enterprise the main undertaking unit (主要承担单位) of the project?',
      },
      {
        field: 'level',
        zh: '成功创建的是国家级、省级还是市级工业标准化试点(示范)项目？',
        en: 'Is the industrial standardization pilot (demonstration) project national, provincial or municipal?',
      },
      {
        field: 'costYuan',
        zh: '企业支付的国际注册费是多少元？',
        en: 'How much did the enterprise pay in international registration fees (国际注册费), in yuan?',
      },
    ]);
  });

  it('refuses an unknown kind or level in the filter with a typed error naming it', async () => {
    for (const [filter, field] of [
      [{ kinds: [ZJ_MADE, 'NO_SUCH_KIND'] }, 'filter.kinds[1]'],
      [{ levels: ['PLATINUM'] }, 'filter.levels[0]'],
    ] as Array<[{ kinds?: string[]; levels?: string[] }, string]>) {
      const response = await server.request(SimulateOpportunitiesDocument, {
        input: { jurisdiction: 'zj-taizhou-jiaojiang', achievements: [] },
        filter,
      });
      expect(response.status).toBe(400);
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field });
    }
  });

  // Taizhou achievements a profile may hold: kinds with their levels, counted or not.
  const held = fc.constantFrom<SimulatedAchievementInput>(
    { kind: ZJ_MADE, units: 1 },
    { kind: ZJ_MADE, units: 3 },
    { kind: 'CHINA_QUALITY_AWARD', level: 'NOMINATION' },
    { kind: 'CHINA_QUALITY_AWARD', level: 'WINNER' },
    { kind: 'STANDARDIZATION_GOOD_BEHAVIOR', level: 'AA' },
    { kind: 'STANDARDIZATION_GOOD_BEHAVIOR', level: 'AAAA' },
    { kind: 'STANDARD_DRAFTED', level: 'NATIONAL', facts: ['FIRST_DRAFTING_UNIT'] },
    { kind: 'STANDARD_DRAFTED', level: 'INTERNATIONAL', facts: ['FIRST_DRAFTING_UNIT'] },
    { kind: 'QUALITY_INSPECTION_CENTER', level: 'NATIONAL', facts: ['PREPARATION_APPROVED'] },
    { kind: 'PROVINCIAL_FAMOUS_BRAND_PRODUCT', units: 2 },
    { kind: 'INTERNATIONAL_TRADEMARK_REGISTRATION', costYuan: 100_000 },
  );
  const day = fc
    .integer({ min: 0, max: 700 })
    .map((d) => new Date(Date.UTC(2017, 6, 1 + d)).toISOString().slice(0, 10));
  const profile = fc.array(
    fc.record({ a: held, obtainedOn: day, project: fc.constantFrom(null, 'p1') }).map(({ a, obtainedOn, project }) => ({
      ...a,
      obtainedOn,
      ...(project && { projectKey: project }),
    })),
    { maxLength: 5 },
  );

  it('raises the total by exactly the stated value when the top opportunity is taken (generated profiles)', async () => {
    const asOf = '2019-06-01';
    const total = async (achievements: SimulatedAchievementInput[], on: string) => {
      const { data, errors } = await server.request(SimulateEntitlementsDocument, {
        input: { jurisdiction: 'zj-taizhou-jiaojiang', asOf: on, achievements },
      });
      expect(errors).toBeUndefined();
      return data!.simulateEntitlements.totals.exactYuan;
    };
    await fc.assert(
      fc.asyncProperty(
        profile,
        fc.constantFrom<string[] | undefined>(undefined, [ZJ_MADE], ['CHINA_QUALITY_AWARD']),
        async (achievements, kinds) => {
          const { data, errors } = await server.request(SimulateOpportunitiesDocument, {
            input: { jurisdiction: 'zj-taizhou-jiaojiang', asOf, achievements },
            filter: kinds && { kinds },
          });
          expect(errors).toBeUndefined();
          const [top] = data!.simulateOpportunities;
          if (!top) return;
          const { achievement: a } = top;
          const added: SimulatedAchievementInput = {
            kind: a.kind,
            level: a.level,
            obtainedOn: a.obtainedOn,
            units: a.units,
            rank: a.rank,
            projectKey: a.projectKey,
            facts: a.facts,
          };
          const [before, after] = await Promise.all([
            total(achievements, top.payableOn),
            total([...achievements, added], top.payableOn),
          ]);
          expect(after - before, JSON.stringify({ achievements, top: added })).toBe(top.valueYuan);
        },
      ),
      { seed: 20261201, numRuns: 12 },
    );
  }, 120_000);
});
