/**
 * The read API end to end: real operations from schema/operations (typed by codegen) sent to a
 * running server, on the embedded database and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AchievementsDocument,
  EnterprisesDocument,
  type EnterprisesQuery,
  type EnterprisesQueryVariables,
  IncentivesDocument,
  NodeDocument,
  PolicyDetailDocument,
  PolicyTreeDocument,
  TargetsDocument,
  VocabularyDocument,
} from '../../src/generated/operations.js';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { readCorpus } from '../../src/corpus/read.js';
import { clausePaths } from '../../src/format/policy.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe.each(DATABASE_KINDS)('read API on %s database', (kind) => {
  let server: TestServer;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    server = await startTestServer(kind);
    const { db } = server;
    const district = (code: string) => db.jurisdiction.findUniqueOrThrow({ where: { code } });
    const jiaojiang = await district('zj-taizhou-jiaojiang');
    const huangyan = await district('zj-taizhou-huangyan');
    const cqa = await db.achievementKind.findUniqueOrThrow({ where: { code: 'CHINA_QUALITY_AWARD' } });
    // 25 enterprises in 椒江区, 5 in 黄岩区, so paging and jurisdiction filters have something to cut.
    for (let i = 1; i <= 30; i++) {
      const enterprise = await db.enterprise.create({
        data: {
          name: `测试企业${String(i).padStart(2, '0')}`,
          jurisdictionId: i <= 25 ? jiaojiang.id : huangyan.id,
          industry: i % 2 ? '智能马桶' : '模具',
        },
      });
      await db.achievement.create({
        data: {
          enterpriseId: enterprise.id,
          kindId: cqa.id,
          level: i % 3 ? 'NOMINATION' : 'WINNER',
          obtainedOn: new Date(Date.UTC(2017 + (i % 4), 6, 1)),
        },
      });
      ids[`enterprise${i}`] = enterprise.id;
    }
  });
  afterAll(() => server?.stop());

  it('holds all five documents, every clause, incentive and target of each', async () => {
    const stored = await server.db.policy.findMany({
      select: { key: true, _count: { select: { clauses: true, incentives: true, targets: true } } },
      orderBy: { key: 'asc' },
    });
    const corpus = readCorpus(CORPUS_DIR);
    const expected = corpus.policies
      .map((p) => ({
        key: p.key,
        _count: { clauses: clausePaths(p.clauses).size, incentives: p.incentives.length, targets: p.targets.length },
      }))
      .sort((a, b) => a.key.localeCompare(b.key));
    expect(stored).toEqual(expected);
    expect(stored.find((p) => p.key === 'foshan-2017-industrial-quality')!._count).toEqual({
      clauses: 87,
      incentives: 3,
      targets: 70,
    });
  });

  it('serves a policy with its dates, scope, stacking rule and fund as the document states them', async () => {
    const { data, errors } = await server.request(PolicyDetailDocument, { key: 'taizhou-2017-quality' });
    expect(errors).toBeUndefined();
    const policy = data!.policy;
    expect(policy.issuedOn).toBe('2017-06-07');
    expect(policy.jurisdiction.name).toBe('台州市');
    expect(policy.appliesTo.map((j) => j.name).sort()).toEqual(
      ['台州湾产业集聚区', '台州经济开发区', '椒江区', '路桥区', '黄岩区'].sort(),
    );
    expect(policy.mayReferTo.map((j) => j.name)).toContain('临海市');
    expect(policy.stacking.rule).toBe('BEST_SINGLE_PER_PROJECT');
    expect(policy.fund).toEqual({ amountYuan: 20_000_000, period: 'YEAR' });
    const cqa = policy.incentives.edges
      .map((e) => e.node)
      .find((i) => i.achievementKind.code === 'CHINA_QUALITY_AWARD');
    expect(cqa?.rule).toMatchObject({
      kind: 'TIERED',
      tiers: [
        { level: 'WINNER', amount: 1_000_000 },
        { level: 'NOMINATION', amount: 300_000 },
      ],
    });
  });

  it('finds a policy by its short document number as by its key, and names both when neither matches', async () => {
    const query = 'query($key: String!) { policy(key: $key) { key source } }';
    for (const [number, key] of [
      ['000', 'taizhou-2017-quality'],
      ['002', 'quanzhou-2019-quality'],
      ['004', 'foshan-2017-industrial-quality'],
    ]) {
      const { data, errors } = await server.request<{ policy: { key: string; source: string } }, object>(query, {
        key: number,
      });
      expect(errors).toBeUndefined();
      expect(data!.policy.key).toBe(key);
      expect(data!.policy.source.startsWith(`${number}_`)).toBe(true);
    }
    const missing = await server.request(query, { key: '009' });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'key' });
    expect(missing.errors?.[0]?.message).toContain('key or document number "009"');
  });

  it('filters incentives by achievement kind and rule kind', async () => {
    const cqa = await server.request(IncentivesDocument, {
      filter: { achievementKind: { equals: 'CHINA_QUALITY_AWARD' } },
      first: 50,
    });
    const taizhou = cqa.data!.incentives.edges.find((e) => e.node.policy.key === 'taizhou-2017-quality')!.node;
    expect(taizhou.ruleText).toBe('by level: 100万 (WINNER), 30万 (NOMINATION)');
    expect(taizhou.clause.path).toBe('二/(四)');
    const quanzhou = cqa.data!.incentives.edges.find((e) => e.node.policy.key === 'quanzhou-2019-quality')!.node;
    expect(quanzhou).toMatchObject({ ruleText: 'by level: 300万 (WINNER), 50万 (NOMINATION)', payer: 'CITY' });
    // 娄底 promises 適當獎勵 for the same award: a reward with no sum.
    const loudi = cqa.data!.incentives.edges.find((e) => e.node.policy.key === 'loudi-2017-quality')!.node;
    expect(loudi.ruleKind).toBe('UNSPECIFIED');
    expect(loudi.quote).toContain('中國質量獎');
    const capped = await server.request(IncentivesDocument, {
      filter: { ruleKind: { equals: 'PERCENTAGE' } },
      first: 50,
    });
    const fees = capped
      .data!.incentives.edges.map((e) => e.node)
      .find((i) => i.key === 'international-trademark-fees')!;
    expect(fees.cap).toEqual({ amountYuan: 80_000, per: 'ENTERPRISE_YEAR' });
    expect(fees.ruleText).toBe('50% of the cost paid; at most 8万 per enterprise per year');
  });

  it('pages through a connection with cursors and a total count', async () => {
    const seen: string[] = [];
    let after: string | null | undefined = null;
    let pages = 0;
    do {
      const response: Awaited<ReturnType<typeof server.request<EnterprisesQuery, EnterprisesQueryVariables>>> =
        await server.request(EnterprisesDocument, { first: 7, after });
      const { data, errors } = response;
      expect(errors).toBeUndefined();
      expect(data!.enterprises.totalCount).toBe(30);
      seen.push(...data!.enterprises.edges.map((e) => e.node.name));
      after = data!.enterprises.pageInfo.hasNextPage ? data!.enterprises.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    expect(pages).toBe(5);
    expect(new Set(seen).size).toBe(30);
    expect(seen[0]).toBe('测试企业01');
  });

  it('filters enterprises by jurisdiction, a city including its districts', async () => {
    const jurisdictions = await server.request(VocabularyDocument);
    const idOf = (code: string) => jurisdictions.data!.jurisdictions.edges.find((e) => e.node.code === code)!.node.id;
    const huangyan = await server.request(EnterprisesDocument, {
      filter: { jurisdiction: idOf('zj-taizhou-huangyan') },
    });
    expect(huangyan.data!.enterprises.totalCount).toBe(5);
    const city = await server.request(EnterprisesDocument, { filter: { jurisdiction: idOf('zj-taizhou') } });
    expect(city.data!.enterprises.totalCount).toBe(30);
    const foshan = await server.request(EnterprisesDocument, { filter: { jurisdiction: idOf('gd-foshan') } });
    expect(foshan.data!.enterprises.totalCount).toBe(0);
    const industry = await server.request(EnterprisesDocument, { filter: { industry: { equals: '模具' } } });
    expect(industry.data!.enterprises.totalCount).toBe(15);
  });

  it('filters achievements by kind and date range', async () => {
    const { data } = await server.request(AchievementsDocument, {
      filter: { kind: { equals: 'CHINA_QUALITY_AWARD' }, obtainedOn: { gte: '2018-01-01', lte: '2018-12-31' } },
      first: 50,
    });
    // i % 4 === 1 → 2018: i = 1, 5, 9, …, 29 → 8 enterprises.
    expect(data!.achievements.totalCount).toBe(8);
    expect(data!.achievements.edges.every((e) => e.node.obtainedOn.startsWith('2018'))).toBe(true);
  });

  it('filters targets by policy and kind', async () => {
    const policy = await server.request(PolicyDetailDocument, { key: 'taizhou-2017-quality' });
    const all = await server.request(TargetsDocument, {
      filter: { policy: { id: { equals: policy.data!.policy.id } } },
      first: 100,
    });
    expect(all.data!.targets.totalCount).toBe(policy.data!.policy.targets.totalCount);
    const floors = await server.request(TargetsDocument, {
      filter: { policy: { id: { equals: policy.data!.policy.id } }, kind: { equals: 'FLOOR' } },
    });
    expect(floors.data!.targets.edges.map((e) => [e.node.indicator.code, e.node.value])).toEqual([
      ['AGRI_STANDARDIZED_PRODUCTION_RATE', 62],
    ]);
    const passRate = all.data!.targets.edges.find(
      (e) => e.node.indicator.code === 'MANUFACTURING_PRODUCT_PASS_RATE',
    )!.node;
    expect(passRate).toMatchObject({ kind: 'REACH', value: 95, deadline: '2020-12-31' });
  });

  it('round-trips every node type through node(id)', async () => {
    const tree = await server.request(PolicyTreeDocument, { first: 10 });
    const policy = tree.data!.policies.edges[0].node;
    const vocabulary = await server.request(VocabularyDocument);
    const enterprises = await server.request(EnterprisesDocument, { first: 1 });
    const enterprise = enterprises.data!.enterprises.edges[0].node;
    const detail = await server.request(PolicyDetailDocument, { key: policy.key });
    const cases: Array<[string, string]> = [
      [policy.id, 'Policy'],
      [detail.data!.policy.incentives.edges[0].node.id, 'Incentive'],
      [detail.data!.policy.targets.edges[0].node.id, 'Target'],
      [vocabulary.data!.jurisdictions.edges[0].node.id, 'Jurisdiction'],
      [vocabulary.data!.achievementKinds.edges[0].node.id, 'AchievementKind'],
      [enterprise.id, 'Enterprise'],
      [enterprise.achievements.edges[0].node.id, 'Achievement'],
    ];
    for (const [id, typename] of cases) {
      const { data, errors } = await server.request(NodeDocument, { id });
      expect(errors).toBeUndefined();
      expect(data!.node).toMatchObject({ id, __typename: typename });
    }
  });

  it('costs the same number of SQL statements for a nested list whatever its length', async () => {
    const small = await server.request(EnterprisesDocument, { first: 2 });
    const large = await server.request(EnterprisesDocument, { first: 30 });
    expect(large.data!.enterprises.edges).toHaveLength(30);
    expect(small.extensions?.sqlStatements).toBeGreaterThan(0);
    expect(large.extensions?.sqlStatements).toBe(small.extensions?.sqlStatements);

    const tree = await server.request(PolicyTreeDocument, { first: 10 });
    const clauses = tree.data!.policies.edges.flatMap((e) => e.node.clauses.flatMap((c) => [c, ...c.children]));
    expect(clauses.length).toBeGreaterThan(30);
    // policies, count, clauses, children, incentives of each level: fixed, not one per clause.
    expect(tree.extensions?.sqlStatements).toBeLessThanOrEqual(8);
  });

  it('serves an offline GraphiQL with the shared operations, and health and readiness', async () => {
    const page = await (await fetch(`${server.url}/`)).text();
    expect(page).toContain('query PolicyTree');
    expect(page).toContain('query SimulateEntitlements');
    // Everything inline: no script or stylesheet is fetched from another host.
    expect(page).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ status: 'ok' });
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready', refusedPolicies: [] });
  });

  it('answers bad input with typed errors, never a 500', async () => {
    const malformed = await server.request(NodeDocument, { id: 'not-a-global-id' });
    expect(malformed.status).toBe(200);
    expect(malformed.errors?.[0].extensions).toMatchObject({ code: 'INVALID_ID' });

    const unknown = await server.request(NodeDocument, { id: Buffer.from('Enterprise:999999').toString('base64') });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data!.node).toBeNull();

    const tooLarge = await server.request(EnterprisesDocument, { first: 101 });
    expect(tooLarge.errors?.[0].extensions).toMatchObject({ code: 'PAGE_SIZE_TOO_LARGE', field: 'enterprises.first' });

    const wrongType = await server.request(EnterprisesDocument, {
      filter: { jurisdiction: Buffer.from('Policy:1').toString('base64') },
    });
    expect(wrongType.errors?.[0].extensions).toMatchObject({ code: 'WRONG_ID_TYPE', field: 'filter.jurisdiction' });

    const badDates = await server.request(AchievementsDocument, {
      filter: { obtainedOn: { gte: '2019-01-01', lte: '2018-01-01' } },
    });
    expect(badDates.errors?.[0].extensions).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'filter.obtainedOn.lte' });

    const badKind = await server.request(PolicyDetailDocument, { key: 'no-such-policy' });
    expect(badKind.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'key' });

    const notADate = await server.request(AchievementsDocument, { filter: { obtainedOn: { gte: '2019-13-45' } } });
    expect(notADate.status).toBe(400);
    expect(notADate.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
