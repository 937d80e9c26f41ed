/**
 * Prisma's schema engine, run from WebAssembly: the CLI's native engine is downloaded from a host
 * this machine cannot reach, but the CLI package ships the same engine build as WASM. We load it
 * with the bindings of @prisma/schema-engine-wasm and hand it our driver adapter.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import { createAdapter } from './url.js';

export const SCHEMA_FILE = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));

type Bindings = typeof import('@prisma/schema-engine-wasm') & { __wbg_set_wasm(exports: WebAssembly.Exports): void };
let bindings: Promise<Bindings> | undefined;

function loadBindings(): Promise<Bindings> {
  return (bindings ??= (async () => {
    const require = createRequire(import.meta.url);
    const glue = join(
      require.resolve('@prisma/schema-engine-wasm').replace(/schema_engine\.js$/, ''),
      'schema_engine_bg.js',
    );
    const bg = (await import(glue)) as Bindings;
    const wasm = readFileSync(join(require.resolve('prisma/package.json'), '..', 'build', 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(wasm, {
      './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
    return bg;
  })());
}

export async function openSchemaEngine(databaseUrl: string): Promise<SchemaEngine> {
  const { SchemaEngine } = await loadBindings();
  const schema = readFileSync(SCHEMA_FILE, 'utf8');
  const adapter = bindMigrationAwareSqlAdapterFactory(createAdapter(databaseUrl));
  return SchemaEngine.new({ datamodels: [[SCHEMA_FILE, schema]] }, () => {}, adapter);
}

export const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** The migrations folder as the engine reads it (what `prisma migrate deploy` would send). */
export function migrationList(): MigrationList {
  const dirs = existsSync(MIGRATIONS_DIR)
    ? readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lockfile = join(MIGRATIONS_DIR, 'migration_lock.toml');
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockfile) ? readFileSync(lockfile, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: readFileSync(join(MIGRATIONS_DIR, name, 'migration.sql'), 'utf8') },
      },
    })),
  };
}
