/**
 * Change notices for what a server keeps in memory between requests: the callers of API keys, the
 * corpus snapshot and the entitlement ledger's state. Triggers (migration 20261201194500_change_notices) NOTIFY `policygraph_changes`
 * with a topic on every statement that writes the API keys or the corpus tables, whoever runs it (a
 * server, a script, psql); a server LISTENs on a connection of its own (PostgreSQL) or on its PGlite
 * instance (embedded), and the writers of a process note their change as soon as it commits, so that
 * the process itself never waits for the notice.
 *
 * A cache is valid only under the version it was filled at. Without a listening feed (scripts; a
 * server whose listening connection is lost, until it is back) there is no version, and every request
 * reads what it needs, as if nothing were kept.
 */
import pg from 'pg';
// PrismaClient, not client.ts's Db (the same type): client.ts imports this file.
import type { PrismaClient as Db } from '../generated/prisma/client.js';
import { parseDatabaseUrl, pgliteFor } from './url.js';

export type Topic = 'keys' | 'corpus' | 'ledger';
const TOPICS: Topic[] = ['keys', 'corpus', 'ledger'];
const CHANNEL = 'policygraph_changes';
/** A lost PostgreSQL connection is opened again after this. */
const RECONNECT_MS = 1_000;

interface Feed {
  versions: Record<Topic, number>;
  listening: boolean;
  /** The apps sharing the feed of one Db (tests start several on one database). */
  users: number;
  close: () => Promise<void>;
}

const feeds = new WeakMap<Db, Feed>();
const urls = new WeakMap<Db, string>();

/** Called by createDb: the URL a feed of `db` listens on. */
export const rememberUrl = (db: Db, url: string) => void urls.set(db, url);

/** The version of what `topic` covers, or null while no notice can be trusted (nothing listening). */
export function changeVersion(db: Db, topic: Topic): number | null {
  const feed = feeds.get(db);
  return feed?.listening ? feed.versions[topic] : null;
}

/**
 * A value kept per database (and per `key`, for a cache of many) while no change of `topics` is noticed:
 * `read` runs when nothing is kept under the topics' current versions, and once each time while no
 * notice can be trusted (nothing is kept then). A read in flight is shared; a failed read is not kept, so
 * the next asks again. Past `max` keys the oldest kept is dropped.
 */
export function keptUnder<V>(topics: readonly Topic[], { max = 1 }: { max?: number } = {}) {
  type Kept = Map<string, { versions: number[]; value: Promise<V> }>;
  const kept = new WeakMap<Db, Kept>();
  return (db: Db, read: () => Promise<V>, key = ''): Promise<V> => {
    // Taken before the read: a notice that arrives meanwhile leaves what is kept stale.
    const versions = topics.map((topic) => changeVersion(db, topic));
    if (versions.includes(null)) return read();
    const values: Kept = kept.get(db) ?? new Map();
    const hit = values.get(key);
    if (hit?.versions.every((version, i) => version === versions[i])) return hit.value;
    kept.set(db, values);
    const entry = { versions: versions as number[], value: read() };
    values.delete(key);
    if (values.size >= max) values.delete(values.keys().next().value!);
    values.set(key, entry);
    entry.value.catch(() => values.get(key) === entry && values.delete(key));
    return entry.value;
  };
}

/** A write of this process has committed a change of `topic`: what was kept of it is stale from now on. */
export function noteChange(db: Db, topic: Topic): void {
  const feed = feeds.get(db);
  if (feed) feed.versions[topic] += 1;
}

const bumpAll = (feed: Feed) => TOPICS.forEach((topic) => (feed.versions[topic] += 1));

function noticed(feed: Feed, payload: string | undefined) {
  if (TOPICS.includes(payload as Topic)) feed.versions[payload as Topic] += 1;
  else bumpAll(feed);
}

/**
 * Listens for `db`'s changes while a server runs; the function it resolves to stops (the last of the
 * apps sharing `db` closes the connection). Resolves once the first attempt to listen has ended: a
 * server whose database does not answer yet starts uncached and listens once it can.
 */
export async function watchChanges(db: Db): Promise<() => Promise<void>> {
  let feed = feeds.get(db);
  if (!feed) {
    const url = urls.get(db);
    if (url === undefined) throw new Error('watchChanges needs a Db made by createDb');
    feed = { versions: { keys: 0, corpus: 0, ledger: 0 }, listening: false, users: 0, close: async () => {} };
    feeds.set(db, feed);
    const target = parseDatabaseUrl(url);
    if (target.kind === 'pglite') await listenEmbedded(feed, target.dataDir);
    else await listenPostgres(feed, target.url);
  }
  feed.users += 1;
  const shared = feed;
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    shared.users -= 1;
    if (shared.users > 0) return;
    feeds.delete(db);
    shared.listening = false;
    await shared.close();
  };
}

async function listenEmbedded(feed: Feed, dataDir: string) {
  const unlisten = await pgliteFor(dataDir).listen(CHANNEL, (payload) => noticed(feed, payload));
  feed.listening = true;
  feed.close = async () => {
    const instance = pgliteFor(dataDir);
    if (!instance.closed) await unlisten();
  };
}

async function listenPostgres(feed: Feed, url: string) {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const lost = (lostClient: pg.Client) => {
    if (client !== lostClient) return; // already replaced (both `error` and `end` report one loss)
    client = undefined;
    feed.listening = false;
    lostClient.end().catch(() => {});
    if (!closed) retry = setTimeout(() => void connect(), RECONNECT_MS).unref();
  };
  const connect = async () => {
    const next = new pg.Client({ connectionString: url });
    client = next;
    next.on('notification', (message) => noticed(feed, message.payload));
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
      if (client !== next || closed) return;
      // Whatever changed while nothing listened is unknown: everything kept before is stale.
      bumpAll(feed);
      feed.listening = true;
    } catch {
      lost(next);
    }
  };
  await connect();
  feed.close = async () => {
    closed = true;
    clearTimeout(retry);
    const last = client;
    client = undefined;
    await last?.end().catch(() => {});
  };
}
