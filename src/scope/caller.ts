/**
 * Who is asking: the caller an API key identifies (PUBLIC without one), the jurisdictions it may
 * see, and the actor its writes are recorded under. Only a key's SHA-256 is stored (src/auth/keys.ts
 * issues them); a request presents the key and is matched by that hash.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/client.js';
import { keptUnder } from '../db/changes.js';
import { phrase, type Phrase } from '../engines/message.js';
import type { ApiKey } from '../generated/prisma/client.js';
import { corpusSnapshot } from './corpus-snapshot.js';
import { treeOf } from './jurisdiction-tree.js';

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

/** A key as it is stored and looked up: its SHA-256, never the key. */
export const hashOf = (key: string) => createHash('sha256').update(key).digest('hex');

/** Who writes: the name recorded in the audit log, and what the caller may see. */
export interface Actor {
  name: string;
  /** The API key's id: idempotency keys are scoped by it. Absent for the command-line tools (holder 0). */
  keyId?: number | null;
  /** Whether the caller may see a row of this jurisdiction (a refusal names only such rows); absent: all. */
  sees?: (jurisdictionId: number) => boolean;
}

/** A key refused: what to tell its sender, in words the transport renders in the sender's language. */
export class InvalidKey extends Error {
  constructor(readonly phrase: Phrase) {
    super(phrase.id);
  }
}

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

/** Callers kept per key hash; past this many keys the oldest is dropped: a bound, not a working size (keys are few). */
const kept = keptUnder<Caller>(['keys', 'corpus'], { max: 10_000 });

/**
 * The caller the credentials name; PUBLIC without any. A valid key's caller is kept in memory while
 * the server listens for change notices (src/db/changes.ts) and neither the keys nor the corpus (an
 * agency's jurisdictions) changed since: a revocation anywhere drops it before the next request.
 * Unknown and revoked keys are not kept (their lookup fails): each costs a lookup, and the
 * failed-authentication limit.
 */
export async function callerOf(db: Db, credentials: Credentials): Promise<Caller> {
  if (credentials.kind === 'none') return PUBLIC_CALLER;
  if (credentials.kind === 'malformed') throw new InvalidKey(phrase('error.MALFORMED_KEY'));
  const { keyHash } = credentials;
  return kept(db, async () => callerOfKey(db, await db.apiKey.findUnique({ where: { keyHash } })), keyHash);
}

/** The caller a stored key identifies, e.g. the owner of an export job run in the background. */
export async function callerOfKey(db: Db, row: ApiKey | null): Promise<Caller> {
  if (!row || row.revokedAt) throw new InvalidKey(phrase('error.UNKNOWN_KEY'));
  if (row.role === 'ADMIN') return { role: 'ADMIN', name: row.name, keyId: row.id, jurisdictionIds: null };
  const tree = (await corpusSnapshot(db)).jurisdictions;
  const roots = tree.filter((j) => row.jurisdictions.includes(j.code)).map((j) => j.id);
  return { role: 'AGENCY', name: row.name, keyId: row.id, jurisdictionIds: new Set(treeOf(tree).subtree(roots)) };
}

/** The name a caller's writes are recorded under in the audit log, e.g. agency:南海区市场监管局. */
export const actorName = (caller: Caller) => `${caller.role.toLowerCase()}:${caller.name}`;

/** Whether the caller may see and write what lies in this jurisdiction. */
export const sees = (caller: Caller, jurisdictionId: number) =>
  caller.role === 'ADMIN' || (caller.role === 'AGENCY' && caller.jurisdictionIds!.has(jurisdictionId));
