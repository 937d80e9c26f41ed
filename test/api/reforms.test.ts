/**
 * Reforms over HTTP (issue 20 item 1): a change to the policies for one request, applied to that
 * request's corpus only. The server keeps the entitlement ledger (refreshed after the fixtures), so a
 * request without reforms reads it and one with reforms is computed: a parallel request without the
 * reform sees the baseline.
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/databases.js';
import { rebuildLedger } from '../../src/evaluation/ledger.js';
import { startTestServer, type TestServer } from '../support/server.js';

const TAIZHOU = 'taizhou-2017-quality';
/** 000 二/(四): 中国质量奖 WINNER 100万, NOMINATION 30万, raised to 200万 (the nomination restated). */
const RAISE = { policy: '000', incentive: 'china-quality-award', tiers: [2_000_000, 300_000] };

interface Step {
  code: string;
  text: string;
  zh: string;
}
interface Row {
  policyKey: string;
  incentiveKey: string;
  achievementId: string;
  eligibility: string;
  reason: string | null;
  amountYuan: number | null;
  steps: Step[];
}
const ROW =
  'policyKey incentiveKey achievementId eligibility reason amountYuan steps { code text zh: text(language: ZH_CN) }';

const ENTITLEMENTS = `query ($id: ID!, $reforms: [ReformInput!]) {
  node(id: $id) { ... on Enterprise { entitlements(reforms: $reforms) { entitlements { ${ROW} } totals { exactYuan } } } }
}`;
const EXPOSURE = `query ($reforms: [ReformInput!], $asOf: Date) {
  policy(key: "000") { budgetExposure(reforms: $reforms, asOf: $asOf) { year fundYuan exactYuan remainingYuan } }
}`;
const SIMULATE = `query ($input: SimulationInput!) {
  simulateEntitlements(input: $input) { entitlements { ${ROW} } totals { exactYuan } }
}`;

type Exposure = { year: number; fundYuan: number | null; exactYuan: number; remainingYuan: number | null };

describe.each(DATABASE_KINDS)('reforms on %s database', (kind) => {
  let server: TestServer;
  const winners: string[] = [];
  let zhejiangMade = '';

  const gid = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');

  beforeAll(async () => {
    server = await startTestServer(kind, { ledger: true });
    const { db } = server;
    await server.ledger.refresh(); // the start's rebuild done, before rows it would not see are written
    const jiaojiang = await db.jurisdiction.findUniqueOrThrow({ where: { code: 'zj-taizhou-jiaojiang' } });
    const kinds = new Map((await db.achievementKind.findMany()).map((k) => [k.code, k.id]));
    // Three winners of 2018 and an enterprise with 8 浙江制造 certifications (20万 + 7 × 10万, capped at 50万).
    for (const i of [1, 2, 3]) {
      const e = await db.enterprise.create({ data: { name: `获奖企业${i}`, jurisdictionId: jiaojiang.id } });
      winners.push(gid('Enterprise', e.id));
      await db.achievement.create({
        data: {
          enterpriseId: e.id,
          kindId: kinds.get('CHINA_QUALITY_AWARD')!,
          level: 'WINNER',
          obtainedOn: new Date(`2018-0${i}-15`),
        },
      });
    }
    const made = await db.enterprise.create({ data: { name: '浙江制造企业', jurisdictionId: jiaojiang.id } });
    zhejiangMade = gid('Enterprise', made.id);
    await db.achievement.create({
      data: {
        enterpriseId: made.id,
        kindId: kinds.get('ZHEJIANG_MADE_CERTIFICATION')!,
        units: 8,
        obtainedOn: new Date('2018-05-01'),
      },
    });
    // Outside 000's five districts, in two it lets refer to it (参照执行): only a widened scope reaches them.
    for (const [code, name, achievement] of [
      ['zj-taizhou-linhai', '临海获奖企业', { level: 'WINNER', obtainedOn: new Date('2018-04-15') }],
      ['zj-taizhou-wenling', '温岭提名企业', { level: 'NOMINATION', obtainedOn: new Date('2018-07-01') }],
      ['zj-taizhou-linhai', '临海企业', null],
    ] as const) {
      const { id: jurisdictionId } = await db.jurisdiction.findUniqueOrThrow({ where: { code } });
      const e = await db.enterprise.create({ data: { name, jurisdictionId } });
      if (achievement)
        await db.achievement.create({
          data: { enterpriseId: e.id, kindId: kinds.get('CHINA_QUALITY_AWARD')!, ...achievement },
        });
    }
    // Written past the API (whose writes keep the ledger), so rebuilt: requests without reforms read it.
    await rebuildLedger(db);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const entitlementsOf = async (id: string, reforms?: object[]) => {
    const { data, errors } = await server.request<
      { node: { entitlements: { entitlements: Row[]; totals: { exactYuan: number } } } },
      object
    >(ENTITLEMENTS, { id, reforms });
    expect(errors).toBeUndefined();
    return data!.node.entitlements.entitlements.filter((r) => r.policyKey === TAIZHOU);
  };
  const exposureOf = async (reforms?: object[], asOf?: string) => {
    const { data, errors } = await server.request<{ policy: { budgetExposure: Exposure[] } }, object>(EXPOSURE, {
      reforms,
      asOf,
    });
    expect(errors).toBeUndefined();
    return new Map(data!.policy.budgetExposure.map((y) => [y.year, y]));
  };

  it('raises 中国质量奖 to 200万 for the reforming request only, while a parallel one sees 100万', async () => {
    const [reformed, baseline, reformedExposure, baselineExposure] = await Promise.all([
      entitlementsOf(winners[0]!, [RAISE]),
      entitlementsOf(winners[0]!),
      exposureOf([RAISE]),
      exposureOf(),
    ]);
    const award = (rows: Row[]) => rows.find((r) => r.incentiveKey === 'china-quality-award')!;
    expect(award(baseline)).toMatchObject({ eligibility: 'ELIGIBLE', amountYuan: 1_000_000 });
    expect(award(reformed)).toMatchObject({ eligibility: 'ELIGIBLE', amountYuan: 2_000_000 });
    const step = award(reformed).steps.find((s) => s.code === 'REFORM')!;
    expect(step.text).toBe('reform (tier amounts WINNER): 100万 → 200万');
    expect(step.zh).toBe('改革（分档金额WINNER）：100万元 → 200万元');
    // The nomination's tier was restated: no step for it.
    expect(award(reformed).steps.filter((s) => s.code === 'REFORM')).toHaveLength(1);
    expect(award(baseline).steps.map((s) => s.code)).not.toContain('REFORM');
    // 2018: three winners, 100万 more each; 2000万 a year less what is owed.
    const [before, after] = [baselineExposure.get(2018)!, reformedExposure.get(2018)!];
    expect(after.exactYuan - before.exactYuan).toBe(3 * 1_000_000);
    expect(after.remainingYuan).toBe(20_000_000 - after.exactYuan);
    expect(reformedExposure.get(2019)!.exactYuan).toBe(baselineExposure.get(2019)!.exactYuan);
    // And after: the ledger and the corpus kept per process are untouched.
    expect(award(await entitlementsOf(winners[0]!))).toMatchObject({ amountYuan: 1_000_000 });
  });

  it('judges an achievement before a reform’s day by the terms as served, and names the reform as a version', async () => {
    const from2018March = [{ ...RAISE, from: '2018-03-01' }];
    const early = (await entitlementsOf(winners[0]!, from2018March)).find(
      (r) => r.incentiveKey === 'china-quality-award',
    )!;
    const late = (await entitlementsOf(winners[2]!, from2018March)).find(
      (r) => r.incentiveKey === 'china-quality-award',
    )!;
    expect(early.amountYuan).toBe(1_000_000);
    expect(late.amountYuan).toBe(2_000_000);
    expect(late.steps.find((s) => s.code === 'VERSION')?.text, JSON.stringify(late.steps)).toBe(
      'the terms in force on 2018-03-15: since 2018-03-01 (reform reforms[0])',
    );
  });

  it('caps 浙江制造 at 80万 instead of 50万', async () => {
    const cap = [{ policy: TAIZHOU, incentive: 'zhejiang-made-certification', cap: { amount: 800_000 } }];
    const made = async (reforms?: object[]) =>
      (await entitlementsOf(zhejiangMade, reforms)).find((r) => r.incentiveKey === 'zhejiang-made-certification')!;
    const [baseline, reformed] = await Promise.all([made(), made(cap)]);
    expect(baseline.amountYuan).toBe(500_000);
    expect(reformed.amountYuan).toBe(800_000);
    expect(reformed.steps.find((s) => s.code === 'REFORM')!.text).toBe('reform (cap): 50万 → 80万');
    expect(reformed.steps.find((s) => s.code === 'CAP')!.text).toContain('80万');
  });

  it('extends 002’s window to 2022: an award of 2021 pays, and its exposure runs to 2022', async () => {
    const extend = [{ policy: '002', effectiveUntil: '2022-12-31' }];
    const input = (reforms?: object[]) => ({
      jurisdiction: 'fj-quanzhou-jinjiang',
      asOf: '2022-12-31',
      reforms,
      achievements: [{ kind: 'CHINA_QUALITY_AWARD', level: 'WINNER', obtainedOn: '2021-06-01' }],
    });
    const quanzhou = await server.db.policy.findUniqueOrThrow({ where: { key: 'quanzhou-2019-quality' } });
    const simulate = async (reforms?: object[]) => {
      const { data, errors } = await server.request<{ simulateEntitlements: { entitlements: Row[] } }, object>(
        SIMULATE,
        { input: { ...input(reforms), policy: gid('Policy', quanzhou.id) } },
      );
      expect(errors).toBeUndefined();
      return data!.simulateEntitlements.entitlements.find((r) => r.incentiveKey === 'china-quality-award')!;
    };
    const [baseline, reformed] = await Promise.all([simulate(), simulate(extend)]);
    expect(baseline).toMatchObject({ eligibility: 'INELIGIBLE', reason: 'OUTSIDE_WINDOW' });
    expect(reformed).toMatchObject({ eligibility: 'ELIGIBLE', amountYuan: 3_000_000 });
    expect(reformed.steps[0]!.text).toBe('reform (window end): 2020-12-31 → 2022-12-31');
    const years = async (reforms?: object[]) => {
      const { data, errors } = await server.request<{ policy: { budgetExposure: Exposure[] } }, object>(
        'query ($r: [ReformInput!]) { policy(key: "002") { budgetExposure(reforms: $r, asOf: "2023-06-30") { year } } }',
        { r: reforms },
      );
      expect(errors).toBeUndefined();
      return data!.policy.budgetExposure.map((y) => y.year);
    };
    expect(await years()).toEqual([2019, 2020]);
    expect(await years(extend)).toEqual([2019, 2020, 2021, 2022]);
  });

  it.each([
    [
      'a percentage of 150',
      { incentive: 'international-trademark-fees', percent: 150 },
      'INVALID_ARGUMENT',
      'percent',
      'percent may be at most 100',
      'percent不得超过100',
    ],
    [
      'a tier list of the wrong length',
      { incentive: 'china-quality-award', tiers: [2_000_000] },
      'INVALID_ARGUMENT',
      'tiers',
      'give one amount for each of the 2 tiers (WINNER, NOMINATION), in that order; got 1',
      'tiers须按顺序为2档（WINNER, NOMINATION）各给一个金额，收到1个',
    ],
    [
      'an unknown incentive',
      { incentive: 'no-such-award', amount: 1 },
      'NOT_FOUND',
      'incentive',
      'policy taizhou-2017-quality has no incentive "no-such-award" (see Policy.incentives)',
      '政策taizhou-2017-quality没有奖励项目“no-such-award”（见Policy.incentives）',
    ],
    [
      'an unknown policy',
      { policy: '999', amount: 1 },
      'NOT_FOUND',
      'policy',
      'no policy has the key or document number "999" (see policies)',
      '没有键或文件编号为“999”的政策（见 policies）',
    ],
    [
      'a figure the rule kind cannot take',
      { incentive: 'well-known-trademark', percent: 50 },
      'INVALID_ARGUMENT',
      'percent',
      'FIXED rules have no percent: change amount',
      'FIXED规则没有percent：可改amount',
    ],
    [
      'a negative amount',
      { incentive: 'well-known-trademark', amount: -5 },
      'INVALID_ARGUMENT',
      'amount',
      'amount must be at least 0',
      'amount不得小于0',
    ],
    [
      'an unknown level',
      { incentive: 'china-quality-award', levels: ['GOLD'] },
      'NOT_FOUND',
      'levels[0]',
      'CHINA_QUALITY_AWARD has no level "GOLD" (levels: WINNER, NOMINATION)',
      'CHINA_QUALITY_AWARD没有级别“GOLD”（级别：WINNER, NOMINATION）',
    ],
    [
      'an unknown jurisdiction in the scope',
      { appliesTo: ['zj-taizhou-jiaojiang', 'nowhere'] },
      'NOT_FOUND',
      'appliesTo[1]',
      'unknown jurisdiction "nowhere"',
      '未知的辖区代码“nowhere”',
    ],
    [
      'a window ending before it starts',
      { effectiveUntil: '2016-01-01' },
      'INVALID_ARGUMENT',
      'effectiveUntil',
      'the window would end (2016-01-01) before it starts (2017-06-07): give effectiveUntil on or after 2017-06-07',
      '有效期截止日（2016-01-01）早于施行日（2017-06-07）：effectiveUntil须不早于2017-06-07',
    ],
    [
      'a change that says nothing',
      { incentive: 'china-quality-award' },
      'INVALID_ARGUMENT',
      '',
      'a reform must change something: a figure, a term, withdraw, add or stacking',
      '改革须有所改变：金额、条款、停止执行、新增奖励或叠加规则',
    ],
    [
      'an added rule of an unknown kind',
      { add: { key: 'new-award', achievement: 'CHINA_QUALITY_AWARD', rule: { kind: 'LOTTERY' } } },
      'INVALID_ARGUMENT',
      'add.rule.kind',
      undefined,
      undefined,
    ],
  ])('refuses %s, naming the field in both languages', async (_name, change, code, field, en, zh) => {
    const reforms = [
      { policy: TAIZHOU, incentive: 'china-quality-award', tiers: [2_000_000, 300_000] },
      { policy: TAIZHOU, ...change },
    ];
    const query = (lang: string) =>
      `query ($input: SimulationInput!) @inContext(language: ${lang}) { simulateEntitlements(input: $input) { totals { exactYuan } } }`;
    const input = {
      jurisdiction: 'zj-taizhou-jiaojiang',
      reforms,
      achievements: [{ kind: 'CHINA_QUALITY_AWARD', level: 'WINNER', obtainedOn: '2018-03-01' }],
    };
    for (const [lang, message] of [
      ['EN', en],
      ['ZH_CN', zh],
    ] as const) {
      const { status, data, errors } = await server.request(query(lang), { input });
      expect(status).toBe(400);
      expect(data ?? null).toBeNull();
      expect(errors![0]!.extensions).toMatchObject({ code, field: `input.reforms[1]${field ? `.${field}` : ''}` });
      if (message) expect(errors![0]!.message).toBe(message);
    }
  });

  it('takes reforms in entitlementTotals and compareIncentives too', async () => {
    const { data, errors } = await server.request<
      { entitlementTotals: Array<{ year: number; exactYuan: number }>; compareIncentives: Array<{ entitlement: Row }> },
      object
    >(
      `query ($reforms: [ReformInput!]) {
        entitlementTotals(input: { groupBy: [YEAR], policy: "${gid('Policy', 1)}", reforms: $reforms, asOf: "2019-12-31" }) { year exactYuan }
        compareIncentives(achievement: { kind: "CHINA_QUALITY_AWARD", level: "WINNER" }, reforms: $reforms) { entitlement { ${ROW} } }
      }`,
      { reforms: [RAISE] },
    );
    expect(errors).toBeUndefined();
    const taizhou = await server.db.policy.findUniqueOrThrow({ where: { key: TAIZHOU } });
    expect(taizhou.id).toBe(1);
    expect(data!.entitlementTotals.find((r) => r.year === 2018)!.exactYuan).toBe(3 * 2_000_000 + 500_000);
    const compared = data!.compareIncentives.find((c) => c.entitlement.policyKey === TAIZHOU)!;
    expect(compared.entitlement.amountYuan).toBe(2_000_000);
  });

  it('a reform restating the figures in force changes nothing, and never changes another request’s answer (generated)', async () => {
    const baseline = new Map<string, Row[]>();
    for (const id of [...winners, zhejiangMade]) baseline.set(id, await entitlementsOf(id));
    // Restatements: each figure of the incentive as the policy file states it.
    const restated = [
      { incentive: 'china-quality-award', tiers: [1_000_000, 300_000] },
      { incentive: 'zhejiang-made-certification', first: 200_000, increment: 100_000, cap: { amount: 500_000 } },
      { incentive: 'international-trademark-fees', percent: 50, cap: { amount: 80_000, per: 'ENTERPRISE_YEAR' } },
      { incentive: 'well-known-trademark', amount: 500_000, recipients: ['ENTERPRISE'] },
    ];
    // Real changes: each would alter some answer, but only of the request that asks.
    const changes = fc.oneof(
      fc.record({
        incentive: fc.constant('china-quality-award'),
        tiers: fc.tuple(fc.nat(5_000_000), fc.nat(1_000_000)),
      }),
      fc.record({
        incentive: fc.constant('zhejiang-made-certification'),
        cap: fc.record({ amount: fc.nat(2_000_000) }),
      }),
      fc.record({
        incentive: fc.constant('china-quality-award'),
        withdraw: fc.constant(true),
        from: fc.constantFrom('2017-06-07', '2018-02-01'),
      }),
      fc.record({ appliesTo: fc.constantFrom(['zj-taizhou-huangyan'], ['zj-taizhou-jiaojiang']) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(restated, { minLength: 1 }),
        fc.array(changes, { minLength: 1, maxLength: 2 }),
        fc.constantFrom(...winners, zhejiangMade),
        async (same, other, id) => {
          const [restatedRows, otherRows, plain] = await Promise.all([
            entitlementsOf(
              id,
              same.map((r) => ({ policy: TAIZHOU, ...r })),
            ),
            entitlementsOf(
              id,
              other.map((r) => ({ policy: TAIZHOU, ...r })),
            ),
            entitlementsOf(id),
          ]);
          expect(restatedRows).toEqual(baseline.get(id));
          expect(plain).toEqual(baseline.get(id));
          expect(otherRows.map((r) => r.achievementId)).toEqual(plain.map((r) => r.achievementId));
        },
      ),
      { seed: 20, numRuns: 12 },
    );
  });

  it('reformImpact: baseline beside reform by year, district and incentive, with the largest changes', async () => {
    const IMPACT = `query ($reforms: [ReformInput!]!) {
      reformImpact(policy: "000", reforms: $reforms, groupBy: [YEAR, JURISDICTION, INCENTIVE], largest: 5) {
        policyKey enterpriseCount
        total { baselineYuan reformYuan deltaYuan gainedCount lostCount changedDispositionCount }
        groups { year jurisdictionCode incentiveKey deltaYuan gainedCount lostCount changedDispositionCount
          baseline { exactYuan enterpriseCount } reform { exactYuan enterpriseCount } }
        years { year deltaYuan baseline { exactYuan remainingYuan } reform { exactYuan remainingYuan fundYuan } }
        largestChanges { enterprise { name } jurisdictionCode baselineYuan reformYuan deltaYuan dispositionChanges }
      }
    }`;
    type Impact = {
      reformImpact: {
        enterpriseCount: number;
        total: Record<string, number>;
        groups: Array<Record<string, unknown> & { baseline: { exactYuan: number }; reform: { exactYuan: number } }>;
        years: Array<{
          year: number;
          deltaYuan: number;
          baseline: { exactYuan: number; remainingYuan: number };
          reform: { exactYuan: number; remainingYuan: number; fundYuan: number };
        }>;
        largestChanges: Array<{ enterprise: { name: string }; deltaYuan: number; dispositionChanges: number }>;
      };
    };
    const withdraw = [{ policy: TAIZHOU, incentive: 'zhejiang-made-certification', withdraw: true }];
    const [raised, withdrawn] = await Promise.all(
      [[RAISE], withdraw].map(async (reforms) => {
        const { data, errors } = await server.request<Impact, object>(IMPACT, { reforms });
        expect(errors).toBeUndefined();
        return data!.reformImpact;
      }),
    );
    expect(raised.enterpriseCount).toBe(4);
    expect(raised.total).toEqual({
      baselineYuan: 3_500_000,
      reformYuan: 6_500_000,
      deltaYuan: 3_000_000,
      gainedCount: 3,
      lostCount: 0,
      changedDispositionCount: 0,
    });
    const award = raised.groups.find((g) => g.incentiveKey === 'china-quality-award')!;
    expect(award).toMatchObject({
      year: 2018,
      jurisdictionCode: 'zj-taizhou-jiaojiang',
      deltaYuan: 3_000_000,
      gainedCount: 3,
      lostCount: 0,
    });
    expect([award.baseline.exactYuan, award.reform.exactYuan]).toEqual([3_000_000, 6_000_000]);
    const year2018 = raised.years.find((y) => y.year === 2018)!;
    expect(year2018.deltaYuan).toBe(3_000_000);
    expect(year2018.reform).toEqual({
      exactYuan: 6_500_000,
      remainingYuan: 20_000_000 - 6_500_000,
      fundYuan: 20_000_000,
    });
    expect(raised.largestChanges.map((c) => [c.enterprise.name, c.deltaYuan])).toEqual([
      ['获奖企业1', 1_000_000],
      ['获奖企业2', 1_000_000],
      ['获奖企业3', 1_000_000],
    ]);
    // Withdrawn: the 浙江制造 enterprise loses its 50万, and its entitlement turns INELIGIBLE.
    expect(withdrawn.total).toMatchObject({
      deltaYuan: -500_000,
      gainedCount: 0,
      lostCount: 1,
      changedDispositionCount: 1,
    });
    expect(withdrawn.largestChanges).toEqual([
      {
        enterprise: { name: '浙江制造企业' },
        jurisdictionCode: 'zj-taizhou-jiaojiang',
        baselineYuan: 500_000,
        reformYuan: 0,
        deltaYuan: -500_000,
        dispositionChanges: 1,
      },
    ]);
  });

  it('exports reformImpact as a report (XLSX with Chinese headers), and refuses a bad reform as WriteRefused', async () => {
    const START = `mutation ($input: StartExportInput!) {
      startExport(input: $input) {
        ... on StartExportPayload { data { id } }
        ... on WriteRefused { code issues { field code } }
      }
    }`;
    type Started = {
      startExport: { data?: { id: string }; code?: string; issues?: Array<{ field: string; code: string }> };
    };
    const policy = gid('Policy', (await server.db.policy.findUniqueOrThrow({ where: { key: TAIZHOU } })).id);
    const start = async (reforms: object[] | undefined, format = 'XLSX') => {
      const { data, errors } = await server.request<Started, object>(START, {
        input: { report: 'REFORM_IMPACT', format, policy, year: 2018, reforms },
      });
      expect(errors).toBeUndefined();
      return data!.startExport;
    };
    expect((await start(undefined)).issues).toEqual([{ field: 'input.reforms', code: 'INVALID_ARGUMENT' }]);
    expect((await start([{ ...RAISE, tiers: [1] }])).issues).toEqual([
      { field: 'input.reforms[0].tiers', code: 'INVALID_ARGUMENT' },
    ]);
    const { data: started } = await start([RAISE]);
    let status = 'QUEUED';
    let url: string | null = null;
    for (let i = 0; i < 600 && ['QUEUED', 'RUNNING'].includes(status); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { data } = await server.request<{ node: { status: string; downloadUrl: string | null } }, object>(
        'query ($id: ID!) { node(id: $id) { ... on ExportJob { status downloadUrl } } }',
        { id: started!.id },
      );
      ({ status, downloadUrl: url } = data!.node);
    }
    expect(status).toBe('COMPLETED');
    const file = await fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${server.adminKey}` } });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await file.arrayBuffer());
    const sheet = workbook.worksheets[1]!;
    expect(sheet.name).toBe('政策调整影响');
    const headers = (sheet.getRow(1).values as string[]).slice(1);
    expect(headers).toContain('调整后金额(元) reformYuan');
    const column = (name: string) => headers.findIndex((h) => h.endsWith(` ${name}`)) + 1;
    const rows = sheet.getRows(2, sheet.rowCount - 1)!;
    const award = rows.find((r) => r.getCell(column('incentive')).value === 'china-quality-award')!;
    expect(
      [
        column('year'),
        column('jurisdictionName'),
        column('baselineYuan'),
        column('reformYuan'),
        column('deltaYuan'),
        column('gained'),
      ].map((c) => award.getCell(c).value),
    ).toEqual([2018, '椒江区', 3_000_000, 6_000_000, 3_000_000, 3]);
  });

  /** 000's scope as served, and the fixtures by district: money owed under 000 and the day obtained. */
  const SERVED = [
    'zj-taizhou-jiaojiang',
    'zj-taizhou-huangyan',
    'zj-taizhou-luqiao',
    'zj-taizhou-bay-cluster',
    'zj-taizhou-economic-development-zone',
  ];
  const FIXTURES = [
    ...[1, 2, 3].map((i) => ({ district: 'zj-taizhou-jiaojiang', yuan: 1_000_000, obtainedOn: `2018-0${i}-15` })),
    { district: 'zj-taizhou-jiaojiang', yuan: 500_000, obtainedOn: '2018-05-01' },
    { district: 'zj-taizhou-linhai', yuan: 1_000_000, obtainedOn: '2018-04-15' },
    { district: 'zj-taizhou-wenling', yuan: 300_000, obtainedOn: '2018-07-01' },
    { district: 'zj-taizhou-linhai', yuan: 0, obtainedOn: null },
  ];
  const IMPACT_TOTAL = `query ($reforms: [ReformInput!]!) {
    reformImpact(policy: "000", reforms: $reforms) { enterpriseCount total { baselineYuan reformYuan gainedCount lostCount } }
  }`;

  it('reformImpact reads the baseline’s scope and the reform’s together, a scope widened from a day included (generated)', async () => {
    const districts = [...new Set([...SERVED, ...FIXTURES.map((f) => f.district), 'zj-taizhou-sanmen'])];
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(districts, { minLength: 1 }),
        fc.constantFrom(null, '2018-03-01', '2018-06-01'),
        async (appliesTo, from) => {
          const { data, errors } = await server.request<
            { reformImpact: { enterpriseCount: number; total: Record<string, number> } },
            object
          >(IMPACT_TOTAL, { reforms: [{ policy: TAIZHOU, appliesTo, from }] });
          expect(errors).toBeUndefined();
          // An achievement is judged by the scope in force on its day: the reform's from its day on.
          const covered = (f: (typeof FIXTURES)[number]) =>
            (from !== null && (f.obtainedOn === null || f.obtainedOn < from) ? SERVED : appliesTo).includes(f.district);
          const owed = (inScope: (f: (typeof FIXTURES)[number]) => boolean) =>
            FIXTURES.filter(inScope).reduce((sum, f) => sum + f.yuan, 0);
          const reached = FIXTURES.filter((f) => SERVED.includes(f.district) || appliesTo.includes(f.district));
          expect(data!.reformImpact.enterpriseCount, JSON.stringify({ appliesTo, from })).toBe(reached.length);
          expect(data!.reformImpact.total).toMatchObject({
            baselineYuan: owed((f) => SERVED.includes(f.district)),
            reformYuan: owed(covered),
          });
        },
      ),
      { seed: 2026120211, numRuns: 10 },
    );
  });

  it('a REFORM_IMPACT export widening the scope counts the union of both scopes as its work, and reaches 100%', async () => {
    const policy = gid('Policy', (await server.db.policy.findUniqueOrThrow({ where: { key: TAIZHOU } })).id);
    const widened = [...SERVED, 'zj-taizhou-linhai', 'zj-taizhou-wenling'];
    for (const reform of [
      { policy: TAIZHOU, appliesTo: widened },
      { policy: TAIZHOU, appliesTo: widened, from: '2018-06-01' },
    ]) {
      const { data, errors } = await server.request<{ startExport: { data: { id: string } } }, object>(
        `mutation ($input: StartExportInput!) { startExport(input: $input) { ... on StartExportPayload { data { id } } } }`,
        { input: { report: 'REFORM_IMPACT', format: 'CSV', policy, reforms: [reform] } },
      );
      expect(errors).toBeUndefined();
      const id = data!.startExport.data.id;
      const seen: number[] = [];
      let status = 'QUEUED';
      for (let i = 0; i < 600 && ['QUEUED', 'RUNNING'].includes(status); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const { data: polled } = await server.request<{ node: { status: string; progress: number } }, object>(
          'query ($id: ID!) { node(id: $id) { ... on ExportJob { status progress } } }',
          { id },
        );
        status = polled!.node.status;
        seen.push(polled!.node.progress);
      }
      expect(status).toBe('COMPLETED');
      expect(seen.at(-1)).toBe(1);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      // Seven enterprises: four in the served districts, three in 临海 and 温岭 that the reform adds.
      const job = await server.db.exportJob.findUniqueOrThrow({
        where: { id: Number(Buffer.from(id, 'base64').toString().split(':')[1]) },
      });
      expect([job.scanTotal, job.scanDone], JSON.stringify(reform)).toEqual([7, 7]);
    }
  });
});
