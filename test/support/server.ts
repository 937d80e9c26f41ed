/** A real PolicyGraph server on a free loopback port, on a fresh database with the corpus loaded. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { print, type DocumentNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { issueKey } from '../../src/auth/keys.js';
import { defaultPolicySource, loadPolicyFiles, type LoadReport } from '../../src/corpus/load.js';
import { createDb, type Db } from '../../src/db/client.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { closeDatabase } from '../../src/db/url.js';
import { COUNT_STATEMENTS_HEADER } from '../../src/client/index.js';
import { createApp, type App, type AppOptions } from '../../src/server/app.js';
import { freshDatabaseUrl, type DatabaseKind } from './databases.js';

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: { code?: string; field?: string } }>;
  extensions?: { sqlStatements?: number };
}

export interface TestServer {
  url: string;
  db: Db;
  databaseUrl: string;
  /** Sends a GraphQL request as the test administrator, or with `key` (null: no key, a PUBLIC caller). */
  request<T, V>(
    document: TypedDocumentNode<T, V> | DocumentNode | string,
    variables?: V,
    options?: { key?: string | null },
  ): Promise<GraphQLResponse<T> & { status: number }>;
  /** The administrator's key, issued at start. */
  adminKey: string;
  /** Where this server's export files are written. */
  exportDir: string;
  /** What loading the policy files at start did, refused files included. */
  loadReport: LoadReport;
  /** The server's keeper of the entitlement ledger (`await ledger.refresh()`: the ledger holds today). */
  ledger: App['ledger'];
  stop(): Promise<void>;
}

export async function startTestServer(
  kind: DatabaseKind,
  options: Pick<AppOptions, 'rateLimits' | 'ledger' | 'timeoutMs'> & { policiesDir?: string; seedsDir?: string } = {},
): Promise<TestServer> {
  const databaseUrl = await freshDatabaseUrl(kind);
  await applyMigrations(databaseUrl);
  const db = createDb(databaseUrl);
  // Loaded as `npm start` loads: a refused file is reported, the others serve.
  const policies = {
    ...defaultPolicySource(),
    ...(options.policiesDir && { dir: options.policiesDir }),
    ...(options.seedsDir && { seedsDir: options.seedsDir }),
  };
  const loadReport = await loadPolicyFiles(db, policies);
  const adminKey = await issueKey(db, { name: 'test administrator', role: 'ADMIN' });
  const exportDir = mkdtempSync(join(tmpdir(), 'policygraph-exports-'));
  const app = await createApp(db, {
    rateLimits: options.rateLimits,
    // Fixtures are written straight through Prisma, past the ledger's upkeep: only tests of the ledger keep one.
    ledger: options.ledger,
    timeoutMs: options.timeoutMs,
    policies,
    databaseUrl,
    exports: { dir: exportDir, ttlMs: 3_600_000, leaseMs: 5_000, pollMs: 50, maxAttempts: 3 },
  });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    url,
    db,
    databaseUrl,
    adminKey,
    exportDir,
    loadReport,
    ledger: app.ledger,
    async request(document, variables, options = {}) {
      const query = typeof document === 'string' ? document : print(document);
      const key = options.key === undefined ? adminKey : options.key;
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [COUNT_STATEMENTS_HEADER]: 'true', // the tests read what each request cost
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as GraphQLResponse<never>) };
    },
    async stop() {
      await app.stop();
      await db.$disconnect();
      await closeDatabase(databaseUrl); // the embedded one's lock too
      rmSync(exportDir, { recursive: true, force: true });
      if (databaseUrl.startsWith('pglite:'))
        rmSync(databaseUrl.slice('pglite:'.length), { recursive: true, force: true });
    },
  };
}
