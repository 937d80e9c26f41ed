/**
 * Admission: who is calling (the API key, looked up once per request) and whether they may, counted
 * per minute: requests per key, requests per address without a key, failed authentications per
 * address. Routes behind it read the caller with admittedCaller(); a 429 says when to retry.
 *
 * The limits are checked before the key is looked up. A key's bucket is the SHA-256 its row is stored
 * under, read by the same parser as authentication, so every spelling of a key draws from one bucket;
 * an address that failed too often is refused without a lookup, whatever key it presents next.
 * On PostgreSQL the counters live in the RateLimit table, shared by every server process on the
 * database; while the table cannot be reached each process counts in its own memory instead of
 * failing the request. The embedded database serves one process, which counts in memory.
 */
import { isIPv4 } from 'node:net';
import type { Request, RequestHandler, Response } from 'express';
import pg from 'pg';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { callerOf, credentialsOf, InvalidKey, type Caller } from '../scope/caller.js';
import type { Db } from '../db/client.js';
import { parseDatabaseUrl } from '../db/url.js';
import { phrase } from '../engines/message.js';
import { fail } from './refuse.js';

export interface RateLimits {
  /** Requests a minute with one API key. */
  perKey: number;
  /** Requests a minute from one address without a key. */
  perAddress: number;
  /** Failed authentications a minute from one address; past them a key it presents is refused unread. */
  failedAuthPerAddress: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  perKey: Number(process.env.RATE_LIMIT_PER_KEY ?? 1200),
  perAddress: Number(process.env.RATE_LIMIT_PER_ADDRESS ?? 300),
  failedAuthPerAddress: Number(process.env.RATE_LIMIT_FAILED_AUTH_PER_ADDRESS ?? 20),
};

/** Every limit counts over a fixed window of this many seconds. */
const WINDOW_SECONDS = 60;

/** A shared store that does not answer within this is passed over for the process's own counters. */
const STORE_TIMEOUT_MS = 1_000;

interface Limiters {
  key: RateLimiterAbstract;
  address: RateLimiterAbstract;
  failedAuth: RateLimiterAbstract;
  close(): Promise<void>;
}

function limitersFor(limits: RateLimits, databaseUrl: string | undefined): Limiters {
  const memory = (keyPrefix: string, points: number) =>
    new RateLimiterMemory({ keyPrefix, points, duration: WINDOW_SECONDS });
  const target = databaseUrl === undefined ? undefined : parseDatabaseUrl(databaseUrl);
  if (target?.kind !== 'postgres')
    return {
      key: memory('key', limits.perKey),
      address: memory('address', limits.perAddress),
      failedAuth: memory('failed-auth', limits.failedAuthPerAddress),
      close: async () => {},
    };
  const pool = new pg.Pool({
    connectionString: target.url,
    max: 4,
    connectionTimeoutMillis: STORE_TIMEOUT_MS,
    query_timeout: STORE_TIMEOUT_MS,
  });
  // An idle connection that breaks (the database restarted) must not crash the process: the next
  // query opens another, and the insurance limiter counts meanwhile.
  pool.on('error', () => {});
  const shared = (keyPrefix: string, points: number) =>
    new RateLimiterPostgres({
      storeClient: pool,
      tableName: 'RateLimit',
      tableCreated: true, // by a migration (prisma/migrations/*_rate_limit), not at run time
      keyPrefix,
      points,
      duration: WINDOW_SECONDS,
      // A bucket once spent is refused from memory until its window ends, without asking the store.
      inMemoryBlockOnConsumed: points,
      insuranceLimiter: memory(keyPrefix, points),
    });
  return {
    key: shared('key', limits.perKey),
    address: shared('address', limits.perAddress),
    failedAuth: shared('failed-auth', limits.failedAuthPerAddress),
    close: () => pool.end(),
  };
}

function refuse(req: Request, res: Response, rejection: RateLimiterRes, reason: 'auth' | 'requests') {
  const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
  res.setHeader('Retry-After', String(seconds));
  fail(req, res, 429, 'RATE_LIMITED', phrase('error.RATE_LIMITED', { reason, seconds }), {
    retryAfterSeconds: seconds,
    ...(reason === 'auth' ? { field: 'Authorization' } : {}),
  });
}

/**
 * The client's address as one bucket whatever socket the server listens on: a server listening on
 * every interface sees an IPv4 client as `::ffff:127.0.0.1`, one listening on 127.0.0.1 as
 * `127.0.0.1`, and two such servers sharing the counters must count it once.
 */
export function addressOf(ip: string | undefined): string {
  if (ip === undefined) return 'unknown';
  return ip.toLowerCase().startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
}

const callers = new WeakMap<Request, Caller | InvalidKey>();

/** The caller admission authenticated for this request; throws the InvalidKey it refused the key with. */
export function admittedCaller(req: Request): Caller {
  const caller = callers.get(req);
  if (!caller) throw new Error(`${req.path} is served without admission()`);
  if (caller instanceof InvalidKey) throw caller;
  return caller;
}

export interface Admission {
  handler: RequestHandler;
  /** Closes the shared store's connections. */
  close(): Promise<void>;
}

export function admission(db: Db, limits: RateLimits, databaseUrl?: string): Admission {
  const limiters = limitersFor(limits, databaseUrl);
  const handler: RequestHandler = async (req, res, next) => {
    const credentials = credentialsOf(req.headers.authorization);
    const address = addressOf(req.ip);
    try {
      let state: RateLimiterRes | null = null;
      if (credentials.kind === 'none') state = await limiters.address.consume(address);
      else {
        const failures = await limiters.failedAuth.get(address);
        if (failures && failures.consumedPoints >= limits.failedAuthPerAddress)
          return refuse(req, res, failures, 'auth');
        if (credentials.kind === 'key') state = await limiters.key.consume(credentials.keyHash);
      }
      if (state) res.setHeader('RateLimit-Remaining', String(state.remainingPoints));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return refuse(req, res, rejection, 'requests');
    }
    try {
      callers.set(req, await callerOf(db, credentials));
    } catch (error) {
      if (!(error instanceof InvalidKey)) throw error;
      await limiters.failedAuth.penalty(address);
      callers.set(req, error);
    }
    next();
  };
  return { handler, close: () => limiters.close() };
}
