/**
 * nextTurn (src/loop/turns.ts): requests completing pages at once, each of many resolvers taking its
 * turn and then doing a little work at once and more in microtasks queued several deep (as graphql-js
 * completes a resolver's subtree), never hold the event loop much longer than a slice between two of
 * its turns (one slice per caller, as the pacers had, held it a slice per request).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextTurn, SLICE_MS } from '../../src/loop/turns.js';
import { cpuMs } from '../support/cpu.js';

const spin = (ms: number) => {
  const until = cpuMs() + ms;
  while (cpuMs() < until);
};

describe('nextTurn', () => {
  it('gives the loop a turn about every slice, whatever the pages and their queued work (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            resolvers: fc.integer({ min: 10, max: 100 }),
            workUs: fc.integer({ min: 10, max: 300 }),
            queuedUs: fc.integer({ min: 100, max: 1_000 }),
            hops: fc.integer({ min: 1, max: 20 }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        async (pages) => {
          let longest = 0;
          let last = cpuMs();
          const timer = setInterval(() => {
            longest = Math.max(longest, cpuMs() - last);
            last = cpuMs();
          }, 1);
          const resolve = async ({ workUs, queuedUs, hops }: (typeof pages)[number]) => {
            await nextTurn();
            spin(workUs / 1000);
            for (let hop = 0; hop < hops; hop++) await null; // the subtree, completed a few microtasks on
            spin(queuedUs / 1000);
          };
          await Promise.all(
            pages.map((page) => Promise.all(Array.from({ length: page.resolvers }, () => resolve(page)))),
          );
          clearInterval(timer);
          expect(longest).toBeLessThan(5 * SLICE_MS);
        },
      ),
      { seed: 20261202, numRuns: 30 },
    );
  }, 120_000);
});
