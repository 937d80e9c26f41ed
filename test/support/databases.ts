/**
 * Every integration test runs against both databases: the embedded one (PGlite, a fresh data
 * directory) and PostgreSQL (a fresh database on the server the global setup started).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

export type DatabaseKind = 'embedded' | 'postgres';
export const DATABASE_KINDS: DatabaseKind[] = ['embedded', 'postgres'];

export async function freshDatabaseUrl(kind: DatabaseKind): Promise<string> {
  if (kind === 'embedded') return `pglite:${mkdtempSync(join(tmpdir(), 'policygraph-pglite-'))}`;
  const base = inject('postgresUrl');
  const name = `test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}
