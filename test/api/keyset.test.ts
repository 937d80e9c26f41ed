/**
 * Issue #23: a page deep into an ordered list costs what the first page does. Prisma's `cursor:`
 * compared each key with a subquery inside an OR, so PostgreSQL scanned the index from the top and
 * filtered out every row before the cursor (128,496 rows for a page 90% into 2018's achievements
 * of the benchmark). The keyset page bounds the first key by the cursor row's value, so it never
 * reads the rows before its cursor; here the SQL a request sends is EXPLAINed on both databases and
 * the rows its scans touch are counted.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const seed = 2323;
const ROWS = 12_600;
const b64 = (text: string) => Buffer.from(text).toString('base64');

interface PlanNode {
  'Node Type': string;
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

describe.each(DATABASE_KINDS)('keyset pages on %s database', (dbKind) => {
  let server: TestServer;
  let rows: Array<{ id: number; day: string }> = [];
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

  /** A page's ids and the rows its one page statement scanned (EXPLAIN ANALYZE of the SQL it sent). */
  async function page(variables: object): Promise<{ ids: number[]; scanned: number }> {
    statements.length = 0;
    const res = await server.request<{ achievements: { edges: Array<{ node: { id: string } }> } }, object>(
      PAGE,
      variables,
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const sql = statements.filter((s) => /FROM "public"\."Achievement" .*ORDER BY/s.test(s.query));
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
    return {
      ids: res.data!.achievements.edges.map((e) => Number(Buffer.from(e.node.id, 'base64').toString().split(':')[1])),
      scanned: scanned(root[0].Plan),
    };
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
});
