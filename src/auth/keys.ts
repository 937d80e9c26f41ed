/**
 * API keys, issued and revoked. Without a key a caller is PUBLIC: it reads policies, clauses,
 * incentives, targets, observations and aggregates, but nothing about one enterprise. Only a key's
 * SHA-256 is stored; the key is shown once, when issued. The caller a key identifies: src/scope/caller.ts.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { noteChange } from '../db/changes.js';
import type { ApiKey } from '../generated/prisma/client.js';
import { hashOf, type Actor } from '../scope/caller.js';
import { audit, once, parseInput } from '../writes/common.js';
import { phrase } from '../engines/message.js';
import { refusal, refuse } from '../i18n/refusal.js';
import { Refused } from '../validation/refusal.js';

/** What a key is, as the API and the audit log show it: never its secret, nor the hash it is stored under. */
const shownKey = ({ keyHash: _secret, ...key }: ApiKey) => key;

const keyInput = z.strictObject({
  name: z.string().trim().min(1, 'error.zod.KEY_NAME').max(200),
  role: z.enum(['AGENCY', 'ADMIN']),
  jurisdictions: z.array(z.string().trim().min(1)).max(100).default([]),
});

/**
 * Issues a key: only its SHA-256 is stored, the secret is returned once. Refused (nothing
 * stored) naming the field: an agency without jurisdictions, an administrator with some (it sees all),
 * an unknown jurisdiction code. A retry with the same idempotency key returns the key issued first with
 * `secret: null`: that secret was shown in the first answer and is kept nowhere.
 */
export async function issueApiKey(
  db: Db,
  actor: Actor,
  raw: unknown,
  idempotencyKey?: string | null,
): Promise<{ id: number; secret: string | null }> {
  const input = parseInput(keyInput, raw);
  const jurisdictions = [...new Set(input.jurisdictions)];
  if (input.role === 'AGENCY' && !jurisdictions.length)
    throw refuse('input.jurisdictions', 'INVALID_ARGUMENT', phrase('error.AGENCY_NEEDS_JURISDICTION'));
  if (input.role === 'ADMIN' && jurisdictions.length)
    throw refuse('input.jurisdictions', 'INVALID_ARGUMENT', phrase('error.ADMIN_NO_JURISDICTION'));
  // The secret of the attempt whose row was committed (a lost race is run again, or replays another answer).
  let issued: { id: number; secret: string } | null = null;
  const answer = await once(db, actor, idempotencyKey, 'issueApiKey', { ...input, jurisdictions }, async (tx) => {
    const known = new Set(
      (await tx.jurisdiction.findMany({ where: { code: { in: jurisdictions } }, select: { code: true } })).map(
        (j) => j.code,
      ),
    );
    const unknown = input.jurisdictions.flatMap((code, i) =>
      known.has(code)
        ? []
        : [refusal(`input.jurisdictions.${i}`, 'NOT_FOUND', phrase('error.UNKNOWN_JURISDICTION', { code }))],
    );
    if (unknown.length) throw new Refused(unknown);
    const secret = `pg_${randomBytes(24).toString('base64url')}`;
    const row = await tx.apiKey.create({
      data: { name: input.name, role: input.role, jurisdictions, keyHash: hashOf(secret) },
    });
    await audit(tx, actor, { action: 'issue', entity: 'ApiKey', entityId: row.id, before: null, after: shownKey(row) });
    issued = { id: row.id, secret };
    return { id: row.id };
  });
  const first = issued as { id: number; secret: string } | null;
  return { id: answer.id, secret: first?.id === answer.id ? first.secret : null };
}

/**
 * Revokes a key: from the next request on, on every server sharing the database, it is refused.
 * Refused: an unknown key (NOT_FOUND), one already revoked (REVOKED), the last administrator key
 * (INVALID_ARGUMENT: nobody could issue keys through the API any more).
 */
export async function revokeApiKey(db: Db, actor: Actor, id: number, idempotencyKey?: string | null) {
  const revoked = await once(db, actor, idempotencyKey, 'revokeApiKey', id, async (tx) => {
    const before = await tx.apiKey.findUnique({ where: { id } });
    if (!before) throw refuse('id', 'NOT_FOUND', phrase('error.NO_API_KEY', { id }));
    if (before.role === 'ADMIN') {
      // Locked, so that two revocations of the last two administrator keys cannot both pass.
      const admins = await tx.$queryRaw<{ id: number }[]>`
        SELECT id FROM "ApiKey" WHERE role = 'ADMIN' AND "revokedAt" IS NULL FOR UPDATE`;
      if (admins.length === 1 && admins[0]!.id === id)
        throw refuse('id', 'INVALID_ARGUMENT', phrase('error.LAST_ADMIN_KEY'));
    }
    const revoked = await tx.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (!revoked.count)
      throw refuse('id', 'REVOKED', phrase('error.KEY_REVOKED', { id, at: before.revokedAt?.toISOString() ?? null }));
    const after = await tx.apiKey.findUniqueOrThrow({ where: { id } });
    await audit(tx, actor, {
      action: 'revoke',
      entity: 'ApiKey',
      entityId: id,
      before: shownKey(before),
      after: shownKey(after),
    });
    return { id };
  });
  // This process's callers of the key go at once; other servers' at the notice the commit sent.
  noteChange(db, 'keys');
  return revoked;
}

/** The command-line tool's way in (npm run keys:issue), and the tests': the secret, or an Error saying what to change. */
export async function issueKey(
  db: Db,
  options: { name: string; role: 'AGENCY' | 'ADMIN'; jurisdictions?: string[] },
  actor: Actor = { name: `script:${process.env.USER ?? 'unknown'}` },
): Promise<string> {
  return (await issueApiKey(db, actor, options)).secret!;
}
