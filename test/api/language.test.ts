/**
 * The language of an answer (issue 22): Accept-Language chooses it (English without one), an
 * operation's @inContext(language:) and a field's `language` argument override it, and machine
 * fields (codes, amounts, enums) never change with it. Error messages follow it too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportJobDocument, type ExportJobStateFragment } from '../../src/generated/operations.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Answer {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, never> | null;
    errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }>;
  };
}

const SIMULATION = `
  query Simulate($input: SimulationInput!) {
    simulateEntitlements(input: $input) {
      entitlements {
        policyKey incentiveKey eligibility reason amountYuan nature payer disposition
        explanation
        steps { code text values }
      }
    }
  }`;
/** 中国质量奖 in 椒江区 under 台州 2017 (000): 100万 under 二/(四). */
const INPUT = {
  jurisdiction: 'zj-taizhou-jiaojiang',
  asOf: '2019-12-31',
  achievements: [{ kind: 'CHINA_QUALITY_AWARD', level: 'WINNER', obtainedOn: '2018-04-10' }],
};

describe.each(DATABASE_KINDS)('the language of answers on the %s database', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server?.stop());

  async function post(query: string, variables: object, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
  }
  type Row = {
    policyKey: string;
    incentiveKey: string;
    explanation: string;
    steps: Array<{ code: string; text: string; values: unknown }>;
  };
  const taizhou = (answer: Answer) =>
    (answer.body.data!.simulateEntitlements as unknown as { entitlements: Row[] }).entitlements.find(
      (e) => e.policyKey === 'taizhou-2017-quality',
    )!;

  it('explains a simulation in Chinese with Accept-Language: zh-CN and in English without, the figures alike', async () => {
    const [zh, en, none] = await Promise.all([
      post(SIMULATION, { input: INPUT }, { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' }),
      post(SIMULATION, { input: INPUT }, { 'accept-language': 'en-US,en;q=0.9' }),
      post(SIMULATION, { input: INPUT }),
    ]);
    for (const answer of [zh, en, none]) expect(answer.status).toBe(200);
    expect(zh.headers.get('content-language')).toBe('zh-CN');
    expect(none.headers.get('content-language')).toBe('en');
    expect(zh.headers.get('vary')).toMatch(/accept-language/i);

    const [inZh, inEn, inNone] = [zh, en, none].map(taizhou);
    expect(inZh).toMatchObject({
      eligibility: 'ELIGIBLE',
      amountYuan: 1_000_000,
      nature: 'EXACT',
      disposition: 'COUNTED',
    });
    // Machine fields do not change with the language: the same codes, amounts and step values.
    const machine = ({ explanation: _e, steps, ...rest }: Row) => ({
      ...rest,
      steps: steps.map(({ text: _t, ...s }) => s),
    });
    expect(machine(inZh)).toEqual(machine(inEn));
    expect(inEn).toEqual(inNone);

    expect(inEn.explanation).toContain(
      'taizhou-2017-quality clause 二/(四) (China Quality Award), achievement 0: ELIGIBLE',
    );
    expect(inEn.explanation).toContain('= 100万');
    expect(inZh.explanation).toContain('taizhou-2017-quality 条款二/(四)（中国质量奖），成果0：符合条件');
    expect(inZh.steps.find((s) => s.code === 'TIER')).toMatchObject({
      text: '中国质量奖：100万元',
      values: { level: 'WINNER', amountYuan: 1_000_000 },
    });
    expect(inZh.explanation).toContain(`  原文：${inZh.explanation.split('原文：')[1]!.split('\n')[0]}`);
    expect(inZh.explanation).toMatch(/ = 100万元/);
    expect(inZh.steps.find((s) => s.code === 'WINDOW')!.text).toBe(
      '2018-04-10取得，在政策有效期（2017-06-07起）内（新获）',
    );
    expect(inEn.steps.find((s) => s.code === 'WINDOW')!.text).toBe(
      'obtained 2018-04-10, inside 2017-06-07 – open (NEW)',
    );
  });

  it('negotiates: any Chinese reads zh-CN, q-values count, an unknown language reads English', async () => {
    const languageOf = async (header: string) =>
      (await post('{ __typename }', {}, { 'accept-language': header })).headers.get('content-language');
    expect(await languageOf('zh-TW')).toBe('zh-CN');
    expect(await languageOf('zh-Hant-HK, en;q=0.5')).toBe('zh-CN');
    expect(await languageOf('en;q=0.4, zh;q=0.9')).toBe('zh-CN');
    expect(await languageOf('zh;q=0.4, en-GB;q=0.9')).toBe('en');
    expect(await languageOf('fr-FR, de')).toBe('en');
    expect(await languageOf('*')).toBe('en');
  });

  it('overrides the header per operation (@inContext) and per field (language:)', async () => {
    const query = `
      query Simulate($input: SimulationInput!, $language: Language!) @inContext(language: $language) {
        simulateEntitlements(input: $input) {
          entitlements { policyKey explanation english: explanation(language: EN) steps { code text } }
        }
      }`;
    const answer = await post(query, { input: INPUT, language: 'ZH_CN' }, { 'accept-language': 'en' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-language')).toBe('zh-CN');
    const row = (
      answer.body.data!.simulateEntitlements as unknown as { entitlements: Array<Row & { english: string }> }
    ).entitlements.find((e) => e.policyKey === 'taizhou-2017-quality')!;
    expect(row.explanation).toContain('符合条件');
    expect(row.english).toContain(': ELIGIBLE');
    expect(row.steps[0]!.text).toContain('取得');

    const literal = await post(
      `query Simulate($input: SimulationInput!) @inContext(language: EN) {
        simulateEntitlements(input: $input) { entitlements { policyKey explanation chinese: explanation(language: ZH_CN) } }
      }`,
      { input: INPUT },
      { 'accept-language': 'zh-CN' },
    );
    const both = (
      literal.body.data!.simulateEntitlements as unknown as { entitlements: Array<Row & { chinese: string }> }
    ).entitlements.find((e) => e.policyKey === 'taizhou-2017-quality')!;
    expect(both.explanation).toContain(': ELIGIBLE');
    expect(both.chinese).toContain('：符合条件');
  });

  it("says what is wrong in the request's language, with the same code and field", async () => {
    const query = '{ policy(key: "no-such-policy") { key } }';
    const [zh, en] = await Promise.all([
      post(query, {}, { 'accept-language': 'zh-CN' }),
      post(query, {}, { 'accept-language': 'en' }),
    ]);
    expect(zh.body.errors![0]).toMatchObject({
      message: '没有键或文件编号为“no-such-policy”的政策（见 policies）',
      extensions: { code: 'NOT_FOUND', field: 'key' },
    });
    expect(en.body.errors![0]).toMatchObject({
      message: 'no policy has the key or document number "no-such-policy" (see policies)',
      extensions: { code: 'NOT_FOUND', field: 'key' },
    });
    expect(zh.status).toBe(en.status);
    const bad = await post('{ node(id: "bm90IGFuIGlk") { id } }', {}, { 'accept-language': 'zh-CN' });
    expect(bad.body.errors![0]).toMatchObject({
      message: '“bm90IGFuIGlk”不是有效的全局 ID（应为“类型:n”的 base64 编码，n 为 1 至 2147483647）',
      extensions: { code: 'INVALID_ID' },
    });
  });

  it('names jurisdictions, kinds and levels where the engines wrote codes: 临海市, 椒江区, 国家级, “浙江制造”产品认证', async () => {
    const simulate = async (input: object, language: string) =>
      (
        (await post(SIMULATION, { input: { asOf: '2019-12-31', ...input } }, { 'accept-language': language })).body
          .data!.simulateEntitlements as unknown as { entitlements: Row[] }
      ).entitlements.filter((e) => e.policyKey === 'taizhou-2017-quality');
    const outside = {
      jurisdiction: 'zj-taizhou-linhai',
      achievements: [{ kind: 'CHINA_QUALITY_AWARD', level: 'WINNER', obtainedOn: '2018-04-10' }],
    };
    const [zhScope, enScope] = await Promise.all([simulate(outside, 'zh-CN'), simulate(outside, 'en')]);
    expect(zhScope[0]!.steps[0]).toMatchObject({
      code: 'SCOPE',
      text: '临海市不在本政策适用范围内（适用于椒江区、黄岩区、路桥区、台州湾产业集聚区、台州经济开发区）；文件规定临海市可参照执行，本政策不直接给予奖励',
      // Machine fields keep the codes.
      values: { jurisdiction: 'zj-taizhou-linhai', refers: 'zj-taizhou-linhai' },
    });
    expect(enScope[0]!.steps[0]!.text).toMatch(/^Linhai is not covered \(covers Jiaojiang District, /);

    const held = {
      jurisdiction: 'zj-taizhou-jiaojiang',
      achievements: [
        {
          kind: 'INDUSTRIAL_STANDARDIZATION_PILOT',
          level: 'NATIONAL',
          obtainedOn: '2018-04-10',
          facts: ['ACCEPTANCE_PASSED', 'MAIN_UNDERTAKER'],
        },
        { kind: 'ZHEJIANG_MADE_CERTIFICATION', units: 1, obtainedOn: '2016-10-01' },
        { kind: 'ZHEJIANG_MADE_CERTIFICATION', units: 2, obtainedOn: '2018-04-10' },
      ],
    };
    const [zh, en] = await Promise.all([simulate(held, 'zh-CN'), simulate(held, 'en')]);
    const pilot = zh.find((e) => e.incentiveKey === 'industrial-standardization-pilot')!;
    expect(pilot.explanation).toContain('条款四/(十五)（工业标准化试点(示范)项目），成果0：符合条件');
    expect(pilot.explanation).toContain('  - 国家级：50万元');
    expect(en.find((e) => e.incentiveKey === 'industrial-standardization-pilot')!.explanation).toContain(
      '  - level National: 50万',
    );
    const second = zh.find((e) => e.incentiveKey === 'zhejiang-made-certification' && e.explanation.includes('成果2'))!;
    expect(second.explanation).toContain('此前已有“浙江制造”产品认证（成果1，2016-10-01取得）');
    expect(second.explanation).not.toMatch(/ZHEJIANG_MADE|NATIONAL|zj-taizhou/);
  });

  it('names the jurisdiction of a progress summary: 佛山市 and its districts, not their codes', async () => {
    const query = `{
      policy(key: "004") { targets(first: 20) { edges { node { key progress(asOf: "2019-12-31") { explanation } } } } }
    }`;
    const [zh, en] = await Promise.all([post(query, {}, { 'accept-language': 'zh-CN' }), post(query, {}, {})]);
    type Edges = { targets: { edges: Array<{ node: { key: string; progress: { explanation: string } } }> } };
    const texts = (a: Answer) =>
      (a.body.data!.policy as unknown as Edges).targets.edges.map((e) => e.node.progress.explanation);
    const [inZh, inEn] = [texts(zh), texts(en)];
    expect(inZh.every((t) => t.split('\n')[0]!.includes('（佛山市）：'))).toBe(true);
    expect(inEn.every((t) => t.split('\n')[0]!.includes(' for Foshan: '))).toBe(true);
    expect(inZh.join('\n')).not.toMatch(/gd-foshan/);
    expect(inZh.join('\n')).toMatch(/南海区/);
  });

  it('explains progress in Chinese: the clause, the comparator, each period and its reason', async () => {
    const query = `{
      policy(key: "000") { targets(first: 1) { edges { node { progress(asOf: "2019-12-31") {
        status explanation steps { code text } periods { reason targetSource }
      } } } } }
    }`;
    const [zh, en] = await Promise.all([post(query, {}, { 'accept-language': 'zh-CN' }), post(query, {}, {})]);
    type Progress = {
      status: string;
      explanation: string;
      steps: Array<{ code: string; text: string }>;
      periods: Array<{ reason: string; targetSource: string | null }>;
    };
    const progressOf = (a: Answer) =>
      (a.body.data!.policy as unknown as { targets: { edges: Array<{ node: { progress: Progress } }> } }).targets
        .edges[0]!.node.progress;
    const [inZh, inEn] = [progressOf(zh), progressOf(en)];
    expect(inZh.status).toBe(inEn.status);
    expect(inZh.steps.map((s) => s.code)).toEqual(inEn.steps.map((s) => s.code));
    expect(inZh.steps[0]!.text).toMatch(/^taizhou-2017-quality 条款一\/\(二\)：/);
    expect(inZh.steps[1]!.text).toMatch(/^实际值不低于目标值即为达成（GTE：条款原文为“达到”）/);
    expect(inEn.steps[1]!.text).toMatch(/^met when the value is at least the figure \(GTE: the clause says 达到\)/);
    expect(inZh.periods[0]!.reason).toMatch(/无观测值|实际值/);
    expect(inZh.explanation).not.toMatch(/ against | observed | figure /);
  });

  it('writes an export in the language of the request that started it', async () => {
    const auth = { authorization: `Bearer ${server.adminKey}` };
    const policy = (await post('{ policy(key: "000") { id } }', {})).body.data!.policy as unknown as { id: string };
    const reasons = async (language: string) => {
      const started = await post(
        `mutation Start($input: StartExportInput!) {
          startExport(input: $input) { ... on StartExportPayload { data { id } } }
        }`,
        { input: { report: 'TARGET_PROGRESS', format: 'JSONL', policy: policy.id, asOf: '2019-12-31' } },
        { ...auth, 'accept-language': language },
      );
      const id = (started.body.data!.startExport as unknown as { data: { id: string } }).data.id;
      let job: ExportJobStateFragment | undefined;
      for (let i = 0; i < 600 && (!job || ['QUEUED', 'RUNNING'].includes(job.status)); i++) {
        if (job) await new Promise((resolve) => setTimeout(resolve, 100));
        job = (await server.request(ExportJobDocument, { id })).data!.node as ExportJobStateFragment;
      }
      expect(job!.status).toBe('COMPLETED');
      const file = await (await fetch(`${server.url}${job!.downloadUrl}`, { headers: auth })).text();
      return file
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { status: string; reason: string }).reason);
    };
    const [zh, en] = [await reasons('zh-CN'), await reasons('en')];
    expect(zh).toHaveLength(en.length);
    expect(zh.some((r) => /无观测值|实际值/.test(r))).toBe(true);
    expect(zh.join('')).not.toMatch(/nothing observed| against /);
    expect(en.some((r) => /nothing observed| against /.test(r))).toBe(true);
  });
});
