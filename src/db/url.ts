/**
 * DATABASE_URL selects the database: `pglite:<dir>` (the embedded default, PostgreSQL compiled to
 * WebAssembly keeping its data in a directory; `pglite:memory://` keeps it in memory) or
 * `postgresql://…` for a real server. Both speak PostgreSQL, so one Prisma schema and one
 * migrations folder serve both.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { nextTurn } from '../loop/turns.js';
import { holdDirectory, releaseDirectory } from './directory-lock.js';

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
 * engine and the Prisma client of one process must share the instance (opening it twice corrupts it),
 * and another process is kept out by the directory's lock (src/db/directory-lock.ts).
 * An open PGlite holds no timer or socket, so it does not keep the process alive.
 */
const pglites = new Map<string, PGlite>();

export function pgliteFor(dataDir: string): PGlite {
  let instance = pglites.get(dataDir);
  if (!instance || instance.closed) {
    instance = newPglite(dataDir);
    pglites.set(dataDir, instance);
  }
  return instance;
}

/**
 * A new PGlite on `dataDir`. PGlite runs initdb for a new database, which takes 5-9 s here; loading a
 * dump of a freshly initialized one takes about 1.5 s. So a new database starts from that dump when
 * ensurePgliteTemplate() has written it (once per machine and PGlite version).
 */
export function newPglite(dataDir: string): PGlite {
  const memory = dataDir.includes('://');
  if (!memory) {
    mkdirSync(dirname(dataDir), { recursive: true });
    holdDirectory(dataDir); // throws DirectoryHeld, before the directory is read, when another process has it
  }
  const fresh = memory || !existsSync(dataDir) || readdirSync(dataDir).length === 0;
  if (!memory) mkdirSync(dataDir, { recursive: true });
  return fresh && existsSync(PGLITE_TEMPLATE)
    ? new PGlite(dataDir, { loadDataDir: new Blob([readFileSync(PGLITE_TEMPLATE)]) })
    : new PGlite(dataDir);
}

const require = createRequire(import.meta.url);
const pgliteVersion = (
  JSON.parse(readFileSync(join(dirname(require.resolve('@electric-sql/pglite')), '../package.json'), 'utf8')) as {
    version: string;
  }
).version;
const PGLITE_TEMPLATE = fileURLToPath(
  new URL(`../../node_modules/.cache/policygraph/pglite-${pgliteVersion}-initdb.tar.gz`, import.meta.url),
);

export async function ensurePgliteTemplate(): Promise<void> {
  if (existsSync(PGLITE_TEMPLATE)) return;
  const db = new PGlite('memory://');
  await db.waitReady; // dumpDataDir() before the database is up never settles
  const dump = await db.dumpDataDir('gzip');
  await db.close();
  mkdirSync(dirname(PGLITE_TEMPLATE), { recursive: true });
  // Written aside and renamed: test workers may race to write it, and none may read half a file.
  const partial = `${PGLITE_TEMPLATE}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, PGLITE_TEMPLATE);
}

/** Closes the PGlite instances this process opened (a clean shutdown: the next open skips recovery). */
export async function closeDatabases(): Promise<void> {
  await Promise.all([...pglites.keys()].map(closeDirectory));
}

/** Closes the PGlite on `dataDir`, if this process opened it, and gives its lock up. */
async function closeDirectory(dataDir: string): Promise<void> {
  const db = pglites.get(dataDir);
  pglites.delete(dataDir);
  if (db && !db.closed) await db.close();
  releaseDirectory(dataDir);
}

/** Closes the embedded database of `databaseUrl` in this process (nothing for PostgreSQL). */
export async function closeDatabase(databaseUrl: string): Promise<void> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind === 'pglite') await closeDirectory(target.dataDir);
}

/**
 * PGlite runs each statement to its end on the calling thread (PostgreSQL as WebAssembly), and
 * statements awaited one after another (a chunk's enterprises, then their achievements, then the
 * next chunk's) ran in one turn of the event loop, holding it for all of them. Through this view
 * each statement starts in a turn of its own, so the loop is held for one statement at a time.
 */
function oneStatementPerTurn(db: PGlite, open: { tx?: Transaction }): PGlite {
  const query = async (...args: Parameters<PGlite['query']>) => {
    await setImmediate();
    return db.query(...args);
  };
  // The one transaction open (PGlite runs one at a time): Prisma's, which the driver may join (DriverJoin).
  const transaction: PGlite['transaction'] = (work) =>
    db.transaction(async (tx) => {
      open.tx = tx;
      try {
        return await work(tx);
      } finally {
        open.tx = undefined;
      }
    });
  return new Proxy(db, {
    get(target, key) {
      if (key === 'query') return query;
      if (key === 'transaction') return transaction;
      const value: unknown = Reflect.get(target, key);
      // PGlite's methods use private fields: they must run on the instance, not on the proxy.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A statement as the driver takes it: PostgreSQL's $n text and its values (a Prisma.sql's `text` and `values`). */
export interface DriverStatement {
  text: string;
  values: unknown[];
}

/**
 * Runs `work` in one transaction on the driver itself, past Prisma, for bulk writes: Prisma's runtime
 * handles a statement's parameters on the event loop, and for the ledger's batches (2,000 rows, one 1 MB
 * JSON text) that held the loop 0.6–0.8 s a statement and halved the rows written per second. `execute`
 * answers the rows a statement wrote.
 */
export type DriverTransaction = <T>(work: DriverWork<T>) => Promise<T>;
export type DriverWork<T> = (execute: (statement: DriverStatement) => Promise<number>) => Promise<T>;

/** Statements on the driver's connection of a transaction Prisma holds open: `query` answers the rows, `execute` their count. */
export interface JoinedDriver {
  query: <T>(statement: DriverStatement) => Promise<T[]>;
  execute: (statement: DriverStatement) => Promise<number>;
}

/**
 * The driver's connection of Prisma's interactive transaction open on `backendPid` (PostgreSQL's
 * pg_backend_pid() inside it; the embedded database has one connection and one transaction open at a
 * time, and ignores it), for bulk statements inside that transaction past Prisma's parameter handling.
 */
export type DriverJoin = (backendPid: number) => JoinedDriver;

/**
 * A read on the driver, past Prisma, for bulk reads: Prisma's runtime maps a whole result at once on
 * the event loop (a JSON.parse of every json value: 1,000 enterprises' achievements held it 100–300 ms
 * under load), where the pg driver parses rows as each socket read arrives. Rows as the driver types
 * them: int4 and json as numbers and values, int8 and numeric as strings.
 */
export type DriverQuery = <T>(statement: DriverStatement) => Promise<T[]>;

/**
 * The driver adapter that `new PrismaClient({ adapter })` takes (Prisma 7), and a transaction on the
 * same driver beside it (the same pool of PostgreSQL connections; the same PGlite instance).
 * On PostgreSQL, `statementTimeoutMs` is the sessions' statement_timeout: no statement outlives a
 * request's deadline. (The embedded database runs a statement on the event loop's own thread.)
 */
export function createAdapter(
  databaseUrl: string,
  { statementTimeoutMs }: { statementTimeoutMs?: number } = {},
): {
  adapter: SqlMigrationAwareDriverAdapterFactory;
  transaction: DriverTransaction;
  query: DriverQuery;
  join: DriverJoin;
} {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind === 'pglite') {
    const open: { tx?: Transaction } = {};
    const instance = oneStatementPerTurn(pgliteFor(target.dataDir), open);
    const joined = () => {
      if (!open.tx) throw new Error('no transaction is open on the embedded database');
      return open.tx;
    };
    return {
      adapter: new PrismaPGlite(instance),
      join: () => ({
        query: async <T>({ text, values }: DriverStatement) => {
          await setImmediate(); // each statement in a turn of its own, as oneStatementPerTurn does
          return (await joined().query<T>(text, values)).rows;
        },
        execute: async ({ text, values }) => {
          await setImmediate();
          return (await joined().query(text, values)).affectedRows ?? 0;
        },
      }),
      // PGlite's transaction takes the instance's lock, as Prisma's statements do: they wait for it.
      transaction: (work) =>
        instance.transaction((tx) =>
          work(async ({ text, values }) => {
            await setImmediate(); // each statement in a turn of its own, as oneStatementPerTurn does
            return (await tx.query(text, values)).affectedRows ?? 0;
          }),
        ),
      query: async <T>({ text, values }: DriverStatement) => (await instance.query<T>(text, values)).rows,
    };
  }
  const pool = new pg.Pool({ connectionString: target.url, statement_timeout: statementTimeoutMs });
  // Results arrive beside the loop, and twenty arriving in one poll of the sockets were mapped by Prisma
  // back to back (100 enterprises' achievements each): each result waits for its place in the turns.
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  pool.query = (async (...args: unknown[]) => {
    const result = await query(...args);
    await nextTurn();
    return result;
  }) as typeof pool.query;
  // The pool's connections by backend process, so that a transaction Prisma holds on one can be joined.
  const byBackend = new Map<number, pg.PoolClient>();
  const backendOf = (client: pg.PoolClient) => (client as pg.PoolClient & { processID: number }).processID;
  pool.on('connect', (client) => byBackend.set(backendOf(client), client));
  pool.on('remove', (client) => byBackend.delete(backendOf(client as pg.PoolClient)));
  return {
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
    join: (backendPid) => {
      const client = byBackend.get(backendPid);
      if (!client) throw new Error(`no connection of this pool has backend ${backendPid}`);
      return {
        query: async <T>({ text, values }: DriverStatement) => (await client.query(text, values)).rows as T[],
        execute: async ({ text, values }) => (await client.query(text, values)).rowCount ?? 0,
      };
    },
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const done = await work(async ({ text, values }) => (await client.query(text, values)).rowCount ?? 0);
        await client.query('COMMIT');
        return done;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    query: async <T>({ text, values }: DriverStatement) => (await pool.query(text, values)).rows as T[],
  };
}
