/**
 * What every write shares: refusals that name the field, the audit entry written in the same
 * transaction as the change, and idempotency keys so that a retried request is applied once.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { z } from 'zod';
import { Prisma } from '../generated/prisma/client.js';

export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/**
 * The largest amount of money a write or an import may store: money columns are 32-bit integers
 * (Prisma Int), so a larger amount is refused here, naming its field, not by the database.
 */
export const MAX_YUAN = 2_147_483_647;

export type WriteErrorCode = 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'DUPLICATE' | 'RETIRED' | 'IDEMPOTENCY_KEY_REUSED';

export interface FieldIssue {
  /** The input path, e.g. input.creditCode. */
  field: string;
  code: WriteErrorCode;
  message: string;
}

/** A refused write: nothing was stored. */
export class WriteRefused extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
  }
  get code(): WriteErrorCode {
    return this.issues[0]!.code;
  }
}

export const refuse = (field: string, code: WriteErrorCode, message: string) =>
  new WriteRefused([{ field, code, message }]);

/** The actor recorded in the audit log; callers are anonymous until API keys exist (issue 6). */
export interface Actor {
  name: string;
}

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

/**
 * Runs `write` once per idempotency key: a retry with the same key and the same input returns the
 * first answer without writing again; the same key with another input is refused.
 */
export async function once<T>(
  db: Db,
  idempotencyKey: string | null | undefined,
  operation: string,
  input: unknown,
  write: (tx: Tx) => Promise<T>,
): Promise<T> {
  if (!idempotencyKey) return db.$transaction(write);
  const requestHash = createHash('sha256')
    .update(JSON.stringify([operation, input]))
    .digest('hex');
  return db.$transaction(async (tx) => {
    const seen = await tx.idempotencyKey.findUnique({ where: { key: idempotencyKey } });
    if (seen) {
      if (seen.requestHash !== requestHash || seen.operation !== operation)
        throw refuse(
          'idempotencyKey',
          'IDEMPOTENCY_KEY_REUSED',
          `key "${idempotencyKey}" was used for another request`,
        );
      return seen.response as T;
    }
    const result = await write(tx);
    await tx.idempotencyKey.create({
      data: {
        key: idempotencyKey,
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
  throw new WriteRefused(
    result.error.issues.map((issue) => ({
      field: ['input', ...issue.path.map(String)].join('.'),
      code: 'INVALID_ARGUMENT',
      message: issue.message,
    })),
  );
}
