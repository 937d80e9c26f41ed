/**
 * Bulk import: batches written whole or not at all, each problem named by row and column; and a
 * fault test that kills the server (SIGKILL) mid-import on each database: after a restart every
 * acknowledged batch is there and no batch is there in part.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/corpus/load.js';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { readCorpus } from '../../src/corpus/read.js';
import { createDb } from '../../src/db/client.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { closeDatabases } from '../../src/db/url.js';
import { issueKey } from '../../src/auth/keys.js';
import { ImportRefused, importRows, type BatchCommitted } from '../../src/writes/import.js';
import { DATABASE_KINDS, freshDatabaseUrl } from '../support/databases.js';
import { startServerProcess } from '../support/process.js';
import { startTestServer, type TestServer } from '../support/server.js';

const actor = { name: 'test import' };
async function* rowsOf(rows: Array<Record<string, unknown>>) {
  yield* rows;
}
const collect = async (batches: AsyncGenerator<BatchCommitted>) => {
  const done: BatchCommitted[] = [];
  for await (const b of batches) done.push(b);
  return done;
};

describe.each(DATABASE_KINDS)('importing on %s database', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server?.stop());

  it('writes enterprises then their achievements in batches, with audit entries', async () => {
    const enterprises = [
      { name: '南海甲', creditCode: '91350100M000100Y43', jurisdiction: 'gd-foshan-nanhai' },
      { name: '南海乙', creditCode: '91110000600037341L', jurisdiction: 'gd-foshan-nanhai' },
      { name: '顺德丙', creditCode: '91310000717866186P', jurisdiction: 'gd-foshan-shunde', kind: 'ORGANIZATION' },
    ];
    expect(await collect(importRows(server.db, actor, 'enterprises', rowsOf(enterprises), 2))).toEqual([
      { batch: 1, firstRow: 1, lastRow: 2 },
      { batch: 2, firstRow: 3, lastRow: 3 },
    ]);
    const achievements = [
      {
        enterpriseCreditCode: '91310000717866186P',
        kind: 'QUALITY_INSPECTION_CENTER',
        level: 'NATIONAL',
        obtainedOn: '2018-05-01',
      },
      { enterpriseCreditCode: '91350100M000100Y43', kind: 'QMS_NOT_A_KIND', obtainedOn: '2018-05-01' },
    ];
    await expect(collect(importRows(server.db, actor, 'achievements', rowsOf(achievements), 10))).rejects.toMatchObject(
      {
        batch: 1,
        refusals: [{ row: 2, field: 'kind', code: 'NOT_FOUND' }],
      },
    );
    expect(await server.db.achievement.count()).toBe(0);
    await collect(importRows(server.db, actor, 'achievements', rowsOf(achievements.slice(0, 1)), 10));
    expect(await server.db.achievement.count()).toBe(1);
    expect(await server.db.auditEntry.count({ where: { action: 'import' } })).toBe(4);
  });

  it('refuses a bad batch whole, naming each row and column, and keeps the batches before it', async () => {
    const before = await server.db.enterprise.count();
    const rows = [
      { name: '甲', jurisdiction: 'gd-foshan-sanshui' },
      { name: '乙', jurisdiction: 'gd-foshan-sanshui' },
      { name: '丙', jurisdiction: 'gd-foshan-sanshui', creditCode: '91350100M000100Y44' },
      { name: '', jurisdiction: 'gd-foshan-atlantis' },
      { name: '丁', jurisdiction: 'gd-foshan-sanshui', creditCode: '91350100M000100Y43' },
    ];
    const error = await collect(importRows(server.db, actor, 'enterprises', rowsOf(rows), 2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRefused);
    expect((error as ImportRefused).batch).toBe(2);
    expect((error as ImportRefused).refusals.map((r) => [r.row, r.field, r.code])).toEqual([
      [3, 'creditCode', 'INVALID_ARGUMENT'],
      [4, 'name', 'INVALID_ARGUMENT'],
    ]);
    expect(await server.db.enterprise.count()).toBe(before + 2);
  });
});

describe.each(DATABASE_KINDS)('killing the server mid-import on %s database', (kind) => {
  it('keeps every acknowledged batch and no partial one, after a restart', { timeout: 300_000 }, async () => {
    const databaseUrl = await freshDatabaseUrl(kind);
    await applyMigrations(databaseUrl);
    const setup = createDb(databaseUrl);
    await loadCorpus(setup, readCorpus(CORPUS_DIR));
    const key = await issueKey(setup, {
      name: '南海区市场监管局',
      role: 'AGENCY',
      jurisdictions: ['gd-foshan-nanhai'],
    });
    await setup.$disconnect();
    await closeDatabases(); // PGlite: one process per data directory; the server needs it

    const BATCH = 1000;
    const port = 30_000 + Math.floor(Math.random() * 20_000);
    const body = `name,jurisdiction,industry\n${Array.from({ length: 60_000 }, (_, i) => `企业${i},gd-foshan-nanhai,制造`).join('\n')}\n`;
    const first = startServerProcess(databaseUrl, port);
    await first.listening;
    const response = await fetch(`http://127.0.0.1:${port}/import/enterprises?batch=${BATCH}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${key}` },
      body,
    });
    let acknowledged = 0;
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    while (acknowledged < 3) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the import ended after ${acknowledged} batches`);
      acknowledged += (decoder.decode(value).match(/"committed"/g) ?? []).length;
    }
    await first.kill('SIGKILL');

    const second = startServerProcess(databaseUrl, port);
    await second.listening;
    const count = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ enterprises { totalCount } }' }),
    });
    const stored = ((await count.json()) as { data: { enterprises: { totalCount: number } } }).data.enterprises
      .totalCount;
    await second.kill('SIGTERM');
    expect(stored % BATCH).toBe(0);
    expect(stored).toBeGreaterThanOrEqual(acknowledged * BATCH);
    expect(stored).toBeLessThanOrEqual((acknowledged + 1) * BATCH);
  });
});

describe('importing over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('embedded');
  });
  afterAll(() => server?.stop());

  const post = (path: string, body: string, key: string | null, type = 'text/csv') =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': type, ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body,
    });

  it('streams a line per committed batch, then done', async () => {
    const response = await post(
      '/import/enterprises?batch=2',
      'name,jurisdiction\n甲,gd-foshan-nanhai\n乙,gd-foshan-nanhai\n丙,gd-foshan-shunde\n',
      server.adminKey,
    );
    expect(
      (await response.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { status: string }),
    ).toEqual([
      { status: 'committed', batch: 1, firstRow: 1, lastRow: 2 },
      { status: 'committed', batch: 2, firstRow: 3, lastRow: 3 },
      { status: 'done', rows: 3 },
    ]);
  });

  it('refuses an agency rows outside its jurisdictions, naming them', async () => {
    const key = await issueKey(server.db, { name: '南海', role: 'AGENCY', jurisdictions: ['gd-foshan-nanhai'] });
    const response = await post(
      '/import/enterprises',
      'name,jurisdiction\n甲,gd-foshan-nanhai\n乙,gd-foshan-shunde\n',
      key,
    );
    expect(JSON.parse((await response.text()).trim())).toMatchObject({
      status: 'refused',
      batch: 1,
      issues: [{ row: 2, field: 'jurisdiction', code: 'FORBIDDEN' }],
    });
  });

  it.each([
    ['/import/enterprises', null, 'text/csv', 401],
    ['/import/enterprises', 'pg_wrong', 'text/csv', 401],
    ['/import/policies', 'admin', 'text/csv', 404],
    ['/import/enterprises', 'admin', 'application/pdf', 415],
    ['/import/enterprises?batch=0', 'admin', 'text/csv', 400],
  ])('answers POST %s (key %s, %s) with %d', async (path, key, type, status) => {
    const response = await post(
      path,
      'name,jurisdiction\n甲,gd-foshan-nanhai\n',
      key === 'admin' ? server.adminKey : key,
      type,
    );
    expect(response.status).toBe(status);
  });
});
