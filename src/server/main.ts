/**
 * `npm start`: migrates the database (the embedded one by default), loads the policy files of
 * POLICIES_DIR (default policies/), and serves GraphQL on PORT (default 4000). SIGINT/SIGTERM
 * drain requests before exiting.
 */
import { defaultPolicySource, loadPolicyFiles, logLoad } from '../corpus/load.js';
import { CorpusError } from '../corpus/read.js';
import { createDb } from '../db/client.js';
import { LIMITS } from '../graphql/limits.js';
import { applyMigrations } from '../db/migrate.js';
import { DirectoryHeld, holdDirectoriesAsServer } from '../db/directory-lock.js';
import { closeDatabases, DEFAULT_DATABASE_URL } from '../db/url.js';
import { createApp } from './app.js';

const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const port = Number(process.env.PORT ?? 4000);

holdDirectoriesAsServer();
// Migrating opens the embedded directory first: another process holding it is refused here, untouched.
const migrations = await applyMigrations(databaseUrl).catch((error: unknown) => {
  if (!(error instanceof DirectoryHeld)) throw error;
  console.error(`${error.message}: stop it, or serve another DATABASE_URL (the embedded database is one process's)`);
  return process.exit(1);
});
if (migrations.applied.length) console.log(`migrations applied: ${migrations.applied.join(', ')}`);
const db = createDb(databaseUrl, { statementTimeoutMs: LIMITS.timeoutMs });
const policies = defaultPolicySource(process.env.POLICIES_DIR);
const corpus = await loadPolicyFiles(db, policies).catch((error: unknown) => {
  if (!(error instanceof CorpusError)) throw error;
  console.error(`${error.message}\nnothing was loaded: every policy file depends on the directory's vocabulary`);
  return process.exit(1);
});
logLoad(corpus);

// LEDGER=off: no entitlement ledger, every report computed by the engine (tests of other things on big populations).
const app = await createApp(db, { databaseUrl, policies, ledger: process.env.LEDGER !== 'off' });
app.server.listen(port, () => console.log(`PolicyGraph: GraphiQL at http://localhost:${port}/ , API at /graphql`));

/** Draining may not outlast this; a second signal exits at once. */
const SHUTDOWN_DEADLINE_MS = Number(process.env.SHUTDOWN_DEADLINE_MS ?? 15_000);

let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) process.exit(1);
  shuttingDown = true;
  console.log(`${signal}: draining requests`);
  setTimeout(() => {
    console.error(`shutdown took over ${SHUTDOWN_DEADLINE_MS} ms: exiting without waiting further`);
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS).unref();
  await app.stop();
  await db.$disconnect();
  await closeDatabases();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
