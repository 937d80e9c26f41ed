/**
 * API keys and the caller they identify. Without a key a caller is PUBLIC: it reads policies,
 * clauses, incentives, targets, observations and aggregates, but nothing about one enterprise.
 * Only a key's SHA-256 is stored; the key is shown once, when issued.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { ApiKey } from '../generated/prisma/client.js';
import { treeOf } from '../loaders/jurisdiction-tree.js';

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

export async function issueKey(
  db: Db,
  options: { name: string; role: 'AGENCY' | 'ADMIN'; jurisdictions?: string[] },
): Promise<string> {
  const jurisdictions = options.jurisdictions ?? [];
  if (options.role === 'AGENCY' && jurisdictions.length === 0)
    throw new Error('an agency key needs at least one jurisdiction');
  const known = await db.jurisdiction.findMany({ where: { code: { in: jurisdictions } }, select: { code: true } });
  const unknown = jurisdictions.filter((code) => !known.some((k) => k.code === code));
  if (unknown.length) throw new Error(`unknown jurisdiction(s): ${unknown.join(', ')}`);
  const key = `pg_${randomBytes(24).toString('base64url')}`;
  await db.apiKey.create({ data: { name: options.name, role: options.role, jurisdictions, keyHash: hashOf(key) } });
  return key;
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
