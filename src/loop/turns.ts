/**
 * The event loop's turns, shared by everything in the process that does much work in one go: population
 * loops (src/scope/pace.ts), the completion of large answers (src/graphql) and the results of PostgreSQL
 * statements (src/db/url.ts).
 */
import { setImmediate } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';

/** Work between two turns of the event loop; well under the ~100 ms any other request may wait. */
export const SLICE_MS = 20;

/**
 * The event loop's turns, taken process wide. Node runs every callback setImmediate queued before its
 * check phase in one go, so twenty requests each yielding after its own 20 ms held the loop 400 ms
 * between two polls; and graphql-js completes a resolved field's subtree, as DataLoader resolves its
 * batches, in microtasks, so twenty pages of 100 enterprises' entitlements completed back to back held
 * it 1.1–1.4 s (2.7 s to 32 s in the benchmark). Every caller waits in one chain, which lets a number
 * of callers through a turn, then waits for the next. A clock alone cannot bound the turn: the work a
 * caller queues in microtasks (its subtree's completion) runs after the chain has let the next ones
 * through. So the number is fitted to the turns measured whole, from one resumption to the next: as
 * many callers as took SLICE_MS, at most doubled or halved a turn; the clock still ends a turn early
 * (twenty such pages held the embedded loop 84–89 ms with a clock alone, 57–66 ms so).
 */
let turns: Promise<void> = Promise.resolve();
let turnStarted = performance.now();
let passed = 0;
let allowance = 8;
export function nextTurn(): Promise<void> {
  turns = turns.then(async () => {
    passed += 1;
    if (passed < allowance && performance.now() - turnStarted < SLICE_MS) return;
    await setImmediate();
    const now = performance.now();
    const fit = (passed * SLICE_MS) / Math.max(now - turnStarted, 1);
    allowance = Math.round(Math.min(2 * allowance, Math.max(allowance / 2, fit, 1), 10_000));
    [passed, turnStarted] = [0, now];
  });
  return turns;
}
