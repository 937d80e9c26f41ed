/**
 * The entitlement ledger over HTTP, on both databases: after any sequence of writes, imports,
 * retirements and rebuilds (some of them during a rebuild) its rows are those of a fresh engine run
 * over the population, row by row; a write shows in the very next report; a rebuild keeps readers on
 * the previous generation until the new one is complete, then switches; totals from the ledger are
 * the engine's.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { readCorpus } from '../../src/corpus/read.js';
import { today } from '../../src/dates/index.js';
import { entryRows } from '../../src/evaluation/ledger.js';
import { evaluatePopulation, populationFilter } from '../../src/evaluation/population.js';
import { entitlementTotals } from '../../src/evaluation/totals.js';
import { createLoaders } from '../../src/scope/loaders.js';
import { generatePopulation } from '../../scripts/synthetic.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const WAN = 10_000;
const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');
const DISTRICTS = [
  'zj-taizhou-jiaojiang',
  'zj-taizhou-huangyan',
  'zj-taizhou-luqiao',
  'zj-taizhou-linhai',
  'gd-foshan-nanhai',
  'fj-quanzhou-jinjiang',
];
const TOTALS = `query Totals($policy: ID) {
  entitlementTotals(input: { groupBy: [JURISDICTION, YEAR], policy: $policy }) {
    jurisdictionCode year exactYuan upToYuan unspecifiedCount needsInfoCount conflictCount provincialPartYuan countedCount enterpriseCount
  }
}`;
const DASHBOARD = `query Dashboard($id: ID!) {
  node(id: $id) { ... on Enterprise { entitlements { entitlements { policyKey incentiveKey clausePath clauseText quote achievementId year eligibility reason missing nature amountYuan payer provincialPartYuan disposition explanation steps { code text values before after } } totals { exactYuan upToYuan } } } }
}`;
const RECORD = `mutation Record($input: AchievementInput!) {
  recordAchievement(input: $input) { __typename ... on RecordAchievementPayload { data { id } } ... on WriteRefused { code message } }
}`;

describe.each(DATABASE_KINDS)('the entitlement ledger on the %s database', (kind) => {
  let server: TestServer;
  let taizhou = '';
  const ok = async <T>(query: string, variables?: Record<string, unknown>) => {
    const response = await server.request<T, Record<string, unknown>>(query, variables);
    expect(response.errors).toBeUndefined();
    return response.data!;
  };
  const state = () => server.db.ledgerState.findUniqueOrThrow({ where: { id: 1 } });
  /**
   * The ledger's current generation, row by row, and a fresh engine run over the live population as rows;
   * the rows totals read (LedgerFigure) are checked to be those of the generation that a total counts.
   */
  const ledgerAndEngine = async () => {
    const { generation, asOf } = await state();
    const stored = await server.db.ledgerEntry.findMany({
      where: { generation },
      orderBy: [{ enterpriseId: 'asc' }, { position: 'asc' }],
      omit: { id: true, generation: true },
    });
    const figures = await server.db.ledgerFigure.findMany({
      where: { generation },
      orderBy: [{ enterpriseId: 'asc' }, { position: 'asc' }],
      omit: { generation: true },
    });
    expect(figures.length).toBeGreaterThan(0);
    expect(figures).toEqual(
      stored
        .filter(
          (e) =>
            e.eligibility === 'NEEDS_INFO' ||
            (e.eligibility === 'ELIGIBLE' && (e.disposition === 'COUNTED' || e.disposition === 'CONFLICT')),
        )
        .map((e) => ({
          enterpriseId: e.enterpriseId,
          position: e.position,
          jurisdictionId: e.jurisdictionId,
          policyKey: e.policyKey,
          incentiveKey: e.incentiveKey,
          year: e.year,
          payer: e.payer,
          eligibility: e.eligibility,
          disposition: e.disposition,
          nature: e.nature,
          amountYuan: e.amountYuan,
          provincialPartYuan: e.provincialPartYuan,
        })),
    );
    const loaders = createLoaders(server.db);
    const { versionByKey } = await loaders.enginePolicies();
    const fresh = [];
    for await (const member of evaluatePopulation(server.db, loaders, {
      filter: { jurisdictionIds: null },
      asOf: asOf!.toISOString().slice(0, 10),
      policyKeys: null,
      engineOnly: true,
    }))
      fresh.push(...entryRows(member.enterprise, member.jurisdictionPath, member.entitlements, versionByKey));
    return { stored, fresh };
  };

  beforeAll(async () => {
    // The population is written straight into the tables: the ledger is first built after it.
    server = await startTestServer(kind);
    await generatePopulation(server.db, readCorpus(CORPUS_DIR), {
      enterprises: 120,
      achievementsPerEnterprise: 4,
      seed: 18,
    });
    await server.ledger.refresh(); // from now on the server keeps it
    taizhou = globalId(
      'Policy',
      (await server.db.policy.findUniqueOrThrow({ where: { key: 'taizhou-2017-quality' } })).id,
    );
  }, 240_000);
  afterAll(() => server?.stop());

  it('holds today for the current corpus once rebuilt: one row per entitlement of the population', async () => {
    const { stored, fresh } = await ledgerAndEngine();
    expect((await state()).asOf!.toISOString().slice(0, 10)).toBe(today());
    expect(stored.length).toBeGreaterThan(400);
    expect(stored).toEqual(fresh);
  });

  it('totals 000 by district × year from the ledger as the engine does', async () => {
    const loaders = createLoaders(server.db);
    const { jurisdictionIds } = await populationFilter(loaders, 'taizhou-2017-quality', null);
    const query = {
      groupBy: ['JURISDICTION', 'YEAR'] as const,
      policyKey: 'taizhou-2017-quality',
      filter: { jurisdictionIds },
      asOf: today(),
    };
    const fromLedger = await entitlementTotals(server.db, loaders, query);
    const generation = (await state()).generation;
    // The engine's answer: the same query once the ledger no longer holds the day.
    await server.db.$executeRaw`UPDATE "LedgerState" SET "asOf" = '2000-01-01' WHERE id = 1`;
    const fromEngine = await entitlementTotals(server.db, createLoaders(server.db), query);
    await server.db
      .$executeRaw`UPDATE "LedgerState" SET "asOf" = ${today()}::date WHERE id = 1 AND generation = ${generation}`;
    expect(fromLedger).toEqual(fromEngine);
    expect(fromLedger.length).toBeGreaterThan(5);
    const exact = fromLedger.reduce((n, g) => n + g.exactYuan, 0);
    expect(exact).toBeGreaterThan(100 * WAN);
    // Over HTTP the same figures.
    const { entitlementTotals: overHttp } = await ok<{ entitlementTotals: Array<{ exactYuan: number }> }>(TOTALS, {
      policy: taizhou,
    });
    expect(overHttp.reduce((n, g) => n + g.exactYuan, 0)).toBe(exact);
  });

  it('gives every dashboard, explanations and steps included, exactly as the engine does', async () => {
    const enterprises = await server.db.enterprise.findMany({ select: { id: true }, orderBy: { id: 'asc' }, take: 40 });
    const dashboards = () =>
      Promise.all(enterprises.map((e) => ok<unknown>(DASHBOARD, { id: globalId('Enterprise', e.id) })));
    const fromLedger = await dashboards();
    const { generation } = await state();
    await server.db.$executeRaw`UPDATE "LedgerState" SET "asOf" = '2000-01-01' WHERE id = 1`;
    const fromEngine = await dashboards();
    await server.db
      .$executeRaw`UPDATE "LedgerState" SET "asOf" = ${today()}::date WHERE id = 1 AND generation = ${generation}`;
    expect(fromLedger).toEqual(fromEngine);
    expect(JSON.stringify(fromLedger)).toContain('原文'); // the explanations are there, quotes and all
  });

  it('shows a recorded achievement in the very next report and dashboard', async () => {
    const { createEnterprise } = await ok<{ createEnterprise: { data: { id: string } } }>(
      `mutation { createEnterprise(input: { name: "椒江新企业", jurisdiction: "zj-taizhou-jiaojiang" }) { ... on CreateEnterprisePayload { data { id } } } }`,
    );
    const before = await ok<{
      entitlementTotals: Array<{ jurisdictionCode: string; year: number; exactYuan: number; enterpriseCount: number }>;
    }>(TOTALS, { policy: taizhou });
    const cell = (data: typeof before) =>
      data.entitlementTotals.find((g) => g.jurisdictionCode === 'zj-taizhou-jiaojiang' && g.year === 2018) ?? {
        exactYuan: 0,
        enterpriseCount: 0,
      };
    const recorded = await ok<{ recordAchievement: { __typename: string } }>(RECORD, {
      input: {
        enterprise: createEnterprise.data.id,
        kind: 'CHINA_QUALITY_AWARD',
        level: 'WINNER',
        obtainedOn: '2018-05-01',
      },
    });
    expect(recorded.recordAchievement.__typename).toBe('RecordAchievementPayload');
    const after = await ok<typeof before>(TOTALS, { policy: taizhou });
    expect(cell(after).exactYuan - cell(before).exactYuan).toBe(100 * WAN); // 中国质量奖 under 000: 100万
    expect(cell(after).enterpriseCount - cell(before).enterpriseCount).toBe(1);
    const dashboard = await ok<{ node: { entitlements: { totals: { exactYuan: number }; entitlements: unknown[] } } }>(
      DASHBOARD,
      { id: createEnterprise.data.id },
    );
    expect(dashboard.node.entitlements.totals.exactYuan).toBe(100 * WAN);
  });

  it('shows an import in the very next report and dashboard, as the engine computes them', async () => {
    // 60 enterprises in batches of 40: a batch's upkeep spans more than one range of enterprises (25 embedded).
    const enterprises = await server.db.enterprise.findMany({
      where: { retiredAt: null, creditCode: { not: null } },
      select: { id: true, creditCode: true },
      orderBy: { id: 'asc' },
      take: 60,
    });
    expect(enterprises.length).toBe(60);
    const totals = async () =>
      (await ok<{ entitlementTotals: Array<Record<string, number | string>> }>(TOTALS, { policy: taizhou }))
        .entitlementTotals;
    const before = await totals();
    const csv = [
      'enterpriseCreditCode,kind,level,obtainedOn,units',
      ...enterprises.map(
        (e, i) => `${e.creditCode},ZHEJIANG_MADE_CERTIFICATION,,2019-0${1 + (i % 9)}-15,${1 + (i % 3)}`,
      ),
    ].join('\n');
    const response = await fetch(`${server.url}/import/achievements?batch=40`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${server.adminKey}` },
      body: csv,
    });
    expect(response.status).toBe(200);
    expect((await response.text()).trim().split('\n').at(-1)).toBe('{"status":"done","rows":60}');
    // The very next requests, from the ledger; then the same requests once the ledger no longer holds the day.
    const dashboards = () =>
      Promise.all(enterprises.slice(0, 30).map((e) => ok<unknown>(DASHBOARD, { id: globalId('Enterprise', e.id) })));
    const fromLedger = { totals: await totals(), dashboards: await dashboards() };
    const { generation } = await state();
    await server.db.$executeRaw`UPDATE "LedgerState" SET "asOf" = '2000-01-01' WHERE id = 1`;
    const fromEngine = { totals: await totals(), dashboards: await dashboards() };
    await server.db
      .$executeRaw`UPDATE "LedgerState" SET "asOf" = ${today()}::date WHERE id = 1 AND generation = ${generation}`;
    expect(fromLedger).toEqual(fromEngine);
    // 浙江制造 under 000: 20万 for a first certificate, 10万 a further unit, 50万 at most: the totals moved.
    const exact = (rows: typeof before) => rows.reduce((n, g) => n + Number(g.exactYuan), 0);
    expect(exact(fromLedger.totals)).toBeGreaterThan(exact(before));
    const { stored, fresh } = await ledgerAndEngine();
    expect(stored).toEqual(fresh);
  });

  it('keeps one set of rows for an enterprise that imports write at the same time', async () => {
    const enterprises = await server.db.enterprise.findMany({
      where: { retiredAt: null, creditCode: { not: null } },
      select: { creditCode: true },
      orderBy: { id: 'desc' },
      take: 30,
    });
    const importing = (month: number) =>
      fetch(`${server.url}/import/achievements?batch=10`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', authorization: `Bearer ${server.adminKey}` },
        body: [
          'enterpriseCreditCode,kind,level,obtainedOn,units',
          ...enterprises.map((e) => `${e.creditCode},ZHEJIANG_MADE_CERTIFICATION,,2020-0${month}-01,1`),
        ].join('\n'),
      }).then((response) => response.text());
    // On PostgreSQL the two transactions run side by side, each recomputing the same 30 enterprises.
    const answers = await Promise.all([1, 2, 3].map(importing));
    for (const answer of answers) expect(answer.trim().split('\n').at(-1)).toBe('{"status":"done","rows":30}');
    const { stored, fresh } = await ledgerAndEngine();
    expect(stored.length).toBe(fresh.length);
    expect(stored).toEqual(fresh);
  });

  it('answers from the previous generation while a rebuild runs, then switches at once', async () => {
    const { generation } = await state();
    // Marks the current generation: one counted 000 sum a yuan higher where totals read it, so that answers
    // from it are told apart.
    const [marked] = await server.db.$queryRaw<Array<{ position: number }>>`
      UPDATE "LedgerFigure" SET "amountYuan" = "amountYuan" + 1
      WHERE (generation, "enterpriseId", position) = (SELECT generation, "enterpriseId", position FROM "LedgerFigure"
        WHERE generation = ${generation} AND "policyKey" = 'taizhou-2017-quality' AND eligibility = 'ELIGIBLE'
          AND disposition = 'COUNTED' AND nature = 'EXACT' ORDER BY "enterpriseId", position LIMIT 1)
      RETURNING position`;
    expect(marked).toBeDefined();
    const total = async () =>
      (
        await ok<{ entitlementTotals: Array<{ exactYuan: number }> }>(TOTALS, { policy: taizhou })
      ).entitlementTotals.reduce((n, g) => n + g.exactYuan, 0);
    const markedTotal = await total();
    // The corpus changed, and another process is rebuilding for it (its lease is fresh).
    const { fingerprint } = await server.db.ledgerState.findUniqueOrThrow({ where: { id: 1 } });
    await server.db.$executeRaw`
      UPDATE "LedgerState" SET fingerprint = 'the corpus before the reload', building = ${generation + 1},
        "buildingAsOf" = ${today()}::date, "buildingFingerprint" = ${fingerprint}, "buildingSince" = now() WHERE id = 1`;
    const reload = await ok<{ reloadPolicies: { __typename: string } }>('mutation { reloadPolicies { __typename } }');
    expect(reload.reloadPolicies.__typename).toBe('ReloadPoliciesPayload');
    await server.ledger.refresh(); // the lease is held elsewhere: nothing is rebuilt here
    expect((await state()).generation).toBe(generation);
    expect(await total()).toBe(markedTotal); // still the previous generation
    // The other process died: its lease lapses, this one takes over, rebuilds and switches.
    await server.db.$executeRaw`UPDATE "LedgerState" SET "buildingSince" = now() - interval '2 minutes' WHERE id = 1`;
    await server.ledger.refresh();
    const switched = await state();
    expect(switched.generation).toBe(generation + 2);
    expect(switched.building).toBeNull();
    expect(switched.fingerprint).toBe(fingerprint);
    expect(await total()).toBe(markedTotal - 1);
    const { stored, fresh } = await ledgerAndEngine();
    expect(stored).toEqual(fresh);
  });

  it('equals a fresh engine run, row by row, after any sequence of writes, imports, retirements and rebuilds', async () => {
    const ids = async () => ({
      enterprises: (
        await server.db.enterprise.findMany({ where: { retiredAt: null }, select: { id: true, creditCode: true } })
      ).filter((e) => e.creditCode !== null),
      achievements: (await server.db.achievement.findMany({ where: { retiredAt: null }, select: { id: true } })).map(
        (a) => a.id,
      ),
    });
    const achievement = fc.record({
      kind: fc.constantFrom('CHINA_QUALITY_AWARD', 'ZHEJIANG_MADE_CERTIFICATION', 'PROVINCIAL_QUALITY_AWARD'),
      year: fc.integer({ min: 2016, max: 2023 }),
      units: fc.integer({ min: 1, max: 8 }),
    });
    const levelOf = (kindCode: string) => (kindCode === 'ZHEJIANG_MADE_CERTIFICATION' ? undefined : 'WINNER');
    const command = fc.oneof(
      { arbitrary: fc.record({ op: fc.constant('rebuild' as const), during: fc.boolean() }), weight: 2 },
      fc.record({ op: fc.constant('record' as const), pick: fc.nat(), achievement }),
      fc.record({ op: fc.constant('retireAchievement' as const), pick: fc.nat() }),
      fc.record({ op: fc.constant('move' as const), pick: fc.nat(), to: fc.constantFrom(...DISTRICTS) }),
      fc.record({ op: fc.constant('kind' as const), pick: fc.nat(), to: fc.constantFrom('ENTERPRISE', 'ASSOCIATION') }),
      fc.record({ op: fc.constant('retireEnterprise' as const), pick: fc.nat() }),
      // Writes at once on the same few enterprises: on PostgreSQL their transactions overlap.
      fc.record({
        op: fc.constant('together' as const),
        writes: fc.array(fc.tuple(fc.boolean(), achievement), { minLength: 2, maxLength: 4 }),
        enterprises: fc.integer({ min: 1, max: 12 }),
      }),
      fc.record({
        op: fc.constant('import' as const),
        // Up to 40 enterprises, in batches of 1–40: a batch's upkeep may span ranges of enterprises.
        picks: fc.array(fc.tuple(fc.nat(), achievement), { minLength: 1, maxLength: 40 }),
        batch: fc.integer({ min: 1, max: 40 }),
      }),
    );
    type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;
    const run = async (c: Command): Promise<unknown> => {
      const { enterprises, achievements } = await ids();
      const enterprise = (n: number) => enterprises[n % enterprises.length]!;
      switch (c.op) {
        case 'record':
          return ok(RECORD, {
            input: {
              enterprise: globalId('Enterprise', enterprise(c.pick).id),
              kind: c.achievement.kind,
              level: levelOf(c.achievement.kind),
              units: c.achievement.units,
              obtainedOn: `${c.achievement.year}-06-01`,
            },
          });
        case 'retireAchievement':
          return ok(`mutation($id: ID!) { retireAchievement(id: $id) { __typename } }`, {
            id: globalId('Achievement', achievements[c.pick % achievements.length]!),
          });
        case 'move':
          return ok(
            `mutation($id: ID!, $to: String) { updateEnterprise(id: $id, input: { jurisdiction: $to }) { __typename } }`,
            {
              id: globalId('Enterprise', enterprise(c.pick).id),
              to: c.to,
            },
          );
        case 'kind':
          return ok(
            `mutation($id: ID!, $to: RecipientKind) { updateEnterprise(id: $id, input: { kind: $to }) { __typename } }`,
            {
              id: globalId('Enterprise', enterprise(c.pick).id),
              to: c.to,
            },
          );
        case 'retireEnterprise':
          return ok(`mutation($id: ID!) { retireEnterprise(id: $id) { __typename } }`, {
            id: globalId('Enterprise', enterprise(c.pick).id),
          });
        case 'together':
          return Promise.all(
            // Each an import of the same first enterprises, or a record for the first.
            c.writes.map(([imported, a]) =>
              imported
                ? run({ op: 'import', picks: Array.from({ length: c.enterprises }, (_, n) => [n, a]), batch: 12 })
                : run({ op: 'record', pick: 0, achievement: a }),
            ),
          );
        case 'import': {
          const csv = [
            'enterpriseCreditCode,kind,level,obtainedOn,units',
            ...c.picks.map(
              ([n, a]) => `${enterprise(n).creditCode},${a.kind},${levelOf(a.kind) ?? ''},${a.year}-03-01,${a.units}`,
            ),
          ].join('\n');
          const response = await fetch(`${server.url}/import/achievements?batch=${c.batch}`, {
            method: 'POST',
            headers: { 'content-type': 'text/csv', authorization: `Bearer ${server.adminKey}` },
            body: csv,
          });
          expect(response.status).toBe(200);
          expect(await response.text()).toContain('"done"');
          return;
        }
        case 'rebuild': {
          // As after a reload: the ledger no longer holds the current corpus.
          await server.db.$executeRaw`UPDATE "LedgerState" SET fingerprint = 'a corpus reloaded since' WHERE id = 1`;
          const rebuilding = server.ledger.refresh();
          if (c.during) {
            // Writes while the rebuild runs: the new generation must have them too.
            const { enterprises: live } = await ids();
            await Promise.all(
              live.slice(0, 3).map((e, i) =>
                ok(RECORD, {
                  input: {
                    enterprise: globalId('Enterprise', e.id),
                    kind: 'ZHEJIANG_MADE_CERTIFICATION',
                    units: i + 1,
                    obtainedOn: '2019-09-01',
                  },
                }),
              ),
            );
          }
          return rebuilding;
        }
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 3, maxLength: 8 }), async (commands) => {
        for (const c of commands) await run(c);
        await server.ledger.refresh();
        const { stored, fresh } = await ledgerAndEngine();
        expect(stored).toEqual(fresh);
        // Older generations are deleted at each rebuild (a range of enterprises a statement): at most the
        // one served and the one it replaced stay, in both tables.
        const served = (await state()).generation;
        for (const table of ['LedgerEntry', 'LedgerFigure'] as const) {
          const kept = await server.db.$queryRawUnsafe<{ generation: number }[]>(
            `SELECT DISTINCT generation FROM "${table}" ORDER BY generation`,
          );
          expect(kept.length, table).toBeLessThanOrEqual(2);
          expect(
            kept.map((k) => k.generation),
            table,
          ).toContain(served);
        }
      }),
      { seed: 1801, numRuns: 5 },
    );
  }, 300_000);
});
