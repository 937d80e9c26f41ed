/**
 * `npm run bench`: PolicyGraph at province scale, on the embedded database and on PostgreSQL.
 * For each database: a synthetic population (100,000 enterprises, about 1,000,000 achievements,
 * observations per district and year), then
 *   1. entitlement evaluations per second over the whole population: the engine alone, end to end
 *      through the loaders, and a naive path (one query per row) as the baseline;
 *   2. 000's district × year totals as hand-written SQL: the physical floor for that report;
 *   3. the server in its own process, loaded by autocannon on loopback with the fixed operations of
 *      schema/operations at 1 and 20 concurrent clients: latency p50/p95/p99, throughput, SQL
 *      statements per request (at two page sizes: they must not grow with the rows), peak memory;
 *   4. a 1,000,000-row export job, with the server's memory while it runs;
 *   5. an import of achievements streamed over HTTP (50,000 by default), with the server's memory;
 * and the event loop's longest stall: during the ledger's rebuild (in this process, before the server
 * starts) and in the server over its whole run (loads, export, import).
 * Writes .data/bench/results.json and prints a Markdown table. A benchmark, not a test: run it alone.
 *
 * Usage: npm run bench [-- --enterprises 100000 --per-enterprise 10 --duration 5 --import-rows 50000
 *                          --databases embedded,postgres]
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { print, type DocumentNode } from 'graphql';
import pg from 'pg';
import { issueKey } from '../src/auth/keys.js';
import { COUNT_STATEMENTS_HEADER } from '../src/client/index.js';
import { loadCorpus } from '../src/corpus/load.js';
import { CORPUS_DIR } from '../src/corpus/paths.js';
import { readCorpus } from '../src/corpus/read.js';
import { countStatements, createDb, type Db } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { closeDatabases } from '../src/db/url.js';
import { evaluateEnterprise } from '../src/engines/entitlement/evaluate.js';
import type { AchievementInput, PolicyInput } from '../src/engines/entitlement/types.js';
import {
  AchievementsDocument,
  DistrictEnterprisesDocument,
  EnterpriseDashboardDocument,
  EnterprisePageEntitlementsDocument,
  EntitlementTotalsDocument,
  ReformImpactDocument,
  ExportJobDocument,
  ProgressMatrixDocument,
  SimulateEntitlementsDocument,
  StartExportDocument,
} from '../src/generated/operations.js';
import { achievementsByEnterprise, readEnginePolicies, toAchievementInput } from '../src/scope/engine-inputs.js';
import { rebuildLedger } from '../src/evaluation/ledger.js';
import { evaluatePopulation, populationFilter } from '../src/evaluation/population.js';
import { createLoaders } from '../src/scope/loaders.js';
import { generateObservations, generatePopulation } from './synthetic.js';

const { values } = parseArgs({
  options: {
    enterprises: { type: 'string', default: '100000' },
    'per-enterprise': { type: 'string', default: '10' },
    duration: { type: 'string', default: '5' },
    'import-rows': { type: 'string', default: '50000' },
    databases: { type: 'string', default: 'embedded,postgres' },
  },
});
const ENTERPRISES = Number(values.enterprises);
const DURATION = Number(values.duration);
const AS_OF = '2023-12-31';
const TAIZHOU = 'taizhou-2017-quality';
const FOSHAN = 'foshan-2017-industrial-quality';
const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');
const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

// ---------------------------------------------------------------- in-process measures

/** Every enterprise and policy through the engine, inputs read into memory first. */
async function engineAlone(db: Db, policies: PolicyInput[]) {
  const loaders = createLoaders(db);
  const enterprises = await db.enterprise.findMany({
    select: { id: true, kind: true, jurisdictionId: true },
    orderBy: { id: 'asc' },
  });
  const lists = (await achievementsByEnterprise(db, loaders.kindCodes).loadMany(
    enterprises.map((e) => e.id),
  )) as AchievementInput[][];
  const paths = (await loaders.jurisdictionPath.loadMany(enterprises.map((e) => e.jurisdictionId))) as string[][];
  const evaluate = (upTo: number) => {
    let entitlements = 0;
    for (const [i, e] of enterprises.slice(0, upTo).entries())
      entitlements += evaluateEnterprise(
        policies,
        { id: String(e.id), kind: e.kind, jurisdictionPath: paths[i]! },
        lists[i]!,
        AS_OF,
      ).length;
    return entitlements;
  };
  evaluate(10_000); // warms the JIT, as a running server would be
  const started = process.hrtime.bigint();
  const entitlements = evaluate(enterprises.length);
  const elapsed = seconds(started);
  return { evaluationsPerSecond: Math.round((enterprises.length * policies.length) / elapsed), entitlements };
}

/** The whole population through evaluatePopulation, as reports and exports read it. */
async function endToEnd(db: Db, policies: PolicyInput[]) {
  const started = process.hrtime.bigint();
  const { result: enterprises, statements } = await countStatements(async () => {
    let n = 0;
    for await (const _ of evaluatePopulation(db, createLoaders(db), {
      filter: { jurisdictionIds: null },
      asOf: AS_OF,
      policyKeys: null,
      engineOnly: true,
    }))
      n += 1;
    return n;
  });
  const elapsed = seconds(started);
  return { evaluationsPerSecond: Math.round((enterprises * policies.length) / elapsed), statements, seconds: elapsed };
}

/**
 * The baseline a resolver without loaders would be: per enterprise, a query for it, one for its
 * achievements, one per level of its jurisdiction's ancestry. On a sample (it is slow by design).
 */
async function naivePath(db: Db, policies: PolicyInput[], sample: number) {
  const ids = (await db.enterprise.findMany({ select: { id: true }, orderBy: { id: 'asc' }, take: sample })).map(
    (e) => e.id,
  );
  const started = process.hrtime.bigint();
  const { statements } = await countStatements(async () => {
    for (const id of ids) {
      const enterprise = await db.enterprise.findUniqueOrThrow({ where: { id } });
      const achievements = await db.achievement.findMany({
        where: { enterpriseId: id, retiredAt: null },
        include: { kind: true },
      });
      const path: string[] = [];
      for (let at: number | null = enterprise.jurisdictionId; at !== null;) {
        const j: { code: string; parentId: number | null } = await db.jurisdiction.findUniqueOrThrow({
          where: { id: at },
        });
        path.push(j.code);
        at = j.parentId;
      }
      evaluateEnterprise(
        policies,
        { id: String(id), kind: enterprise.kind, jurisdictionPath: path },
        achievements.map((a) => toAchievementInput(String(a.id), a.kind.code, a, a.facts as Record<string, boolean>)),
        AS_OF,
      );
    }
  });
  const elapsed = seconds(started);
  return {
    evaluationsPerSecond: Math.round((ids.length * policies.length) / elapsed),
    statementsPerEnterprise: statements / ids.length,
  };
}

/**
 * 000's totals by district and year in one hand-written statement: the rows the report reads,
 * grouped, with fixed and tiered sums looked up in SQL. It ignores caps, per-unit sums, stacking
 * and every condition, so it is a floor for the report's work, not an equivalent of it.
 */
async function handWrittenTotals(db: Db) {
  const policy = await db.policy.findUniqueOrThrow({ where: { key: TAIZHOU } });
  const covered = (await populationFilter(createLoaders(db), TAIZHOU, null)).jurisdictionIds!;
  // The rules as the engine reads them: from the policy's stored engine input (amounts in yuan).
  const run = () => db.$queryRaw<Array<{ code: string; year: number; exact: bigint; enterprises: number }>>`
    WITH rules AS (
      SELECT k.id AS "kindId", incentive->'rule' AS rule
      FROM "Policy" p
      CROSS JOIN jsonb_array_elements(p."engineInput"->'incentives') incentive
      JOIN "AchievementKind" k ON k.code = incentive->>'achievementKind'
      WHERE p.id = ${policy.id}
    )
    SELECT j.code, EXTRACT(YEAR FROM a."obtainedOn")::int AS year,
      SUM(COALESCE((r.rule->>'amount')::int,
        (SELECT (t->>'amount')::int FROM jsonb_array_elements(r.rule->'tiers') t WHERE t->>'level' = a.level LIMIT 1),
        0))::bigint AS exact,
      COUNT(DISTINCT e.id)::int AS enterprises
    FROM "Achievement" a
    JOIN "Enterprise" e ON e.id = a."enterpriseId"
    JOIN "Jurisdiction" j ON j.id = e."jurisdictionId"
    JOIN rules r ON r."kindId" = a."kindId"
    WHERE a."retiredAt" IS NULL AND e."retiredAt" IS NULL AND e."jurisdictionId" = ANY(${covered}::int[])
      AND a."obtainedOn" >= ${policy.effectiveFrom}
    GROUP BY 1, 2 ORDER BY 1, 2`;
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < 3; i++) {
    const started = process.hrtime.bigint();
    rows = (await run()).length;
    times.push(seconds(started) * 1000);
  }
  return { medianMs: median(times), rows };
}

// ---------------------------------------------------------------- the server under load

interface Operation {
  name: string;
  document: DocumentNode;
  variables: Record<string, unknown>;
  /** The same operation returning about ten times fewer rows: its statements must be the same. */
  smaller?: Record<string, unknown>;
}

function startServer(databaseUrl: string, port: number, exportDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      EXPORT_DIR: exportDir,
      RATE_LIMIT_PER_KEY: String(1e9),
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const listening = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('PolicyGraph:') && resolve());
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
  const status = (field: string) =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  return {
    listening,
    kill: () => child.kill('SIGKILL'),
    rssMiB: () => status('VmRSS'),
    peakRssMiB: () => status('VmHWM'),
    stop: () =>
      new Promise<void>((resolve) => {
        child.on('close', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
      }),
  };
}

async function graphql<T>(url: string, key: string, document: DocumentNode, variables: unknown) {
  const request = () =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, [COUNT_STATEMENTS_HEADER]: '1' },
      body: JSON.stringify({ query: print(document), variables }),
    });
  // A kept-alive connection the server closed while busy fails once; the request is sent again.
  const response = await request().catch(request);
  const body = (await response.json()) as { data: T; errors?: unknown[]; extensions?: { sqlStatements?: number } };
  if (body.errors) throw new Error(`${JSON.stringify(body.errors)}`);
  return body;
}

/** The server's event-loop delay (monitorEventLoopDelay) since the last call: p99 and max, in ms. */
async function eventLoopDelay(url: string): Promise<{ p99: number; max: number }> {
  const body = (await (await fetch(`${url}/healthz?reset`)).json()) as {
    eventLoopDelayMs: { p99: number; max: number };
  };
  return { p99: Math.round(body.eventLoopDelayMs.p99), max: Math.round(body.eventLoopDelayMs.max) };
}

/** The server's longest event-loop stall since it started, in ms: its whole run, whatever was reset since. */
async function longestStall(url: string): Promise<number> {
  const body = (await (await fetch(`${url}/healthz`)).json()) as { eventLoopDelayMs: { maxSinceStart: number } };
  return Math.round(body.eventLoopDelayMs.maxSinceStart);
}

async function load(url: string, key: string, operation: Operation, connections: number, slow: boolean) {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/graphql`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: print(operation.document), variables: operation.variables }),
        connections,
        // A request over a quarter second is measured on a fixed number of requests (five, or one
        // per client), so that there are samples and no work is left queued after the measurement.
        ...(slow ? { amount: Math.max(5, connections) } : { duration: DURATION }),
        timeout: 120,
      },
      (error, r) => (error ? reject(error) : resolve(r)),
    );
    instance.on('response', (_client, _status, _bytes, time) => latencies.push(time));
  });
  latencies.sort((a, b) => a - b);
  return {
    connections,
    requests: latencies.length,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    requestsPerSecond: Math.round((latencies.length / (result.duration || 1)) * 10) / 10,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

/** What the operations' variables name, read before the server takes the database. */
async function subjectsOf(db: Db) {
  const taizhou = await db.policy.findUniqueOrThrow({ where: { key: TAIZHOU } });
  // A typical enterprise of 000's 椒江: ten or more achievements (in a small population, the first there).
  const [typical] = await db.$queryRaw<Array<{ id: number }>>`
    SELECT e.id FROM "Enterprise" e JOIN "Jurisdiction" j ON j.id = e."jurisdictionId"
    WHERE j.code = 'zj-taizhou-jiaojiang'
    ORDER BY (SELECT count(*) FROM "Achievement" a WHERE a."enterpriseId" = e.id) >= 10 DESC, e.id LIMIT 1`;
  const ids = await db.achievement.aggregate({ _min: { id: true }, _max: { id: true } });
  const enterprises = await db.enterprise.findMany({
    select: { creditCode: true },
    orderBy: { id: 'asc' },
    take: 10_000,
  });
  // The row 90% of the way down 2018's achievements, newest first: where a deep page of that ordering starts.
  const of2018 = { obtainedOn: { gte: new Date('2018-01-01'), lt: new Date('2019-01-01') } };
  const deepOf2018 = await db.achievement.findFirstOrThrow({
    where: of2018,
    orderBy: [{ obtainedOn: 'desc' }, { id: 'desc' }],
    skip: Math.floor(0.9 * (await db.achievement.count({ where: of2018 }))),
    select: { id: true },
  });
  // The jurisdiction with the most enterprises of its own, and its enterprise 90% of the way down its list (by id).
  const [district] = await db.enterprise.groupBy({
    by: ['jurisdictionId'],
    where: { retiredAt: null },
    _count: { _all: true },
    orderBy: { _count: { jurisdictionId: 'desc' } },
    take: 1,
  });
  const deepOfDistrict = await db.enterprise.findFirstOrThrow({
    where: { jurisdictionId: district.jurisdictionId, retiredAt: null },
    orderBy: { id: 'asc' },
    skip: Math.floor(0.9 * district._count._all),
    select: { id: true },
  });
  return {
    creditCodes: enterprises.map((e) => e.creditCode!),
    districtCode: (await db.jurisdiction.findUniqueOrThrow({ where: { id: district.jurisdictionId } })).code,
    deepEnterpriseOfDistrictId: deepOfDistrict.id,
    taizhouId: taizhou.id,
    enterpriseId: typical!.id,
    deepAchievementId: Math.round(ids._min.id! + 0.9 * (ids._max.id! - ids._min.id!)),
    deepAchievementOf2018Id: deepOf2018.id,
  };
}

async function operationsOf(
  url: string,
  key: string,
  subjects: Awaited<ReturnType<typeof subjectsOf>>,
): Promise<Operation[]> {
  // Cursors deep into the achievements: cursors are opaque (the row's id), so one is read and moved.
  const first = await graphql<{ achievements: { pageInfo: { endCursor: string } } }>(url, key, AchievementsDocument, {
    first: 1,
  });
  const cursorAt = (id: number) =>
    Buffer.from(
      Buffer.from(first.data.achievements.pageInfo.endCursor, 'base64').toString().replace(/\d+$/, String(id)),
    ).toString('base64');
  const cursor = cursorAt(subjects.deepAchievementId);
  const newestOf2018 = {
    filter: { obtainedOn: { gte: '2018-01-01', lt: '2019-01-01' } },
    orderBy: [{ obtainedOn: 'Desc' }],
  };
  const deepOf2018 = cursorAt(subjects.deepAchievementOf2018Id);
  const deepOfDistrict = cursorAt(subjects.deepEnterpriseOfDistrictId);
  return [
    {
      name: 'EnterpriseDashboard',
      document: EnterpriseDashboardDocument,
      variables: { id: globalId('Enterprise', subjects.enterpriseId), asOf: AS_OF },
    },
    {
      name: 'EnterprisePageEntitlements (100 enterprises)',
      document: EnterprisePageEntitlementsDocument,
      variables: { first: 100, asOf: AS_OF },
      smaller: { first: 10, asOf: AS_OF },
    },
    {
      name: 'EntitlementTotals (000, district × year)',
      document: EntitlementTotalsDocument,
      variables: {
        // Today, the day the entitlement ledger holds: answered by one GROUP BY over it.
        input: { policy: globalId('Policy', subjects.taizhouId), groupBy: ['JURISDICTION', 'YEAR'] },
      },
    },
    {
      // A day the ledger does not hold: the same report computed by the engine for every enterprise in scope.
      name: 'EntitlementTotals (000, district × year, on a past day: by the engine)',
      document: EntitlementTotalsDocument,
      variables: {
        input: { policy: globalId('Policy', subjects.taizhouId), groupBy: ['JURISDICTION', 'YEAR'], asOf: AS_OF },
      },
    },
    {
      // Beside the two reports above: the ledger read as its baseline, the reform evaluated for every enterprise.
      name: 'ReformImpact (000 中国质量奖 200万, district × year)',
      document: ReformImpactDocument,
      variables: {
        policy: '000',
        reforms: [{ policy: '000', incentive: 'china-quality-award', tiers: [2_000_000, 300_000] }],
        groupBy: ['JURISDICTION', 'YEAR'],
      },
    },
    { name: 'ProgressMatrix (004)', document: ProgressMatrixDocument, variables: { key: FOSHAN, asOf: '2019-12-31' } },
    {
      name: 'SimulateEntitlements',
      document: SimulateEntitlementsDocument,
      variables: {
        input: {
          jurisdiction: 'zj-taizhou-jiaojiang',
          asOf: '2019-12-31',
          achievements: [
            { kind: 'CHINA_QUALITY_AWARD', level: 'WINNER', obtainedOn: '2018-03-01' },
            { kind: 'ZHEJIANG_MADE_CERTIFICATION', units: 3, obtainedOn: '2018-06-01' },
          ],
        },
      },
    },
    {
      name: 'Achievements (page of 100, 90% deep)',
      document: AchievementsDocument,
      variables: { first: 100, after: cursor },
      smaller: { first: 10, after: cursor },
    },
    {
      name: 'Achievements of 2018, newest first (page of 100)',
      document: AchievementsDocument,
      variables: { first: 100, ...newestOf2018 },
      smaller: { first: 10, ...newestOf2018 },
    },
    {
      name: 'Achievements of 2018, newest first (page of 100, 90% deep)',
      document: AchievementsDocument,
      variables: { first: 100, after: deepOf2018, ...newestOf2018 },
      smaller: { first: 10, after: deepOf2018, ...newestOf2018 },
    },
    {
      name: "A district's own enterprises, nested (page of 100)",
      document: DistrictEnterprisesDocument,
      variables: { code: subjects.districtCode, first: 100 },
      smaller: { code: subjects.districtCode, first: 10 },
    },
    {
      name: "A district's own enterprises, nested (page of 100, 90% deep)",
      document: DistrictEnterprisesDocument,
      variables: { code: subjects.districtCode, first: 100, after: deepOfDistrict },
      smaller: { code: subjects.districtCode, first: 10, after: deepOfDistrict },
    },
  ];
}

/** The whole population's achievements exported to CSV by a job; the server's memory sampled meanwhile. */
async function exportAll(url: string, key: string, server: ReturnType<typeof startServer>) {
  const before = server.rssMiB();
  let peak = before;
  const started = process.hrtime.bigint();
  const answer = await graphql<{ startExport: { __typename: string; data?: { id: string } } }>(
    url,
    key,
    StartExportDocument,
    { input: { report: 'ACHIEVEMENTS_BY_DISTRICT', format: 'CSV' } },
  );
  const job = answer.data.startExport.data;
  if (!job) throw new Error(`export refused: ${JSON.stringify(answer.data.startExport)}`);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    peak = Math.max(peak, server.rssMiB());
    const { data } = await graphql<{ node: { status: string; rowsTotal: number | null; bytes: number | null } }>(
      url,
      key,
      ExportJobDocument,
      { id: job.id },
    );
    if (data.node.status === 'COMPLETED')
      return {
        rows: data.node.rowsTotal!,
        megabytes: Math.round(data.node.bytes! / 2 ** 20),
        seconds: seconds(started),
        rssBeforeMiB: Math.round(before),
        rssPeakMiB: Math.round(peak),
        rssGrowthMiB: Math.round(peak - before),
      };
    if (data.node.status !== 'RUNNING' && data.node.status !== 'QUEUED') throw new Error(`export ${data.node.status}`);
  }
}

/** A stream of achievement rows for existing enterprises, imported over HTTP; the server's memory sampled meanwhile. */
async function importMany(url: string, key: string, server: ReturnType<typeof startServer>, creditCodes: string[]) {
  const rows = Number(values['import-rows']);
  async function* csv() {
    yield 'enterpriseCreditCode,kind,level,obtainedOn,units\n';
    for (let i = 0; i < rows; i++)
      yield `${creditCodes[i % creditCodes.length]},ZHEJIANG_MADE_CERTIFICATION,,2019-${String(1 + (i % 12)).padStart(2, '0')}-15,${1 + (i % 3)}\n`;
  }
  const before = server.rssMiB();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, server.rssMiB())), 100);
  const started = process.hrtime.bigint();
  const response = await fetch(`${url}/import/achievements?batch=2000`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${key}` },
    body: Readable.toWeb(Readable.from(csv())) as ReadableStream,
    duplex: 'half', // a streamed request body
  } as RequestInit);
  const answer = (await response.text()).trim().split('\n'); // a line per committed batch, then the outcome
  clearInterval(sampler);
  const outcome = JSON.parse(answer.at(-1)!) as { status: string; rows?: number };
  if (outcome.status !== 'done') throw new Error(`import ${answer.at(-1)}`);
  return {
    rows: outcome.rows!,
    seconds: seconds(started),
    rssBeforeMiB: Math.round(before),
    rssPeakMiB: Math.round(peak),
    rssGrowthMiB: Math.round(peak - before),
  };
}

// ---------------------------------------------------------------- one database

async function benchmark(kind: 'embedded' | 'postgres', databaseUrl: string) {
  log(`${kind}: migrating, loading the corpus, generating the population`);
  await applyMigrations(databaseUrl);
  const db = createDb(databaseUrl);
  const corpus = readCorpus(CORPUS_DIR);
  await loadCorpus(db, corpus);
  const started = process.hrtime.bigint();
  const population = await generatePopulation(db, corpus, {
    enterprises: ENTERPRISES,
    achievementsPerEnterprise: Number(values['per-enterprise']),
    seed: 2017,
  });
  const observations = await generateObservations(db, corpus, 2017);
  const generateSeconds = seconds(started);
  if (kind === 'postgres') await db.$executeRawUnsafe('ANALYZE');
  log(
    `${kind}: ${population.enterprises} enterprises, ${population.achievements} achievements in ${generateSeconds.toFixed(0)} s`,
  );
  const key = await issueKey(db, { name: 'benchmark', role: 'ADMIN' });
  const { policies } = await readEnginePolicies(db);

  log(`${kind}: evaluations per second`);
  const engine = await engineAlone(db, policies);
  const whole = await endToEnd(db, policies);
  const naive = await naivePath(db, policies, 1000);
  const floor = await handWrittenTotals(db);
  log(`${kind}: rebuilding the entitlement ledger`);
  // Built here, before the server starts: its keeper then finds the ledger holding today and reads it.
  const rebuildDelay = monitorEventLoopDelay({ resolution: 10 });
  rebuildDelay.enable();
  const ledger = (await rebuildLedger(db))!;
  rebuildDelay.disable();
  const subjects = await subjectsOf(db);
  await db.$disconnect();
  await closeDatabases(); // the embedded database: one process at a time, and the server needs it

  const port = 40_000 + Math.floor(Math.random() * 10_000);
  const url = `http://127.0.0.1:${port}`;
  const exportDir = mkdtempSync(join(tmpdir(), 'policygraph-bench-exports-'));
  const server = startServer(databaseUrl, port, exportDir);
  await server.listening;
  process.on('exit', () => server.kill());
  const operations = await operationsOf(url, key, subjects);
  const results = [];
  for (const operation of operations) {
    log(`${kind}: ${operation.name}`);
    // The server's first request reads the corpus into memory (and warms the JIT): counted apart.
    const first = await graphql(url, key, operation.document, operation.variables);
    const probe = process.hrtime.bigint();
    const response = await graphql(url, key, operation.document, operation.variables);
    const single = seconds(probe);
    const smaller = operation.smaller
      ? (await graphql(url, key, operation.document, operation.smaller)).extensions?.sqlStatements
      : undefined;
    const slow = single > 0.25;
    await eventLoopDelay(url); // from here on
    const one = await load(url, key, operation, 1, slow);
    const twenty = await load(url, key, operation, 20, slow);
    results.push({
      name: operation.name,
      sqlStatements: response.extensions?.sqlStatements,
      sqlStatementsFirstRequest: first.extensions?.sqlStatements,
      sqlStatementsSmallerPage: smaller,
      responseKiB: Math.round(JSON.stringify(response.data).length / 1024),
      one,
      twenty,
      eventLoopDelayMs: await eventLoopDelay(url),
    });
  }
  log(`${kind}: exporting every achievement`);
  const exported = await exportAll(url, key, server);
  log(`${kind}: importing ${values['import-rows']} achievements`);
  const imported = await importMany(url, key, server, subjects.creditCodes);
  const serverLongestStallMs = await longestStall(url);
  const serverPeakRssMiB = Math.round(server.peakRssMiB());
  await server.stop();
  rmSync(exportDir, { recursive: true, force: true });
  const floorRatio = results.find((r) => r.name.startsWith('EntitlementTotals'))!.one.p50 / Math.max(1, floor.medianMs);
  return {
    database: kind === 'embedded' ? 'embedded (PGlite)' : 'PostgreSQL',
    population: {
      ...population,
      observations,
      policies: policies.length,
      generateSeconds: Math.round(generateSeconds),
    },
    evaluations: {
      engineAlonePerSecond: engine.evaluationsPerSecond,
      endToEndPerSecond: whole.evaluationsPerSecond,
      endToEndStatements: whole.statements,
      naivePerSecond: naive.evaluationsPerSecond,
      naiveStatementsPerEnterprise: naive.statementsPerEnterprise,
      speedupOverNaive: Math.round((whole.evaluationsPerSecond / naive.evaluationsPerSecond) * 10) / 10,
    },
    districtTotals: {
      handWrittenSqlMs: Math.round(floor.medianMs),
      graphqlP50Ms: results.find((r) => r.name.startsWith('EntitlementTotals'))!.one.p50,
      ratioToHandWritten: Math.round(floorRatio * 10) / 10,
    },
    ledger: {
      rebuildMs: ledger.ms,
      rows: ledger.rows,
      enterprises: ledger.enterprises,
      eventLoopDelayMs: {
        p99: Math.round(rebuildDelay.percentile(99) / 1e6),
        max: Math.round(rebuildDelay.max / 1e6),
      },
    },
    operations: results,
    export: exported,
    import: imported,
    serverLongestStallMs,
    serverPeakRssMiB,
  };
}

// ---------------------------------------------------------------- main

const kinds = values.databases!.split(',') as Array<'embedded' | 'postgres'>;
const runs = [];
for (const kind of kinds) {
  if (kind === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'policygraph-bench-'));
    runs.push(await benchmark(kind, `pglite:${dir}`));
    rmSync(dir, { recursive: true, force: true });
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'policygraph-bench-pg-'));
    const port = 50_000 + Math.floor(Math.random() * 10_000);
    const base = execFileSync('bash', ['scripts/postgres.sh', 'start', dir, String(port)], { encoding: 'utf8' }).trim();
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query('CREATE DATABASE bench');
    await client.end();
    try {
      runs.push(await benchmark(kind, base.replace(/\/postgres$/, '/bench')));
    } finally {
      execFileSync('bash', ['scripts/postgres.sh', 'stop', dir]);
    }
  }
}

const results = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  durationSecondsPerLoad: DURATION,
  runs,
};
mkdirSync('.data/bench', { recursive: true });
writeFileSync('.data/bench/results.json', JSON.stringify(results, null, 2));
console.log(`\n${tableOf(results)}`);
process.exit(0);

function tableOf(r: typeof results) {
  const n = (x: number | undefined) =>
    x === undefined ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: 1 });
  const header = `| | ${r.runs.map((run) => run.database).join(' | ')} |\n| --- |${r.runs.map(() => ' --- |').join('')}`;
  const row = (label: string, value: (run: (typeof r.runs)[number]) => string) =>
    `| ${label} | ${r.runs.map(value).join(' | ')} |`;
  const lines = [
    header,
    row(
      'population',
      (x) =>
        `${n(x.population.enterprises)} enterprises, ${n(x.population.achievements)} achievements, ${n(x.population.observations)} observations (generated in ${x.population.generateSeconds} s)`,
    ),
    row('evaluations/s: engine alone', (x) => n(x.evaluations.engineAlonePerSecond)),
    row(
      'evaluations/s: end to end (statements for the whole population)',
      (x) => `${n(x.evaluations.endToEndPerSecond)} (${n(x.evaluations.endToEndStatements)})`,
    ),
    row(
      'evaluations/s: naive, one query per row (statements per enterprise)',
      (x) => `${n(x.evaluations.naivePerSecond)} (${n(x.evaluations.naiveStatementsPerEnterprise)})`,
    ),
    row('end to end ÷ naive', (x) => `${n(x.evaluations.speedupOverNaive)}×`),
    row(
      'entitlement ledger: rebuild of the whole population (rows)',
      (x) => `${n(x.ledger.rebuildMs)} ms (${n(x.ledger.rows)})`,
    ),
    row(
      'entitlement ledger: event-loop delay during the rebuild p99 / max ms',
      (x) => `${n(x.ledger.eventLoopDelayMs.p99)} / ${n(x.ledger.eventLoopDelayMs.max)}`,
    ),
    row(
      'district totals: hand-written SQL floor / GraphQL p50 (ratio)',
      (x) =>
        `${n(x.districtTotals.handWrittenSqlMs)} ms / ${n(x.districtTotals.graphqlP50Ms)} ms (${n(x.districtTotals.ratioToHandWritten)}×)`,
    ),
  ];
  for (const [i, op] of r.runs[0]!.operations.entries()) {
    lines.push(
      row(`${op.name}: SQL statements`, (x) => {
        const o = x.operations[i]!;
        const notes = [
          ...(o.sqlStatementsSmallerPage === undefined ? [] : [`smaller page ${n(o.sqlStatementsSmallerPage)}`]),
          `server's first request ${n(o.sqlStatementsFirstRequest)}`,
        ];
        return `${n(o.sqlStatements)} (${notes.join('; ')})`;
      }),
      row(`${op.name}: 1 client p50 / p95 / p99 ms, req/s`, (x) => {
        const o = x.operations[i]!.one;
        return `${n(o.p50)} / ${n(o.p95)} / ${n(o.p99)}, ${n(o.requestsPerSecond)}`;
      }),
      row(`${op.name}: 20 clients p50 / p95 / p99 ms, req/s`, (x) => {
        const o = x.operations[i]!.twenty;
        return `${n(o.p50)} / ${n(o.p95)} / ${n(o.p99)}, ${n(o.requestsPerSecond)}`;
      }),
      row(`${op.name}: server event-loop delay under load p99 / max ms`, (x) => {
        const o = x.operations[i]!.eventLoopDelayMs;
        return `${n(o.p99)} / ${n(o.max)}`;
      }),
    );
  }
  lines.push(
    row('export of every achievement to CSV: rows, seconds', (x) => `${n(x.export.rows)}, ${n(x.export.seconds)} s`),
    row(
      'server memory during the export: before → peak (growth)',
      (x) => `${n(x.export.rssBeforeMiB)} → ${n(x.export.rssPeakMiB)} MiB (+${n(x.export.rssGrowthMiB)})`,
    ),
    row(
      'import of achievements over HTTP (CSV, batches of 2,000): rows, seconds',
      (x) => `${n(x.import.rows)}, ${n(x.import.seconds)} s`,
    ),
    row(
      'server memory during the import: before → peak (growth)',
      (x) => `${n(x.import.rssBeforeMiB)} → ${n(x.import.rssPeakMiB)} MiB (+${n(x.import.rssGrowthMiB)})`,
    ),
    row(
      "server's longest event-loop stall over the whole run (loads, export, import)",
      (x) => `${n(x.serverLongestStallMs)} ms`,
    ),
    row('server peak RSS over the whole run', (x) => `${n(x.serverPeakRssMiB)} MiB`),
  );
  return lines.join('\n');
}
