/**
 * What every write shares: refusals that name the field (src/validation/refusal.ts), the audit entry
 * written in the same transaction as the change, and idempotency keys so that a retried request is
 * applied once.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/client.js';
import { z } from 'zod';
import { Prisma } from '../generated/prisma/client.js';
import type { Actor } from '../scope/caller.js';
import { phrase } from '../engines/message.js';
import { issuePhrase, refusal, refuse } from '../i18n/refusal.js';
import { Refused } from '../validation/refusal.js';

/** The most yuan one amount may be: money columns are PostgreSQL integers (about 21亿元). */
export const MAX_YUAN = 2_147_483_647;

/** An amount of money as stored: whole, non-negative yuan a column can hold. Writes and imports share it. */
export const yuan = z
  .number()
  .int('error.zod.WHOLE_YUAN')
  .nonnegative('error.zod.NEGATIVE')
  .max(MAX_YUAN, 'error.zod.MAX_YUAN');

export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export async function audit(
  tx: Tx,
  actor: Actor,
  entry: { action: string; entity: string; entityId: number; before: unknown; after: unknown },
) {
  const json = (value: unknown) =>
    value === null ? Prisma.DbNull : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);
  await tx.auditEntry.create({
    data: { actor: actor.name, ...entry, before: json(entry.before), after: json(entry.after) },
  });
}

/** A unique index refused a row another transaction committed meanwhile (Prisma P2002, PostgreSQL 23505). */
const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** Attempts of a write that lost races to unique rows; each loss means another write committed. */
const RACE_ATTEMPTS = 3;

/**
 * Runs `write` once per idempotency key of the caller: a retry with the same key and the same input
 * returns the first answer without writing again; the same key with another input is refused.
 *
 * Concurrent writes check before they insert, so two can pass the same check (no such key, no such
 * credit code) and one then meets the unique index, after the other committed: its transaction
 * rolled back, and it runs again, now meeting what was committed as a serial write would (the
 * stored answer replayed, a DUPLICATE refusal).
 */
export async function once<T>(
  db: Db,
  actor: Actor,
  idempotencyKey: string | null | undefined,
  operation: string,
  input: unknown,
  write: (tx: Tx) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await onceAttempt(db, actor.keyId ?? 0, idempotencyKey, operation, input, write);
    } catch (error) {
      if (attempt >= RACE_ATTEMPTS || !isUniqueViolation(error)) throw error;
    }
  }
}

async function onceAttempt<T>(
  db: Db,
  holderId: number,
  key: string | null | undefined,
  operation: string,
  input: unknown,
  write: (tx: Tx) => Promise<T>,
): Promise<T> {
  if (!key) return db.$transaction(write);
  const requestHash = createHash('sha256')
    .update(JSON.stringify([operation, input]))
    .digest('hex');
  return db.$transaction(async (tx) => {
    const seen = await tx.idempotencyKey.findUnique({ where: { holderId_key: { holderId, key } } });
    if (seen) {
      if (seen.requestHash !== requestHash || seen.operation !== operation)
        throw refuse('idempotencyKey', 'IDEMPOTENCY_KEY_REUSED', phrase('error.IDEMPOTENCY_KEY_REUSED', { key }));
      return seen.response as T;
    }
    const result = await write(tx);
    await tx.idempotencyKey.create({
      data: {
        holderId,
        key,
        operation,
        requestHash,
        response: JSON.parse(JSON.stringify(result)) as Prisma.InputJsonValue,
      },
    });
    return result;
  });
}

/** The input as the schema reads it, or a refusal naming every field at fault (under `input.`). */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new Refused(
    result.error.issues.map((issue) =>
      refusal(['input', ...issue.path.map(String)].join('.'), 'INVALID_ARGUMENT', issuePhrase(issue)),
    ),
  );
}
