/**
 * More than one server process on one PostgreSQL database (issue 18 item 4): two servers, this test's
 * own and `src/server/main.ts` in a process of its own, share what must be shared, with each keeping
 * callers and the corpus in memory (src/db/changes.ts): the rate-limit counters, keys and their
 * revocation, the corpus, and export jobs (started on one, run by either, downloaded from both).
 * The process that writes a change serves it from its very next request; the other, once
 * PostgreSQL's notice has reached it. That is asynchronous (a loaded machine delays it by tens of
 * milliseconds), so the other is asked until it answers the change, within NOTICE_BOUND_MS.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueKey } from '../../src/auth/keys.js';
import { loadCorpus } from '../../src/corpus/load.js';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { readCorpus } from '../../src/corpus/read.js';
import {
  ExportJobDocument,
  SimulateEntitlementsDocument,
  StartExportDocument,
  type ExportJobStateFragment,
} from '../../src/generated/operations.js';
import { startServerProcess } from '../support/process.js';
import { startTestServer, type TestServer } from '../support/server.js';

const seed = 2026_12_01;
/** Requests a minute from one address without a key, on both servers. */
const PER_ADDRESS = 6;
/** Failed authentications a minute from one address: high, so that a failure shows as itself, not as 429. */
const FAILED_AUTH_PER_ADDRESS = 1_000;
/** How long a change notice may take to reach the other process. */
const NOTICE_BOUND_MS = 5_000;
const NANHAI = 'gd-foshan-nanhai';
const PROBE = '{ enterprises(first: 1) { totalCount } }';
const REVOKE = 'mutation ($id: ID!) { revokeApiKey(id: $id) { __typename } }';
const WINNER_2018 = {
  input: {
    jurisdiction: 'zj-taizhou-jiaojiang',
    asOf: '2019-12-31',
    achievements: [{ kind: 'CHINA_QUALITY_AWARD', level: 'WINNER', obtainedOn: '2018-03-01' }],
  },
};

describe('two server processes on one PostgreSQL database', () => {
  let server: TestServer;
  let other: ReturnType<typeof startServerProcess>;
  let urls: [string, string];

  beforeAll(async () => {
    server = await startTestServer('postgres', {
      rateLimits: { perAddress: PER_ADDRESS, failedAuthPerAddress: FAILED_AUTH_PER_ADDRESS },
    });
    const port = 30_000 + Math.floor(Math.random() * 20_000);
    other = startServerProcess(server.databaseUrl, port, {
      RATE_LIMIT_PER_ADDRESS: String(PER_ADDRESS),
      RATE_LIMIT_FAILED_AUTH_PER_ADDRESS: String(FAILED_AUTH_PER_ADDRESS),
      EXPORT_DIR: server.exportDir, // servers sharing a database share the export directory
      EXPORT_POLL_MS: '100',
    });
    await other.listening;
    urls = [server.url, `http://127.0.0.1:${port}`];
  }, 180_000);
  afterAll(async () => {
    await other?.kill('SIGTERM');
    await server?.stop();
  });

  /** A GraphQL request to server `at` (0: this test's, 1: the other process), with `key` (null: none). */
  async function ask<T>(at: 0 | 1, query: string, variables: unknown, key: string | null = server.adminKey) {
    const response = await fetch(`${urls[at]}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: Array<{ extensions?: { code?: string } }> };
    return { status: response.status, data: body.data, code: body.errors?.[0]?.extensions?.code };
  }
  const probe = async (at: 0 | 1, key: string) => {
    const { status, code } = await ask(at, PROBE, {}, key);
    return { status, code };
  };
  /** Asks until `answer` gives `expected`, within NOTICE_BOUND_MS; resolves to the last answer. */
  const once = async <T>(answer: () => Promise<T>, expected: T): Promise<T> => {
    const until = Date.now() + NOTICE_BOUND_MS;
    let last = await answer();
    while (!isDeepStrictEqual(last, expected) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      last = await answer();
    }
    return last;
  };
  const WORKS = { status: 200, code: undefined };
  const REFUSED = { status: 401, code: 'UNAUTHENTICATED' };
  const keyIdOf = async (secret: string) => {
    const row = await server.db.apiKey.findFirstOrThrow({ orderBy: { id: 'desc' } });
    expect(await probe(0, secret)).toEqual(WORKS);
    return Buffer.from(`ApiKey:${row.id}`).toString('base64');
  };

  it('refuses a kept key on the revoking server at its very next request and on the other once noticed (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ issueOn: fc.constantFrom(0, 1), revokeOn: fc.constantFrom(0, 1) }), {
          minLength: 1,
          maxLength: 3,
        }),
        async (steps) => {
          for (const { revokeOn } of steps) {
            const secret = await issueKey(server.db, { name: '南海区', role: 'AGENCY', jurisdictions: [NANHAI] });
            const id = await keyIdOf(secret);
            // Kept by both: each has answered the key twice.
            for (const at of [0, 1, 0, 1] as const) expect(await probe(at, secret)).toEqual(WORKS);
            const revoked = await ask<{ revokeApiKey: { __typename: string } }>(revokeOn as 0 | 1, REVOKE, { id });
            expect(revoked.data!.revokeApiKey.__typename).toBe('RevokeApiKeyPayload');
            expect(await probe(revokeOn as 0 | 1, secret)).toEqual(REFUSED);
            expect(await once(() => probe(revokeOn === 0 ? 1 : 0, secret), REFUSED)).toEqual(REFUSED);
          }
        },
      ),
      { seed, numRuns: 3 },
    );
  });

  it("serves a policy reloaded through one server's database from its next request and on the other once noticed", async () => {
    const award = async (at: 0 | 1) =>
      (
        await ask<{ simulateEntitlements: { entitlements: Array<{ policyKey: string; amountYuan: number }> } }>(
          at,
          print(SimulateEntitlementsDocument),
          WINNER_2018,
        )
      ).data!.simulateEntitlements.entitlements.find((e) => e.policyKey === 'taizhou-2017-quality')!.amountYuan;
    for (const at of [0, 1, 0, 1] as const) expect(await award(at)).toBe(1_000_000); // both keep the corpus
    const changed = readCorpus(CORPUS_DIR);
    const rule = changed.policies
      .find((p) => p.key === 'taizhou-2017-quality')!
      .incentives.find((i) => i.key === 'china-quality-award')!.rule;
    if (rule.kind !== 'TIERED') throw new Error('二/(四) is encoded as tiers');
    rule.tiers[0]!.amount = 1_200_000;
    try {
      expect(await loadCorpus(server.db, changed)).toMatchObject({ loaded: ['taizhou-2017-quality'] });
      expect(await award(0)).toBe(1_200_000);
      expect(await once(() => award(1), 1_200_000)).toBe(1_200_000);
    } finally {
      await loadCorpus(server.db, readCorpus(CORPUS_DIR));
    }
    expect(await award(0)).toBe(1_000_000);
    expect(await once(() => award(1), 1_000_000)).toBe(1_000_000);
  });

  it('runs an export started on one server, visible on and downloaded from both', async () => {
    const started = await ask<{ startExport: { data: ExportJobStateFragment } }>(1, print(StartExportDocument), {
      input: { report: 'ACHIEVEMENTS_BY_DISTRICT', format: 'CSV' },
    });
    const { id } = started.data!.startExport.data;
    let job: ExportJobStateFragment;
    do {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (await ask<{ node: ExportJobStateFragment }>(0, print(ExportJobDocument), { id })).data!.node;
    } while (job.status === 'QUEUED' || job.status === 'RUNNING');
    expect(job).toMatchObject({ status: 'COMPLETED', attempts: 1 });
    const other = (await ask<{ node: ExportJobStateFragment }>(1, print(ExportJobDocument), { id })).data!.node;
    expect(other).toEqual(job);
    const files = await Promise.all(
      urls.map(async (url) => {
        const response = await fetch(`${url}${job.downloadUrl}`, {
          headers: { authorization: `Bearer ${server.adminKey}` },
        });
        expect(response.status).toBe(200);
        return response.text();
      }),
    );
    expect(files[1]).toBe(files[0]);
    expect(files[0]!.split('\n')[0]).toContain('辖区名称 jurisdictionName');
  });

  // Last: its counters hold for the rest of the minute.
  it('lets exactly the per-address limit through when requests without a key alternate between them', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PER_ADDRESS + 4; i++)
      statuses.push((await ask(i % 2 === 0 ? 0 : 1, '{ policies(first: 1) { totalCount } }', {}, null)).status);
    expect(statuses).toEqual([...Array(PER_ADDRESS).fill(200), ...Array(4).fill(429)]);
  });
});
