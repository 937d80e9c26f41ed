/**
 * pacedJson (src/scope/pace.ts): the JSON text of a ledger batch built item by item, yielding the
 * event loop every SLICE_MS: the same text as JSON.stringify, and no slice of it holds the loop long.
 */
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SLICE_MS } from '../../src/loop/turns.js';
import { pacedJson } from '../../src/scope/pace.js';
import { cpuMs } from '../support/cpu.js';

describe('pacedJson', () => {
  it('writes exactly what JSON.stringify writes, for any list', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.anything({ maxDepth: 3 }), { maxLength: 30 }), async (items) => {
        expect(await pacedJson(items)).toBe(JSON.stringify(items));
      }),
      { seed: 20261202, numRuns: 300 },
    );
  });

  it('hands the event loop back while it builds a large batch', async () => {
    // 20,000 rows shaped like the ledger's, steps and all: tens of ms of JSON.stringify at least.
    const rows = Array.from({ length: 20_000 }, (_, i) => ({
      enterpriseId: i,
      policyKey: 'taizhou-2017-quality',
      missing: ['units'],
      steps: Array.from({ length: 6 }, (_, n) => ({ step: `step ${n}`, detail: { amountYuan: n * 1000, ok: true } })),
    }));
    // Between the timer's turns, the process's CPU time, not the wall clock's (cpuMs).
    let ticks = 0;
    let longest = 0;
    let last = cpuMs();
    const timer = setInterval(() => {
      ticks += 1;
      longest = Math.max(longest, cpuMs() - last);
      last = cpuMs();
    }, 1);
    const started = performance.now();
    const text = await pacedJson(rows);
    const ms = performance.now() - started;
    clearInterval(timer);
    expect(text).toBe(JSON.stringify(rows));
    // Turns for the timer, about one per slice of work, and none much longer than a slice.
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(ms / (10 * SLICE_MS)));
    expect(longest).toBeLessThan(5 * SLICE_MS);
  });
});
