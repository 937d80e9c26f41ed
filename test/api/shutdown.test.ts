/**
 * A server told to stop drains and exits cleanly even when its event loop was busy at that moment.
 * `npm start` once ran the server under tsx's command line, which relays a signal and, when the server
 * has not acknowledged it within 60 ms, kills it with SIGKILL: under load, every stop lost the requests
 * in flight and left the embedded directory's lock behind. The server is now one process (tsx as a
 * loader); a stopped process (SIGSTOP) stands in for a loop held longer than any relay would wait.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDatabaseUrl } from '../support/databases.js';
import { startServerProcess } from '../support/process.js';

const START = 'node --import tsx src/server/main.ts';

describe('stopping the server', () => {
  it('is what npm start runs', () => {
    const scripts = (
      JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts.start).toBe(START);
  });

  it(
    'drains and exits 0, its lock released, when SIGTERM arrives while its loop is held',
    { timeout: 300_000 },
    async () => {
      const databaseUrl = await freshDatabaseUrl('embedded');
      const dir = databaseUrl.slice('pglite:'.length);
      const server = startServerProcess(databaseUrl, 30_000 + Math.floor(Math.random() * 20_000), { LEDGER: 'off' });
      await server.listening;
      expect(existsSync(`${dir}.lock`)).toBe(true);
      const exited = new Promise<number | null>((resolve) => server.child.on('exit', resolve));
      process.kill(-server.child.pid!, 'SIGSTOP');
      process.kill(-server.child.pid!, 'SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 200)); // longer than a relay waits
      process.kill(-server.child.pid!, 'SIGCONT');
      expect(await exited).toBe(0);
      expect(existsSync(`${dir}.lock`)).toBe(false);
    },
  );
});
