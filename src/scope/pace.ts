/**
 * Cooperative scheduling for loops over a population: the engine is synchronous, so a report that
 * evaluated 50,000 enterprises in one go held the event loop for a minute (health checks, cheap
 * requests and its own deadline timer all waited). A loop calls the pacer once per item: it waits for
 * its place in the process's turns (src/loop/turns.ts), then stops if the request's deadline has passed.
 */
import { nextTurn } from '../loop/turns.js';

/** For a loop over many items: called once per item, it takes its place in the turns, then stops once the deadline has passed. */
export function pacer(signal?: AbortSignal): () => Promise<void> {
  return async () => {
    await nextTurn();
    signal?.throwIfAborted();
  };
}

/**
 * The JSON text of a list, built item by item with the pacer's yields: one JSON.stringify of a ledger
 * batch (1,000 rows with their steps, about 1 MB) held the event loop 100–330 ms under load.
 */
export async function pacedJson(items: readonly unknown[]): Promise<string> {
  const pace = pacer();
  const parts: string[] = [];
  for (const item of items) {
    await pace();
    parts.push(JSON.stringify(item) ?? 'null'); // as in a list: undefined is null
  }
  return `[${parts.join(',')}]`;
}

/**
 * A DataLoader's batch function that observes the request's deadline: refused before its statement and
 * its result dropped after it once the time is up, so that a request whose fields keep asking answers
 * TIMEOUT rather than running on.
 */
export const observing =
  <K, V>(signal: AbortSignal | undefined, batch: (keys: readonly K[]) => Promise<ArrayLike<V | Error>>) =>
  async (keys: readonly K[]): Promise<ArrayLike<V | Error>> => {
    signal?.throwIfAborted();
    const values = await batch(keys);
    signal?.throwIfAborted();
    return values;
  };
