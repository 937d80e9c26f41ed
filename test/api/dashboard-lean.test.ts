/**
 * The enterprise dashboard (schema/operations/EnterpriseDashboard.graphql) in at most 3 SQL
 * statements (issue 18 item 2), with `data` byte-identical to what the server answered before:
 * test/golden/dashboard.json holds the SHA-256 of each answer's `data`, captured from main's code of
 * 2026-12-01 over a seeded synthetic population (GOLDEN_WRITE=1 rewrites it: only from that code).
 * Callers are kept per key, yet a revoked key's very next request is refused, whoever revoked it.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnterpriseDashboardDocument } from '../../src/generated/operations.js';
import { readCorpus } from '../../src/corpus/read.js';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { generatePopulation } from '../../scripts/synthetic.js';
import { issueKey } from '../../src/auth/keys.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const GOLDEN = join(import.meta.dirname, '../golden/dashboard.json');
const POPULATION = { enterprises: 40, achievementsPerEnterprise: 8, seed: 18 };
const AS_OF = '2023-12-31';
const globalId = (id: number) => Buffer.from(`Enterprise:${id}`).toString('base64');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe.each(DATABASE_KINDS)('the enterprise dashboard on %s database', (kind) => {
  let server: TestServer;
  let enterprises: Array<{ id: number; district: string }> = [];
  beforeAll(async () => {
    server = await startTestServer(kind);
    await generatePopulation(server.db, readCorpus(CORPUS_DIR), POPULATION);
    enterprises = (
      await server.db.enterprise.findMany({
        select: { id: true, jurisdiction: { select: { code: true } } },
        orderBy: { id: 'asc' },
      })
    ).map((e) => ({ id: e.id, district: e.jurisdiction.code }));
  }, 300_000);
  afterAll(() => server?.stop());

  const dashboard = (id: number, key?: string | null, asOf = AS_OF) =>
    server.request(EnterpriseDashboardDocument, { id: globalId(id), asOf }, { key });

  it('answers data byte-identical to the captured answers, in 3 statements after the first request', async () => {
    const hashes: Record<string, string> = {};
    const statements: number[] = [];
    for (const { id } of enterprises) {
      const { data, errors, extensions } = await dashboard(id);
      expect(errors).toBeUndefined();
      hashes[id] = sha256(JSON.stringify(data));
      statements.push(extensions!.sqlStatements!);
    }
    if (process.env.GOLDEN_WRITE === '1') writeFileSync(GOLDEN, `${JSON.stringify(hashes, null, 2)}\n`);
    expect(hashes).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
    // The first reads the corpus and the key; then the enterprise, a page of its achievements, and
    // all of them for the engine.
    expect(new Set(statements.slice(1))).toEqual(new Set([3]));
  });

  it('answers an agency as an administrator, in at most 3 statements, for any enterprise and day (generated)', async () => {
    const agencies = new Map<string, string>();
    const agencyOf = async (district: string) => {
      if (!agencies.has(district))
        agencies.set(
          district,
          await issueKey(server.db, { name: district, role: 'AGENCY', jurisdictions: [district] }),
        );
      return agencies.get(district)!;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: POPULATION.enterprises - 1 }),
        fc.constantFrom('2017-06-30', '2019-12-31', '2021-01-01', AS_OF),
        async (at, asOf) => {
          const { id, district } = enterprises[at]!;
          const key = await agencyOf(district);
          await dashboard(id, key, asOf); // a new key is looked up once
          const [admin, agency] = [await dashboard(id, undefined, asOf), await dashboard(id, key, asOf)];
          expect(agency.errors).toBeUndefined();
          expect(JSON.stringify(agency.data)).toBe(JSON.stringify(admin.data));
          expect(admin.extensions!.sqlStatements).toBeLessThanOrEqual(3);
          expect(agency.extensions!.sqlStatements).toBeLessThanOrEqual(3);
        },
      ),
      { seed: 18, numRuns: 12 },
    );
  });

  it('refuses a kept key on its very next request once revoked through the API, and once noticed by SQL beside the server', async () => {
    const { id, district } = enterprises[0]!;
    const refused = { status: 401, code: 'UNAUTHENTICATED' };
    const answer = async (key: string) => {
      const { status, errors } = await dashboard(id, key);
      return { status, code: errors?.[0]?.extensions?.code };
    };
    const kept = async () => {
      const key = await issueKey(server.db, { name: district, role: 'AGENCY', jurisdictions: [district] });
      const row = await server.db.apiKey.findFirstOrThrow({ orderBy: { id: 'desc' } });
      await answer(key);
      expect((await dashboard(id, key)).extensions!.sqlStatements).toBe(3); // served from the kept caller
      return { key, row };
    };

    const viaApi = await kept();
    const revoked = await server.request('mutation ($id: ID!) { revokeApiKey(id: $id) { __typename } }', {
      id: Buffer.from(`ApiKey:${viaApi.row.id}`).toString('base64'),
    });
    expect(revoked.data).toEqual({ revokeApiKey: { __typename: 'RevokeApiKeyPayload' } });
    expect(await answer(viaApi.key)).toEqual(refused);

    // Another writer (psql, a script) on its own connection: the trigger's notice reaches the server.
    const bySql = await kept();
    if (kind === 'postgres') {
      const client = new pg.Client({ connectionString: server.databaseUrl });
      await client.connect();
      await client.query('UPDATE "ApiKey" SET "revokedAt" = now() WHERE id = $1', [bySql.row.id]);
      await client.end();
    } else await server.db.$executeRaw`UPDATE "ApiKey" SET "revokedAt" = now() WHERE id = ${bySql.row.id}`;
    // A notice is delivered asynchronously (tens of milliseconds on a loaded machine): refused once it arrives.
    await expect.poll(() => answer(bySql.key), { timeout: 5_000, interval: 20 }).toEqual(refused);
  });
});
