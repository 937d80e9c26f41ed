/**
 * keptUnder (src/db/changes.ts), the one mechanism of the caches kept under change notices (the corpus
 * snapshot, callers, the ledger's state): a value is served from memory only while no notice of its
 * topics arrived since its read began, a failed read is not kept, and nothing is kept while no notice
 * can be trusted. Notices are noted by this process (noteChange), as its writers do; reads are
 * promises the test settles, so that notices, asks and settlements interleave in any order.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keptUnder, noteChange, watchChanges, type Topic } from '../../src/db/changes.js';
import { createDb, type Db } from '../../src/db/client.js';
import { closeDatabases, ensurePgliteTemplate } from '../../src/db/url.js';

const freshDb = () => createDb(`pglite:${mkdtempSync(join(tmpdir(), 'policygraph-kept-'))}`);

/** A read the test settles: `read()` starts one and records the versions of the notices seen then. */
function reads(noticesNow: () => number) {
  const started: Array<{ id: number; notices: number; resolve: () => void; reject: () => void; settled: boolean }> = [];
  const read = () =>
    new Promise<number>((resolve, reject) => {
      const id = started.length;
      started.push({
        id,
        notices: noticesNow(),
        resolve: () => resolve(id),
        reject: () => reject(new Error(`read ${id} failed`)),
        settled: false,
      });
    });
  return { started, read };
}

/** Lets the keeper see a settlement (its drop of a failed read runs in a later microtask). */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('keptUnder', () => {
  let listening: Db;
  /** A database no feed listens on: no version. */
  let unwatched: Db;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    await ensurePgliteTemplate();
    listening = freshDb();
    unwatched = freshDb();
    stop = await watchChanges(listening);
  });
  afterAll(async () => {
    await stop?.();
    await closeDatabases();
  });

  it('reads again after a notice that arrived during the read, and keeps the later read', async () => {
    const kept = keptUnder<number>(['corpus']);
    let notices = 0;
    const { started, read } = reads(() => notices);
    const first = kept(listening, read);
    noteChange(listening, 'corpus');
    notices += 1;
    started[0]!.resolve();
    expect(await first).toBe(0);
    const second = kept(listening, read);
    expect(started).toHaveLength(2);
    started[1]!.resolve();
    expect(await second).toBe(1);
    expect(await kept(listening, read)).toBe(1);
    expect(started).toHaveLength(2);
  });

  it('does not keep a failed read: the next ask reads again', async () => {
    const kept = keptUnder<number>(['keys']);
    const { started, read } = reads(() => 0);
    const failed = kept(listening, read);
    started[0]!.reject();
    await expect(failed).rejects.toThrow('read 0 failed');
    await turn();
    const again = kept(listening, read);
    expect(started).toHaveLength(2);
    started[1]!.resolve();
    expect(await again).toBe(1);
  });

  it('reads every time while no notice can be trusted (nothing listens)', async () => {
    const kept = keptUnder<number>(['keys', 'corpus']);
    const { started, read } = reads(() => 0);
    const asked = [kept(unwatched, read), kept(unwatched, read), kept(unwatched, read)];
    started.forEach((r) => r.resolve());
    expect(await Promise.all(asked)).toEqual([0, 1, 2]);
  });

  it('drops the oldest key past its bound', async () => {
    const kept = keptUnder<number>(['keys'], { max: 2 });
    const { started, read } = reads(() => 0);
    const ask = async (key: string) => {
      const value = kept(listening, read, key);
      started.forEach((r) => r.resolve());
      return value;
    };
    expect([await ask('a'), await ask('b'), await ask('a'), await ask('c')]).toEqual([0, 1, 0, 2]);
    expect(await ask('a')).toBe(3); // 'a' was the oldest kept when 'c' came
    expect(await ask('c')).toBe(2);
  });

  /** What a run does: a notice of a topic, an ask for a key, or the settlement of a pending read. */
  type Step =
    { kind: 'notice'; topic: Topic } | { kind: 'ask'; key: string } | { kind: 'settle'; pick: number; ok: boolean };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('notice' as const), topic: fc.constantFrom<Topic>('keys', 'corpus', 'ledger') }),
    fc.record({ kind: fc.constant('ask' as const), key: fc.constantFrom('a', 'b', 'c') }),
    fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(), ok: fc.boolean() }),
  );
  const TOPICS: Topic[] = ['keys', 'corpus']; // 'ledger' notices must not make the value stale

  it('serves, over any interleaving of notices, asks and reads, only values read since the last notice of its topics', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), fc.boolean(), async (steps, watched) => {
        const db = watched ? listening : unwatched;
        const kept = keptUnder<number>(TOPICS, { max: 2 });
        let notices = 0;
        const { started, read } = reads(() => notices);
        // The model: per key, the read kept (insertion order is age), unless it failed.
        const model = new Map<string, (typeof started)[number]>();
        const asks: Array<{ notices: number; outcome: Promise<{ value?: number; error?: string }> }> = [];
        const settle = async (r: (typeof started)[number], ok: boolean) => {
          r.settled = true;
          if (ok) r.resolve();
          else {
            r.reject();
            for (const [key, held] of model) if (held === r) model.delete(key);
          }
          await turn();
        };
        for (const s of steps) {
          if (s.kind === 'notice') {
            noteChange(db, s.topic);
            if (TOPICS.includes(s.topic)) notices += 1;
          } else if (s.kind === 'ask') {
            const held = model.get(s.key);
            const expectRead = !watched || held === undefined || held.notices !== notices;
            const before = started.length;
            const outcome = kept(db, read, s.key).then(
              (value) => ({ value }),
              (error: Error) => ({ error: error.message }),
            );
            asks.push({ notices, outcome });
            expect(started.length - before).toBe(expectRead ? 1 : 0);
            if (watched && expectRead) {
              model.delete(s.key);
              if (model.size >= 2) model.delete(model.keys().next().value!);
              model.set(s.key, started.at(-1)!);
            }
          } else {
            const pending = started.filter((r) => !r.settled);
            if (pending.length) await settle(pending[s.pick % pending.length]!, s.ok);
          }
        }
        for (const r of started) if (!r.settled) await settle(r, true);
        for (const ask of asks) {
          const { value, error } = await ask.outcome;
          const id = value ?? Number(/read (\d+) failed/.exec(error!)![1]);
          // Never a value read before a notice the ask came after.
          expect(started[id]!.notices).toBe(ask.notices);
        }
      }),
      { seed: 20261202, numRuns: 200 },
    );
  });
});
