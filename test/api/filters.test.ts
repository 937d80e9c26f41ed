/**
 * Issue #23: typed filters with operators, orderings with keyset cursors, on every list, over
 * HTTP on both databases. The population is made here (enterprises in four districts of two
 * cities, achievements of three kinds over 2017–2023, costs some null), so every expected row is
 * computed from what was inserted, and an agency of 南海区 checks that no filter widens its view.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueKey } from '../../src/auth/keys.js';
import { encodeId } from '../../src/graphql/ids.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/server.js';

interface Row {
  id: number;
  enterprise: number;
  district: string;
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
  kind: string;
}

const DISTRICTS = ['zj-taizhou-jiaojiang', 'zj-taizhou-huangyan', 'gd-foshan-nanhai', 'gd-foshan-shunde'];
const KINDS = ['CHINA_QUALITY_AWARD', 'PROVINCIAL_QUALITY_AWARD', 'STANDARD_DRAFTED'];
const seed = 2323;

type Edge<T> = { cursor: string; node: T };
type Page<T> = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Edge<T>[] };

describe.each(DATABASE_KINDS)('filters and orderings on %s database', (dbKind) => {
  let server: TestServer;
  let nanhaiKey: string;
  const firms: Firm[] = [];
  const rows: Row[] = [];
  const jurisdictionIds: Record<string, number> = {};
  const gid = (code: string) => encodeId('Jurisdiction', jurisdictionIds[code]);

  beforeAll(async () => {
    server = await startTestServer(dbKind);
    const { db } = server;
    for (const j of await db.jurisdiction.findMany()) jurisdictionIds[j.code] = j.id;
    const kinds = Object.fromEntries(
      (await db.achievementKind.findMany({ where: { code: { in: KINDS } } })).map((k) => [k.code, k.id]),
    );
    expect(Object.keys(kinds).sort()).toEqual([...KINDS].sort());
    for (let i = 0; i < 24; i++) {
      const district = DISTRICTS[i % 4];
      const firm = await db.enterprise.create({
        data: {
          name: `${i % 3 ? '台州' : '佛山'}Tech科技${String(i).padStart(2, '0')}`,
          jurisdictionId: jurisdictionIds[district],
          industry: i % 5 === 0 ? null : i % 2 ? '模具' : '智能马桶',
          kind: i % 7 === 0 ? 'ASSOCIATION' : 'ENTERPRISE',
        },
      });
      firms.push({ id: firm.id, name: firm.name, district, industry: firm.industry, kind: firm.kind });
      for (let k = 0; k < 3; k++) {
        const n = i * 3 + k;
        const kind = KINDS[(i + k) % 3];
        const a = await db.achievement.create({
          data: {
            enterpriseId: firm.id,
            kindId: kinds[kind],
            level: n % 4 === 0 ? null : n % 4 === 1 ? 'NATIONAL' : 'PROVINCIAL',
            // Several achievements share a day, so ties are broken by the id.
            obtainedOn: new Date(Date.UTC(2017 + (n % 7), n % 12, 1 + (n % 3))),
            costYuan: n % 5 === 0 ? null : 10_000 * (n % 9),
            units: n % 3 === 0 ? null : 1 + (n % 4),
          },
        });
        rows.push({
          id: a.id,
          enterprise: firm.id,
          district,
          kind,
          level: a.level,
          obtainedOn: a.obtainedOn.toISOString().slice(0, 10),
          costYuan: a.costYuan,
          units: a.units,
        });
      }
    }
    nanhaiKey = await issueKey(db, { name: '南海区市场监管局', role: 'AGENCY', jurisdictions: ['gd-foshan-nanhai'] });
    const industries = await db.enterprise.findMany({
      where: { industry: { not: null } },
      distinct: ['industry'],
      orderBy: { industry: 'asc' },
    });
    industryRank = new Map(industries.map((e, i) => [e.industry!, i]));
  });
  afterAll(() => server?.stop());

  const ACHIEVEMENTS = `query($filter: AchievementFilter, $orderBy: [AchievementOrderBy!], $first: Int, $after: String, $last: Int, $before: String) {
    achievements(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } }
    }
  }`;
  const idOf = (globalId: string) => Number(Buffer.from(globalId, 'base64').toString().split(':')[1]);

  async function achievementIds(filter: object, key?: string | null): Promise<number[]> {
    const res = await server.request<{ achievements: Page<{ id: string }> }, object>(
      ACHIEVEMENTS,
      { filter, first: 100 },
      key === undefined ? {} : { key },
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    expect(res.data!.achievements.totalCount).toBe(res.data!.achievements.edges.length);
    return res.data!.achievements.edges.map((e) => idOf(e.node.id)).sort((a, b) => a - b);
  }
  const expected = (pick: (r: Row) => boolean) =>
    rows
      .filter(pick)
      .map((r) => r.id)
      .sort((a, b) => a - b);

  it('applies each operator of each field type to achievements', async () => {
    const cases: Array<[object, (r: Row) => boolean]> = [
      [{ obtainedOn: { equals: rows[5].obtainedOn } }, (r) => r.obtainedOn === rows[5].obtainedOn],
      [{ obtainedOn: { gte: '2020-01-01', lt: '2022-01-01' } }, (r) => r.obtainedOn >= '2020' && r.obtainedOn < '2022'],
      [{ obtainedOn: { lte: '2018-03-02' } }, (r) => r.obtainedOn <= '2018-03-02'],
      [{ obtainedOn: { gt: '2023-01-01' } }, (r) => r.obtainedOn > '2023-01-01'],
      [
        { obtainedOn: { in: ['2017-01-01', rows[7].obtainedOn] } },
        (r) => ['2017-01-01', rows[7].obtainedOn].includes(r.obtainedOn),
      ],
      [{ costYuan: { gt: 40_000 } }, (r) => r.costYuan !== null && r.costYuan > 40_000],
      [{ costYuan: { lte: 20_000 } }, (r) => r.costYuan !== null && r.costYuan <= 20_000],
      [{ costYuan: { equals: null } }, (r) => r.costYuan === null],
      [{ costYuan: { in: [0, 30_000] } }, (r) => r.costYuan === 0 || r.costYuan === 30_000],
      [{ units: { gte: 3 } }, (r) => r.units !== null && r.units >= 3],
      [{ level: { equals: 'NATIONAL' } }, (r) => r.level === 'NATIONAL'],
      [{ level: { equals: null } }, (r) => r.level === null],
      [{ level: { in: ['NATIONAL', 'PROVINCIAL'] } }, (r) => r.level !== null],
      [{ level: { startsWith: 'PROV' } }, (r) => r.level === 'PROVINCIAL'],
      [{ level: { contains: 'ation', mode: 'Insensitive' } }, (r) => r.level === 'NATIONAL'],
      [{ level: { contains: 'ATION' } }, (r) => r.level === 'NATIONAL'],
      [{ kind: { equals: 'CHINA_QUALITY_AWARD' } }, (r) => r.kind === 'CHINA_QUALITY_AWARD'],
      [{ kind: { in: KINDS.slice(1) } }, (r) => r.kind !== 'CHINA_QUALITY_AWARD'],
      [{ jurisdiction: gid('zj-taizhou') }, (r) => r.district.startsWith('zj-taizhou-')],
      [{ jurisdiction: gid('gd-foshan-shunde') }, (r) => r.district === 'gd-foshan-shunde'],
      [{ enterprise: { id: { equals: encodeId('Enterprise', firms[3].id) } } }, (r) => r.enterprise === firms[3].id],
    ];
    for (const [filter, pick] of cases)
      expect(await achievementIds(filter), JSON.stringify(filter)).toEqual(expected(pick));
  });

  it('answers generated AND/OR/NOT trees of operator conditions as the same predicate in JavaScript', async () => {
    type Leaf = [object, (r: Row) => boolean];
    const leaves = fc.oneof(
      fc
        .record({
          op: fc.constantFrom('lt', 'gte'),
          day: fc.date({ min: new Date('2016-06-01'), max: new Date('2024-06-01'), noInvalidDate: true }),
        })
        .map(({ op, day }): Leaf => {
          const d = day.toISOString().slice(0, 10);
          return [{ obtainedOn: { [op]: d } }, (r) => (op === 'lt' ? r.obtainedOn < d : r.obtainedOn >= d)];
        }),
      fc
        .integer({ min: 0, max: 9 })
        .map((n): Leaf => [{ costYuan: { lte: n * 10_000 } }, (r) => r.costYuan !== null && r.costYuan <= n * 10_000]),
      fc.constantFrom<Leaf>(
        [{ costYuan: { equals: null } }, (r) => r.costYuan === null],
        [{ level: { equals: null } }, (r) => r.level === null],
        [{ level: { in: ['NATIONAL'] } }, (r) => r.level === 'NATIONAL'],
        [{ units: { gt: 2 } }, (r) => r.units !== null && r.units > 2],
      ),
      fc.constantFrom(...KINDS).map((k): Leaf => [{ kind: { equals: k } }, (r) => r.kind === k]),
      fc
        .constantFrom('zj-taizhou', 'gd-foshan', ...DISTRICTS)
        .map((j): Leaf => [{ jurisdiction: gid(j) }, (r) => r.district.startsWith(j)]),
    );
    const tree: fc.Arbitrary<Leaf> = fc.letrec<{ node: Leaf }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaves,
        fc
          .array(tie('node'), { minLength: 1, maxLength: 3 })
          .map((xs): Leaf => [{ AND: xs.map((x) => x[0]) }, (r) => xs.every((x) => x[1](r))]),
        fc
          .array(tie('node'), { minLength: 1, maxLength: 3 })
          .map((xs): Leaf => [{ OR: xs.map((x) => x[0]) }, (r) => xs.some((x) => x[1](r))]),
        tie('node').map((x): Leaf => [{ NOT: x[0] }, (r) => !x[1](r)]),
      ),
    })).node;
    await fc.assert(
      fc.asyncProperty(tree, async ([filter, pick]) => {
        const res = await server.request(ACHIEVEMENTS, { filter, first: 100 });
        // Past four levels a tree is refused, whole, before any SQL.
        if (res.errors) return void expect(res.errors[0].extensions).toMatchObject({ code: 'INVALID_ARGUMENT' });
        expect(await achievementIds(filter)).toEqual(expected(pick));
      }),
      { seed, numRuns: 40 },
    );
  });

  it('nests AND, OR and NOT', async () => {
    const filter = {
      OR: [
        { AND: [{ kind: { equals: 'CHINA_QUALITY_AWARD' } }, { NOT: { level: { equals: null } } }] },
        { NOT: { OR: [{ obtainedOn: { lt: '2022-01-01' } }, { costYuan: { equals: null } }] } },
      ],
    };
    expect(await achievementIds(filter)).toEqual(
      expected(
        (r) =>
          (r.kind === 'CHINA_QUALITY_AWARD' && r.level !== null) ||
          !(r.obtainedOn < '2022-01-01' || r.costYuan === null),
      ),
    );
  });

  it('filters on related rows: achievements of enterprises in a subtree, enterprises having an achievement of a kind', async () => {
    expect(
      await achievementIds({ enterprise: { jurisdiction: gid('gd-foshan'), industry: { equals: '模具' } } }),
    ).toEqual(
      expected(
        (r) => r.district.startsWith('gd-foshan-') && firms.find((f) => f.id === r.enterprise)!.industry === '模具',
      ),
    );
    const res = await server.request<{ enterprises: Page<{ id: string }> }, object>(
      `query($f: EnterpriseFilter) { enterprises(filter: $f, first: 100) { totalCount edges { node { id } } } }`,
      { f: { achievements: { some: { kind: { equals: 'CHINA_QUALITY_AWARD' }, obtainedOn: { gte: '2021-01-01' } } } } },
    );
    const having = new Set(
      rows.filter((r) => r.kind === 'CHINA_QUALITY_AWARD' && r.obtainedOn >= '2021-01-01').map((r) => r.enterprise),
    );
    expect(res.data!.enterprises.edges.map((e) => idOf(e.node.id)).sort((a, b) => a - b)).toEqual(
      firms
        .filter((f) => having.has(f.id))
        .map((f) => f.id)
        .sort((a, b) => a - b),
    );
  });

  it("never widens an agency's view: OR with another district, a relation, a NOT", async () => {
    const nanhai = (r: Row) => r.district === 'gd-foshan-nanhai';
    expect(
      await achievementIds(
        { OR: [{ jurisdiction: gid('gd-foshan-nanhai') }, { jurisdiction: gid('gd-foshan-shunde') }] },
        nanhaiKey,
      ),
    ).toEqual(expected(nanhai));
    expect(await achievementIds({ jurisdiction: gid('gd-foshan-shunde') }, nanhaiKey)).toEqual([]);
    expect(await achievementIds({ NOT: { jurisdiction: gid('gd-foshan-nanhai') } }, nanhaiKey)).toEqual([]);
    expect(
      await achievementIds(
        { OR: [{ enterprise: { jurisdiction: gid('zj-taizhou') } }, { costYuan: { gte: 0 } }] },
        nanhaiKey,
      ),
    ).toEqual(expected((r) => nanhai(r) && r.costYuan !== null));
  });

  type Dir = 'Asc' | 'Desc';
  /** A direction as NullableSortDirection spells it; a column never empty reads only Asc or Desc of it. */
  type NullDir = Dir | 'AscNullsFirst' | 'DescNullsFirst';
  const plain = (d: NullDir): Dir => (d.startsWith('Asc') ? 'Asc' : 'Desc');
  const firmOf = (r: Row) => firms.find((f) => f.id === r.enterprise)!;
  /** The database's own order of the industries (Chinese text: its collation decides). */
  let industryRank = new Map<string, number>();
  /** Orderings a caller may ask for, each with the comparison that defines it (the id last). */
  const orderings: Array<[string, (d: NullDir[]) => object[], (d: NullDir[]) => (a: Row, b: Row) => number]> = [
    [
      'obtainedOn',
      (d) => [{ obtainedOn: plain(d[0]) }],
      (d) => (a, b) => cmp(a.obtainedOn, b.obtainedOn, plain(d[0])) || cmp(a.id, b.id, plain(d[0])),
    ],
    [
      'enterprise.name, obtainedOn',
      (d) => [{ enterprise: { name: plain(d[0]) } }, { obtainedOn: plain(d[1]) }],
      (d) => (a, b) =>
        cmp(firmOf(a).name, firmOf(b).name, plain(d[0])) ||
        cmp(a.obtainedOn, b.obtainedOn, plain(d[1])) ||
        cmp(a.id, b.id, plain(d[1])),
    ],
    [
      'kind.code',
      (d) => [{ kind: { code: plain(d[0]) } }],
      (d) => (a, b) => cmp(a.kind, b.kind, plain(d[0])) || cmp(a.id, b.id, plain(d[0])),
    ],
    [
      'enterprise.jurisdiction.code, kind.code',
      (d) => [{ enterprise: { jurisdiction: { code: plain(d[0]) } } }, { kind: { code: plain(d[1]) } }],
      (d) => (a, b) =>
        cmp(a.district, b.district, plain(d[0])) || cmp(a.kind, b.kind, plain(d[1])) || cmp(a.id, b.id, plain(d[1])),
    ],
    // Columns that may be empty: pages must cross from the values to the empty rows and back.
    [
      'costYuan',
      (d) => [{ costYuan: d[0] }],
      (d) => (a, b) => cmpNullable(a.costYuan, b.costYuan, d[0]) || cmp(a.id, b.id, plain(d[0])),
    ],
    [
      'level, units',
      (d) => [{ level: d[0] }, { units: d[1] }],
      (d) => (a, b) =>
        cmpNullable(a.level, b.level, d[0]) || cmpNullable(a.units, b.units, d[1]) || cmp(a.id, b.id, plain(d[1])),
    ],
    [
      'enterprise.industry, obtainedOn',
      (d) => [{ enterprise: { industry: d[0] } }, { obtainedOn: plain(d[1]) }],
      (d) => (a, b) =>
        cmpNullable(
          industryRank.get(firmOf(a).industry!) ?? null,
          industryRank.get(firmOf(b).industry!) ?? null,
          d[0],
        ) ||
        cmp(a.obtainedOn, b.obtainedOn, plain(d[1])) ||
        cmp(a.id, b.id, plain(d[1])),
    ],
  ];
  function cmp<T extends string | number>(a: T, b: T, d: Dir): number {
    // Codes and the names here are ASCII or share a prefix, so the database's collation agrees with <.
    const c = a < b ? -1 : a > b ? 1 : 0;
    return d === 'Asc' ? c : -c;
  }
  /** Empty values after all others (Asc, Desc) or before them (…NullsFirst). */
  function cmpNullable<T extends string | number>(a: T | null, b: T | null, d: NullDir): number {
    if (a === null || b === null) return a === b ? 0 : (a === null) === d.endsWith('NullsFirst') ? -1 : 1;
    return cmp(a, b, plain(d));
  }

  async function pages(
    orderBy: object[],
    size: number,
    backward: boolean,
    between: (page: number) => Promise<void> = async () => {},
  ): Promise<number[]> {
    const seen: number[][] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 200; page++) {
      const vars: object = backward ? { last: size, before: cursor } : { first: size, after: cursor };
      type Paged = {
        achievements: Page<{ id: string }> & { pageInfo: { hasPreviousPage: boolean; startCursor: string } };
      };
      const res: GraphQLResponse<Paged> = await server.request<Paged, object>(
        ACHIEVEMENTS.replace(
          'pageInfo { hasNextPage endCursor }',
          'pageInfo { hasNextPage endCursor hasPreviousPage startCursor }',
        ),
        { orderBy, ...vars },
      );
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      const { edges, pageInfo } = res.data!.achievements;
      seen.push(edges.map((e) => idOf(e.node.id)));
      await between(page);
      if (backward ? !pageInfo.hasPreviousPage : !pageInfo.hasNextPage) break;
      cursor = backward ? pageInfo.startCursor : pageInfo.endCursor;
    }
    return (backward ? seen.reverse() : seen).flat();
  }

  it('orders by a date, both ways, across pages: every row once, in order', async () => {
    for (const dir of ['Asc', 'Desc'] as const) {
      const want = [...rows].sort(orderings[0][2]([dir])).map((r) => r.id);
      expect(await pages([{ obtainedOn: dir }], 7, false)).toEqual(want);
      expect(await pages([{ obtainedOn: dir }], 7, true)).toEqual(want);
    }
  });

  it('orders by a column that may be empty, each placement of the empty rows, across pages both ways', async () => {
    for (const dir of ['Asc', 'Desc', 'AscNullsFirst', 'DescNullsFirst'] as const) {
      const want = [...rows].sort(orderings[4][2]([dir])).map((r) => r.id);
      // The empty costs (every fifth row) sit together at one end, and pages of 7 straddle them.
      const empty = rows.filter((r) => r.costYuan === null).map((r) => r.id);
      expect(dir.endsWith('NullsFirst') ? want.slice(0, empty.length) : want.slice(-empty.length)).toEqual(
        [...empty].sort((a, b) => (plain(dir) === 'Asc' ? a - b : b - a)),
      );
      expect(await pages([{ costYuan: dir }], 7, false), dir).toEqual(want);
      expect(await pages([{ costYuan: dir }], 7, true), dir).toEqual(want);
    }
  });

  it('pages any generated ordering, page size and direction exactly as one sorted fetch', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...orderings),
        fc.array(fc.constantFrom<NullDir>('Asc', 'Desc', 'AscNullsFirst', 'DescNullsFirst'), {
          minLength: 2,
          maxLength: 2,
        }),
        fc.integer({ min: 1, max: 30 }),
        fc.boolean(),
        async ([, orderBy, compare], dirs, size, backward) => {
          const whole = await pages(orderBy(dirs), 100, false);
          expect(whole).toEqual([...rows].sort(compare(dirs)).map((r) => r.id));
          expect(await pages(orderBy(dirs), size, backward)).toEqual(whole);
        },
      ),
      { seed, numRuns: 16 },
    );
  });

  it('loses and repeats no row across 10 pages while rows are inserted', async () => {
    const cqa = (await server.db.achievementKind.findUniqueOrThrow({ where: { code: KINDS[0] } })).id;
    const inserted: number[] = [];
    const seen = await pages([{ obtainedOn: 'Desc' }], 8, false, async (page) => {
      // One row far ahead of the cursor, one far behind it, one on a day already listed.
      for (const day of ['2016-06-01', '2024-06-01', rows[page].obtainedOn]) {
        const a = await server.db.achievement.create({
          data: { enterpriseId: firms[0].id, kindId: cqa, obtainedOn: new Date(`${day}T00:00:00Z`) },
        });
        inserted.push(a.id);
      }
    });
    await server.db.achievement.updateMany({ where: { id: { in: inserted } }, data: { retiredAt: new Date() } });
    expect(seen.length).toBeGreaterThanOrEqual(80);
    expect(new Set(seen).size).toBe(seen.length);
    const original = seen.filter((id) => !inserted.includes(id));
    expect(original).toEqual([...rows].sort(orderings[0][2](['Desc'])).map((r) => r.id));
    // Rows inserted before the cursor (2024) are not seen, those after it (2016) all are.
    expect(seen.filter((id) => inserted.includes(id)).length).toBeGreaterThanOrEqual(10);
  });

  it('refuses an orderBy item naming no field or two, and equals: null on a column never empty', async () => {
    const two = await server.request(ACHIEVEMENTS, { orderBy: [{ obtainedOn: 'Asc', kind: { code: 'Asc' } }] });
    expect(two.errors?.[0].extensions).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'orderBy[0]' });
    const none = await server.request(ACHIEVEMENTS, { orderBy: [{}] });
    expect(none.errors?.[0].extensions).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'orderBy[0]' });
    const nulls = await server.request(ACHIEVEMENTS, { filter: { obtainedOn: { equals: null } } });
    expect(nulls.errors?.[0].extensions).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'filter.obtainedOn.equals' });
    for (const refused of [two, none, nulls]) expect(refused.status).toBe(400);
  });

  it('refuses filters nested deeper than 4 levels before any SQL, and costs related rows and unindexed columns', async () => {
    let deep: object = { obtainedOn: { gte: '2018-01-01' } };
    for (let i = 0; i < 5; i++) deep = { NOT: deep };
    const refused = await server.request(ACHIEVEMENTS, { filter: deep });
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0].extensions).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'filter.NOT.NOT.NOT.NOT.NOT',
    });
    const costOf = async (filter: object) =>
      ((await server.request(ACHIEVEMENTS, { filter, first: 10 })) as { extensions?: { cost?: { requested: number } } })
        .extensions!.cost!.requested;
    const plain = await costOf({});
    // A page of 10 achievements: 1 + 10 × (edge, node, pageInfo…) as the limits count it.
    expect(await costOf({ kind: { equals: KINDS[0] }, obtainedOn: { gte: '2018-01-01' } })).toBe(plain);
    expect(await costOf({ costYuan: { gt: 0 }, level: { equals: 'NATIONAL' } })).toBe(plain + 100);
    expect(await costOf({ enterprise: { name: { contains: '科技' } } })).toBe(plain + 500 + 2 * 50);
    expect(await costOf({ enterprise: { achievements: { some: { costYuan: { gt: 0 } } } } })).toBe(
      plain + 500 + 2 * (500 + 2 * 50),
    );
  });

  const AGGREGATE = `query($filter: AchievementFilter, $groupBy: [AchievementGroupBy!]) {
    achievementsAggregate(filter: $filter, groupBy: $groupBy) {
      jurisdiction { code } year count enterpriseCount
      sum { costYuan units } min { costYuan } max { costYuan } avg { costYuan } firstObtainedOn lastObtainedOn
    }
  }`;
  type Group = {
    jurisdiction: { code: string } | null;
    year: number | null;
    count: number;
    enterpriseCount: number;
    sum: { costYuan: number | null; units: number | null };
    min: { costYuan: number | null };
    max: { costYuan: number | null };
    avg: { costYuan: number | null };
    firstObtainedOn: string | null;
    lastObtainedOn: string | null;
  };

  it('aggregates achievements by jurisdiction and year exactly as hand-written SQL', async () => {
    const sql = await server.db.$queryRaw<Array<Record<string, unknown>>>`
      SELECT j.code, EXTRACT(YEAR FROM a."obtainedOn")::int AS year, count(*)::int AS count,
             count(DISTINCT a."enterpriseId")::int AS "enterpriseCount", sum(a."costYuan")::int AS sum,
             sum(a.units)::int AS units, min(a."costYuan") AS min, max(a."costYuan") AS max,
             avg(a."costYuan")::float AS avg, to_char(min(a."obtainedOn"), 'YYYY-MM-DD') AS first,
             to_char(max(a."obtainedOn"), 'YYYY-MM-DD') AS last
      FROM "Achievement" a JOIN "Enterprise" e ON e.id = a."enterpriseId" JOIN "Jurisdiction" j ON j.id = e."jurisdictionId"
      WHERE a."retiredAt" IS NULL AND a."obtainedOn" >= '2018-01-01' AND a."costYuan" IS NOT NULL
      GROUP BY 1, 2 ORDER BY 1, 2`;
    const res = await server.request<{ achievementsAggregate: Group[] }, object>(AGGREGATE, {
      filter: { obtainedOn: { gte: '2018-01-01' }, NOT: { costYuan: { equals: null } } },
      groupBy: ['JURISDICTION', 'YEAR'],
    });
    expect(res.errors).toBeUndefined();
    const got = res
      .data!.achievementsAggregate.map((g) => ({
        code: g.jurisdiction!.code,
        year: g.year,
        count: g.count,
        enterpriseCount: g.enterpriseCount,
        sum: g.sum.costYuan,
        units: g.sum.units,
        min: g.min.costYuan,
        max: g.max.costYuan,
        avg: g.avg.costYuan,
        first: g.firstObtainedOn,
        last: g.lastObtainedOn,
      }))
      .sort((a, b) => a.code.localeCompare(b.code) || a.year! - b.year!);
    expect(sql.length).toBeGreaterThan(10);
    expect(got).toEqual(sql.map((r) => ({ ...r, avg: expect.closeTo(r.avg as number, 9) })));
  });

  it("aggregates only what a caller may see: an agency's groups are its own district's, whatever its filter", async () => {
    const res = await server.request<{ achievementsAggregate: Group[] }, object>(
      AGGREGATE,
      {
        filter: { OR: [{ jurisdiction: gid('gd-foshan-shunde') }, { jurisdiction: gid('gd-foshan-nanhai') }] },
        groupBy: ['JURISDICTION'],
      },
      { key: nanhaiKey },
    );
    const nanhai = rows.filter((r) => r.district === 'gd-foshan-nanhai');
    expect(res.data!.achievementsAggregate.map((g) => [g.jurisdiction!.code, g.count, g.enterpriseCount])).toEqual([
      ['gd-foshan-nanhai', nanhai.length, new Set(nanhai.map((r) => r.enterprise)).size],
    ]);
    const all = await server.request<{ achievementsAggregate: Group[] }, object>(AGGREGATE, {}, { key: nanhaiKey });
    expect(all.data!.achievementsAggregate.map((g) => [g.jurisdiction, g.count])).toEqual([[null, nanhai.length]]);
    const none = await server.request<{ achievementsAggregate: Group[] }, object>(AGGREGATE, {
      filter: { obtainedOn: { lt: '1990-01-01' } },
    });
    expect(none.data!.achievementsAggregate.map((g) => [g.count, g.enterpriseCount, g.sum.costYuan])).toEqual([
      [0, 0, null],
    ]);
    const publicCaller = await server.request(AGGREGATE, {}, { key: null });
    expect(publicCaller.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('counts enterprises by jurisdiction and kind exactly as hand-written SQL', async () => {
    const sql = await server.db.$queryRaw<Array<{ code: string; kind: string; count: number }>>`
      SELECT j.code, e.kind::text AS kind, count(*)::int AS count FROM "Enterprise" e JOIN "Jurisdiction" j ON j.id = e."jurisdictionId"
      WHERE e."retiredAt" IS NULL AND e.name LIKE '%Tech科技%' GROUP BY 1, 2 ORDER BY 1, 2`;
    const res = await server.request<
      { enterprisesAggregate: Array<{ jurisdiction: { code: string }; kind: string; count: number }> },
      object
    >(
      `query($f: EnterpriseFilter) { enterprisesAggregate(filter: $f, groupBy: [JURISDICTION, KIND]) { jurisdiction { code } kind count } }`,
      { f: { name: { contains: 'tech科技', mode: 'Insensitive' } } },
    );
    expect(
      res
        .data!.enterprisesAggregate.map((g) => ({ code: g.jurisdiction.code, kind: g.kind, count: g.count }))
        .sort((a, b) => a.code.localeCompare(b.code) || a.kind.localeCompare(b.kind)),
    ).toEqual(sql);
    expect(sql.reduce((n, r) => n + r.count, 0)).toBe(firms.length);
  });

  it("sums, bounds and averages enterprises' achievements by jurisdiction and kind exactly as hand-written SQL, an agency only its own", async () => {
    const sql = await server.db.$queryRaw<Array<Record<string, unknown>>>`
      SELECT j.code, e.kind::text AS kind, count(DISTINCT e.id)::int AS enterprises, count(a.id)::int AS count,
             count(DISTINCT a."enterpriseId")::int AS "enterpriseCount", sum(a."costYuan")::int AS sum,
             sum(a.units)::int AS units, min(a."costYuan") AS min, max(a.units) AS "maxUnits",
             avg(a."costYuan")::float AS avg, to_char(min(a."obtainedOn"), 'YYYY-MM-DD') AS first
      FROM "Enterprise" e JOIN "Jurisdiction" j ON j.id = e."jurisdictionId"
      LEFT JOIN "Achievement" a ON a."enterpriseId" = e.id AND a."retiredAt" IS NULL
      WHERE e."retiredAt" IS NULL AND e.name LIKE '%Tech科技%' AND e.industry IS NOT NULL
      GROUP BY 1, 2 ORDER BY 1, 2`;
    const QUERY = `query($f: EnterpriseFilter, $by: [EnterpriseGroupBy!]) {
      enterprisesAggregate(filter: $f, groupBy: $by) {
        jurisdiction { code } kind count
        achievements { count enterpriseCount sum { costYuan units } min { costYuan } max { units } avg { costYuan } firstObtainedOn }
      }
    }`;
    type Group = {
      jurisdiction: { code: string } | null;
      kind: string | null;
      count: number;
      achievements: {
        count: number;
        enterpriseCount: number;
        sum: { costYuan: number | null; units: number | null };
        min: { costYuan: number | null };
        max: { units: number | null };
        avg: { costYuan: number | null };
        firstObtainedOn: string | null;
      };
    };
    const flat = (g: Group) => ({
      code: g.jurisdiction?.code,
      kind: g.kind,
      enterprises: g.count,
      count: g.achievements.count,
      enterpriseCount: g.achievements.enterpriseCount,
      sum: g.achievements.sum.costYuan,
      units: g.achievements.sum.units,
      min: g.achievements.min.costYuan,
      maxUnits: g.achievements.max.units,
      avg: g.achievements.avg.costYuan,
      first: g.achievements.firstObtainedOn,
    });
    const filter = { name: { contains: 'Tech科技' }, NOT: { industry: { equals: null } } };
    const res = await server.request<{ enterprisesAggregate: Group[] }, object>(QUERY, {
      f: filter,
      by: ['JURISDICTION', 'KIND'],
    });
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const got = res
      .data!.enterprisesAggregate.map(flat)
      .sort((a, b) => a.code!.localeCompare(b.code!) || a.kind!.localeCompare(b.kind!));
    expect(sql.length).toBeGreaterThan(4);
    expect(got).toEqual(sql.map((r) => ({ ...r, avg: expect.closeTo(r.avg as number, 9) })));
    // The groups' figures are two statements whatever the groups: the achievements by enterprise, the enterprises' keys.
    const countOnly = await server.request(QUERY.replace(/achievements \{[^\n]*\}\n/, ''), {
      f: filter,
      by: ['JURISDICTION', 'KIND'],
    });
    expect(countOnly.errors).toBeUndefined();
    expect(res.extensions!.sqlStatements! - countOnly.extensions!.sqlStatements!).toBe(2);

    // An agency: only its district, its enterprises' achievements only, whatever its filter says.
    const nanhai = rows.filter((r) => r.district === 'gd-foshan-nanhai');
    const theirs = await server.request<{ enterprisesAggregate: Group[] }, object>(
      QUERY,
      { f: { OR: [{ jurisdiction: gid('gd-foshan-shunde') }, { jurisdiction: gid('gd-foshan-nanhai') }] } },
      { key: nanhaiKey },
    );
    expect(theirs.data!.enterprisesAggregate.map(flat)).toEqual([
      expect.objectContaining({
        enterprises: firms.filter((f) => f.district === 'gd-foshan-nanhai').length,
        count: nanhai.length,
        sum: nanhai.reduce((n, r) => n + (r.costYuan ?? 0), 0),
        units: nanhai.reduce((n, r) => n + (r.units ?? 0), 0),
      }),
    ]);
  });

  it('filters and orders the audit log and export jobs with the same operators', async () => {
    const { db } = server;
    await db.auditEntry.createMany({
      data: [0, 1, 2, 3, 4, 5].map((i) => ({
        at: new Date(Date.UTC(2026, 0, 1 + i)),
        actor: i % 2 ? 'agency:南海区' : 'admin',
        action: 'update',
        entity: i % 3 ? 'Enterprise' : 'Achievement',
        entityId: 100 + i,
      })),
    });
    const audit = await server.request<{ auditLog: Page<{ entityId: number; actor: string }> }, object>(
      `query($f: AuditEntryFilter, $o: [AuditEntryOrderBy!]) { auditLog(filter: $f, orderBy: $o, first: 10) { totalCount edges { node { entityId actor } } } }`,
      {
        f: { entity: { equals: 'Enterprise' }, at: { lt: '2026-01-06' }, actor: { startsWith: 'agency' } },
        o: [{ at: 'Asc' }],
      },
    );
    // i = 1, 3 (odd: an agency; i % 3 ≠ 0: an enterprise; before the 6th: i < 5).
    expect(audit.data!.auditLog.edges.map((e) => e.node.entityId)).toEqual([101]);
    expect(audit.data!.auditLog.totalCount).toBe(1);
    const entityArg = await server.request<{ auditLog: { totalCount: number } }, object>(
      `{ auditLog(entity: "Achievement", filter: { entityId: { gte: 100 } }) { totalCount } }`,
    );
    expect(entityArg.data!.auditLog.totalCount).toBe(2);

    const owner = await db.apiKey.findFirstOrThrow({ where: { name: 'test administrator' } });
    await db.exportJob.createMany({
      data: (['CANCELLED', 'COMPLETED', 'FAILED', 'COMPLETED'] as const).map((status, i) => ({
        ownerId: owner.id,
        report: 'ACHIEVEMENTS_BY_DISTRICT' as const,
        format: i % 2 ? ('CSV' as const) : ('XLSX' as const),
        parameters: {},
        status,
        rowsWritten: i * 10,
        expiresAt: new Date(Date.UTC(2099, 0, 1)),
      })),
    });
    const jobs = await server.request<{ exportJobs: Page<{ status: string; rowsWritten: number }> }, object>(
      `{ exportJobs(filter: { status: { in: [COMPLETED, FAILED] }, rowsWritten: { gte: 10 } }, orderBy: [{ status: Asc }]) {
          totalCount edges { node { status rowsWritten } } } }`,
    );
    expect(jobs.data!.exportJobs.edges.map((e) => [e.node.status, e.node.rowsWritten])).toEqual([
      ['COMPLETED', 10],
      ['COMPLETED', 30],
      ['FAILED', 20],
    ]);
    // Another key's filter never reaches these jobs.
    const theirs = await server.request<{ exportJobs: { totalCount: number } }, object>(
      `{ exportJobs(filter: { OR: [{ status: { equals: COMPLETED } }, { NOT: { status: { equals: COMPLETED } } }] }) { totalCount } }`,
      {},
      { key: nanhaiKey },
    );
    expect(theirs.data!.exportJobs.totalCount).toBe(0);
  });

  it('costs the same SQL statements for a filtered, ordered, nested page of 3 or 60 rows, and for aggregates', async () => {
    const page = `query($first: Int, $filter: AchievementFilter) {
      achievements(first: $first, filter: $filter, orderBy: [{ enterprise: { name: Desc } }, { obtainedOn: Asc }]) {
        totalCount edges { node { id level kind { code } enterprise { name jurisdiction { code } } } }
      }
    }`;
    const filter = {
      OR: [{ jurisdiction: gid('zj-taizhou') }, { enterprise: { achievements: { some: { costYuan: { gt: 0 } } } } }],
      NOT: { level: { equals: 'PROVINCIAL' } },
    };
    await server.request(page, { first: 1, filter }); // the server's first request also reads the corpus
    const small = await server.request<{ achievements: Page<unknown> }, object>(page, { first: 3, filter });
    const large = await server.request<{ achievements: Page<unknown> }, object>(page, { first: 60, filter });
    expect(large.data!.achievements.edges.length).toBeGreaterThan(30);
    expect(small.extensions?.sqlStatements).toBeGreaterThan(0);
    expect(large.extensions?.sqlStatements).toBe(small.extensions?.sqlStatements);
    const byYear = await server.request(AGGREGATE, { filter, groupBy: ['YEAR'] });
    const byAll = await server.request(AGGREGATE, { filter, groupBy: ['JURISDICTION', 'YEAR'] });
    // The groups in one statement, the enterprises' jurisdictions and the jurisdictions in one each.
    expect((byAll.extensions?.sqlStatements ?? 0) - (byYear.extensions?.sqlStatements ?? 0)).toBe(2);
  });

  it('costs the same SQL statements for a filtered, ordered page of every list whatever its length, and one or two more after a cursor; nested lists with their parents', async () => {
    // Each list with a filter on related rows, an ordering by a related key and a related field selected.
    const lists: Array<[string, string, object, object[], string]> = [
      [
        'policies',
        'PolicyFilter',
        { incentives: { some: { obtained: { in: ['NEW', 'HELD'] } } } },
        [{ issuedOn: 'Desc' }],
        'key jurisdiction { code }',
      ],
      [
        'incentives',
        'IncentiveFilter',
        { policy: { inForceOn: '2019-06-01' } },
        [{ policy: { key: 'Asc' } }, { capYuan: 'AscNullsFirst' }],
        'key policy { key }',
      ],
      [
        'targets',
        'TargetFilter',
        { policy: { key: { startsWith: 'foshan' } } },
        [{ indicator: { code: 'Asc' } }, { deadline: 'Desc' }],
        'key indicator { code }',
      ],
      [
        'clauses',
        'ClauseFilter',
        { policy: { issuer: { contains: '人民政府' } } },
        [{ policy: { title: 'Asc' } }, { heading: 'Asc' }],
        'path policy { key }',
      ],
      [
        'enterprises',
        'EnterpriseFilter',
        { achievements: { some: { costYuan: { gt: 0 } } } },
        [{ jurisdiction: { code: 'Asc' } }, { industry: 'Desc' }],
        'name jurisdiction { code }',
      ],
      [
        'achievements',
        'AchievementFilter',
        { enterprise: { name: { contains: '科技' } } },
        [{ enterprise: { name: 'Desc' } }, { costYuan: 'Desc' }],
        'level kind { code } enterprise { name }',
      ],
    ];
    for (const [list, type, filter, orderBy, select] of lists) {
      const page = `query($f: ${type}, $o: [${type.replace('Filter', 'OrderBy')}!], $first: Int, $after: String) {
        ${list}(filter: $f, orderBy: $o, first: $first, after: $after) { totalCount pageInfo { endCursor } edges { node { ${select} } } }
      }`;
      type Listed = Record<string, Page<unknown>>;
      const small = await server.request<Listed, object>(page, { f: filter, o: orderBy, first: 1 });
      const large = await server.request<Listed, object>(page, { f: filter, o: orderBy, first: 60 });
      expect(small.errors, JSON.stringify(small.errors)).toBeUndefined();
      expect(large.data![list].edges.length, list).toBeGreaterThan(2);
      expect(large.extensions?.sqlStatements, list).toBe(small.extensions?.sqlStatements);
      // After a cursor: the cursor row's keys, read by its id, and its related row's (Prisma reads a
      // relation in a statement of its own), whatever the page's length.
      const after = small.data![list].pageInfo.endCursor;
      const deep = await server.request<Listed, object>(page, { f: filter, o: orderBy, first: 60, after });
      expect(deep.data![list].edges.length, list).toBe(Math.min(60, large.data![list].totalCount - 1));
      const related = orderBy.some((item) => typeof Object.values(item)[0] === 'object') ? 1 : 0;
      expect(deep.extensions?.sqlStatements, list).toBe(small.extensions!.sqlStatements! + 1 + related);
    }
    // The lists under an object take the same inputs and are read with their parents: a page of 1
    // parent or of 40, each with a filtered, ordered page of its list, costs the same statements.
    const nested: Array<[string, string, string, object, object[], string]> = [
      [
        'enterprises',
        'achievements',
        'AchievementFilter',
        { kind: { in: KINDS }, NOT: { obtainedOn: { lt: '2018-01-01' } } },
        [{ kind: { code: 'Desc' } }, { costYuan: 'AscNullsFirst' }],
        'level kind { code }',
      ],
      [
        'policies',
        'incentives',
        'IncentiveFilter',
        { OR: [{ ruleKind: { in: ['FIXED'] } }, { capYuan: { gte: 100_000 } }] },
        [{ capYuan: 'DescNullsFirst' }],
        'key policy { key }',
      ],
      [
        'policies',
        'targets',
        'TargetFilter',
        { NOT: { kind: { equals: 'REACH' } } },
        [{ indicator: { code: 'Asc' } }, { deadline: 'Desc' }],
        'key indicator { code }',
      ],
      [
        'achievementKinds',
        'incentives',
        'IncentiveFilter',
        { policy: { key: { startsWith: 'taizhou' } } },
        [{ policy: { key: 'Desc' } }],
        'key',
      ],
      [
        'jurisdictions',
        'enterprises',
        'EnterpriseFilter',
        { name: { contains: 'Tech科技' }, NOT: { industry: { equals: null } } },
        [{ industry: 'Desc' }],
        'name jurisdiction { code }',
      ],
    ];
    for (const [parent, list, type, filter, orderBy, select] of nested) {
      const page = `query($f: ${type}, $o: [${type.replace('Filter', 'OrderBy')}!], $first: Int) {
        ${parent}(first: $first) { edges { node { ${list}(filter: $f, orderBy: $o, first: 5) { totalCount edges { node { ${select} } } } } } }
      }`;
      type Parents = Record<string, { edges: Array<{ node: Record<string, Page<unknown>> }> }>;
      const small = await server.request<Parents, object>(page, { f: filter, o: orderBy, first: 1 });
      const large = await server.request<Parents, object>(page, { f: filter, o: orderBy, first: 40 });
      expect(large.errors, JSON.stringify(large.errors)).toBeUndefined();
      const rows = large.data![parent].edges.flatMap((e) => e.node[list].edges);
      expect(large.data![parent].edges.length, `${parent}.${list}`).toBeGreaterThan(2);
      expect(rows.length, `${parent}.${list}`).toBeGreaterThan(2);
      expect(large.extensions?.sqlStatements, `${parent}.${list}`).toBe(small.extensions?.sqlStatements);
    }
  });

  /** The keys of a list's rows (all of them, in the list's order). */
  async function keysOf(list: string, filterType: string, filter: object, select = 'key'): Promise<string[]> {
    const res = await server.request<Record<string, Page<Record<string, string>>>, object>(
      `query($f: ${filterType}) { ${list}(filter: $f, first: 100) { totalCount edges { node { ${select} } } } }`,
      { f: filter },
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data![list].edges.map((e) => e.node[select]).sort();
  }
  const sorted = (xs: string[]) => [...xs].sort();

  it('filters policies, incentives and targets of the seed by date, enum, boolean, number and text, and through their policy', async () => {
    const { db } = server;
    const policies = await db.policy.findMany();
    const day = new Date('2019-06-01');
    const inForce = (p: (typeof policies)[number]) =>
      p.effectiveFrom <= day && (!p.effectiveUntil || p.effectiveUntil >= day);
    expect(await keysOf('policies', 'PolicyFilter', { inForceOn: '2019-06-01' })).toEqual(
      sorted(policies.filter(inForce).map((p) => p.key)),
    );
    expect(await keysOf('policies', 'PolicyFilter', { effectiveFrom: { gte: '2018-01-01' } })).toEqual(
      sorted(policies.filter((p) => p.effectiveFrom >= new Date('2018-01-01')).map((p) => p.key)),
    );
    expect(await keysOf('policies', 'PolicyFilter', { effectiveUntil: { equals: null } })).toEqual(
      sorted(policies.filter((p) => !p.effectiveUntil).map((p) => p.key)),
    );
    expect(await keysOf('policies', 'PolicyFilter', { title: { contains: '标准' } })).toEqual(
      sorted(policies.filter((p) => p.title.includes('标准')).map((p) => p.key)),
    );
    expect(await keysOf('policies', 'PolicyFilter', { stackingRule: { equals: 'BEST_SINGLE_PER_PROJECT' } })).toEqual(
      sorted(policies.filter((p) => p.stackingRule === 'BEST_SINGLE_PER_PROJECT').map((p) => p.key)),
    );

    const incentives = await db.incentive.findMany({ include: { policy: true, achievementKind: true } });
    const keyOf = (i: (typeof incentives)[number]) => `${i.policy.key}/${i.key}`;
    const incentiveKeys = async (filter: object) => {
      const res = await server.request<{ incentives: Page<{ key: string; policy: { key: string } }> }, object>(
        `query($f: IncentiveFilter) { incentives(filter: $f, first: 100) { totalCount edges { node { key policy { key } } } } }`,
        { f: filter },
      );
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      expect(res.data!.incentives.totalCount).toBeLessThanOrEqual(100);
      return sorted(res.data!.incentives.edges.map((e) => `${e.node.policy.key}/${e.node.key}`));
    };
    const cases: Array<[object, (i: (typeof incentives)[number]) => boolean]> = [
      // Incentives of a policy whose window covers a date (a relation filter).
      [{ policy: { inForceOn: '2019-06-01' } }, (i) => inForce(i.policy)],
      [{ ruleKind: { in: ['FIXED', 'TIERED'] } }, (i) => ['FIXED', 'TIERED'].includes(i.ruleKind)],
      [{ stageByLevel: { equals: true } }, (i) => i.stageByLevel],
      [{ capYuan: { gte: 100_000 } }, (i) => i.capYuan !== null && i.capYuan >= 100_000],
      [{ payer: { equals: null } }, (i) => i.payer === null],
      [{ NOT: { payer: { equals: 'CITY' } } }, (i) => i.payer !== 'CITY'],
      [{ achievementKind: { startsWith: 'PROVINCIAL_' } }, (i) => i.achievementKind.code.startsWith('PROVINCIAL_')],
      [
        { quote: { contains: '万元' }, policy: { key: { equals: 'taizhou-2017-quality' } } },
        (i) => i.quote.includes('万元') && i.policy.key === 'taizhou-2017-quality',
      ],
    ];
    for (const [filter, pick] of cases) {
      const want = sorted(incentives.filter(pick).map(keyOf));
      if (want.length <= 100) expect(await incentiveKeys(filter), JSON.stringify(filter)).toEqual(want);
    }

    const targets = await db.target.findMany({ include: { policy: true } });
    const targetKeys = (pick: (t: (typeof targets)[number]) => boolean) =>
      sorted(targets.filter(pick).map((t) => t.key));
    expect(await keysOf('targets', 'TargetFilter', { value: { gte: 90 }, kind: { equals: 'REACH' } })).toEqual(
      targetKeys((t) => t.value !== null && t.value >= 90 && t.kind === 'REACH'),
    );
    expect(
      await keysOf('targets', 'TargetFilter', { deadline: { lte: '2020-12-31' }, per: { equals: 'SCOPE' } }),
    ).toEqual(targetKeys((t) => t.deadline !== null && t.deadline <= new Date('2020-12-31') && t.per === 'SCOPE'));
    expect(
      await keysOf('targets', 'TargetFilter', { policy: { key: { startsWith: 'taizhou' } }, toYear: { in: [2020] } }),
    ).toEqual(targetKeys((t) => t.policy.key.startsWith('taizhou') && t.toYear === 2020));
  });

  it('filters enterprises by enum, text and null, and orders them by name both ways', async () => {
    expect(await keysOf('enterprises', 'EnterpriseFilter', { kind: { equals: 'ASSOCIATION' } }, 'name')).toEqual(
      sorted(firms.filter((f) => f.kind === 'ASSOCIATION').map((f) => f.name)),
    );
    expect(await keysOf('enterprises', 'EnterpriseFilter', { industry: { equals: null } }, 'name')).toEqual(
      sorted(firms.filter((f) => f.industry === null).map((f) => f.name)),
    );
    expect(
      await keysOf(
        'enterprises',
        'EnterpriseFilter',
        { name: { startsWith: '佛山' }, NOT: { industry: { in: ['模具'] } } },
        'name',
      ),
    ).toEqual(sorted(firms.filter((f) => f.name.startsWith('佛山') && f.industry !== '模具').map((f) => f.name)));
    for (const dir of ['Asc', 'Desc'] as const) {
      const res = await server.request<{ enterprises: Page<{ name: string }> }, object>(
        `query($o: [EnterpriseOrderBy!]) { enterprises(orderBy: $o, first: 100, filter: { name: { contains: "Tech科技" } }) { edges { node { name } } } }`,
        { o: [{ name: dir }] },
      );
      // The database's collation decides the order of Chinese names: the same as its own ORDER BY.
      const direction = dir === 'Asc' ? 'asc' : 'desc';
      const want = await server.db.enterprise.findMany({
        where: { name: { contains: 'Tech科技' } },
        orderBy: [{ name: direction }, { id: direction }],
      });
      expect(res.data!.enterprises.edges.map((e) => e.node.name)).toEqual(want.map((f) => f.name));
      expect(want).toHaveLength(firms.length);
    }
  });

  it('filters, orders and pages the clauses of every policy, public like the policies', async () => {
    const { db } = server;
    const clauses = await db.clause.findMany({ include: { policy: true, incentives: true } });
    const clauseKeys = async (filter: object, orderBy?: object[]) => {
      const res = await server.request<{ clauses: Page<{ path: string; policy: { key: string } }> }, object>(
        `query($f: ClauseFilter, $o: [ClauseOrderBy!]) { clauses(filter: $f, orderBy: $o, first: 100) { totalCount edges { node { path policy { key } } } } }`,
        { f: filter, o: orderBy },
        { key: null },
      );
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      expect(res.data!.clauses.totalCount).toBe(res.data!.clauses.edges.length);
      return res.data!.clauses.edges.map((e) => `${e.node.policy.key}/${e.node.path}`);
    };
    const keyOf = (c: (typeof clauses)[number]) => `${c.policy.key}/${c.path}`;
    const cqaKind = (await db.achievementKind.findUniqueOrThrow({ where: { code: 'CHINA_QUALITY_AWARD' } })).id;
    const cases: Array<[object, (c: (typeof clauses)[number]) => boolean]> = [
      [
        { policy: { key: { equals: 'taizhou-2017-quality' } }, path: { startsWith: '二/' } },
        (c) => c.policy.key === 'taizhou-2017-quality' && c.path.startsWith('二/'),
      ],
      [{ text: { contains: '万元' }, heading: { equals: null } }, (c) => c.text.includes('万元') && c.heading === null],
      [
        { incentives: { some: { achievementKind: { equals: 'CHINA_QUALITY_AWARD' } } } },
        (c) => c.incentives.some((i) => i.achievementKindId === cqaKind),
      ],
      [
        { NOT: { heading: { contains: '奖' } }, position: { lt: 3 } },
        (c) => !c.heading?.includes('奖') && c.position < 3,
      ],
    ];
    for (const [filter, pick] of cases) {
      const want = sorted(clauses.filter(pick).map(keyOf));
      expect(want.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(sorted(await clauseKeys(filter)), JSON.stringify(filter)).toEqual(want);
    }
    // Ordered by a column that may be empty (headings), the empty ones first: 000's clauses.
    const of000 = clauses.filter((c) => c.policy.key === 'taizhou-2017-quality');
    const byHeading = await clauseKeys({ policy: { key: { equals: 'taizhou-2017-quality' } } }, [
      { heading: 'DescNullsFirst' },
      { path: 'Asc' },
    ]);
    const empty = of000.filter((c) => c.heading === null);
    expect(empty.length).toBeGreaterThan(0);
    expect(sorted(byHeading.slice(0, empty.length))).toEqual(sorted(empty.map(keyOf)));
    expect(byHeading).toHaveLength(of000.length);
  });

  it('filters, orders and pages observations: indicator, jurisdiction subtree, year, value, corrections', async () => {
    const { db } = server;
    const indicators = await db.indicator.findMany({ orderBy: { id: 'asc' }, take: 2 });
    const made: Array<{ id: number; indicator: string; district: string; year: number; value: number }> = [];
    for (let n = 0; n < 40; n++) {
      const o = await db.observation.create({
        data: {
          indicatorId: indicators[n % 2].id,
          jurisdictionId: jurisdictionIds[DISTRICTS[n % 4]],
          year: 2017 + (n % 5),
          value: 50 + ((n * 7) % 40),
          source: `filters-${n % 3}`,
        },
      });
      made.push({
        id: o.id,
        indicator: indicators[n % 2].code,
        district: DISTRICTS[n % 4],
        year: o.year,
        value: o.value,
      });
    }
    // The 3rd observation corrects the 1st: the 1st is superseded.
    await db.observation.update({ where: { id: made[2].id }, data: { supersedesId: made[0].id } });
    const OBSERVATIONS = `query($f: ObservationFilter, $o: [ObservationOrderBy!], $first: Int, $after: String) {
      observations(filter: $f, orderBy: $o, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id year value } }
      }
    }`;
    const listed = async (filter: object, orderBy?: object[], size = 100) => {
      const ids: number[] = [];
      let after: string | null = null;
      for (;;) {
        const res: GraphQLResponse<{ observations: Page<{ id: string }> }> = await server.request<
          { observations: Page<{ id: string }> },
          object
        >(
          OBSERVATIONS,
          { f: { AND: [filter, { source: { startsWith: 'filters-' } }] }, o: orderBy, first: size, after },
          { key: null },
        );
        expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
        ids.push(...res.data!.observations.edges.map((e) => idOf(e.node.id)));
        if (!res.data!.observations.pageInfo.hasNextPage) return ids;
        after = res.data!.observations.pageInfo.endCursor;
      }
    };
    const want = (pick: (o: (typeof made)[number]) => boolean) =>
      made
        .filter(pick)
        .map((o) => o.id)
        .sort((a, b) => a - b);
    const cases: Array<[object, (o: (typeof made)[number]) => boolean]> = [
      [{ indicator: { equals: indicators[1].code } }, (o) => o.indicator === indicators[1].code],
      [{ jurisdiction: gid('gd-foshan') }, (o) => o.district.startsWith('gd-foshan-')],
      [{ year: { gte: 2019, lte: 2020 }, value: { gt: 70 } }, (o) => o.year >= 2019 && o.year <= 2020 && o.value > 70],
      [{ source: { in: ['filters-0', 'filters-2'] } }, (o) => [0, 2].includes(made.indexOf(o) % 3)],
      [{ superseded: true }, (o) => o.id === made[0].id],
      [{ superseded: false, year: { equals: 2017 } }, (o) => o.id !== made[0].id && o.year === 2017],
    ];
    for (const [filter, pick] of cases)
      expect(
        (await listed(filter)).sort((a, b) => a - b),
        JSON.stringify(filter),
      ).toEqual(want(pick));
    // By value, largest first, then year: pages of 6 equal one sorted fetch.
    const byValue = [...made].sort((a, b) => b.value - a.value || a.year - b.year || a.id - b.id).map((o) => o.id);
    expect(await listed({}, [{ value: 'Desc' }, { year: 'Asc' }], 6)).toEqual(byValue);
    const byCode = [...made]
      .sort((a, b) => (a.district < b.district ? 1 : a.district > b.district ? -1 : b.id - a.id))
      .map((o) => o.id);
    expect(await listed({}, [{ jurisdiction: { code: 'Desc' } }], 7)).toEqual(byCode);
  });
});
