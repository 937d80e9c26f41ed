/**
 * The schema engine's command line and JSON-RPC protocol, as Prisma's CLI 7.10 speaks them to its
 * native engine, answered by the WebAssembly engine (src/db/migrate.ts) through the driver adapter
 * for the datasource URL (PGlite or pg). Started by schema-engine.mjs.
 *
 *   --version                                  prints `schema-engine-cli <engine hash>`
 *   --datasource '{"url":…}' cli <command>     can-connect-to-database | create-database, exit code 0 or 1
 *   [--datamodels <file>]… --datasource '{…}'  JSON-RPC 2.0 on stdin/stdout, one message a line,
 *                                              until the CLI closes stdin
 *
 * Logs and errors go to stderr as JSON lines ({ level, target, fields: { message, error_code } }),
 * which is where the CLI looks for them.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { adminQuery, engineVersion, openSchemaEngine, type EngineSession } from '../../src/db/migrate.js';
import { DEFAULT_DATABASE_URL, closeDatabases, parseDatabaseUrl } from '../../src/db/url.js';

// stdout carries protocol only: anything a library prints goes to stderr, where the CLI skips non-JSON lines.
for (const level of ['log', 'info', 'warn', 'debug'] as const) console[level] = console.error;

/** The RPC methods the WASM engine implements under the same names and parameters as the native one. */
const FORWARDED = new Set([
  'applyMigrations',
  'createMigration',
  'dbExecute',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'diff',
  'ensureConnectionValidity',
  'evaluateDataLoss',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'reset',
  'schemaPush',
]);

class UserFacingError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function logLine(level: 'INFO' | 'ERROR', fields: Record<string, unknown>) {
  process.stderr.write(`${JSON.stringify({ level, target: 'schema_engine::logger', fields })}\n`);
}

const args = process.argv.slice(2);
let datasource: { url?: string; shadowDatabaseUrl?: string } = {};
const datamodelFiles: string[] = [];
let cliCommand: string | undefined;
let printVersion = false;
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--version' || arg === '-V') printVersion = true;
  else if (arg === '--datasource') datasource = JSON.parse(args[++i]) as typeof datasource;
  else if (arg === '--datamodels') datamodelFiles.push(args[++i]);
  else if (arg === '--enabled-preview-features' || arg === '--extension-types') i++;
  else if (arg === 'cli') cliCommand = args[++i];
}
const url = datasource.url ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;

if (printVersion) {
  process.stdout.write(`schema-engine-cli ${await engineVersion()}\n`);
  process.exit(0);
} else if (cliCommand) {
  try {
    await runCliCommand(cliCommand);
    process.exit(0);
  } catch (error) {
    const { code, message } = describe(error);
    // The CLI skips the first stderr line of these commands (the native engine's start-up log).
    logLine('INFO', { message: 'Starting schema engine CLI (WebAssembly, scripts/prisma-engine)' });
    logLine('ERROR', { message, ...(code ? { error_code: code } : {}) });
    process.exit(1);
  }
} else {
  serve();
}

async function runCliCommand(command: string) {
  const target = parseDatabaseUrl(url);
  if (command === 'can-connect-to-database') {
    // A PGlite directory is created on first open (which takes seconds): nothing to check here.
    if (target.kind === 'postgres') await connectOnce(target.url);
  } else if (command === 'create-database') {
    if (target.kind === 'pglite') {
      if (!target.dataDir.includes('://')) mkdirSync(target.dataDir, { recursive: true });
    } else {
      const server = new URL(target.url);
      const name = decodeURIComponent(server.pathname.slice(1));
      server.pathname = '/postgres';
      await adminQuery(server.toString(), `CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    }
  } else {
    throw new Error(`\`${command}\` is not available with the WebAssembly schema engine (scripts/prisma-engine)`);
  }
}

async function connectOnce(connectionString: string) {
  const client = new pg.Client({ connectionString });
  try {
    await client.connect();
  } catch (error) {
    const { host, port, pathname } = new URL(connectionString);
    const where = `${host || 'localhost'}${port ? '' : ':5432'}`;
    // The codes Prisma's CLI acts on: P1003 makes `migrate dev` create the database.
    if ((error as { code?: string }).code === '3D000')
      throw new UserFacingError(
        'P1003',
        `Database \`${pathname.slice(1)}\` does not exist on the database server at \`${where}\`.`,
      );
    throw new UserFacingError('P1001', `Can't reach database server at \`${where}\`: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

function describe(error: unknown): { code?: string; message: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { code: typeof code === 'string' && /^P\d{4}$/.test(code) ? code : undefined, message: error.message };
}

function serve() {
  let session: Promise<EngineSession> | undefined;
  const engine = () =>
    (session ??= openSchemaEngine({
      url,
      shadowDatabaseUrl: datasource.shadowDatabaseUrl,
      datamodels: datamodelFiles.map((file): [string, string] => [file, readFileSync(file, 'utf8')]),
      log: (line) => process.stderr.write(line.endsWith('\n') ? line : `${line}\n`),
    }));

  async function call(method: string, params: unknown): Promise<unknown> {
    if (method === 'getDatabaseVersion') return (await engine()).engine.version();
    if (method === 'createDatabase') {
      await runCliCommand('create-database');
      return { databaseName: url };
    }
    if (!FORWARDED.has(method))
      throw new Error(`\`${method}\` is not available with the WebAssembly schema engine (scripts/prisma-engine)`);
    const { engine: wasm } = await engine();
    const run = () => (wasm as unknown as Record<string, (params: unknown) => Promise<unknown>>)[method](params);
    try {
      return await run();
    } catch (error) {
      // The WASM engine (d1b3f377) gives evaluateDataLoss and createMigration no shadow database: they
      // only read "the schema the migrations produce" from a cache that devDiagnostic fills, and it
      // misses when `migrate dev` has just applied a migration. diagnoseMigrationHistory builds that
      // schema on the adapter's shadow database and fills the cache; then the command succeeds.
      const input = params as { migrationsList?: unknown; filters?: unknown };
      if (
        !/shadow DB must be provided through an external factory/.test(describe(error).message) ||
        !input.migrationsList
      )
        throw error;
      await wasm.diagnoseMigrationHistory({
        migrationsList: input.migrationsList,
        optInToShadowDatabase: true,
        filters: input.filters,
      } as Parameters<typeof wasm.diagnoseMigrationHistory>[0]);
      return await run();
    }
  }

  async function handle(line: string) {
    let request: { id?: number | string; method?: string; params?: unknown };
    try {
      request = JSON.parse(line) as typeof request;
    } catch {
      return;
    }
    if (request.id === undefined || !request.method) return; // a notification, or a reply to us
    let reply: object;
    try {
      reply = { result: (await call(request.method, request.params)) ?? null };
    } catch (error) {
      const { code, message } = describe(error);
      // is_panic stays false: the CLI offers to upload a report for panics, which must not happen here.
      reply = { error: { code: 4466, message, data: { is_panic: false, message, meta: {}, error_code: code } } };
    }
    process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id: request.id, ...reply })}\n`);
  }

  // One request at a time, in order, like the native engine's stdio loop.
  let queue = Promise.resolve();
  const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
  input.on('line', (line) => (queue = queue.then(() => handle(line))));

  // The CLI ends stdin when done, then sends SIGTERM at once: both mean close the databases and exit.
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await queue;
    await (await session?.catch(() => undefined))?.close();
    await closeDatabases();
    process.exit(0);
  };
  input.on('close', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}
