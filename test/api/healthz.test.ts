/**
 * /healthz reports how long the event loop was held: `max` since the last `?reset` (the benchmark reads
 * it per operation) and `maxSinceStart`, the longest stall of the server's whole run, which no reset
 * forgets (the benchmark reports it once, after the rebuild, loads, export and import). The server runs
 * in the test's process, so the test holds the loop itself, for as long as it chooses.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** The monitor samples every 10 ms: a stall is seen shortened by up to one resolution. */
const RESOLUTION = 10;

interface Health {
  status: string;
  eventLoopDelayMs: { p99: number; max: number; maxSinceStart: number };
}

/**
 * Holds the event loop for `ms`, then lets the delay monitor's late timer run. Idle first: the monitor
 * measures from its last tick, and its first tick after a reset (or its start) only sets that mark.
 */
async function stall(ms: number) {
  await new Promise((resolve) => setTimeout(resolve, 3 * RESOLUTION));
  const until = performance.now() + ms;
  while (performance.now() < until);
  await new Promise((resolve) => setTimeout(resolve, 25));
}

describe.each(DATABASE_KINDS)('/healthz on %s database', (kind) => {
  let server: TestServer;
  const health = async (reset: boolean) =>
    (await (await fetch(`${server.url}/healthz${reset ? '?reset' : ''}`)).json()) as Health;

  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server?.stop());

  it('keeps the longest stall since start across resets', async () => {
    await stall(500);
    const before = await health(true);
    expect(before.eventLoopDelayMs.max).toBeGreaterThanOrEqual(500 - RESOLUTION);
    expect(before.eventLoopDelayMs.maxSinceStart).toBe(before.eventLoopDelayMs.max);
    await stall(60);
    const after = await health(false);
    expect(after.eventLoopDelayMs.max).toBeGreaterThanOrEqual(60 - RESOLUTION);
    expect(after.eventLoopDelayMs.max).toBeLessThan(before.eventLoopDelayMs.max);
    expect(after.eventLoopDelayMs.maxSinceStart).toBe(before.eventLoopDelayMs.max);
  });

  it('reports, over any sequence of stalls and resets, the longest stall of the whole run', async () => {
    let longest = (await health(false)).eventLoopDelayMs.maxSinceStart;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ ms: fc.integer({ min: 20, max: 120 }), reset: fc.boolean() }), {
          minLength: 1,
          maxLength: 4,
        }),
        async (steps) => {
          for (const { ms, reset } of steps) {
            await stall(ms);
            const { eventLoopDelayMs } = await health(reset);
            expect(eventLoopDelayMs.max).toBeGreaterThanOrEqual(ms - RESOLUTION);
            // Never below a stall seen before, whatever was reset since; and no other figure is invented.
            expect(eventLoopDelayMs.maxSinceStart).toBe(Math.max(longest, eventLoopDelayMs.max));
            longest = eventLoopDelayMs.maxSinceStart;
          }
        },
      ),
      { seed: 20261202, numRuns: 8 },
    );
  });
});
