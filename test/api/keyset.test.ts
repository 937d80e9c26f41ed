/**
 * Issue #23: a page deep into an ordered list costs what the first page does. Prisma's `cursor:`
 * compared each key with a subquery inside an OR, so PostgreSQL scanned the index from the top and
 * filtered out every row before the cursor (128,496 rows for a page 90% into 2018's achievements
 * of the benchmark). The keyset page bounds the first key by the cursor row's value, so it never
 * reads the rows before its cursor; here the SQL a request sends is EXPLAINed on both databases and
 * the rows its scans touch are counted. The nested lists (an enterprise's achievements, a
 * jurisdiction's enterprises) page the same way inside their parent's statement: their page is an
 * index range from the cursor within the parent's rows, not a scan and sort of all of them.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const seed = 2323;
const ROWS = 12_600;
const ENTERPRISES = 6_000;
const NESTED_ROWS = 2_500;
const b64 = (text: string) => Buffer.from(text).toString('base64');

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}
/** Rows the scans of a plan read: those they returned and those their filters threw away. */
const scanned = (node: PlanNode): number =>
  (node['Node Type'].includes('Scan')
    ? node['Actual Rows'] * node['Actual Loops'] +
      (node['Rows Removed by Filter'] ?? 0) +
      (node['Rows Removed by Index Recheck'] ?? 0)
    : 0) + (node.Plans ?? []).reduce((n, child) => n + scanned(child), 0);
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];
const idOf = (globalId: string) => Number(Buffer.from(globalId, 'base64').toString().split(':')[1]);

describe.each(DATABASE_KINDS)('keyset pages on %s database', (dbKind) => {
  let server: TestServer;
  let rows: Array<{ id: number; day: string }> = [];
  let nanhai = 0;
  let nestedFirm = 0;
  const statements: Array<{ query: string; params: string }> = [];

  beforeAll(async () => {
    server = await startTestServer(dbKind);
    const { db } = server;
    const jurisdiction = await db.jurisdiction.findFirstOrThrow({ where: { code: 'zj-taizhou-jiaojiang' } });
    const kind = await db.achievementKind.findFirstOrThrow({ where: { code: 'CHINA_QUALITY_AWARD' } });
    const firm = await db.enterprise.create({ data: { name: '深页科技', jurisdictionId: jurisdiction.id } });
    for (let start = 0; start < ROWS; start += 3_000)
      await db.achievement.createMany({
        data: Array.from({ length: Math.min(3_000, ROWS - start) }, (_, i) => ({
          enterpriseId: firm.id,
          kindId: kind.id,
          // About five achievements a day over 2017–2023, in no order of id.
          obtainedOn: new Date(Date.UTC(2017, 0, 1) + (((start + i) * 37) % 2_555) * 86_400_000),
        })),
      });
    // The nested pages' parents: 南海区 and 顺德区 enterprises, and one 南海区 firm whose achievements
    // are a sixth of the table (the planner would rather read the day index and filter by firm).
    const districts = await db.jurisdiction.findMany({
      where: { code: { in: ['gd-foshan-nanhai', 'gd-foshan-shunde'] } },
    });
    await db.enterprise.createMany({
      data: Array.from({ length: ENTERPRISES }, (_, i) => ({
        name: `深页企业${i}`,
        jurisdictionId: districts[i % 2].id,
      })),
    });
    nanhai = districts.find((d) => d.code === 'gd-foshan-nanhai')!.id;
    const nested = await db.enterprise.create({ data: { name: '深页嵌套', jurisdictionId: nanhai } });
    nestedFirm = nested.id;
    await db.achievement.createMany({
      data: Array.from({ length: NESTED_ROWS }, (_, i) => ({
        enterpriseId: nested.id,
        kindId: kind.id,
        obtainedOn: new Date(Date.UTC(2017, 0, 1) + ((i * 53) % 2_555) * 86_400_000),
      })),
    });
    await db.$executeRawUnsafe('ANALYZE');
    rows = (await db.achievement.findMany({ select: { id: true, obtainedOn: true } })).map((a) => ({
      id: a.id,
      day: a.obtainedOn.toISOString().slice(0, 10),
    }));
    // The client logs its statements (createDb), which its type does not know.
    const record = (e: { query: string; params: string }) => statements.push(e);
    db.$on('query' as never, record as never);
  });
  afterAll(() => server?.stop());

  const PAGE = `query($filter: AchievementFilter, $orderBy: [AchievementOrderBy!], $first: Int, $after: String, $last: Int, $before: String) {
    achievements(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) { edges { node { id } } }
  }`;

  /**
   * The one statement a request sent that reads a page of `table` (its ORDER BY), EXPLAINed with
   * ANALYZE: its plan's nodes and the rows its scans read.
   */
  async function explained<T>(query: string, variables: object, table: string) {
    statements.length = 0;
    const res = await server.request<T, object>(query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const sql = statements.filter((s) => new RegExp(`FROM "public"\\."${table}" .*ORDER BY`, 's').test(s.query));
    expect(sql).toHaveLength(1);
    const params = JSON.parse(sql[0].params) as unknown[];
    const text = sql[0].query.replace(/\$(\d+)/g, (_, i: string) => {
      const value = params[Number(i) - 1];
      return typeof value === 'number' ? String(value) : `'${String(value).replaceAll("'", "''")}'`;
    });
    const [plan] = await server.db.$queryRawUnsafe<Array<{ 'QUERY PLAN': unknown }>>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${text}`,
    );
    const json = plan['QUERY PLAN'];
    const root = (typeof json === 'string' ? JSON.parse(json) : json) as Array<{ Plan: PlanNode }>;
    return { data: res.data!, nodes: nodesOf(root[0].Plan), scanned: scanned(root[0].Plan) };
  }

  /** A page's ids and the rows its one page statement scanned (EXPLAIN ANALYZE of the SQL it sent). */
  async function page(variables: object): Promise<{ ids: number[]; scanned: number }> {
    type Paged = { achievements: { edges: Array<{ node: { id: string } }> } };
    const { data, scanned } = await explained<Paged>(PAGE, variables, 'Achievement');
    return { ids: data.achievements.edges.map((e) => idOf(e.node.id)), scanned };
  }

  const of2018 = (r: { day: string }) => r.day >= '2018-01-01' && r.day < '2019-01-01';
  const newestFirst = (a: { id: number; day: string }, b: { id: number; day: string }) =>
    a.day < b.day ? 1 : a.day > b.day ? -1 : b.id - a.id;

  it("reads a page 90% into 2018's achievements, newest first, without reading the rows before its cursor (Prisma's cursor read 90% of them)", async () => {
    const want = rows.filter(of2018).sort(newestFirst);
    const deep = Math.floor(0.9 * want.length);
    const vars = { filter: { obtainedOn: { gte: '2018-01-01', lt: '2019-01-01' } }, orderBy: [{ obtainedOn: 'Desc' }] };
    const first = await page({ ...vars, first: 50 });
    const deepPage = await page({ ...vars, first: 50, after: b64(`GPC:N:${want[deep - 1].id}`) });
    expect(first.ids).toEqual(want.slice(0, 50).map((r) => r.id));
    expect(deepPage.ids).toEqual(want.slice(deep, deep + 50).map((r) => r.id));
    expect(want.length).toBeGreaterThan(1_500);
    // Prisma's cursor read the 1,600 rows before the cursor; the keyset page reads none of them (at
    // most the ties of the cursor's day): the page, or on a small table the 180 rows past the cursor.
    expect(deepPage.scanned).toBeLessThanOrEqual(Math.max(first.scanned, 2 * (want.length - deep)) + 20);
  });

  it('reads no row before the cursor at any depth, either way, with or without a filter', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('Asc', 'Desc'),
        fc.boolean(),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.integer({ min: 5, max: 60 }),
        fc.boolean(),
        async (dir, filtered, depth, size, backward) => {
          const sign = dir === 'Asc' ? -1 : 1;
          const ordered = rows.filter((r) => !filtered || of2018(r)).sort((a, b) => sign * newestFirst(a, b));
          const at = Math.floor(depth * ordered.length);
          const vars = {
            filter: filtered ? { obtainedOn: { gte: '2018-01-01', lt: '2019-01-01' } } : {},
            orderBy: [{ obtainedOn: dir }],
          };
          const cursor = b64(`GPC:N:${ordered[at].id}`);
          const first = await page({ ...vars, ...(backward ? { last: size } : { first: size }) });
          const deep = await page({
            ...vars,
            ...(backward ? { last: size, before: cursor } : { first: size, after: cursor }),
          });
          const want = backward ? ordered.slice(Math.max(0, at - size), at) : ordered.slice(at + 1, at + 1 + size);
          expect(deep.ids).toEqual(want.map((r) => r.id));
          // The rows past the cursor, in the direction read (a bitmap scan counts each twice): never those before it.
          const past = backward ? at : ordered.length - at - 1;
          expect(deep.scanned).toBeLessThanOrEqual(Math.max(first.scanned, 2 * past) + 20);
        },
      ),
      { seed, numRuns: 12 },
    );
  });

  /**
   * The index scan of `table` in a plan (in order, or a bitmap of the range), whose condition bounds
   * `keys`: the page reads a range of the index from the cursor, never a scan of the table.
   */
  function indexRange(nodes: PlanNode[], table: string, keys: RegExp[]): PlanNode {
    const scans = nodes.filter(
      (n) => n['Node Type'].includes('Scan') && (n['Relation Name'] ?? n['Index Name']!).startsWith(table),
    );
    expect(
      scans.map((n) => n['Node Type']),
      JSON.stringify(nodes),
    ).not.toContain('Seq Scan');
    const range = scans.find((n) => n['Index Cond']);
    for (const key of keys) expect(range?.['Index Cond']).toMatch(key);
    return range!;
  }

  const NESTED_ACHIEVEMENTS = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
    node(id: $id) { ... on Enterprise {
      achievements(orderBy: [{ obtainedOn: Desc }], first: $first, after: $after, last: $last, before: $before) { edges { node { id } } }
    } }
  }`;
  type NestedAchievements = { node: { achievements: { edges: Array<{ node: { id: string } }> } } };

  it("reads an enterprise's achievements newest first 10% and 90% deep, both ways, as an index range from the cursor within the enterprise's rows", async () => {
    const theirs = (
      await server.db.achievement.findMany({
        where: { enterpriseId: nestedFirm },
        orderBy: [{ obtainedOn: 'desc' }, { id: 'desc' }],
        select: { id: true },
      })
    ).map((a) => a.id);
    expect(theirs).toHaveLength(NESTED_ROWS);
    const id = Buffer.from(`Enterprise:${nestedFirm}`).toString('base64');
    const ids = (r: { data: NestedAchievements }) => r.data.node.achievements.edges.map((e) => idOf(e.node.id));
    const first = await explained<NestedAchievements>(NESTED_ACHIEVEMENTS, { id, first: 50 }, 'Achievement');
    expect(ids(first)).toEqual(theirs.slice(0, 50));
    for (const depth of [0.1, 0.9])
      for (const backward of [false, true]) {
        const at = Math.floor(depth * theirs.length);
        const cursor = b64(`GPC:N:${theirs[at]}`);
        const deep = await explained<NestedAchievements>(
          NESTED_ACHIEVEMENTS,
          backward ? { id, last: 50, before: cursor } : { id, first: 50, after: cursor },
          'Achievement',
        );
        expect(ids(deep)).toEqual(backward ? theirs.slice(at - 50, at) : theirs.slice(at + 1, at + 51));
        // Without Achievement(enterpriseId, obtainedOn, id) it read all 2,500 of the firm's rows and sorted them.
        const range = indexRange(deep.nodes, 'Achievement', [/"enterpriseId" = /, /"obtainedOn" [<>]= /]);
        expect(range['Index Name']).toBe('Achievement_enterpriseId_obtainedOn_id_idx');
        // Only rows past the cursor (in order, the page; a bitmap of a short rest counts them twice).
        const past = backward ? at : theirs.length - at - 1;
        expect(deep.scanned).toBeLessThanOrEqual(Math.max(first.scanned, 2 * past) + 20);
      }
  });

  it("reads 南海区's enterprises 90% deep as an index range from the cursor within the district's rows", async () => {
    const theirs = (
      await server.db.enterprise.findMany({
        where: { jurisdictionId: nanhai },
        orderBy: { id: 'asc' },
        select: { id: true },
      })
    ).map((e) => e.id);
    expect(theirs.length).toBeGreaterThan(ENTERPRISES / 2);
    const PAGE_OF_DISTRICT = `query($after: String) { jurisdiction(code: "gd-foshan-nanhai") {
      enterprises(first: 50, after: $after) { edges { node { id } } } } }`;
    type District = { jurisdiction: { enterprises: { edges: Array<{ node: { id: string } }> } } };
    const at = Math.floor(0.9 * theirs.length);
    const first = await explained<District>(PAGE_OF_DISTRICT, {}, 'Enterprise');
    const deep = await explained<District>(PAGE_OF_DISTRICT, { after: b64(`GPC:N:${theirs[at]}`) }, 'Enterprise');
    expect(deep.data.jurisdiction.enterprises.edges.map((e) => idOf(e.node.id))).toEqual(theirs.slice(at + 1, at + 51));
    // By Enterprise(jurisdictionId, id), or with 南海区 half the table by the primary key from the cursor on.
    indexRange(deep.nodes, 'Enterprise', [/\bid >= /]);
    expect(deep.scanned).toBeLessThanOrEqual(first.scanned + 5);
  });
});
