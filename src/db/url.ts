/**
 * DATABASE_URL selects the database: `pglite:<dir>` (the embedded default, PostgreSQL compiled to
 * WebAssembly keeping its data in a directory; `pglite:memory://` keeps it in memory) or
 * `postgresql://…` for a real server. Both speak PostgreSQL, so one Prisma schema and one
 * migrations folder serve both.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';

export const DEFAULT_DATABASE_URL = 'pglite:./.data/pglite';

export type DatabaseTarget = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

/** Relative PGlite directories are resolved against the working directory (npm scripts run at the repo root). */
export function parseDatabaseUrl(databaseUrl: string = DEFAULT_DATABASE_URL): DatabaseTarget {
  if (databaseUrl.startsWith('pglite:')) {
    const dir = databaseUrl.slice('pglite:'.length) || DEFAULT_DATABASE_URL.slice('pglite:'.length);
    return { kind: 'pglite', dataDir: dir.includes('://') ? dir : resolve(dir) };
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return { kind: 'postgres', url: databaseUrl };
  throw new Error(
    `DATABASE_URL must be pglite:<dir> or postgresql://…, got "${databaseUrl.replace(/:[^:@/]*@/, ':***@')}"`,
  );
}

/**
 * One PGlite per data directory and process: PGlite is a single-process database, so the migration
 * engine and the Prisma client of one process must share the instance (opening it twice corrupts it).
 * An open PGlite holds no timer or socket, so it does not keep the process alive.
 */
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

/** Closes the PGlite instances this process opened (a clean shutdown: the next open skips recovery). */
export async function closeDatabases(): Promise<void> {
  const open = [...pglites.values()].filter((db) => !db.closed);
  pglites.clear();
  await Promise.all(open.map((db) => db.close()));
}

/** The driver adapter that `new PrismaClient({ adapter })` takes (Prisma 7), and Prisma's schema engine too. */
export function createAdapter(databaseUrl: string): SqlMigrationAwareDriverAdapterFactory {
  const target = parseDatabaseUrl(databaseUrl);
  return target.kind === 'pglite'
    ? new PrismaPGlite(pgliteFor(target.dataDir))
    : new PrismaPg({ connectionString: target.url });
}
