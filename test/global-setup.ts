/**
 * Starts a real PostgreSQL server on loopback for the whole test run (installing Debian's package
 * if needed) and stops it after. TEST_POSTGRES_URL points the tests at an existing server instead.
 * Finds Debian's Chromium for the browser tests, installing it if needed (scripts/chromium.sh).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    chromiumPath: string;
  }
}

const script = join(import.meta.dirname, '../scripts/postgres.sh');

export default function setup(project: TestProject) {
  project.provide(
    'chromiumPath',
    execFileSync('bash', [join(import.meta.dirname, '../scripts/chromium.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim(),
  );
  if (process.env.TEST_POSTGRES_URL) {
    project.provide('postgresUrl', process.env.TEST_POSTGRES_URL);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'policygraph-pg-'));
  const port = String(20000 + Math.floor(Math.random() * 20000));
  const url = execFileSync('bash', [script, 'start', dir, port], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  project.provide('postgresUrl', url);
  return () => {
    execFileSync('bash', [script, 'stop', dir], { stdio: 'inherit' });
  };
}
