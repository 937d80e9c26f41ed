/**
 * Issue #23: the lists under an object (Enterprise.achievements, Policy.incentives and targets,
 * AchievementKind.incentives, Jurisdiction.enterprises) take the filter and orderBy of their noun's
 * root list, page by keyset cursors, keep the access rules, cost what a root filter costs per parent,
 * and read a page of 100 parents' lists in the statements of one. Over HTTP on both databases;
 * the population is made here, so every expected row is computed from what was inserted or read
 * back by plain SQL.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueKey } from '../../src/auth/keys.js';
import { RELATION_FILTER_COST, UNINDEXED_CONDITION_COST } from '../../src/graphql/filter-checks.js';
import { encodeId } from '../../src/graphql/ids.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/server.js';

interface Row {
  id: number;
  enterprise: number;
  kind: string;
  level: string | null;
  obtainedOn: string;
  costYuan: number | null;
  units: number | null;
}
interface Firm {
  id: number;
  name: string;
  district: string;
  industry: string | null;
}

const DISTRICTS = ['zj-taizhou-jiaojiang', 'gd-foshan-nanhai', 'gd-foshan-shunde'];
const KINDS = ['CHINA_QUALITY_AWARD', 'PROVINCIAL_QUALITY_AWARD', 'STANDARD_DRAFTED'];
const FIRMS = 105;
const seed = 2324;

type Page<T> = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: Array<{ cursor: string; node: T }>;
};
const idOf = (globalId: string) => Number(Buffer.from(globalId, 'base64').toString().split(':')[1]);
const ids = (page: Page<{ id: string }>) => page.edges.map((e) => idOf(e.node.id));

describe.each(DATABASE_KINDS)('nested lists on %s database', (dbKind) => {
  let server: TestServer;
  let nanhaiKey: string;
  let retiredId: number;
  const firms: Firm[] = [];
  const rows: Row[] = [];
  const jurisdictionIds: Record<string, number> = {};
  const gid = (code: string) => encodeId('Jurisdiction', jurisdictionIds[code]);
  const firmId = (i: number) => encodeId('Enterprise', firms[i].id);

  beforeAll(async () => {
    server = await startTestServer(dbKind);
    const { db } = server;
    for (const j of await db.jurisdiction.findMany()) jurisdictionIds[j.code] = j.id;
    const kinds = Object.fromEntries(
      (await db.achievementKind.findMany({ where: { code: { in: KINDS } } })).map((k) => [k.code, k.id]),
    );
    await db.enterprise.createMany({
      data: Array.from({ length: FIRMS }, (_, i) => ({
        name: `嵌套Nest${String(i).padStart(3, '0')}`,
        jurisdictionId: jurisdictionIds[DISTRICTS[i % 3]],
        industry: i % 4 === 0 ? null : i % 2 ? '模具' : '阀门',
      })),
    });
    for (const f of await db.enterprise.findMany({
      where: { name: { startsWith: '嵌套Nest' } },
      orderBy: { id: 'asc' },
    }))
      firms.push({
        id: f.id,
        name: f.name,
        district: DISTRICTS.find((d) => jurisdictionIds[d] === f.jurisdictionId)!,
        industry: f.industry,
      });
    // Each firm 6 to 9 achievements; several share a day, costs and levels sometimes empty.
    await db.achievement.createMany({
      data: firms.flatMap((f, i) =>
        Array.from({ length: 6 + (i % 4) }, (_, k) => {
          const n = i * 7 + k;
          return {
            enterpriseId: f.id,
            kindId: kinds[KINDS[(i + k) % 3]],
            level: n % 4 === 0 ? null : n % 4 === 1 ? 'NATIONAL' : 'PROVINCIAL',
            obtainedOn: new Date(Date.UTC(2017 + (n % 6), (n * 5) % 12, 1 + (k % 2))),
            costYuan: n % 5 === 0 ? null : 10_000 * (n % 7),
            units: n % 3 === 0 ? null : 1 + (n % 4),
          };
        }),
      ),
    });
    const made = await db.achievement.findMany({
      where: { enterpriseId: { in: firms.map((f) => f.id) } },
      include: { kind: true },
      orderBy: { id: 'asc' },
    });
    for (const a of made)
      rows.push({
        id: a.id,
        enterprise: a.enterpriseId,
        kind: a.kind.code,
        level: a.level,
        obtainedOn: a.obtainedOn.toISOString().slice(0, 10),
        costYuan: a.costYuan,
        units: a.units,
      });
    // A retired achievement of the first firm: never listed, never counted.
    retiredId = rows.shift()!.id;
    await db.achievement.update({ where: { id: retiredId }, data: { retiredAt: new Date() } });
    nanhaiKey = await issueKey(db, { name: '南海区市场监管局', role: 'AGENCY', jurisdictions: ['gd-foshan-nanhai'] });
  }, 300_000);
  afterAll(() => server?.stop());

  const ONE_FIRM = `query($id: ID!, $f: AchievementFilter, $o: [AchievementOrderBy!], $first: Int, $after: String, $last: Int, $before: String) {
    node(id: $id) { ... on Enterprise {
      achievements(filter: $f, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } }
      }
    } }
  }`;
  type OneFirm = { node: { achievements: Page<{ id: string }> } | null };

  async function achievementsOf(i: number, filter: object, key?: string) {
    const res = await server.request<OneFirm, object>(
      ONE_FIRM,
      { id: firmId(i), f: filter, first: 100 },
      key ? { key } : {},
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!.node?.achievements ?? null;
  }
  const of = (i: number, pick: (r: Row) => boolean = () => true) =>
    rows.filter((r) => r.enterprise === firms[i].id && pick(r));

  it("filters an enterprise's achievements with each operator, and counts what the filter leaves", async () => {
    const cases: Array<[object, (r: Row) => boolean]> = [
      [
        { obtainedOn: { gte: '2019-01-01', lt: '2021-06-01' } },
        (r) => r.obtainedOn >= '2019' && r.obtainedOn < '2021-06-01',
      ],
      [{ costYuan: { equals: null } }, (r) => r.costYuan === null],
      [{ costYuan: { in: [10_000, 30_000] } }, (r) => r.costYuan === 10_000 || r.costYuan === 30_000],
      [{ level: { startsWith: 'NAT' } }, (r) => r.level === 'NATIONAL'],
      [{ level: { contains: 'vinc', mode: 'Insensitive' } }, (r) => r.level === 'PROVINCIAL'],
      [{ kind: { in: KINDS.slice(1) } }, (r) => r.kind !== KINDS[0]],
      [{ units: { gt: 2 } }, (r) => r.units !== null && r.units > 2],
    ];
    for (const i of [0, 5, 10]) {
      for (const [filter, pick] of cases) {
        const page = (await achievementsOf(i, filter))!;
        const want = of(i, pick).map((r) => r.id);
        expect(
          ids(page).sort((a, b) => a - b),
          JSON.stringify(filter),
        ).toEqual(want);
        expect(page.totalCount).toBe(want.length);
      }
    }
    // The retired one is left out whatever the filter asks.
    expect(rows.every((r) => r.id !== retiredId)).toBe(true);
    const retired = (await achievementsOf(0, { id: { equals: encodeId('Achievement', retiredId) } }))!;
    expect(retired.totalCount).toBe(0);
    expect((await achievementsOf(0, {}))!.totalCount).toBe(of(0).length);
  });

  it("nests AND, OR and NOT in an enterprise's achievements", async () => {
    const filter = {
      OR: [
        { AND: [{ kind: { equals: KINDS[0] } }, { NOT: { level: { equals: null } } }] },
        { NOT: { OR: [{ obtainedOn: { lt: '2020-01-01' } }, { costYuan: { equals: null } }] } },
      ],
    };
    for (const i of [1, 2, 3]) {
      const want = of(
        i,
        (r) => (r.kind === KINDS[0] && r.level !== null) || !(r.obtainedOn < '2020-01-01' || r.costYuan === null),
      ).map((r) => r.id);
      expect(want.length).toBeGreaterThan(0);
      expect(ids((await achievementsOf(i, filter))!).sort((a, b) => a - b)).toEqual(want);
    }
  });

  it("filters and orders a policy's incentives and targets, a kind's incentives and a jurisdiction's enterprises", async () => {
    const { db } = server;
    const policy = await db.policy.findFirstOrThrow({
      where: { key: 'taizhou-2017-quality' },
      include: { incentives: true, targets: true },
    });
    const res = await server.request<
      {
        policy: {
          incentives: Page<{ key: string }>;
          targets: Page<{ key: string }>;
        };
        achievementKind: { incentives: Page<{ key: string; policy: { key: string } }> };
        jurisdiction: { enterprises: Page<{ name: string }> };
      },
      object
    >(
      `query($i: IncentiveFilter, $io: [IncentiveOrderBy!], $t: TargetFilter, $to: [TargetOrderBy!], $k: IncentiveFilter, $e: EnterpriseFilter, $eo: [EnterpriseOrderBy!]) {
        policy(key: "taizhou-2017-quality") {
          incentives(filter: $i, orderBy: $io, first: 100) { totalCount edges { node { key } } }
          targets(filter: $t, orderBy: $to, first: 100) { totalCount edges { node { key } } }
        }
        achievementKind(code: "CHINA_QUALITY_AWARD") {
          incentives(filter: $k, orderBy: [{ policy: { key: Desc } }], first: 100) { totalCount edges { node { key policy { key } } } }
        }
        jurisdiction(code: "gd-foshan-nanhai") {
          enterprises(filter: $e, orderBy: $eo, first: 100) { totalCount edges { node { name } } }
        }
      }`,
      {
        i: { OR: [{ ruleKind: { in: ['FIXED'] } }, { capYuan: { gte: 100_000 } }] },
        io: [{ key: 'Desc' }],
        t: { NOT: { kind: { equals: 'REACH' } } },
        to: [{ position: 'Desc' }],
        k: { policy: { key: { startsWith: 'taizhou' } } },
        e: { name: { startsWith: '嵌套Nest' }, industry: { equals: null } },
        eo: [{ name: 'Desc' }],
      },
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const incentives = policy.incentives
      .filter((i) => i.ruleKind === 'FIXED' || (i.capYuan !== null && i.capYuan >= 100_000))
      .map((i) => i.key)
      .sort()
      .reverse();
    expect(incentives.length).toBeGreaterThan(1);
    expect(res.data!.policy.incentives.edges.map((e) => e.node.key)).toEqual(incentives);
    expect(res.data!.policy.incentives.totalCount).toBe(incentives.length);
    const targets = policy.targets
      .filter((t) => t.kind !== 'REACH')
      .sort((a, b) => b.position - a.position)
      .map((t) => t.key);
    expect(targets.length).toBeGreaterThan(0);
    expect(res.data!.policy.targets.edges.map((e) => e.node.key)).toEqual(targets);
    const cqa = await db.incentive.findMany({
      where: { achievementKind: { code: 'CHINA_QUALITY_AWARD' }, policy: { key: { startsWith: 'taizhou' } } },
      include: { policy: true },
    });
    cqa.sort((a, b) => (a.policy.key < b.policy.key ? 1 : a.policy.key > b.policy.key ? -1 : b.id - a.id));
    expect(cqa.length).toBeGreaterThan(0);
    expect(res.data!.achievementKind.incentives.edges.map((e) => e.node.key)).toEqual(cqa.map((i) => i.key));
    expect(res.data!.achievementKind.incentives.edges.every((e) => e.node.policy.key.startsWith('taizhou'))).toBe(true);
    const nanhai = firms
      .filter((f) => f.district === 'gd-foshan-nanhai' && f.industry === null)
      .map((f) => f.name)
      .sort()
      .reverse();
    expect(nanhai.length).toBeGreaterThan(3);
    expect(res.data!.jurisdiction.enterprises.edges.map((e) => e.node.name)).toEqual(nanhai);
    expect(res.data!.jurisdiction.enterprises.totalCount).toBe(nanhai.length);
  });

  type Dir = 'Asc' | 'Desc' | 'AscNullsFirst' | 'DescNullsFirst';
  const plain = (d: Dir) => (d.startsWith('Asc') ? 'Asc' : 'Desc');
  function cmp<T extends string | number>(a: T | null, b: T | null, d: Dir): number {
    if (a === null || b === null) return a === b ? 0 : (a === null) === d.endsWith('NullsFirst') ? -1 : 1;
    const c = a < b ? -1 : a > b ? 1 : 0;
    return plain(d) === 'Asc' ? c : -c;
  }
  /** Orderings of achievements, each with the comparison that defines it (the id last, in the last key's direction). */
  const orderings: Array<[(d: Dir) => object[], (d: Dir) => (a: Row, b: Row) => number]> = [
    [(d) => [{ obtainedOn: plain(d) }], (d) => (a, b) => cmp(a.obtainedOn, b.obtainedOn, d) || cmp(a.id, b.id, d)],
    [(d) => [{ costYuan: d }], (d) => (a, b) => cmp(a.costYuan, b.costYuan, d) || cmp(a.id, b.id, d)],
    [
      (d) => [{ kind: { code: plain(d) } }, { level: d }],
      (d) => (a, b) => cmp(a.kind, b.kind, d) || cmp(a.level, b.level, d) || cmp(a.id, b.id, d),
    ],
  ];

  /** Every page of one firm's achievements, `size` at a time, forward or backward, in list order. */
  async function pages(i: number, filter: object, orderBy: object[], size: number, backward: boolean) {
    const seen: number[][] = [];
    const totals = new Set<number>();
    let cursor: string | null = null;
    for (let n = 0; n < 50; n++) {
      const vars = backward ? { last: size, before: cursor } : { first: size, after: cursor };
      const res: GraphQLResponse<OneFirm> = await server.request<OneFirm, object>(ONE_FIRM, {
        id: firmId(i),
        f: filter,
        o: orderBy,
        ...vars,
      });
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      const page = res.data!.node!.achievements;
      totals.add(page.totalCount);
      seen.push(ids(page));
      if (backward ? !page.pageInfo.hasPreviousPage : !page.pageInfo.hasNextPage) break;
      cursor = backward ? page.pageInfo.startCursor : page.pageInfo.endCursor;
    }
    const listed = (backward ? seen.reverse() : seen).flat();
    // totalCount counts the whole filtered list on every page, past a cursor too.
    expect([...totals]).toEqual([listed.length]);
    return listed;
  }

  it('orders nested lists both ways across pages: every row once, in order, the count unchanged', async () => {
    const i = 7;
    for (const [orderBy, compare] of orderings)
      for (const d of ['Asc', 'Desc', 'AscNullsFirst', 'DescNullsFirst'] as const) {
        const want = of(i)
          .sort(compare(d))
          .map((r) => r.id);
        expect(await pages(i, {}, orderBy(d), 2, false), JSON.stringify(orderBy(d))).toEqual(want);
        expect(await pages(i, {}, orderBy(d), 3, true), JSON.stringify(orderBy(d))).toEqual(want);
      }
    // Past a cursor, totalCount still counts the whole filtered list.
    const first = (await server.request<OneFirm, object>(ONE_FIRM, { id: firmId(i), first: 2 })).data!.node!;
    const next = await server.request<OneFirm, object>(ONE_FIRM, {
      id: firmId(i),
      first: 2,
      after: first.achievements.pageInfo.endCursor,
    });
    expect(next.data!.node!.achievements.totalCount).toBe(of(i).length);
    expect(ids(next.data!.node!.achievements)).toEqual(
      of(i)
        .sort(orderings[0][1]('Asc'))
        .slice(2, 4)
        .map((r) => r.id),
    );

    // A policy's incentives by cap, the empty caps first, pages of 4 forward equal one sorted fetch.
    const policy = await server.db.policy.findFirstOrThrow({
      where: { key: 'taizhou-2017-quality' },
      include: { incentives: true },
    });
    const want = [...policy.incentives]
      .sort((a, b) => cmp(a.capYuan, b.capYuan, 'DescNullsFirst') || b.id - a.id)
      .map((x) => x.key);
    const got: string[] = [];
    let after: string | null = null;
    for (;;) {
      type Incentives = { policy: { incentives: Page<{ key: string }> } };
      const res: GraphQLResponse<Incentives> = await server.request<Incentives, object>(
        `query($after: String) { policy(key: "taizhou-2017-quality") {
          incentives(orderBy: [{ capYuan: DescNullsFirst }], first: 4, after: $after) {
            totalCount pageInfo { hasNextPage endCursor } edges { node { key } } } } }`,
        { after },
      );
      got.push(...res.data!.policy.incentives.edges.map((e) => e.node.key));
      expect(res.data!.policy.incentives.totalCount).toBe(want.length);
      if (!res.data!.policy.incentives.pageInfo.hasNextPage) break;
      after = res.data!.policy.incentives.pageInfo.endCursor;
    }
    expect(got).toEqual(want);
  });

  it("never widens an agency's view through a nested filter: OR with another district", async () => {
    const ENTERPRISES = `query($code: String!, $e: EnterpriseFilter, $a: AchievementFilter) {
      jurisdiction(code: $code) {
        enterprises(filter: $e, first: 50) { totalCount edges { node { id achievements(filter: $a, first: 10) { totalCount edges { node { id } } } } } }
      }
    }`;
    type Listed = {
      jurisdiction: {
        enterprises: Page<{ id: string; achievements: Page<{ id: string }> }>;
      };
    };
    const widen = {
      e: { OR: [{ jurisdiction: gid('gd-foshan-shunde') }, { jurisdiction: gid('gd-foshan-nanhai') }] },
      a: { OR: [{ jurisdiction: gid('gd-foshan-shunde') }, { kind: { in: KINDS } }] },
    };
    const shunde = await server.request<Listed, object>(
      ENTERPRISES,
      { code: 'gd-foshan-shunde', ...widen },
      { key: nanhaiKey },
    );
    expect(shunde.errors).toBeUndefined();
    expect(shunde.data!.jurisdiction.enterprises.totalCount).toBe(0);
    expect(shunde.data!.jurisdiction.enterprises.edges).toEqual([]);
    const nanhai = await server.request<Listed, object>(
      ENTERPRISES,
      { code: 'gd-foshan-nanhai', ...widen },
      { key: nanhaiKey },
    );
    const theirs = firms.filter((f) => f.district === 'gd-foshan-nanhai');
    expect(nanhai.data!.jurisdiction.enterprises.edges.map((e) => idOf(e.node.id)).sort((a, b) => a - b)).toEqual(
      theirs.map((f) => f.id),
    );
    for (const edge of nanhai.data!.jurisdiction.enterprises.edges)
      expect(ids(edge.node.achievements).sort((a, b) => a - b)).toEqual(
        rows.filter((r) => r.enterprise === idOf(edge.node.id)).map((r) => r.id),
      );
    // Another district's enterprise is no node to the agency, so neither is its list.
    expect(await achievementsOf(2, { OR: [{ jurisdiction: gid('gd-foshan-shunde') }] }, nanhaiKey)).toBeNull();
    // Without a key, a jurisdiction's enterprises are refused as the root list is.
    const open = await server.request(
      `{ jurisdiction(code: "gd-foshan-nanhai") { enterprises(first: 1) { totalCount } } }`,
      {},
      { key: null },
    );
    const root = await server.request(`{ enterprises(first: 1) { totalCount } }`, {}, { key: null });
    expect(open.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(open.errors?.[0].extensions?.code).toBe(root.errors?.[0].extensions?.code);
  });

  const PAGE_OF_FIRMS = `query($first: Int, $f: AchievementFilter, $o: [AchievementOrderBy!]) {
    enterprises(first: $first, filter: { name: { startsWith: "嵌套Nest" } }) {
      edges { node { id achievements(filter: $f, orderBy: $o, first: 5) {
        totalCount pageInfo { hasNextPage } edges { node { id level kind { code } } } } } }
    }
  }`;
  type Firms = { enterprises: Page<{ id: string; achievements: Page<{ id: string }> }> };

  it("reads a page of 100 enterprises' filtered, ordered achievements in the statements of a page of 3", async () => {
    const f = { OR: [{ costYuan: { gte: 20_000 } }, { level: { equals: null } }], NOT: { kind: { equals: KINDS[2] } } };
    const o = [{ costYuan: 'DescNullsFirst' }, { obtainedOn: 'Asc' }];
    await server.request(PAGE_OF_FIRMS, { first: 1, f, o }); // the server's first request also reads the corpus
    const small = await server.request<Firms, object>(PAGE_OF_FIRMS, { first: 3, f, o });
    const large = await server.request<Firms, object>(PAGE_OF_FIRMS, { first: 100, f, o });
    expect(large.errors, JSON.stringify(large.errors)).toBeUndefined();
    expect(large.data!.enterprises.edges).toHaveLength(100);
    expect(small.extensions?.sqlStatements).toBeGreaterThan(0);
    expect(large.extensions?.sqlStatements).toBe(small.extensions?.sqlStatements);
    const pick = (r: Row) => ((r.costYuan !== null && r.costYuan >= 20_000) || r.level === null) && r.kind !== KINDS[2];
    const order = (a: Row, b: Row) =>
      cmp(a.costYuan, b.costYuan, 'DescNullsFirst') || cmp(a.obtainedOn, b.obtainedOn, 'Asc') || a.id - b.id;
    for (const edge of large.data!.enterprises.edges) {
      const want = rows.filter((r) => r.enterprise === idOf(edge.node.id) && pick(r)).sort(order);
      expect(ids(edge.node.achievements)).toEqual(want.slice(0, 5).map((r) => r.id));
      expect(edge.node.achievements.totalCount).toBe(want.length);
      expect(edge.node.achievements.pageInfo.hasNextPage).toBe(want.length > 5);
    }
  });

  it("pages 100 enterprises' achievements after a cursor in the statements of 3, each past the cursor row's keys", async () => {
    const AFTER = PAGE_OF_FIRMS.replace('query($first: Int,', 'query($c: String, $first: Int,').replace(
      'first: 5',
      'first: 5, after: $c',
    );
    const o = [{ obtainedOn: 'Desc' }];
    const cursorRow = of(4).sort((a, b) => cmp(a.obtainedOn, b.obtainedOn, 'Desc') || b.id - a.id)[2];
    const c = Buffer.from(`GPC:N:${cursorRow.id}`).toString('base64');
    await server.request(AFTER, { first: 1, o, c });
    const unpaged = await server.request<Firms, object>(PAGE_OF_FIRMS, { first: 3, o });
    const small = await server.request<Firms, object>(AFTER, { first: 3, o, c });
    const large = await server.request<Firms, object>(AFTER, { first: 100, o, c });
    expect(large.errors, JSON.stringify(large.errors)).toBeUndefined();
    expect(large.data!.enterprises.edges).toHaveLength(100);
    // One statement more than the first page, read once for every parent: the cursor row's keys.
    expect(small.extensions?.sqlStatements).toBe(unpaged.extensions!.sqlStatements! + 1);
    expect(large.extensions?.sqlStatements).toBe(small.extensions?.sqlStatements);
    const past = (r: Row) =>
      r.obtainedOn < cursorRow.obtainedOn || (r.obtainedOn === cursorRow.obtainedOn && r.id < cursorRow.id);
    for (const edge of large.data!.enterprises.edges) {
      const theirs = rows.filter((r) => r.enterprise === idOf(edge.node.id));
      const want = theirs.filter(past).sort((a, b) => cmp(a.obtainedOn, b.obtainedOn, 'Desc') || b.id - a.id);
      expect(ids(edge.node.achievements)).toEqual(want.slice(0, 5).map((r) => r.id));
      expect(edge.node.achievements.totalCount).toBe(theirs.length);
    }
  });

  it('loses and repeats no row of a filtered nested list paged by a date across 10 pages both ways while rows are inserted', async () => {
    const { db } = server;
    const kinds = Object.fromEntries(
      (await db.achievementKind.findMany({ where: { code: { in: KINDS } } })).map((k) => [k.code, k.id]),
    );
    const day = (iso: string, days = 0) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000);
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    // Kinds 0 and 1 are listed, kind 2 never; newest first, pages of 3.
    const filter = { kind: { in: KINDS.slice(0, 2) }, obtainedOn: { gte: '2010-01-01' } };
    for (const backward of [false, true]) {
      const firm = await db.enterprise.create({
        data: { name: `分页Paging${backward ? 'B' : 'F'}`, jurisdictionId: jurisdictionIds['zj-taizhou-jiaojiang'] },
      });
      await db.achievement.createMany({
        data: Array.from({ length: 45 }, (_, k) => ({
          enterpriseId: firm.id,
          kindId: kinds[KINDS[k % 3]],
          obtainedOn: day('2017-01-01', 60 * k),
        })),
      });
      const gid = encodeId('Enterprise', firm.id);
      const shown = new Set<number>();
      const hidden = new Set<number>();
      const seen: number[][] = [];
      let cursor: string | null = null;
      for (let n = 0; n < 60; n++) {
        const res: GraphQLResponse<OneFirm> = await server.request<OneFirm, object>(ONE_FIRM, {
          id: gid,
          f: filter,
          o: [{ obtainedOn: 'Desc' }],
          ...(backward ? { last: 3, before: cursor } : { first: 3, after: cursor }),
        });
        expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
        const page = res.data!.node!.achievements;
        seen.push(ids(page));
        if (backward ? !page.pageInfo.hasPreviousPage : !page.pageInfo.hasNextPage) break;
        cursor = backward ? page.pageInfo.startCursor : page.pageInfo.endCursor;
        const cursorDay = iso(
          (await db.achievement.findUniqueOrThrow({ where: { id: idOf(page.edges.at(backward ? 0 : -1)!.node.id) } }))
            .obtainedOn,
        );
        // Ahead of the reader (still to be read) and behind it (already passed): a row at each end of
        // the list, one on the cursor's day (a larger id: before the cursor, newest first), one not listed.
        const made = await db.achievement.createManyAndReturn({
          data: [
            { kindId: kinds[KINDS[0]], obtainedOn: day('2025-06-01', n) },
            { kindId: kinds[KINDS[1]], obtainedOn: day('2016-06-01', -n) },
            { kindId: kinds[KINDS[0]], obtainedOn: day(cursorDay) },
            { kindId: kinds[KINDS[2]], obtainedOn: day('2016-06-01', -n) },
          ].map((a) => ({ ...a, enterpriseId: firm.id })),
          select: { id: true },
        });
        const [newest, oldest, sameDay, unlisted] = made.map((a) => a.id);
        for (const id of backward ? [newest, sameDay] : [oldest]) shown.add(id);
        for (const id of backward ? [oldest, unlisted] : [newest, sameDay, unlisted]) hidden.add(id);
      }
      const listed = (backward ? seen.reverse() : seen).flat();
      expect(seen.length).toBeGreaterThanOrEqual(10);
      // The list as it stands, newest first, without the rows inserted where the reader had passed.
      const now = await db.$queryRawUnsafe<Array<{ id: number }>>(
        `SELECT a.id FROM "Achievement" a JOIN "AchievementKind" k ON k.id = a."kindId"
         WHERE a."enterpriseId" = ${firm.id} AND k.code IN ('${KINDS[0]}', '${KINDS[1]}')
         ORDER BY a."obtainedOn" DESC, a.id DESC`,
      );
      const want = now.map((r) => Number(r.id)).filter((id) => !hidden.has(id));
      expect(listed).toEqual(want);
      expect(new Set(listed).size).toBe(listed.length);
      expect([...shown].every((id) => listed.includes(id))).toBe(true);
      expect(listed.filter((id) => hidden.has(id))).toEqual([]);
      expect(listed.length).toBeGreaterThanOrEqual(30 + 10);
      await db.enterprise.update({ where: { id: firm.id }, data: { retiredAt: new Date() } });
    }
  });

  it('costs a nested filter as the root one, once per parent row, and refuses a page too costly for it', async () => {
    const costOf = async (query: string, variables: object) => {
      const res = (await server.request(query, variables)) as { extensions?: { cost?: { requested: number } } };
      return res.extensions!.cost!.requested;
    };
    const ROOT = `query($f: AchievementFilter) { achievements(filter: $f, first: 5) { edges { node { id level kind { code } } } } }`;
    const related = { enterprise: { industry: { equals: '模具' } } };
    const rootExtra = (await costOf(ROOT, { f: related })) - (await costOf(ROOT, {}));
    expect(rootExtra).toBe(RELATION_FILTER_COST + 2 * UNINDEXED_CONDITION_COST);
    const nestedExtra =
      (await costOf(PAGE_OF_FIRMS, { first: 10, f: related })) - (await costOf(PAGE_OF_FIRMS, { first: 10 }));
    expect(nestedExtra).toBe(10 * rootExtra);
    const refused = await server.request(PAGE_OF_FIRMS, {
      first: 100,
      f: { enterprise: { achievements: { some: related } } },
    });
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0].extensions?.code).toBe('QUERY_TOO_COSTLY');
    // A nested filter's shape is checked like the root one's, with the path of its argument.
    const bad = await server.request(PAGE_OF_FIRMS, { first: 3, f: { obtainedOn: { equals: null } } });
    expect(bad.status).toBe(400);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'filter.obtainedOn.equals' });
  });

  it('pages generated nested filters and orderings exactly as plain SQL reads the same rows', async () => {
    type Leaf = [object, string];
    const leaves = fc.oneof(
      fc
        .record({ op: fc.constantFrom('lt', 'gte'), year: fc.integer({ min: 2016, max: 2023 }) })
        .map(({ op, year }): Leaf => [
          { obtainedOn: { [op]: `${year}-07-01` } },
          `a."obtainedOn" ${op === 'lt' ? '<' : '>='} DATE '${year}-07-01'`,
        ]),
      fc
        .integer({ min: 0, max: 6 })
        .map((n): Leaf => [{ costYuan: { lte: n * 10_000 } }, `a."costYuan" <= ${n * 10_000}`]),
      fc.constantFrom<Leaf>(
        [{ costYuan: { equals: null } }, `a."costYuan" IS NULL`],
        [{ level: { equals: 'NATIONAL' } }, `a.level = 'NATIONAL'`],
        [{ units: { gt: 2 } }, `a.units > 2`],
      ),
      fc.constantFrom(...KINDS).map((k): Leaf => [{ kind: { equals: k } }, `k.code = '${k}'`]),
    );
    // SQL's unknown for an empty column is false here, as the API reads it (a NOT keeps the empty rows).
    const known = (sql: string) => `COALESCE(${sql}, false)`;
    const tree: fc.Arbitrary<Leaf> = fc.letrec<{ node: Leaf }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', maxDepth: 3 },
        leaves.map(([f, sql]): Leaf => [f, known(sql)]),
        fc
          .array(tie('node'), { minLength: 1, maxLength: 3 })
          .map((xs): Leaf => [{ AND: xs.map((x) => x[0]) }, `(${xs.map((x) => x[1]).join(' AND ')})`]),
        fc
          .array(tie('node'), { minLength: 1, maxLength: 3 })
          .map((xs): Leaf => [{ OR: xs.map((x) => x[0]) }, `(${xs.map((x) => x[1]).join(' OR ')})`]),
        tie('node').map((x): Leaf => [{ NOT: x[0] }, `NOT ${x[1]}`]),
      ),
    })).node;
    const sqlOrder: Record<string, string> = {
      Asc: 'ASC NULLS LAST',
      Desc: 'DESC NULLS LAST',
      AscNullsFirst: 'ASC NULLS FIRST',
      DescNullsFirst: 'DESC NULLS FIRST',
    };
    const orders = fc.constantFrom<Array<(d: Dir) => [object, string]>>(
      [(d) => [{ obtainedOn: plain(d) }, `a."obtainedOn" ${plain(d).toUpperCase()}`]],
      [(d) => [{ costYuan: d }, `a."costYuan" ${sqlOrder[d]}`]],
      [
        (d) => [{ level: d }, `a.level ${sqlOrder[d]}`],
        (d) => [{ kind: { code: plain(d) } }, `k.code ${plain(d).toUpperCase()}`],
      ],
    );
    await fc.assert(
      fc.asyncProperty(
        tree,
        orders,
        fc.array(fc.constantFrom<Dir>('Asc', 'Desc', 'AscNullsFirst', 'DescNullsFirst'), {
          minLength: 2,
          maxLength: 2,
        }),
        fc.integer({ min: 0, max: FIRMS - 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.nat(),
        async ([filter, where], order, dirs, start, size, backward, at) => {
          const keys = order.map((key, n) => key(dirs[n]));
          const last = plain(dirs[keys.length - 1]).toUpperCase();
          /** The achievements of these firms in the ordering, as plain SQL reads them (one ordering over them all). */
          const sorted = async (firms: number[]) =>
            (
              await server.db.$queryRawUnsafe<Array<{ id: number; enterpriseId: number }>>(
                `SELECT a.id, a."enterpriseId" FROM "Achievement" a JOIN "AchievementKind" k ON k.id = a."kindId"
                 WHERE a."enterpriseId" IN (${firms.join(', ')}) AND a."retiredAt" IS NULL AND ${where}
                 ORDER BY ${keys.map((k) => k[1]).join(', ')}, a.id ${last}`,
              )
            ).map((r) => ({ id: Number(r.id), firm: Number(r.enterpriseId) }));
          const listed = async (firm: number) => (await sorted([firm])).map((r) => r.id);
          // Three parents at once: each one's first page, as SQL reads it.
          const three = firms.slice(start, start + 3);
          const res = await server.request<Firms, object>(
            PAGE_OF_FIRMS.replace(
              'filter: { name: { startsWith: "嵌套Nest" } }',
              `filter: { id: { in: ${JSON.stringify(three.map((f) => encodeId('Enterprise', f.id)))} } }`,
            ).replace('first: 5', `first: ${size}`),
            { first: 3, f: filter, o: keys.map((k) => k[0]) },
          );
          // Past four levels a tree is refused, whole, before any SQL.
          if (res.errors) return void expect(res.errors[0].extensions).toMatchObject({ code: 'INVALID_ARGUMENT' });
          for (const edge of res.data!.enterprises.edges) {
            const want = await listed(idOf(edge.node.id));
            expect(ids(edge.node.achievements)).toEqual(want.slice(0, size));
            expect(edge.node.achievements.totalCount).toBe(want.length);
          }
          // A cursor pages every parent's list past the cursor row's keys: the rows after (before) it
          // in the one SQL ordering of the three firms' rows, the totalCount still each whole list.
          const all = await sorted(three.map((f) => f.id));
          if (all.length > 0) {
            const i = at % all.length;
            const cursor = Buffer.from(`GPC:N:${all[i].id}`).toString('base64');
            const paged = await server.request<Firms, object>(
              PAGE_OF_FIRMS.replace('query($first: Int,', 'query($c: String, $first: Int,')
                .replace(
                  'filter: { name: { startsWith: "嵌套Nest" } }',
                  `filter: { id: { in: ${JSON.stringify(three.map((f) => encodeId('Enterprise', f.id)))} } }`,
                )
                .replace('first: 5', backward ? `last: ${size}, before: $c` : `first: ${size}, after: $c`),
              { c: cursor, first: 3, f: filter, o: keys.map((k) => k[0]) },
            );
            expect(paged.errors, JSON.stringify(paged.errors)).toBeUndefined();
            for (const edge of paged.data!.enterprises.edges) {
              const firm = idOf(edge.node.id);
              const theirs = (backward ? all.slice(0, i) : all.slice(i + 1)).filter((r) => r.firm === firm);
              expect(ids(edge.node.achievements)).toEqual(
                (backward ? theirs.slice(-size) : theirs.slice(0, size)).map((r) => r.id),
              );
              expect(edge.node.achievements.totalCount).toBe(all.filter((r) => r.firm === firm).length);
            }
          }
          // The first parent's list paged to its end, either way, is the whole SQL list.
          expect(
            await pages(
              start,
              filter,
              keys.map((k) => k[0]),
              size,
              backward,
            ),
          ).toEqual(await listed(three[0].id));
        },
      ),
      { seed, numRuns: 25 },
    );
  });
});
