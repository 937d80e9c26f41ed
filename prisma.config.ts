/**
 * Prisma CLI configuration. The CLI downloads a native schema engine before `prisma generate`
 * unless PRISMA_SCHEMA_ENGINE_BINARY names an existing file; this machine cannot reach that host,
 * and generate does not need the engine, so we name a stub that explains where migrations live.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(new URL('./scripts/schema-engine-stub.sh', import.meta.url));

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
