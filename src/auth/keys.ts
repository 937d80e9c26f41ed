/**
 * API keys and the caller they identify. Without a key a caller is PUBLIC: it reads policies,
 * clauses, incentives, targets, observations and aggregates, but nothing about one enterprise.
 * Only a key's SHA-256 is stored; the key is shown once, when issued.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import type { ApiKey } from '../generated/prisma/client.js';
import { treeOf } from '../scope/jurisdiction-tree.js';
import { audit, once, parseInput, refuse, WriteRefused, type Actor } from '../writes/common.js';

export type Role = 'PUBLIC' | 'AGENCY' | 'ADMIN';

export interface Caller {
  role: Role;
  name: string;
  /** The API key's id: what a caller owns (its export jobs) is recorded under it; null for PUBLIC. */
  keyId: number | null;
  /** The jurisdictions an agency may see, each with everything under it; null for an administrator. */
  jurisdictionIds: ReadonlySet<number> | null;
}

export const PUBLIC_CALLER: Caller = { role: 'PUBLIC', name: 'public', keyId: null, jurisdictionIds: new Set() };

const hashOf = (key: string) => createHash('sha256').update(key).digest('hex');

/** What a key is, as the API and the audit log show it: never its secret, nor the hash it is stored under. */
const shownKey = ({ keyHash: _secret, ...key }: ApiKey) => key;

const keyInput = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty: say who holds the key').max(200),
  role: z.enum(['AGENCY', 'ADMIN'], 'must be AGENCY or ADMIN'),
  jurisdictions: z.array(z.string().trim().min(1, 'must not be empty')).max(100).default([]),
});

/**
 * Issues a key: only its SHA-256 is stored, the secret is returned once. Refused (WriteRefused, nothing
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
    throw refuse(
      'input.jurisdictions',
      'INVALID_ARGUMENT',
      'an agency key needs at least one jurisdiction code, e.g. gd-foshan-nanhai',
    );
  if (input.role === 'ADMIN' && jurisdictions.length)
    throw refuse('input.jurisdictions', 'INVALID_ARGUMENT', 'an administrator key sees every jurisdiction: give none');
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
        : [
            {
              field: `input.jurisdictions.${i}`,
              code: 'NOT_FOUND' as const,
              message: `unknown jurisdiction "${code}"`,
            },
          ],
    );
    if (unknown.length) throw new WriteRefused(unknown);
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
  return once(db, actor, idempotencyKey, 'revokeApiKey', id, async (tx) => {
    const before = await tx.apiKey.findUnique({ where: { id } });
    if (!before) throw refuse('id', 'NOT_FOUND', `no API key ${id}`);
    if (before.role === 'ADMIN') {
      // Locked, so that two revocations of the last two administrator keys cannot both pass.
      const admins = await tx.$queryRaw<{ id: number }[]>`
        SELECT id FROM "ApiKey" WHERE role = 'ADMIN' AND "revokedAt" IS NULL FOR UPDATE`;
      if (admins.length === 1 && admins[0]!.id === id)
        throw refuse(
          'id',
          'INVALID_ARGUMENT',
          'this is the last administrator key: issue another one before revoking it',
        );
    }
    const revoked = await tx.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (!revoked.count)
      throw refuse(
        'id',
        'REVOKED',
        `API key ${id} is already revoked${before.revokedAt ? ` (${before.revokedAt.toISOString()})` : ''}`,
      );
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
}

/** The command-line tool's way in (npm run keys:issue), and the tests': the secret, or an Error saying what to change. */
export async function issueKey(
  db: Db,
  options: { name: string; role: 'AGENCY' | 'ADMIN'; jurisdictions?: string[] },
  actor: Actor = { name: `script:${process.env.USER ?? 'unknown'}` },
): Promise<string> {
  return (await issueApiKey(db, actor, options)).secret!;
}

export class InvalidKey extends Error {}

/** What an Authorization header presents: nothing, a bearer key (as the hash it is stored under), or neither. */
export type Credentials = { kind: 'none' } | { kind: 'key'; keyHash: string } | { kind: 'malformed' };

/**
 * `Bearer <key>` as RFC 7235 §2.1 and RFC 6750 §2.1 write it: the scheme in any case, one or more
 * spaces or tabs after it, the key a b64token; whitespace around the whole is tolerated.
 */
const BEARER = /^[ \t]*bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

/**
 * The one reading of the Authorization header, for authentication and the rate limiter alike: every
 * spelling of a key is the same key (the same hash, so the same bucket), whatever its case or spacing.
 */
export function credentialsOf(authorization: string | undefined): Credentials {
  if (!authorization || /^[ \t]*$/.test(authorization)) return { kind: 'none' };
  const match = BEARER.exec(authorization);
  return match ? { kind: 'key', keyHash: hashOf(match[1]!) } : { kind: 'malformed' };
}

/** The caller the credentials name; PUBLIC without any. */
export async function callerOf(db: Db, credentials: Credentials): Promise<Caller> {
  if (credentials.kind === 'none') return PUBLIC_CALLER;
  if (credentials.kind === 'malformed') throw new InvalidKey('the Authorization header must be "Bearer <key>"');
  return callerOfKey(db, await db.apiKey.findUnique({ where: { keyHash: credentials.keyHash } }));
}

/** The caller a stored key identifies, e.g. the owner of an export job run in the background. */
export async function callerOfKey(db: Db, row: ApiKey | null): Promise<Caller> {
  if (!row || row.revokedAt) throw new InvalidKey('unknown or revoked API key');
  if (row.role === 'ADMIN') return { role: 'ADMIN', name: row.name, keyId: row.id, jurisdictionIds: null };
  const tree = await db.jurisdiction.findMany({ select: { id: true, parentId: true, code: true } });
  const roots = tree.filter((j) => row.jurisdictions.includes(j.code)).map((j) => j.id);
  return { role: 'AGENCY', name: row.name, keyId: row.id, jurisdictionIds: new Set(treeOf(tree).subtree(roots)) };
}

/** The name a caller's writes are recorded under in the audit log, e.g. agency:南海区市场监管局. */
export const actorName = (caller: Caller) => `${caller.role.toLowerCase()}:${caller.name}`;

/** Whether the caller may see and write what lies in this jurisdiction. */
export const sees = (caller: Caller, jurisdictionId: number) =>
  caller.role === 'ADMIN' || (caller.role === 'AGENCY' && caller.jurisdictionIds!.has(jurisdictionId));
