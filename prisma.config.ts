/**
 * Prisma CLI configuration (Prisma 7). The CLI loads this file before anything else, so it also sets
 * the environment the CLI reads afterwards:
 * - PRISMA_SCHEMA_ENGINE_BINARY: Prisma's native schema engine is downloaded from a host this machine
 *   cannot reach. scripts/prisma-engine/ stands in for it, running the WebAssembly build of the same
 *   engine through our driver adapters, so `prisma generate` downloads nothing and
 *   `prisma migrate dev|deploy|status` work offline on PGlite and PostgreSQL alike.
 * - CHECKPOINT_DISABLE: no version check or telemetry request to Prisma's servers.
 */
import { accessSync, chmodSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

const engine = fileURLToPath(new URL('./scripts/prisma-engine/schema-engine.mjs', import.meta.url));
try {
  accessSync(engine, constants.X_OK);
} catch {
  chmodSync(engine, 0o755); // the CLI executes it directly; a checkout or patch may have dropped the mode
}
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= engine;
process.env.CHECKPOINT_DISABLE ??= '1';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    // Same default as src/db/url.ts: the embedded database. `pglite:` URLs mean nothing to the CLI
    // itself; it hands them to the engine, and our stand-in picks the PGlite adapter for them.
    url: process.env.DATABASE_URL ?? 'pglite:./.data/pglite',
    // Unset: migrate dev builds its shadow database itself (an in-memory PGlite, or a scratch
    // database on the same PostgreSQL server, dropped after).
    shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL,
  },
});
