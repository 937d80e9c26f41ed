/**
 * The embedded directory's lock (issue 16, item 3): a live holder keeps every other process out; a
 * lock left by a process that is gone, or whose pid another process now has, is taken over.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryHeld, holdDirectory, releaseDirectory } from '../../src/db/directory-lock.js';

const root = mkdtempSync(join(tmpdir(), 'policygraph-lock-'));
/** The start time /proc gives a process (field 22 of its stat). */
const startOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
};

/** A pid no process has: a child that ran and was reaped. */
const deadPid = spawnSync('true').pid!;
/** A live process that is not this one, as a server in another process would be. */
const other = spawn('sleep', ['600'], { stdio: 'ignore' });
afterAll(() => other.kill('SIGKILL'));
let otherStart = '';
beforeAll(() => {
  otherStart = startOf(other.pid!);
});

type Holder = 'dead' | 'live' | 'live, pid reused' | 'live, no /proc start';

describe('the embedded directory lock', () => {
  it('refuses exactly when the lock names a live process, and then leaves the lock as it was', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<Holder>('dead', 'live', 'live, pid reused', 'live, no /proc start'),
        fc.boolean(),
        (holder, server) => {
          const dir = join(root, `db-${n++}`);
          const record = {
            pid: holder === 'dead' ? deadPid : other.pid,
            started:
              holder === 'live'
                ? otherStart
                : holder === 'live, pid reused'
                  ? `${Number(otherStart) + 1}`
                  : holder === 'dead'
                    ? '1'
                    : null,
            server,
            what: server ? 'a server' : 'npm run import',
          };
          const lock = `${JSON.stringify(record)}\n`;
          writeFileSync(`${dir}.lock`, lock);
          const stale = holder === 'dead' || holder === 'live, pid reused';
          if (stale) {
            holdDirectory(dir);
            expect(JSON.parse(readFileSync(`${dir}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
            releaseDirectory(dir);
            expect(existsSync(`${dir}.lock`)).toBe(false);
          } else {
            expect(() => holdDirectory(dir)).toThrow(
              new DirectoryHeld(dir, record as never).message, // "a server (pid N) holds /tmp/…/db-3"
            );
            expect(readFileSync(`${dir}.lock`, 'utf8')).toBe(lock);
            expect(existsSync(dir)).toBe(false); // the directory itself is never made or read
          }
        },
      ),
      { seed: 2026_12_01, numRuns: 40 },
    );
  });

  it('names the holder as the refusal says it', () => {
    const dir = join(root, 'named');
    writeFileSync(
      `${dir}.lock`,
      JSON.stringify({ pid: other.pid, started: otherStart, server: true, what: 'a server' }),
    );
    expect(() => holdDirectory(dir)).toThrow(`a server (pid ${other.pid}) holds ${dir}`);
  });

  it('is held once per process: opening again in this process is no refusal', () => {
    const dir = join(root, 'mine');
    holdDirectory(dir);
    holdDirectory(dir);
    expect(JSON.parse(readFileSync(`${dir}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, server: false });
    releaseDirectory(dir);
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });
});
