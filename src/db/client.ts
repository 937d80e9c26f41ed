import { AsyncLocalStorage } from 'node:async_hooks';
import { PrismaClient } from '../generated/prisma/client.js';
import { createAdapter } from './url.js';

export type Db = PrismaClient;

/**
 * Counts the SQL statements issued inside a scope (one GraphQL request, one benchmark step),
 * so what a request costs is measured, not guessed.
 */
export const statementScope = new AsyncLocalStorage<{ count: number }>();

export function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const scope = { count: 0 };
  return statementScope.run(scope, async () => ({ result: await work(), statements: scope.count }));
}

/** `statementTimeoutMs`: PostgreSQL's statement_timeout for every session (see createAdapter). */
export function createDb(databaseUrl: string, options: { statementTimeoutMs?: number } = {}): Db {
  const db = new PrismaClient({
    adapter: createAdapter(databaseUrl, options),
    log: [{ emit: 'event', level: 'query' }],
  });
  db.$on('query', () => {
    const scope = statementScope.getStore();
    if (scope) scope.count += 1;
  });
  return db;
}
