/**
 * A report over a synthetic population of 20,000 enterprises (about 200,000 achievements) runs for
 * seconds: meanwhile /healthz and cheap requests are answered within 200 ms, because population
 * loops yield to the event loop and, on the embedded database (PostgreSQL as WebAssembly on the
 * loop's own thread), each statement runs in a turn of its own, over at most 100 enterprises, with
 * planner statistics kept current. With a short deadline the same report stops at it with TIMEOUT,
 * long before its work would have finished, while the server goes on answering. On PostgreSQL no
 * statement outlives statement_timeout, and a report cancelled by it answers TIMEOUT.
 */
import type { AddressInfo } from 'node:net';
import { print } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { EnterprisePageEntitlementsDocument } from '../../src/generated/operations.js';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { readCorpus } from '../../src/corpus/read.js';
import { createApp, type App } from '../../src/server/app.js';
import { generatePopulation } from '../../scripts/synthetic.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const REPORT = '{ entitlementTotals(input: { groupBy: [JURISDICTION, YEAR] }) { jurisdictionCode year exactYuan } }';
const CHEAP = '{ policies(first: 1) { totalCount } }';

describe.each(DATABASE_KINDS)('a long report on the %s database', (kind) => {
  let server: TestServer;
  let short: App;
  let long: App;
  let shortUrl = '';
  let longUrl = '';
  beforeAll(async () => {
    server = await startTestServer(kind);
    await generatePopulation(server.db, readCorpus(CORPUS_DIR), {
      enterprises: 20_000,
      achievementsPerEnterprise: 10,
      seed: 2017,
    });
    // The same database behind a deadline of 0.5 s, and of two minutes (the machine is shared).
    const listen = async (app: App) => {
      await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    };
    short = await createApp(server.db, { timeoutMs: 500 });
    shortUrl = await listen(short);
    long = await createApp(server.db, { timeoutMs: 120_000 });
    longUrl = await listen(long);
    // Once before measuring, as a running server would have: the engine compiled, the garbage of
    // building the population collected.
    await graphql(longUrl, REPORT);
  }, 180_000);
  afterAll(async () => {
    for (const app of [short, long]) {
      await app?.stop();
      app?.server.close();
    }
    await server?.stop();
  });

  const graphql = async (url: string, query: string) => {
    const started = performance.now();
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminKey}` },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as {
      data?: unknown;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
    return { status: response.status, ...body, ms: performance.now() - started };
  };

  /**
   * /healthz polled every 20 ms until `done` settles: every answer's time in ms as this client saw
   * it, and the longest the server's loop was held meanwhile (its own counter, reset by each poll).
   */
  const healthWhile = async (done: Promise<unknown>) => {
    let running = true;
    void done.finally(() => (running = false));
    const times: number[] = [];
    let held = 0;
    while (running) {
      const started = performance.now();
      const response = await fetch(`${server.url}/healthz?reset`);
      expect(response.status).toBe(200);
      times.push(performance.now() - started);
      held = Math.max(held, ((await response.json()) as { eventLoopDelayMs: { max: number } }).eventLoopDelayMs.max);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { times, held };
  };

  it('answers /healthz within 200 ms and a cheap query meanwhile, while the report runs for seconds', async () => {
    await fetch(`${server.url}/healthz?reset`);
    const report = graphql(longUrl, REPORT);
    const health = healthWhile(report);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cheap = await graphql(longUrl, CHEAP);
    const [done, { times, held }] = await Promise.all([report, health]);
    expect(done.errors).toBeUndefined();
    expect((done.data as { entitlementTotals: unknown[] }).entitlementTotals.length).toBeGreaterThan(20);
    expect(done.ms).toBeGreaterThan(1_500);
    expect(cheap.errors).toBeUndefined();
    expect(cheap.ms).toBeLessThan(done.ms / 2);
    expect(times.length).toBeGreaterThan(10);
    // The bound, on both databases: every /healthz asked while the report ran answered
    // within 200 ms (as a client sees it), and the server's own loop was never held that long.
    expect(Math.max(...times)).toBeLessThan(200);
    expect(held).toBeLessThan(200);
  }, 120_000);

  it('stops the report at its deadline with TIMEOUT (503), and goes on answering', async () => {
    const timedOut = await graphql(shortUrl, REPORT);
    expect(timedOut.status).toBe(503);
    expect(timedOut.errors?.[0]?.extensions?.code).toBe('TIMEOUT');
    expect(timedOut.errors?.[0]?.message).toContain('ran past 0.5 s');
    expect(timedOut.ms).toBeLessThan(1_500);
    const after = await graphql(shortUrl, CHEAP);
    expect(after.status).toBe(200);
    expect(after.errors).toBeUndefined();
  }, 60_000);

  it('stops a page whose loader batches run past the deadline with TIMEOUT (503), /healthz answered meanwhile', async () => {
    // No population field: 27 pages of 100 enterprises, each asking the engine for another day, so the
    // entitlements loader's batches (and the achievements' and enterprises' beside them) are the work.
    const industries = ['智能马桶', '模具', '汽摩配', '家电', '陶瓷', '纺织', '食品', '医药', '装备制造'];
    const days = ['2019-03-31', '2020-06-30', '2021-09-30'];
    const pages = industries.flatMap((industry, i) =>
      days.map(
        (_, j) =>
          `p${i}_${j}: enterprises(first: 100, filter: { industry: { equals: "${industry}" } }) { edges { node { ...D${j} } } }`,
      ),
    );
    const fragments = days.map(
      (day, j) => `fragment D${j} on Enterprise { entitlements(asOf: "${day}") { totals { exactYuan } } }`,
    );
    const query = `{ ${pages.join('\n')} }\n${fragments.join('\n')}`;
    const full = await graphql(longUrl, query);
    expect(full.errors).toBeUndefined();
    expect(full.ms).toBeGreaterThan(200); // the premise: the work outlasts the short deadline below
    const app = await createApp(server.db, { timeoutMs: 50 });
    await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      await fetch(`${server.url}/healthz?reset`);
      const stopped = graphql(url, query);
      const [timedOut, { times }] = await Promise.all([stopped, healthWhile(stopped)]);
      expect(timedOut.status).toBe(503);
      expect(new Set(timedOut.errors?.map((e) => e.extensions?.code))).toEqual(new Set(['TIMEOUT']));
      expect(timedOut.errors?.[0]?.message).toContain('ran past 0.05 s');
      expect(timedOut.ms).toBeLessThan(full.ms);
      // Answered while it ran (300–400 ms at worst at a load of 14 on 2 cores: parsing and the pages' own reads).
      expect(times.length).toBeGreaterThan(0);
      expect(Math.max(...times)).toBeLessThan(1_000);
      const after = await graphql(url, CHEAP);
      expect(after.status).toBe(200);
      expect(after.errors).toBeUndefined();
    } finally {
      await app.stop();
      app.server.close();
    }
  }, 120_000);

  it.runIf(kind === 'postgres')(
    'answers TIMEOUT (503) when statement_timeout cancels the statement of a report, and goes on answering',
    async () => {
      // The server as main.ts runs it: statement_timeout equal to the request's deadline. Another
      // session holds the achievements, so the report's statement can only end by being cancelled.
      const db = createDb(server.databaseUrl, { statementTimeoutMs: 1_000 });
      const app = await createApp(db, { timeoutMs: 1_000 });
      await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const locker = new pg.Client({ connectionString: server.databaseUrl });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE "Achievement" IN ACCESS EXCLUSIVE MODE');
        const timedOut = await graphql(url, REPORT);
        expect(timedOut.status).toBe(503);
        expect(timedOut.errors?.map((e) => e.extensions?.code)).toEqual(['TIMEOUT']);
        expect(JSON.stringify(timedOut)).not.toContain('INTERNAL_SERVER_ERROR');
        // Answered once the statement was cancelled, while the lock was still held.
        expect(timedOut.ms).toBeLessThan(5_000);
        // Nothing still waits for the lock within statement_timeout of the answer: the report's statement was
        // cancelled, and so were the chunks it read ahead (each by its own statement_timeout, a moment later).
        const waiting = async () =>
          Number(
            (await locker.query<{ count: string }>('SELECT count(*) FROM pg_locks WHERE NOT granted')).rows[0]!.count,
          );
        const answered = performance.now();
        while ((await waiting()) > 0 && performance.now() - answered < 1_500)
          await new Promise((resolve) => setTimeout(resolve, 50));
        expect(await waiting()).toBe(0);
        await locker.query('ROLLBACK');
        const after = await graphql(url, CHEAP);
        expect(after.status).toBe(200);
        expect(after.errors).toBeUndefined();
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
      } finally {
        await locker.end();
        await app.stop();
        app.server.close();
        await db.$disconnect();
      }
    },
    60_000,
  );

  it.runIf(kind === 'postgres')('cancels a statement that outlives statement_timeout', async () => {
    const db = createDb(server.databaseUrl, { statementTimeoutMs: 200 });
    try {
      const started = performance.now();
      await expect(db.$queryRaw`SELECT pg_sleep(2)`).rejects.toThrow(/statement timeout/);
      expect(performance.now() - started).toBeLessThan(1_500);
    } finally {
      await db.$disconnect();
    }
  });

  it('holds the loop under 200 ms while 20 clients each ask a page of 100 enterprises with their entitlements', async () => {
    // graphql-js completes a resolved field's subtree in microtasks: twenty such pages completed back to
    // back held the loop 1.1–1.4 s here. Each page asks the engine (a past day: not the ledger's).
    const query = print(EnterprisePageEntitlementsDocument);
    const page = async (n: number) => {
      const response = await fetch(`${longUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminKey}` },
        body: JSON.stringify({ query, variables: { first: 100, asOf: `2020-0${1 + (n % 9)}-28` } }),
      });
      const body = (await response.json()) as {
        errors?: unknown;
        data?: { enterprises: { edges: Array<{ node: { entitlements: { entitlements: unknown[] } } }> } };
      };
      expect(body.errors).toBeUndefined();
      return body.data!.enterprises.edges;
    };
    await page(0); // warm, as a running server would be
    await fetch(`${server.url}/healthz?reset`);
    const pages = Promise.all(Array.from({ length: 20 }, (_, n) => page(n)));
    const [answers, { times, held }] = await Promise.all([pages, healthWhile(pages)]);
    expect(answers.every((edges) => edges.length === 100)).toBe(true);
    expect(answers.flat().reduce((n, e) => n + e.node.entitlements.entitlements.length, 0)).toBeGreaterThan(10_000);
    expect(times.length).toBeGreaterThan(5);
    // Measured on a quiet machine: the loop held 50–55 ms embedded, 50–135 ms on PostgreSQL (1.1–1.4 s before the
    // turns were shared). This client shares the loop with the twenty parsing their answers: its bound is looser.
    expect(held).toBeLessThan(200);
    expect(Math.max(...times)).toBeLessThan(300);
  }, 120_000);

  // Last: from here on the ledger holds today, and the reports above would read it.
  it('answers /healthz within 200 ms while the ledger rebuilds the whole population', async () => {
    await fetch(`${server.url}/healthz?reset`);
    const rebuild = server.ledger.refresh();
    const { times, held } = await healthWhile(rebuild);
    await rebuild;
    expect(server.ledger.last?.enterprises).toBe(20_000);
    expect(times.length).toBeGreaterThan(10);
    // Its reads, inserts and deletes hold the loop one small statement at a time; its JSON is built in slices.
    expect(Math.max(...times)).toBeLessThan(200);
    expect(held).toBeLessThan(200);
  }, 300_000);
});
