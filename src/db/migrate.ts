/**
 * Applies pending migrations from prisma/migrations, recording them in `_prisma_migrations`
 * exactly as `prisma migrate deploy` does. The server runs it at start; so do the tests.
 */
import { migrationList, NO_FILTERS, openSchemaEngine } from './schema-engine.js';

export async function applyMigrations(databaseUrl: string): Promise<{ applied: string[] }> {
  const engine = await openSchemaEngine(databaseUrl);
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList: migrationList(),
      filters: NO_FILTERS,
    });
    return { applied: appliedMigrationNames };
  } finally {
    engine.free();
  }
}
