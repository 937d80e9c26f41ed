/**
 * `npm start` (src/server/main.ts as its own process) reads its policy files from POLICIES_DIR, and a
 * restart with a file gone retires that policy (issue 19 item 3), saying so in its log.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { DATABASE_KINDS, freshDatabaseUrl } from '../support/databases.js';
import { startServerProcess } from '../support/process.js';

const POLICIES = `{
  served: policies(first: 50) { edges { node { key } } }
  retired: policies(first: 50, retired: true) { edges { node { key } } }
}`;
type Keys = { edges: Array<{ node: { key: string } }> };

/** Starts `npm start`'s server on POLICIES_DIR=dir, reads the served and retired keys, and stops it. */
async function startAndRead(databaseUrl: string, dir: string) {
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const server = startServerProcess(databaseUrl, port, { POLICIES_DIR: dir });
  let log = '';
  server.child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await server.listening;
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: POLICIES }),
  });
  const { data } = (await response.json()) as { data: { served: Keys; retired: Keys } };
  await server.kill('SIGTERM');
  const keys = (list: Keys) => list.edges.map((e) => e.node.key).sort();
  return { served: keys(data.served), retired: keys(data.retired), log };
}

describe.each(DATABASE_KINDS)('npm start with POLICIES_DIR on %s database', (kind) => {
  it(
    'serves the files of POLICIES_DIR; a restart retires the policy whose file is gone',
    { timeout: 300_000 },
    async () => {
      const databaseUrl = await freshDatabaseUrl(kind);
      const dir = mkdtempSync(join(tmpdir(), 'policygraph-policies-dir-'));
      cpSync(CORPUS_DIR, dir, { recursive: true });
      rmSync(join(dir, '003-xx-2022.yaml'));
      try {
        const first = await startAndRead(databaseUrl, dir);
        expect(first.served).toEqual([
          'foshan-2017-industrial-quality',
          'loudi-2017-quality',
          'quanzhou-2019-quality',
          'taizhou-2017-quality',
        ]);
        expect(first.retired).toEqual([]);
        expect(first.log).toContain('policies loaded: 4, unchanged: 0, retired: [], files refused: 0');

        rmSync(join(dir, '001-loudi-2017.yaml'));
        cpSync(join(CORPUS_DIR, '003-xx-2022.yaml'), join(dir, '003-xx-2022.yaml'));
        const second = await startAndRead(databaseUrl, dir);
        expect(second.served).toEqual([
          'foshan-2017-industrial-quality',
          'quanzhou-2019-quality',
          'taizhou-2017-quality',
          'xx-2022-product-quality',
        ]);
        expect(second.retired).toEqual(['loudi-2017-quality']);
        expect(second.log).toMatch(
          /policies loaded: \d, unchanged: \d, retired: \[loudi-2017-quality\], files refused: 0/,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
        if (databaseUrl.startsWith('pglite:'))
          rmSync(databaseUrl.slice('pglite:'.length), { recursive: true, force: true });
      }
    },
  );
});

describe('npm start with a POLICIES_DIR that is not there', () => {
  it('exits with a message naming the directory, loading and retiring nothing', { timeout: 300_000 }, async () => {
    const databaseUrl = await freshDatabaseUrl('embedded');
    const missing = join(tmpdir(), 'policygraph-no-such-dir');
    const started = spawnSync('npx', ['tsx', 'src/server/main.ts'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', POLICIES_DIR: missing },
      encoding: 'utf8',
      timeout: 280_000,
    });
    rmSync(databaseUrl.slice('pglite:'.length), { recursive: true, force: true });
    expect(started.status).toBe(1);
    expect(started.stderr).toContain(`dir: cannot read the policy directory ${missing} (ENOENT`);
    expect(started.stderr).toContain('nothing was loaded');
    expect(started.stderr).not.toMatch(/\n\s+at /);
  });
});
