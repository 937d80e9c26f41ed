import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate } from 'node:timers/promises';
import { PrismaClient, type Prisma } from '../generated/prisma/client.js';
import { rememberUrl } from './changes.js';
import { DirectoryHeld } from './directory-lock.js';
import {
  createAdapter,
  DEFAULT_DATABASE_URL,
  ensurePgliteTemplate,
  parseDatabaseUrl,
  type DriverJoin,
  type DriverQuery,
  type DriverStatement,
  type DriverTransaction,
  type DriverWork,
  type JoinedDriver,
} from './url.js';

export type Db = PrismaClient;

/** Every id column is a PostgreSQL integer: an id above it names nothing and must not reach the database. */
export const MAX_ROW_ID = 2_147_483_647;

/**
 * Counts the SQL statements issued inside a scope (one GraphQL request, one benchmark step),
 * so what a request costs is measured, not guessed.
 */
export const statementScope = new AsyncLocalStorage<{ count: number }>();

export function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const scope = { count: 0 };
  return statementScope.run(scope, async () => ({ result: await work(), statements: scope.count }));
}

const embedded = new WeakSet<Db>();

/** Whether `db` is the embedded database, whose statements run on the event loop's own thread. */
export const isEmbedded = (db: Db) => embedded.has(db);

const driverTransactions = new WeakMap<Db, DriverTransaction>();

/** A transaction on `db`'s driver, past Prisma, for bulk writes (see DriverTransaction); not counted by countStatements. */
export const driverTransaction = <T>(db: Db, work: DriverWork<T>): Promise<T> => driverTransactions.get(db)!(work);

const driverJoins = new WeakMap<Db, DriverJoin>();

/**
 * The driver's connection of an interactive transaction `tx` of `db`, for bulk statements inside it past
 * Prisma (see DriverTransaction); not counted by countStatements. PostgreSQL: one statement to learn which
 * connection it is.
 */
export async function joinedDriver(db: Db, tx: Prisma.TransactionClient): Promise<JoinedDriver> {
  if (isEmbedded(db)) return driverJoins.get(db)!(0);
  const [{ pid }] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
  return driverJoins.get(db)!(pid);
}

const driverQueries = new WeakMap<Db, DriverQuery>();

/** A read on `db`'s driver, past Prisma, for bulk reads (see DriverQuery); counted by countStatements. */
export function driverQuery<T>(db: Db, statement: DriverStatement): Promise<T[]> {
  const scope = statementScope.getStore();
  if (scope) scope.count += 1;
  return driverQueries.get(db)!<T>(statement);
}

/** `statementTimeoutMs`: PostgreSQL's statement_timeout for every session (see createAdapter). */
export function createDb(databaseUrl: string, options: { statementTimeoutMs?: number } = {}): Db {
  const { adapter, transaction, query, join } = createAdapter(databaseUrl, options);
  const db = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  driverTransactions.set(db, transaction);
  driverQueries.set(db, query);
  driverJoins.set(db, join);
  if (parseDatabaseUrl(databaseUrl).kind === 'pglite') embedded.add(db);
  rememberUrl(db, databaseUrl);
  db.$on('query', () => {
    const scope = statementScope.getStore();
    if (scope) scope.count += 1;
  });
  return db;
}

/**
 * PostgreSQL's autovacuum keeps the planner's row counts current; the embedded database runs none,
 * so after a bulk load its planner knew no rows, and each chunk of a report read every remaining
 * enterprise and every achievement (a sort of 15,000 enterprises and a scan of 200,000 achievements
 * for 1,000 of each: 200–400 ms a statement on the event loop, and quadratic in the population).
 * Tables of over 1 MiB never analyzed, or grown to twice what their statistics say, are analyzed
 * here from a small sample: statistics target 10 takes about 100 ms a table where the default
 * (100) took 0.7 s for 200,000 achievements, holding the loop as long. PostgreSQL: nothing to do.
 */
export async function refreshStatistics(db: Db): Promise<void> {
  if (!isEmbedded(db)) return;
  const stale = await db.$queryRaw<{ name: string }[]>`
    SELECT quote_ident(relname) AS name FROM pg_class
    WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
      AND pg_relation_size(oid) > 1048576
      AND (reltuples < 0 OR relpages * 2 < pg_relation_size(oid) / current_setting('block_size')::int)`;
  for (const { name } of stale) {
    await setImmediate(); // each table in a turn of its own: its ANALYZE holds the loop
    await db.$transaction([
      db.$executeRawUnsafe('SET LOCAL default_statistics_target = 10'),
      db.$executeRawUnsafe(`ANALYZE ${name}`),
    ]);
  }
}

/**
 * The embedded database runs no checkpointer beside it: a checkpoint is taken by the statement that
 * crosses max_wal_size, on the event loop, writing every dirty buffer at once (128 MB: 176 ms on a quiet
 * machine, 623 ms held in CI during a ledger rebuild). Bulk writers call this every so often instead,
 * in a turn of its own, so each writes what a few seconds dirtied (15 MB: 18 ms). PostgreSQL: nothing to do.
 */
export async function checkpointEmbedded(db: Db): Promise<void> {
  if (!isEmbedded(db)) return;
  await db.$executeRawUnsafe('CHECKPOINT'); // in a turn of its own, as every embedded statement (oneStatementPerTurn)
}

/**
 * The database of a command-line tool: DATABASE_URL, the embedded one by default. When another
 * process (a running server) holds the embedded directory, the tool leaves it untouched and exits
 * saying what to do instead: `instead`, e.g. the mutation that does the same on the running server.
 */
export async function toolDb(instead?: string): Promise<Db> {
  await ensurePgliteTemplate(); // a new embedded database starts from it (1.5 s, not 5-9 s)
  try {
    return createDb(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  } catch (error) {
    if (!(error instanceof DirectoryHeld)) throw error;
    const stop = error.holder.server ? 'stop the server' : 'wait until it ends';
    console.error(`${error.message}: ${instead ? `${instead}, or ${stop}` : stop}`);
    process.exit(1);
  }
}
