/**
 * DATABASE_URL selects the database: `pglite:<dir>` (the embedded default, a PostgreSQL in
 * WebAssembly that keeps its data in a directory) or `postgresql://…` for a real server.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';

export const DEFAULT_DATABASE_URL = 'pglite:./.data/pglite';

export type DatabaseTarget = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

export function parseDatabaseUrl(databaseUrl: string): DatabaseTarget {
  if (databaseUrl.startsWith('pglite:'))
    return { kind: 'pglite', dataDir: databaseUrl.slice('pglite:'.length) || './.data/pglite' };
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return { kind: 'postgres', url: databaseUrl };
  throw new Error(`DATABASE_URL must be pglite:<dir> or postgresql://…, got "${databaseUrl}"`);
}

/** One PGlite instance per data directory and process: PGlite allows a single opener. */
const pglites = new Map<string, PGlite>();

export function pgliteFor(dataDir: string): PGlite {
  let instance = pglites.get(dataDir);
  if (!instance || instance.closed) {
    if (!dataDir.includes('://')) mkdirSync(dataDir, { recursive: true });
    instance = new PGlite(dataDir);
    pglites.set(dataDir, instance);
  }
  return instance;
}

export function createAdapter(databaseUrl: string): SqlMigrationAwareDriverAdapterFactory {
  const target = parseDatabaseUrl(databaseUrl);
  return target.kind === 'pglite'
    ? new PrismaPGlite(pgliteFor(target.dataDir))
    : new PrismaPg({ connectionString: target.url });
}
