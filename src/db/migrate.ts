/**
 * Migrations without Prisma's native schema engine, which the CLI downloads from a host this machine
 * cannot reach. The `prisma` package ships the same engine build as WebAssembly
 * (prisma/build/schema_engine_bg.wasm); the JS bindings of @prisma/schema-engine-wasm load it, and
 * it talks to the database through a Prisma driver adapter (PGlite or pg) instead of its own driver.
 *
 * `applyMigrations` is `prisma migrate deploy` in-process (same `_prisma_migrations` rows and
 * checksums). `openSchemaEngine` is shared with scripts/prisma-engine/, the stand-in engine binary
 * that makes `prisma migrate dev|deploy|status` work offline.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { ensurePgliteTemplate, newPglite, parseDatabaseUrl, pgliteFor } from './url.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));
export const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** Applies the pending migrations of `migrationsDir` (default prisma/migrations), as `prisma migrate deploy`. */
export async function applyMigrations(
  databaseUrl: string,
  options: { migrationsDir?: string } = {},
): Promise<{ applied: string[] }> {
  const migrationsList = await readMigrations(options.migrationsDir ?? MIGRATIONS_DIR);
  const session = await openSchemaEngine({ url: databaseUrl });
  try {
    const { appliedMigrationNames } = await session.engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return { applied: appliedMigrationNames };
  } catch (error) {
    throw engineError(error);
  } finally {
    await session.close();
  }
}

/** The migrations folder as the CLI reads it for the engine (same order, same error for an unreadable file). */
export async function readMigrations(migrationsDir: string, shadowDbInitScript = ''): Promise<MigrationList> {
  const lockfile = await readFile(join(migrationsDir, 'migration_lock.toml'), 'utf8').catch(() => null);
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map(async ({ name }) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8').then(
            (value) => ({ tag: 'ok' as const, value }),
            (error: Error) => ({ tag: 'error' as const, value: error.message }),
          ),
        },
      })),
  );
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: lockfile },
    migrationDirectories,
    shadowDbInitScript,
  };
}

/** The engine rejects with an Error whose `code` is Prisma's error code (P3009: a failed migration blocks…). */
export function engineError(error: unknown): Error & { code?: string } {
  if (!(error instanceof Error)) return new Error(String(error));
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && !error.message.startsWith(code)) error.message = `${code}: ${error.message}`;
  return error;
}

// ---------------------------------------------------------------------------------------------
// The WebAssembly engine

type Bindings = typeof import('@prisma/schema-engine-wasm') & { __wbg_set_wasm(exports: WebAssembly.Exports): void };

/**
 * The engine races each database lock against a 10 s setTimeout and never cancels the timer, which
 * would hold the process open for 10 s after a migration. We hand the WASM module a setTimeout that
 * remembers its timers, and cancel the leftovers once no engine is open.
 */
const engineTimers = new Set<ReturnType<typeof setTimeout>>();
let openEngines = 0;
let bindings: Promise<Bindings> | undefined;

function loadBindings(): Promise<Bindings> {
  return (bindings ??= (async () => {
    const require = createRequire(import.meta.url);
    const glue = (await import(
      join(dirname(require.resolve('@prisma/schema-engine-wasm')), 'schema_engine_bg.js')
    )) as Bindings;
    // The CLI's own build of the engine (same version as the CLI); the package's glue code fits it.
    const wasm = readFileSync(join(dirname(require.resolve('prisma/package.json')), 'build', 'schema_engine_bg.wasm'));
    const imports: Record<string, unknown> = { ...glue };
    const setTimeoutImport = Object.keys(glue).find((name) => name.startsWith('__wbg_setTimeout_'));
    if (setTimeoutImport)
      imports[setTimeoutImport] = (callback: () => void, ms: number) => {
        const timer = setTimeout(() => {
          engineTimers.delete(timer);
          callback();
        }, ms >>> 0);
        engineTimers.add(timer);
        return timer;
      };
    const { instance } = await WebAssembly.instantiate(wasm, {
      './schema_engine_bg.js': imports as WebAssembly.ModuleImports,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
    return glue;
  })());
}

/** The engine build, e.g. its git hash, as `schema-engine-cli --version` prints it. */
export async function engineVersion(): Promise<string> {
  return (await loadBindings()).version();
}

export interface EngineSession {
  engine: SchemaEngine;
  /** Frees the engine, disposes the adapters it opened (pools, shadow databases), cancels its timers. */
  close(): Promise<void>;
}

export interface EngineOptions {
  /** The database to migrate (DATABASE_URL syntax). */
  url: string;
  /** Where to build the shadow database; by default a scratch database beside the main one. */
  shadowDatabaseUrl?: string;
  /** Prisma schema files as [path, content], for the commands that read the schema. */
  datamodels?: [string, string][];
  /** The engine's log lines (JSON strings). */
  log?: (line: string) => void;
}

export async function openSchemaEngine(options: EngineOptions): Promise<EngineSession> {
  const target = parseDatabaseUrl(options.url);
  if (target.kind === 'pglite') {
    // Opened (and its directory locked) here, so that a directory another process holds is refused
    // as DirectoryHeld, saying who holds it, rather than as an opaque error from inside the engine.
    await ensurePgliteTemplate();
    pgliteFor(target.dataDir);
  }
  const { SchemaEngine } = await loadBindings();
  const adapters = migrationAdapters(options.url, options.shadowDatabaseUrl);
  openEngines += 1;
  let engine: SchemaEngine;
  try {
    engine = await SchemaEngine.new(
      { datamodels: options.datamodels },
      options.log ?? (() => {}),
      bindMigrationAwareSqlAdapterFactory(adapters.factory),
    );
  } catch (error) {
    await release();
    throw error;
  }
  async function release() {
    openEngines -= 1;
    await adapters.disposeAll();
    if (openEngines === 0) {
      for (const timer of engineTimers) clearTimeout(timer);
      engineTimers.clear();
    }
  }
  let closed = false;
  return {
    engine,
    async close() {
      if (closed) return;
      closed = true;
      engine.free();
      await release();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Driver adapters, with the fixes the engine needs (each a defect met in the adapter versions pinned here)

/** A migration-aware adapter factory for `url` that remembers what it opened, so everything can be closed. */
function migrationAdapters(url: string, shadowDatabaseUrl?: string) {
  const opened: SqlDriverAdapter[] = [];
  const track = (adapter: SqlDriverAdapter) => (opened.push(onceDisposed(adapter)), adapter);
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: '',
    async connect() {
      return track(await connectFixed(url));
    },
    async connectToShadowDb() {
      return track(await (shadowDatabaseUrl ? connectFixed(shadowDatabaseUrl) : connectScratch(url)));
    },
  };
  return {
    factory,
    async disposeAll() {
      await Promise.all(opened.splice(0).map((adapter) => adapter.dispose()));
    },
  };
}

async function connectFixed(url: string): Promise<SqlDriverAdapter> {
  const target = parseDatabaseUrl(url);
  if (target.kind === 'postgres') return connectPg(target.url);
  await ensurePgliteTemplate();
  return connectPglite(pgliteFor(target.dataDir));
}

/**
 * The shadow database: migrate dev replays the migrations on it to learn what they produce.
 * PGlite: a fresh in-memory instance. PostgreSQL: a scratch database on the same server, dropped after
 * (@prisma/adapter-pg 7.10.1 builds its own from `{ connectionString, database }`, where pg lets the
 * connection string win, so its "shadow" is the main database).
 */
async function connectScratch(url: string): Promise<SqlDriverAdapter> {
  const target = parseDatabaseUrl(url);
  if (target.kind === 'pglite') {
    await ensurePgliteTemplate();
    const db = newPglite('memory://');
    const adapter = await connectPglite(db);
    adapter.dispose = () => db.close();
    return adapter;
  }
  const name = `prisma_migrate_shadow_db_${randomUUID().replaceAll('-', '')}`;
  await adminQuery(target.url, `CREATE DATABASE "${name}"`);
  const shadowUrl = new URL(target.url);
  shadowUrl.pathname = `/${name}`;
  const adapter = await connectPg(shadowUrl.toString());
  const dispose = adapter.dispose.bind(adapter);
  adapter.dispose = async () => {
    await dispose();
    await adminQuery(target.url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };
  return adapter;
}

export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

type AdapterInternals = { onError(error: unknown): never };

async function connectPglite(db: PGlite): Promise<SqlDriverAdapter> {
  const adapter = await new PrismaPGlite(db).connect();
  // pglite-prisma-adapter 0.7.2 starts exec() without awaiting it, so a failing migration would be
  // recorded as applied. Await it, and report its error the way the adapter reports query errors.
  adapter.executeScript = async (script) => {
    try {
      await db.exec(script);
    } catch (error) {
      (adapter as unknown as AdapterInternals).onError(error);
    }
  };
  return adapter;
}

async function connectPg(url: string): Promise<SqlDriverAdapter> {
  const adapter = await new PrismaPg({ connectionString: url }).connect();
  // @prisma/adapter-pg 7.10.1 splits a script on every `;`, which breaks `$$` bodies and string
  // literals and runs a migration statement by statement (a failure leaves it half applied). Send
  // the file as one query, as the native engine does: PostgreSQL runs it in one implicit transaction.
  adapter.executeScript = async (script) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (error) {
      (adapter as unknown as AdapterInternals).onError(error);
    }
  };
  readCharAsText(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => readCharAsText(await startTransaction(isolationLevel));
  return adapter;
}

/**
 * @prisma/adapter-pg 7.10.1 has no column type for PostgreSQL's internal `"char"` (OID 18), which
 * the engine's introspection reads from pg_catalog (e.g. pg_class.relkind), and fails the query.
 * pg returns its values as strings already, so we label those columns as text (OID 25).
 */
function readCharAsText<T extends SqlDriverAdapter | Transaction>(queryable: T): T {
  type Io = { performIO(query: unknown): Promise<{ fields: { dataTypeID: number }[] }> };
  const io = queryable as unknown as Io;
  const performIO = io.performIO.bind(io);
  io.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) if (field.dataTypeID === 18) field.dataTypeID = 25;
    return result;
  };
  return queryable;
}

/** pg pools refuse a second end(); the engine and we may both dispose an adapter. */
function onceDisposed(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const dispose = adapter.dispose.bind(adapter);
  let disposed: Promise<void> | undefined;
  adapter.dispose = () => (disposed ??= dispose());
  return adapter;
}
