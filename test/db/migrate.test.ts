/**
 * Offline migrations on both databases, with a throwaway migrations folder (so these tests do not
 * depend on the project's schema): src/db/migrate.ts in-process, and Prisma's own CLI through the
 * stand-in engine of scripts/prisma-engine/. PostgreSQL runs when TEST_POSTGRES_URL is set or the
 * global setup started a server; otherwise that half is skipped.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyMigrations } from '../../src/db/migrate.js';
import { closeDatabases, parseDatabaseUrl, pgliteFor } from '../../src/db/url.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const postgresUrl = process.env.TEST_POSTGRES_URL ?? inject('postgresUrl');

const INIT = `-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- A function body with semicolons inside: a script split on ';' would break it.
CREATE FUNCTION "lower_email"() RETURNS trigger AS $$
BEGIN
  NEW."email" := lower(NEW."email");
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
`;

const POSTS = `-- CreateTable
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "authorId" INTEGER NOT NULL,
    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
`;

/** The Prisma schema those two migrations produce. */
const SCHEMA = `datasource db {
  provider = "postgresql"
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  posts Post[]
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int
  author   User   @relation(fields: [authorId], references: [id])
}
`;

/** A migrations folder in a temp dir: `{ name: sql }`, plus the lock file `prisma migrate` writes. */
function migrationsFolder(
  migrations: Record<string, string>,
  dir = mkdtempSync(join(tmpdir(), 'policygraph-migrations-')),
): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  for (const [name, sql] of Object.entries(migrations)) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Target {
  /** A fresh, empty database. */
  fresh(): Promise<string>;
  query<T>(url: string, sql: string): Promise<T[]>;
}

const pglite: Target = {
  async fresh() {
    return `pglite:${mkdtempSync(join(tmpdir(), 'policygraph-pglite-'))}`;
  },
  async query<T>(url: string, sql: string) {
    const target = parseDatabaseUrl(url);
    if (target.kind !== 'pglite') throw new Error(url);
    // The instance the migration used: one PGlite per directory and process.
    return (await pgliteFor(target.dataDir).query<T>(sql)).rows;
  },
};

const postgres: Target = {
  async fresh() {
    const name = `migrate_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    const url = new URL(postgresUrl!);
    url.pathname = `/${name}`;
    return url.toString();
  },
  async query<T>(url: string, sql: string) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  },
};

afterAll(() => closeDatabases());

const tables = (db: Target, url: string) =>
  db
    .query<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)
    .then((rows) => rows.map((row) => row.tablename));

describe.each([
  { name: 'PGlite', db: pglite, skip: false },
  { name: 'PostgreSQL', db: postgres, skip: !postgresUrl },
])('applyMigrations on $name', ({ db, skip }) => {
  const folder = migrationsFolder({ '20240101000000_init': INIT, '20240102000000_posts': POSTS });
  let url: string;

  beforeAll(async () => {
    if (!skip) url = await db.fresh();
  });

  it.skipIf(skip)('applies every migration to a fresh database and creates the tables', async () => {
    const { applied } = await applyMigrations(url, { migrationsDir: folder });
    expect(applied).toEqual(['20240101000000_init', '20240102000000_posts']);
    expect(await tables(db, url)).toEqual(['Post', 'User', '_prisma_migrations']);
    const [fn] = await db.query<{ body: string }>(
      url,
      `SELECT prosrc AS body FROM pg_proc WHERE proname = 'lower_email'`,
    );
    expect(fn.body).toContain('RETURN NEW;');
  });

  it.skipIf(skip)('applies nothing the second time', async () => {
    expect(await applyMigrations(url, { migrationsDir: folder })).toEqual({ applied: [] });
  });

  it.skipIf(skip)('records one finished row per migration in _prisma_migrations, with its checksum', async () => {
    const rows = await db.query<{ migration_name: string; checksum: string; finished: boolean; steps: number }>(
      url,
      `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count AS steps
       FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows).toEqual([
      { migration_name: '20240101000000_init', checksum: sha256(INIT), finished: true, steps: 1 },
      { migration_name: '20240102000000_posts', checksum: sha256(POSTS), finished: true, steps: 1 },
    ]);
  });

  it.skipIf(skip)('records a failing migration as failed, applies none of it, and stops there', async () => {
    const failing = migrationsFolder({
      '20240101000000_init': INIT,
      '20240102000000_posts': POSTS,
      '20240103000000_broken': 'CREATE TABLE "Half" ("id" INTEGER);\nSELECT 1/0;\n',
    });
    await expect(applyMigrations(url, { migrationsDir: failing })).rejects.toThrow(/division by zero/);
    expect(await tables(db, url)).not.toContain('Half');
    const [row] = await db.query<{ finished: boolean }>(
      url,
      `SELECT finished_at IS NOT NULL AS finished FROM _prisma_migrations WHERE migration_name = '20240103000000_broken'`,
    );
    expect(row).toEqual({ finished: false });
    // As with `prisma migrate deploy`: a failed migration blocks the next runs until resolved.
    await expect(applyMigrations(url, { migrationsDir: failing })).rejects.toThrow(/^P3009/);
  });
});

const run = promisify(execFile);

/** Prisma's CLI with a config of our own (plain object: the temp dir cannot import `prisma/config`). */
async function prisma(args: string[], project: string, databaseUrl: string) {
  writeFileSync(
    join(project, 'prisma.config.mjs'),
    `export default { schema: './schema.prisma', migrations: { path: './migrations' }, datasource: { url: ${JSON.stringify(databaseUrl)} } };\n`,
  );
  return run(
    process.execPath,
    [join(ROOT, 'node_modules/prisma/build/index.js'), ...args, '--config', join(project, 'prisma.config.mjs')],
    {
      cwd: project,
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: join(ROOT, 'scripts/prisma-engine/schema-engine.mjs'),
        CHECKPOINT_DISABLE: '1',
      },
    },
  );
}

/** A project for the CLI: the schema, and the two migrations in ./migrations. */
function cliProject(schema = SCHEMA): string {
  const project = mkdtempSync(join(tmpdir(), 'policygraph-cli-'));
  writeFileSync(join(project, 'schema.prisma'), schema);
  migrationsFolder({ '20240101000000_init': INIT, '20240102000000_posts': POSTS }, join(project, 'migrations'));
  return project;
}

describe('prisma migrate through scripts/prisma-engine (offline)', () => {
  it(
    '`migrate deploy` then `migrate status` on PGlite record what applyMigrations records',
    { timeout: 120_000 },
    async () => {
      const project = cliProject();
      const url = await pglite.fresh();
      const deploy = await prisma(['migrate', 'deploy'], project, url);
      expect(deploy.stdout).toContain('All migrations have been successfully applied.');
      const status = await prisma(['migrate', 'status'], project, url);
      expect(status.stdout).toContain('Database schema is up to date!');
      // The CLI's engine has exited: this process may open the directory now.
      const rows = await pglite.query<{ migration_name: string; checksum: string }>(
        url,
        'SELECT migration_name, checksum FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows).toEqual([
        { migration_name: '20240101000000_init', checksum: sha256(INIT) },
        { migration_name: '20240102000000_posts', checksum: sha256(POSTS) },
      ]);
      expect(await applyMigrations(url, { migrationsDir: join(project, 'migrations') })).toEqual({ applied: [] });
    },
  );

  for (const { name, skip, url } of [
    { name: 'a scratch PGlite (npm run db:new-migration)', skip: false, url: async () => 'pglite:memory://' },
    { name: 'PostgreSQL', skip: !postgresUrl, url: () => postgres.fresh() },
  ])
    it.skipIf(skip)(
      `\`migrate dev --name\` writes the next migration from the schema on ${name}`,
      { timeout: 180_000 },
      async () => {
        const project = cliProject(SCHEMA.replace('  title    String\n', '  title    String\n  body     String?\n'));
        const dev = await prisma(['migrate', 'dev', '--name', 'add_body'], project, await url());
        expect(dev.stdout).toContain('Your database is now in sync with your schema.');
        const created = readdirSync(join(project, 'migrations')).filter((entry) => entry.endsWith('_add_body'));
        expect(created).toHaveLength(1);
        expect(readFileSync(join(project, 'migrations', created[0], 'migration.sql'), 'utf8')).toContain(
          'ALTER TABLE "Post" ADD COLUMN     "body" TEXT;',
        );
      },
    );
});
