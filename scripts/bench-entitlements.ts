/**
 * Entitlement benchmark: a synthetic city of N enterprises (default 100,000) on a fresh embedded
 * database (or DATABASE_URL), then
 *   1. the engine alone over every enterprise and policy, inputs in memory;
 *   2. the same population end to end through the loaders (database reads included), with the
 *      SQL statements it cost;
 *   3. one GraphQL report: 000's district × year totals, with its statements.
 * Prints a table and writes .data/bench/entitlements.json. A benchmark, not a test: run it alone.
 *
 * Usage: npm run bench:entitlements [-- --enterprises 100000]
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { print } from 'graphql';
import { loadCorpus } from '../src/corpus/load.js';
import { CORPUS_DIR } from '../src/corpus/paths.js';
import { readCorpus } from '../src/corpus/read.js';
import { countStatements, createDb } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { closeDatabases } from '../src/db/url.js';
import { EntitlementAggregator } from '../src/engines/entitlement/aggregate.js';
import { evaluateEnterprise } from '../src/engines/entitlement/evaluate.js';
import type { AchievementInput } from '../src/engines/entitlement/types.js';
import { EntitlementTotalsDocument } from '../src/generated/operations.js';
import { achievementsByEnterprise, readEnginePolicies } from '../src/loaders/engine-inputs.js';
import { evaluatePopulation } from '../src/loaders/entitlements.js';
import { createLoaders } from '../src/loaders/index.js';
import { createApp } from '../src/server/app.js';
import { generatePopulation } from './synthetic.js';

const { values } = parseArgs({ options: { enterprises: { type: 'string', default: '100000' } } });
const enterpriseCount = Number(values.enterprises);
const databaseUrl = process.env.DATABASE_URL ?? `pglite:${mkdtempSync(join(tmpdir(), 'policygraph-bench-'))}`;
const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

await applyMigrations(databaseUrl);
const db = createDb(databaseUrl);
const corpus = readCorpus(CORPUS_DIR);
await loadCorpus(db, corpus);

let started = process.hrtime.bigint();
// A database that already holds a population (DATABASE_URL from an earlier run) is measured as it is.
const existing = await db.enterprise.count();
const population = existing
  ? { enterprises: existing, achievements: await db.achievement.count() }
  : await generatePopulation(db, corpus, { enterprises: enterpriseCount, achievementsPerEnterprise: 3, seed: 2017 });
const generateSeconds = existing ? null : seconds(started);
console.log(
  `${existing ? 'found' : 'generated'} ${population.enterprises} enterprises, ${population.achievements} achievements`,
);

// 1. The engine alone: every input in memory first.
const { policies } = await readEnginePolicies(db);
const loaders = createLoaders(db);
const enterprises = await db.enterprise.findMany({
  select: { id: true, kind: true, jurisdictionId: true },
  orderBy: { id: 'asc' },
});
const achievementLists = (await achievementsByEnterprise(db).loadMany(
  enterprises.map((e) => e.id),
)) as AchievementInput[][];
const paths = (await loaders.jurisdictionPath.loadMany(enterprises.map((e) => e.jurisdictionId))) as string[][];
const asOf = '2023-12-31';
started = process.hrtime.bigint();
let entitlementCount = 0;
for (const [i, enterprise] of enterprises.entries()) {
  entitlementCount += evaluateEnterprise(
    policies,
    { id: String(enterprise.id), kind: enterprise.kind, jurisdictionPath: paths[i]! },
    achievementLists[i]!,
    asOf,
  ).length;
}
const engineSeconds = seconds(started);
const evaluations = enterprises.length * policies.length;

// 2. End to end through the loaders, as entitlementTotals runs it.
started = process.hrtime.bigint();
const aggregator = new EntitlementAggregator(['POLICY', 'YEAR']);
const endToEnd = await countStatements(async () => {
  let n = 0;
  for await (const evaluated of evaluatePopulation(db, createLoaders(db), {
    where: { retiredAt: null },
    asOf,
    policyKeys: null,
  })) {
    aggregator.add(evaluated);
    n += 1;
  }
  return n;
});
const endToEndSeconds = seconds(started);

// 3. One report over GraphQL: 000's totals by district and year.
const app = await createApp(db);
await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
const taizhou = await db.policy.findUniqueOrThrow({ where: { key: 'taizhou-2017-quality' } });
const variables = {
  input: { policy: Buffer.from(`Policy:${taizhou.id}`).toString('base64'), groupBy: ['JURISDICTION', 'YEAR'], asOf },
};
const reportRuns: number[] = [];
let reportStatements = 0;
let reportRows = 0;
for (let run = 0; run < 3; run++) {
  started = process.hrtime.bigint();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(EntitlementTotalsDocument), variables }),
  });
  const body = (await response.json()) as {
    data: { entitlementTotals: unknown[] };
    extensions: { sqlStatements: number };
  };
  reportRuns.push(seconds(started));
  reportStatements = body.extensions.sqlStatements;
  reportRows = body.data.entitlementTotals.length;
}
await app.stop();

const results = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  database: databaseUrl.startsWith('pglite:') ? 'embedded (PGlite)' : 'PostgreSQL',
  population: { ...population, policies: policies.length, generateSeconds },
  engine: {
    evaluations,
    entitlements: entitlementCount,
    seconds: engineSeconds,
    evaluationsPerSecond: Math.round(evaluations / engineSeconds),
  },
  endToEnd: {
    enterprisesEvaluated: endToEnd.result,
    seconds: endToEndSeconds,
    evaluationsPerSecond: Math.round((endToEnd.result * policies.length) / endToEndSeconds),
    sqlStatements: endToEnd.statements,
  },
  report: {
    operation: 'EntitlementTotals (000, JURISDICTION × YEAR)',
    rows: reportRows,
    medianSeconds: reportRuns.sort()[1],
    sqlStatements: reportStatements,
  },
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
};
mkdirSync('.data/bench', { recursive: true });
writeFileSync('.data/bench/entitlements.json', JSON.stringify(results, null, 2));

const n = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 2 });
console.log(`
| measure (${n(population.enterprises)} enterprises, ${n(population.achievements)} achievements, ${policies.length} policies, ${results.database}) | value |
| --- | --- |
| engine alone: enterprise-policy evaluations per second | ${n(results.engine.evaluationsPerSecond)} |
| end to end (loaders + database): evaluations per second | ${n(results.endToEnd.evaluationsPerSecond)} |
| end to end: SQL statements for the whole population | ${n(results.endToEnd.sqlStatements)} |
| EntitlementTotals report (000, district × year, ${reportRows} rows): median latency | ${n(results.report.medianSeconds!)} s |
| EntitlementTotals report: SQL statements | ${reportStatements} |
| peak RSS | ${results.peakRssMiB} MiB |
`);
await db.$disconnect();
await closeDatabases();
