/**
 * Target progress over GraphQL on 004 佛山's real quotas and 000 台州's pass rate: observations
 * recorded through the API, bad ones refused with nothing stored, the matrix in one request at a
 * fixed statement count, and the chart.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditLogDocument,
  ProgressMatrixDocument,
  RecordObservationsDocument,
  TargetProgressDocument,
} from '../../src/generated/operations.js';
import { issueKey } from '../../src/auth/keys.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');
const FOSHAN = 'foshan-2017-industrial-quality';
const leaders: Record<string, [number, number]> = {
  'gd-foshan-chancheng': [25, 25],
  'gd-foshan-nanhai': [40, 40],
  'gd-foshan-shunde': [36, 35],
  'gd-foshan-gaoming': [15, 10],
  'gd-foshan-sanshui': [16, 16],
};

describe.each(DATABASE_KINDS)('target progress on %s database', (kind) => {
  let server: TestServer;
  let leadersId = '';
  let quotasId = '';
  let passRateId = '';

  const targetId = async (policy: string, key: string) =>
    globalId('Target', (await server.db.target.findFirstOrThrow({ where: { key, policy: { key: policy } } })).id);

  beforeAll(async () => {
    server = await startTestServer(kind);
    leadersId = await targetId(FOSHAN, 'segment-leading-enterprises');
    quotasId = await targetId(FOSHAN, 'segment-leading-enterprises-districts-yearly');
    passRateId = await targetId('taizhou-2017-quality', 'manufacturing-pass-rate-2020');
    const input = Object.entries(leaders).flatMap(([jurisdiction, [y2017, y2018]]) => [
      { indicator: 'SEGMENT_LEADING_ENTERPRISES', jurisdiction, year: 2017, value: y2017, source: '区市场监管局' },
      { indicator: 'SEGMENT_LEADING_ENTERPRISES', jurisdiction, year: 2018, value: y2018, source: '区市场监管局' },
    ]);
    input.push(
      ...[2017, 2018, 2019].map((year, i) => ({
        indicator: 'MANUFACTURING_PRODUCT_PASS_RATE',
        jurisdiction: 'zj-taizhou',
        year,
        value: [92, 93, 93.4][i]!,
        source: '台州市统计公报',
      })),
    );
    const { data, errors } = await server.request(RecordObservationsDocument, { input });
    expect([errors, data!.recordObservations.__typename]).toEqual([undefined, 'RecordObservationsPayload']);
  });
  afterAll(() => server?.stop());

  it('finds 高明 behind its yearly segment-leader quota while 佛山, summed from its districts, is on track to 350', async () => {
    const { data, errors } = await server.request(TargetProgressDocument, { id: leadersId, asOf: '2018-12-31' });
    expect(errors).toBeUndefined();
    if (data!.node?.__typename !== 'Target') throw new Error('expected a Target');
    const { progress } = data!.node;
    expect(progress).toMatchObject({ jurisdictionCode: 'gd-foshan', status: 'ON_TRACK' });
    expect(progress.periods[0]).toMatchObject({
      targetValue: 350,
      observed: 258,
      derivedFromDistricts: true,
      expected: 233.3333,
    });
    expect(progress.explanation).toContain('foshan-2017-industrial-quality clause 附件/4');
    const quotas = await server.request(TargetProgressDocument, { id: quotasId, asOf: '2018-12-31' });
    if (quotas.data!.node?.__typename !== 'Target') throw new Error('expected a Target');
    expect(quotas.data!.node.districtsBehind).toEqual([
      { jurisdictionCode: 'gd-foshan-gaoming', status: 'AT_RISK', year: 2018, targetValue: 15, observed: 10, gap: 5 },
    ]);
  });

  it("reports the districts' quotas against the city's figure where they disagree: 400 QMS certifications a year against 500", async () => {
    const { data } = await server.request(TargetProgressDocument, {
      id: await targetId(FOSHAN, 'qms-certified-enterprises-yearly'),
      asOf: '2018-12-31',
    });
    if (data!.node?.__typename !== 'Target') throw new Error('expected a Target');
    expect(data!.node.quotaRollup).toEqual(
      [2017, 2018, 2019].map((year) => ({ year, districts: 5, districtSum: 400, cityFigure: 500, difference: -100 })),
    );
  });

  it('draws the districts of the segment-leader quota side by side, 高明 behind', async () => {
    const { data } = await server.request(TargetProgressDocument, { id: quotasId, asOf: '2018-12-31' });
    if (data!.node?.__typename !== 'Target') throw new Error('expected a Target');
    const url = data!.node.progress.districtsChartUrl;
    expect(url).toBe(`/charts/targets/${quotasId}/districts.svg?asOf=2018-12-31`);
    const response = await fetch(`${server.url}${url}`);
    expect([response.status, response.headers.get('content-type')]).toEqual([200, 'image/svg+xml; charset=utf-8']);
    const svg = await response.text();
    const bars = [...svg.matchAll(/aria-label="([^"]*年[^"]*（[^"]*）)"/g)].map((m) => m[1]);
    expect(bars).toEqual(
      expect.arrayContaining(['高明区 2018年目标值：15个（进度滞后）', '高明区 2018年观测值：10个（进度滞后）']),
    );
    expect(svg).toContain('落后：1 个辖区');
  });

  it("serves 004's whole matrix in one request, at the statement count of a much smaller one", async () => {
    const foshan = await server.request(ProgressMatrixDocument, { key: FOSHAN, asOf: '2018-12-31' });
    expect(foshan.errors).toBeUndefined();
    const cells = foshan.data!.policy.progressMatrix;
    // 70 targets for the city, plus one row per district each schedule names or a per-jurisdiction target applies to.
    const districtRows = (
      await server.db.targetScheduleEntry.groupBy({
        by: ['targetId', 'jurisdictionId'],
        where: { target: { policy: { key: FOSHAN } }, jurisdictionId: { not: null } },
      })
    ).length;
    const perJurisdiction = await server.db.target.findMany({
      where: { policy: { key: FOSHAN }, per: 'EACH_JURISDICTION' },
      select: { _count: { select: { appliesTo: true } } },
    });
    expect(perJurisdiction.map((t) => t._count.appliesTo)).toEqual([5, 5]);
    expect(cells).toHaveLength(70 + districtRows + 10);
    const gaoming = cells.find(
      (c) =>
        c.target.key === 'segment-leading-enterprises-districts-yearly' && c.jurisdictionCode === 'gd-foshan-gaoming',
    )!;
    expect(gaoming.periods.map((p) => [p.year, p.targetValue, p.observed, p.status])).toEqual([
      [2017, 15, 15, 'ACHIEVED'],
      [2018, 15, 10, 'AT_RISK'],
      [2019, 15, null, 'NO_DATA'],
    ]);
    // 各区…巡查每年不少于1次: the city's line and each district's own.
    expect(
      cells
        .filter((c) => c.target.key === 'licensed-enterprise-patrol-coverage-districts-yearly')
        .map((c) => [c.jurisdictionCode, c.periods[0]!.targetValue]),
    ).toEqual([
      ['gd-foshan', 5],
      ['gd-foshan-chancheng', 100],
      ['gd-foshan-gaoming', 100],
      ['gd-foshan-nanhai', 100],
      ['gd-foshan-sanshui', 100],
      ['gd-foshan-shunde', 100],
    ]);
    // 001 has 58 targets and few district figures: far fewer cells, the same statements.
    const loudi = await server.request(ProgressMatrixDocument, { key: 'loudi-2017-quality', asOf: '2018-12-31' });
    expect(loudi.data!.policy.progressMatrix.length).toBeLessThan(cells.length / 3);
    expect(foshan.extensions?.sqlStatements).toBe(loudi.extensions?.sqlStatements);
  });

  it('serves what a target means: GT for 超过, per-row comparators, per-jurisdiction figures and whom they bind', async () => {
    const query = `query ($id: ID!) { node(id: $id) { ... on Target {
      key comparator per value appliesTo { code } schedule { year value comparator jurisdiction { code } } } } }`;
    type Node = {
      node: {
        key: string;
        comparator: string;
        per: string;
        value: number | null;
        appliesTo: Array<{ code: string }>;
        schedule: Array<{
          year: number;
          value: number;
          comparator: string | null;
          jurisdiction: { code: string } | null;
        }>;
      };
    };
    const read = async (key: string) =>
      (await server.request<Node, { id: string }>(query, { id: await targetId(FOSHAN, key) })).data!.node;
    const drafted = await read('standards-drafted-yearly');
    expect(drafted).toMatchObject({ comparator: 'GT', per: 'SCOPE', value: 20, appliesTo: [] });
    expect(drafted.schedule[0]).toEqual({
      year: 2017,
      value: 2,
      comparator: 'GTE',
      jurisdiction: { code: 'gd-foshan-chancheng' },
    });
    expect(await read('licensed-enterprise-patrol-coverage-districts-yearly')).toMatchObject({
      comparator: 'GTE',
      per: 'EACH_JURISDICTION',
      value: 100,
      schedule: [],
      appliesTo: ['chancheng', 'gaoming', 'nanhai', 'sanshui', 'shunde'].map((d) => ({ code: `gd-foshan-${d}` })),
    });
  });

  it('filters the matrix by status', async () => {
    const { data } = await server.request(ProgressMatrixDocument, {
      key: FOSHAN,
      asOf: '2018-12-31',
      status: ['AT_RISK'],
    });
    expect(data!.policy.progressMatrix.map((c) => [c.target.key, c.jurisdictionCode])).toEqual([
      ['segment-leading-enterprises-districts-yearly', 'gd-foshan-gaoming'],
    ]);
  });

  it.each([
    [{ indicator: 'NO_SUCH_INDICATOR' }, 'NOT_FOUND', 'input[0].indicator'],
    [{ jurisdiction: 'gd-foshan-atlantis' }, 'NOT_FOUND', 'input[0].jurisdiction'],
    [{ year: 2030 }, 'INVALID_ARGUMENT', 'input[0].year'],
    [{ indicator: 'INDUSTRIAL_PRODUCT_SAMPLING_PASS_RATE', value: 101 }, 'INVALID_ARGUMENT', 'input[0].value'],
    [{ value: -3 }, 'INVALID_ARGUMENT', 'input[0].value'],
    [{ year: 2018, value: 41 }, 'DUPLICATE', 'input[0].supersedes'],
    [{ supersedes: globalId('Observation', 999_999) }, 'NOT_FOUND', 'input[0].supersedes'],
  ])('refuses %j with %s on %s, storing nothing', async (patch, code, field) => {
    const before = await server.db.observation.count();
    const row = {
      indicator: 'SEGMENT_LEADING_ENTERPRISES',
      jurisdiction: 'gd-foshan-nanhai',
      year: 2019,
      value: 30,
      source: '区市场监管局',
      ...patch,
    };
    const good = {
      indicator: 'SEGMENT_LEADING_ENTERPRISES',
      jurisdiction: 'gd-foshan-shunde',
      year: 2019,
      value: 30,
      source: '区市场监管局',
    };
    const { data, errors, status } = await server.request(RecordObservationsDocument, { input: [row, good] });
    expect([status, errors]).toEqual([200, undefined]);
    expect(data!.recordObservations).toMatchObject({
      __typename: 'WriteRefused',
      code,
      issues: [{ row: 1, field, code }],
    });
    expect(await server.db.observation.count()).toBe(before);
  });

  it('lets a correction supersede a value, keeping both, and the progress follows the latest', async () => {
    const old = await server.db.observation.findFirstOrThrow({
      where: {
        indicator: { code: 'SEGMENT_LEADING_ENTERPRISES' },
        jurisdiction: { code: 'gd-foshan-gaoming' },
        year: 2018,
      },
    });
    const { data, errors } = await server.request(RecordObservationsDocument, {
      input: [
        {
          indicator: 'SEGMENT_LEADING_ENTERPRISES',
          jurisdiction: 'gd-foshan-gaoming',
          year: 2018,
          value: 16,
          source: '区市场监管局',
          supersedes: globalId('Observation', old.id),
        },
      ],
    });
    expect(errors).toBeUndefined();
    if (data!.recordObservations.__typename !== 'RecordObservationsPayload') throw new Error('expected observations');
    const [recorded] = data!.recordObservations.data;
    expect(recorded!.supersedes).toEqual({ id: globalId('Observation', old.id), value: 10 });
    expect(
      await server.db.observation.count({ where: { jurisdiction: { code: 'gd-foshan-gaoming' }, year: 2018 } }),
    ).toBe(2);
    const log = await server.request(AuditLogDocument, { entity: 'Observation', first: 1 });
    expect(log.data!.auditLog.edges[0]!.node).toMatchObject({
      action: 'correct',
      actor: 'admin:test administrator',
      after: { value: 16 },
    });
    const progress = await server.request(TargetProgressDocument, {
      id: quotasId,
      asOf: '2018-12-31',
      jurisdiction: 'gd-foshan-gaoming',
    });
    if (progress.data!.node?.__typename !== 'Target') throw new Error('expected a Target');
    expect(progress.data!.node.progress.periods[1]).toMatchObject({ observed: 16, status: 'ACHIEVED' });
    const again = await server.request(RecordObservationsDocument, {
      input: [
        {
          indicator: 'SEGMENT_LEADING_ENTERPRISES',
          jurisdiction: 'gd-foshan-gaoming',
          year: 2018,
          value: 17,
          source: '区市场监管局',
          supersedes: globalId('Observation', old.id),
        },
      ],
    });
    expect(again.data!.recordObservations).toMatchObject({
      __typename: 'WriteRefused',
      code: 'DUPLICATE',
      issues: [{ row: 1, field: 'input[0].supersedes', code: 'DUPLICATE' }],
    });
    // Named by the global IDs a caller passes back in supersedes, not by row ids.
    expect((again.data!.recordObservations as { message: string }).message).toContain(
      `observation ${globalId('Observation', old.id)} was already corrected by ${recorded!.id}`,
    );
  });

  it('gives observations global IDs that node(id) and nodes(ids) answer to every caller, observations being public', async () => {
    const recorded = await server.db.observation.findFirstOrThrow({
      where: {
        indicator: { code: 'MANUFACTURING_PRODUCT_PASS_RATE' },
        jurisdiction: { code: 'zj-taizhou' },
        year: 2018,
      },
    });
    const id = globalId('Observation', recorded.id);
    const query = `query($id: ID!) {
      node(id: $id) { __typename id ... on Observation { year value source jurisdiction { code } indicator { code } } }
      nodes(ids: [$id]) { id }
    }`;
    const nanhai = await issueKey(server.db, {
      name: `南海-${kind}`,
      role: 'AGENCY',
      jurisdictions: ['gd-foshan-nanhai'],
    });
    for (const key of [null, nanhai, server.adminKey]) {
      const { data, errors } = await server.request<
        {
          node: { __typename: string; id: string; year: number; value: number; jurisdiction: { code: string } } | null;
          nodes: Array<{ id: string }>;
        },
        { id: string }
      >(query, { id }, { key });
      expect(errors).toBeUndefined();
      expect(data!.node).toEqual({
        __typename: 'Observation',
        id,
        year: 2018,
        value: 93,
        source: '台州市统计公报',
        jurisdiction: { code: 'zj-taizhou' },
        indicator: { code: 'MANUFACTURING_PRODUCT_PASS_RATE' },
      });
      expect(data!.nodes).toEqual([{ id }]);
    }
    const missing = await server.request<{ node: null }, { id: string }>(query, {
      id: globalId('Observation', 999_999),
    });
    expect([missing.data?.node, missing.errors]).toEqual([null, undefined]);
    const wrongType = await server.request(RecordObservationsDocument, {
      input: [
        {
          indicator: 'MANUFACTURING_PRODUCT_PASS_RATE',
          jurisdiction: 'zj-taizhou',
          year: 2018,
          value: 93.1,
          source: '台州市统计公报',
          supersedes: leadersId,
        },
      ],
    });
    expect(wrongType.errors?.[0]?.extensions).toMatchObject({ code: 'WRONG_ID_TYPE', field: 'input[0].supersedes' });
  });

  it('counts new well-known trademarks from recorded achievements, unless an official figure is recorded', async () => {
    const { db } = server;
    const kind = await db.achievementKind.findUniqueOrThrow({ where: { code: 'WELL_KNOWN_TRADEMARK' } });
    for (const [code, dates] of [
      ['gd-foshan-nanhai', ['2017-05-01', '2018-05-01', '2018-09-01']],
      ['gd-foshan-shunde', ['2018-03-01']],
    ] as const) {
      const jurisdiction = await db.jurisdiction.findUniqueOrThrow({ where: { code } });
      for (const date of dates) {
        const enterprise = await db.enterprise.create({
          data: { name: `${code}商标企业`, jurisdictionId: jurisdiction.id },
        });
        await db.achievement.create({
          data: { enterpriseId: enterprise.id, kindId: kind.id, obtainedOn: new Date(date) },
        });
      }
    }
    const id = await targetId(FOSHAN, 'new-well-known-trademarks-2019');
    const city = await server.request(TargetProgressDocument, { id, asOf: '2018-12-31' });
    if (city.data!.node?.__typename !== 'Target') throw new Error('expected a Target');
    // 1 in 2017, 3 in 2018: 4 of the 7 by end-2019, behind the 4.6667 expected on the path.
    expect(city.data!.node.progress.periods[0]).toMatchObject({
      targetValue: 7,
      observed: 4,
      expected: 4.6667,
      status: 'AT_RISK',
    });
    expect(city.data!.node.progress.explanation).toContain(
      'achievements of WELL_KNOWN_TRADEMARK recorded in PolicyGraph',
    );
    const { data, errors } = await server.request(RecordObservationsDocument, {
      input: [
        {
          indicator: 'WELL_KNOWN_TRADEMARKS_NEW',
          jurisdiction: 'gd-foshan',
          year: 2018,
          value: 4,
          source: '佛山市工商局',
        },
      ],
    });
    expect([errors, data!.recordObservations.__typename]).toEqual([undefined, 'RecordObservationsPayload']);
    const official = await server.request(TargetProgressDocument, { id, asOf: '2018-12-31' });
    if (official.data!.node?.__typename !== 'Target') throw new Error('expected a Target');
    expect(official.data!.node.progress.periods[0]).toMatchObject({ observed: 5, status: 'ON_TRACK' });
  });

  it('applies a retried recording once', async () => {
    const input = [
      {
        indicator: 'QMS_CERTIFIED_ENTERPRISES_NEW',
        jurisdiction: 'gd-foshan-sanshui',
        year: 2018,
        value: 31,
        source: '三水区市场监管局',
      },
    ];
    const first = await server.request(RecordObservationsDocument, { input, idempotencyKey: 'obs-7' });
    const before = await server.db.observation.count();
    const retry = await server.request(RecordObservationsDocument, { input, idempotencyKey: 'obs-7' });
    expect(retry.errors).toBeUndefined();
    const ids = (answer: typeof first) =>
      answer.data!.recordObservations.__typename === 'RecordObservationsPayload'
        ? answer.data!.recordObservations.data.map((o) => o.id)
        : answer.data!.recordObservations;
    expect(ids(retry)).toEqual(ids(first));
    expect(ids(first)).toHaveLength(1);
    expect(await server.db.observation.count()).toBe(before);
  });

  it('draws the pass-rate chart in Chinese: the observed series, the target path to 95%, the deadline, the clause', async () => {
    const { data } = await server.request(TargetProgressDocument, { id: passRateId, asOf: '2019-12-31' });
    if (data!.node?.__typename !== 'Target') throw new Error('expected a Target');
    expect(data!.node.progress.status).toBe('AT_RISK');
    expect(data!.node.progress.chartUrl).toBe(
      `/charts/targets/${passRateId}.svg?jurisdiction=zj-taizhou&asOf=2019-12-31`,
    );
    const response = await fetch(`${server.url}${data!.node.progress.chartUrl}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('image/svg+xml');
    const svg = await response.text();
    const labels = [...svg.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]);
    expect(labels).toEqual(
      expect.arrayContaining([
        '观测值 2017年：92%',
        '观测值 2018年：93%',
        '观测值 2019年：93.4%',
        '目标路径 2020年：95%',
        '截止 2020-12-31',
        "Title text '制造业产品质量合格率 · 台州市'",
      ]),
    );
    expect(svg).toMatch(/进度滞后 · 截至 2019-12-31 台州市人民政府关于[^<]* · 条款 一\/\(二\)/);
    expect(svg).toContain('制造业产品质量合格率（%）');
    expect(svg).not.toContain('MANUFACTURING_PRODUCT_PASS_RATE');
    expect(svg).not.toContain('无观测数据');
    // A district without observations (nor a figure of its own): the chart says so.
    const empty = await (
      await fetch(`${server.url}/charts/targets/${passRateId}.svg?jurisdiction=zj-taizhou-jiaojiang&asOf=2019-12-31`)
    ).text();
    expect(empty).toContain('无观测数据');
    expect(empty).toContain("Title text '制造业产品质量合格率 · 椒江区'");
    expect(empty).toContain('截止 2020-12-31');
    expect(empty).not.toContain('NaN');
  });

  it('answers bad chart requests with a typed 4xx', async () => {
    const cases: Array<[string, number, string, string]> = [
      ['/charts/targets/bm90LWFuLWlk.svg', 400, 'INVALID_ID', 'id'],
      [`/charts/targets/${globalId('Target', 999_999)}.svg`, 404, 'NOT_FOUND', 'id'],
      [`/charts/targets/${globalId('Policy', 1)}.svg`, 400, 'WRONG_ID_TYPE', 'id'],
      [`/charts/targets/${passRateId}.svg?jurisdiction=zj-nowhere`, 404, 'NOT_FOUND', 'jurisdiction'],
      [`/charts/targets/${passRateId}.svg?asOf=2019-13-45`, 400, 'INVALID_ARGUMENT', 'asOf'],
      [`/charts/targets/${passRateId}.png`, 404, 'NOT_FOUND', 'path'],
      ['/charts/targets/bm90LWFuLWlk/districts.svg', 400, 'INVALID_ID', 'id'],
      [`/charts/targets/${globalId('Target', 999_999)}/districts.svg`, 404, 'NOT_FOUND', 'id'],
      [`/charts/targets/${leadersId}/districts.svg?asOf=yesterday`, 400, 'INVALID_ARGUMENT', 'asOf'],
    ];
    for (const [path, status, code, field] of cases) {
      const response = await fetch(`${server.url}${path}`);
      expect([path, response.status, await response.json()]).toEqual([
        path,
        status,
        { code, field, message: expect.any(String) },
      ]);
    }
    // Any id (garbage, another type, a huge or missing number) on either chart: a typed 4xx, never a 5xx.
    const ids = fc.sample(
      fc.oneof(
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
        fc
          .tuple(
            fc.constantFrom('Target', 'Policy', 'Enterprise', 'target', ''),
            fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 10n ** 20n })),
          )
          .map(([type, n]) => globalId(type, Number(n)).replace(/=+$/, '')),
      ),
      { seed: 2026_12_01, numRuns: 40 },
    );
    for (const id of ids)
      for (const path of [`/charts/targets/${id}.svg`, `/charts/targets/${id}/districts.svg`]) {
        const response = await fetch(`${server.url}${path}`);
        if (response.status === 200) continue; // a real target's id, drawn
        const body = (await response.json()) as { code: string };
        expect([path, response.status < 500, ['INVALID_ID', 'WRONG_ID_TYPE', 'NOT_FOUND'].includes(body.code)]).toEqual(
          [path, true, true],
        );
      }
  });
});
