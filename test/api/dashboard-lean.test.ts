/**
 * The enterprise dashboard (schema/operations/EnterpriseDashboard.graphql) in at most 3 SQL
 * statements (issue 18 item 2), with `data` byte-identical to what the server answered before:
 * test/golden/dashboard.json holds the SHA-256 of each answer's `data`, captured from main's code of
 * 2026-12-01 over a seeded synthetic population (GOLDEN_WRITE=1 rewrites it: only from that code).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnterpriseDashboardDocument } from '../../src/generated/operations.js';
import { readCorpus } from '../../src/corpus/read.js';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { generatePopulation } from '../../scripts/synthetic.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const GOLDEN = join(import.meta.dirname, '../golden/dashboard.json');
const POPULATION = { enterprises: 40, achievementsPerEnterprise: 8, seed: 18 };
const AS_OF = '2023-12-31';
const globalId = (id: number) => Buffer.from(`Enterprise:${id}`).toString('base64');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe.each(DATABASE_KINDS)('the enterprise dashboard on %s database', (kind) => {
  let server: TestServer;
  let ids: number[] = [];
  beforeAll(async () => {
    server = await startTestServer(kind);
    await generatePopulation(server.db, readCorpus(CORPUS_DIR), POPULATION);
    ids = (await server.db.enterprise.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((e) => e.id);
  }, 300_000);
  afterAll(() => server?.stop());

  it('answers data byte-identical to the captured answers', async () => {
    const hashes: Record<string, string> = {};
    for (const id of ids) {
      const { data, errors } = await server.request(EnterpriseDashboardDocument, { id: globalId(id), asOf: AS_OF });
      expect(errors).toBeUndefined();
      hashes[id] = sha256(JSON.stringify(data));
    }
    if (process.env.GOLDEN_WRITE === '1') writeFileSync(GOLDEN, `${JSON.stringify(hashes, null, 2)}\n`);
    expect(hashes).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
  });
});
