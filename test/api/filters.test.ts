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
import { startTestServer, type TestServer } from '../support/server.js';

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
});
