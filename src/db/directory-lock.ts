/**
 * One process per embedded data directory. PGlite is PostgreSQL inside one process: a second process
 * opening the same directory does not see the first one's writes and can corrupt it. So the process
 * that opens a directory first writes `<dir>.lock` beside it, naming its pid; any other process finds
 * the lock and refuses before touching the directory. The lock goes when its holder closes the
 * database or exits; a lock whose process is gone (killed, crashed, or its pid now another process's,
 * told by the start time the lock records) is stale and taken over.
 */
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, relative } from 'node:path';

interface LockRecord {
  pid: number;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat), null where there is no /proc. */
  started: string | null;
  /** A server, or a command-line tool (a migration, keys:issue, an import). */
  server: boolean;
  /** What the holder is, as the refusal names it: "a server", "npm run keys:issue". */
  what: string;
}

/** The state and start time of a running process, from /proc; null when /proc has no such process. */
function processStat(pid: number): { state: string; started: string } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so fields count from the last ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, started: fields[19]! };
}

/** Whether the process that wrote the lock still runs (a zombie does not; a reused pid is another process). */
function holds(record: LockRecord): boolean {
  const stat = processStat(record.pid);
  if (stat) return stat.state !== 'Z' && (record.started === null || stat.started === record.started);
  try {
    process.kill(record.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

let server = false;
/** Called by the server's entry point: a refusal then says "a server" holds the directory. */
export function holdDirectoriesAsServer() {
  server = true;
}

const whatThisIs = () =>
  server
    ? 'a server'
    : process.env.npm_lifecycle_event
      ? `npm run ${process.env.npm_lifecycle_event}`
      : `node ${basename(process.argv[1] ?? '')}`;

/** A directory as people type it: relative to the working directory when under it. */
const shown = (dir: string) => {
  const rel = relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : dir;
};

export class DirectoryHeld extends Error {
  constructor(
    readonly dir: string,
    readonly holder: LockRecord,
  ) {
    super(`${holder.what} (pid ${holder.pid}) holds ${shown(dir)}`);
  }
}

const lockPath = (dir: string) => `${dir}.lock`;
const held = new Set<string>();

function readLock(path: string): LockRecord | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Takes the lock of `dir` for this process, or throws DirectoryHeld naming the live process that has
 * it. The lock is written aside and linked into place, so it appears whole or not at all and two
 * processes cannot both create it.
 */
export function holdDirectory(dir: string): void {
  if (held.has(dir)) return;
  const path = lockPath(dir);
  const mine: LockRecord = {
    pid: process.pid,
    started: processStat(process.pid)?.started ?? null,
    server,
    what: whatThisIs(),
  };
  const draft = `${path}.${process.pid}`;
  writeFileSync(draft, `${JSON.stringify(mine)}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(draft, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const record = readLock(path);
      // Another copy of this module in this process (test runners load modules afresh per file) took it.
      if (record?.pid === process.pid && record.started === mine.started) break;
      if (record && holds(record)) throw new DirectoryHeld(dir, record);
      rmSync(path, { force: true }); // stale: its process is gone
      if (attempt === 2) throw new Error(`could not take ${path}: other processes keep taking it`);
    }
    held.add(dir);
    releaseAtExit();
  } finally {
    rmSync(draft, { force: true });
  }
}

/** Gives the lock of `dir` up, if this process holds it. */
export function releaseDirectory(dir: string): void {
  if (!held.delete(dir)) return;
  if (readLock(lockPath(dir))?.pid === process.pid) rmSync(lockPath(dir), { force: true });
}

let exitHook = false;
function releaseAtExit() {
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => [...held].forEach(releaseDirectory));
}
