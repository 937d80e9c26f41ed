/**
 * Bulk import: batches written whole or not at all, each problem named by row and column; and a
 * fault test that kills the importer (SIGKILL) mid-import on each database: every acknowledged
 * batch is there afterwards and no batch is there in part.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/corpus/load.js';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { readCorpus } from '../../src/corpus/read.js';
import { createDb } from '../../src/db/client.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { closeDatabases } from '../../src/db/url.js';
import { ImportRefused, importRows, type BatchCommitted } from '../../src/writes/import.js';
import { DATABASE_KINDS, freshDatabaseUrl } from '../support/databases.js';
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
        issues: [{ row: 2, column: 'kind', code: 'NOT_FOUND' }],
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
    expect((error as ImportRefused).issues.map((i) => [i.row, i.column, i.code])).toEqual([
      [3, 'creditCode', 'INVALID_ARGUMENT'],
      [4, 'name', 'INVALID_ARGUMENT'],
    ]);
    expect(await server.db.enterprise.count()).toBe(before + 2);
  });
});

describe.each(DATABASE_KINDS)('killing the importer mid-import on %s database', (kind) => {
  it('leaves every acknowledged batch and no partial one', { timeout: 240_000 }, async () => {
    const databaseUrl = await freshDatabaseUrl(kind);
    await applyMigrations(databaseUrl);
    const setup = createDb(databaseUrl);
    await loadCorpus(setup, readCorpus(CORPUS_DIR));
    await setup.$disconnect();
    await closeDatabases(); // PGlite: one process per data directory; the importer needs it

    const BATCH = 1000;
    const file = join(mkdtempSync(join(tmpdir(), 'policygraph-import-')), 'enterprises.csv');
    const lines = Array.from({ length: 60_000 }, (_, i) => `企业${i},gd-foshan-nanhai,制造`);
    writeFileSync(file, `name,jurisdiction,industry\n${lines.join('\n')}\n`);

    const child = spawn('npx', ['tsx', 'scripts/import.ts', '--type', 'enterprises', '--batch', String(BATCH), file], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    let acknowledged = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        acknowledged += (chunk.toString().match(/committed/g) ?? []).length;
        if (acknowledged >= 3) {
          process.kill(-child.pid!, 'SIGKILL'); // the whole process group: npx, tsx and node
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`the importer ended before being killed (${acknowledged} batches)`)));
    });
    await new Promise((resolve) => child.on('close', resolve));

    const db = createDb(databaseUrl);
    const stored = await db.enterprise.count();
    await db.$disconnect();
    await closeDatabases();
    expect(stored % BATCH).toBe(0);
    expect(stored).toBeGreaterThanOrEqual(acknowledged * BATCH);
    expect(stored).toBeLessThanOrEqual((acknowledged + 1) * BATCH);
  });
});
