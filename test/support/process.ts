/** `src/server/main.ts` as its own process, for tests that kill it (SIGKILL) and start it again. */
import { spawn } from 'node:child_process';

/** Starts the server on `port` with `env` added; `listening` resolves once it listens. */
export function startServerProcess(databaseUrl: string, port: number, env: Record<string, string> = {}) {
  // As `npm start` runs it: one process, tsx as a loader (its CLI would relay a signal and, when the
  // server's loop is busy for 60 ms, kill it with SIGKILL instead of letting it drain).
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: { ...process.env, ...env, DATABASE_URL: databaseUrl, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const listening = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('PolicyGraph:') && resolve());
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
  const killed = new Promise((resolve) => child.on('close', resolve));
  return {
    child,
    listening,
    kill: async (signal: NodeJS.Signals) => (process.kill(-child.pid!, signal), await killed),
  };
}
