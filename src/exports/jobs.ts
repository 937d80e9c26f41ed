/**
 * Export jobs, in the manner of Shopify's bulk operations: started by a mutation, run in the
 * background, downloaded when complete. Their state is in the database, so they survive a restart:
 * a runner claims a job with a lease it renews after every batch; a job whose lease lapsed (its
 * process died) is claimed again and rerun from the start. The file is written aside (`.part`) and
 * renamed only when whole, so a truncated file is never presented as complete.
 */
import { messagesFor } from '../i18n/index.js';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { callerOfKey } from '../scope/caller.js';
import type { Db } from '../db/client.js';
import type { ExportJob } from '../generated/prisma/client.js';
import { createScope, type ExportNotifier } from '../scope/scope.js';
import { aboutReport, REPORTS, type ReportParameters } from './reports.js';
import { EXTENSIONS, openSink, type ExportSink } from './writers.js';

export interface ExportOptions {
  /** Where finished files are kept (env EXPORT_DIR; default .data/exports). */
  dir: string;
  /** How long a job and its file are kept after it finishes (env EXPORT_TTL_HOURS; default 24). */
  ttlMs: number;
  /** How long a claim holds without renewal; a job whose runner died is rerun after it lapses. */
  leaseMs: number;
  /** How often an idle runner looks for work and expires old jobs. */
  pollMs: number;
  /** A job claimed this many times without finishing fails instead of running again. */
  maxAttempts: number;
}

export function exportOptionsFromEnv(env = process.env): ExportOptions {
  return {
    dir: resolve(env.EXPORT_DIR ?? '.data/exports'),
    ttlMs: Number(env.EXPORT_TTL_HOURS ?? 24) * 3_600_000,
    leaseMs: Number(env.EXPORT_LEASE_MS ?? 15_000),
    pollMs: Number(env.EXPORT_POLL_MS ?? 1_000),
    maxAttempts: 3,
  };
}

/** The finished file of a job. */
export const exportFile = (options: Pick<ExportOptions, 'dir'>, job: Pick<ExportJob, 'id' | 'format'>) =>
  join(options.dir, `${job.id}.${EXTENSIONS[job.format]}`);

/** The job lost its claim (cancelled, expired or claimed by another runner): stop writing. */
class ClaimLost extends Error {}
/** The server is stopping: the job goes back to the queue, to run again after the restart. */
class Released extends Error {}

export class ExportRunner implements ExportNotifier {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Db,
    readonly options: ExportOptions,
  ) {
    mkdirSync(options.dir, { recursive: true });
  }

  /** Starts polling; `kick()` skips the wait when a job was just started here. */
  start() {
    this.stopped = false;
    this.schedule(0);
  }

  kick() {
    if (!this.running && !this.stopped) this.schedule(0);
  }

  /** Stops taking jobs and waits for the current one's next batch (its lease then lapses or it completes). */
  async stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.work()
        .catch((error: unknown) => console.error('export runner:', error))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(this.options.pollMs);
        });
    }, delay);
    this.timer.unref();
  }

  /** Expires old jobs, then runs jobs until none is waiting. */
  private async work() {
    await this.expire();
    for (let job = await this.claim(); job && !this.stopped; job = await this.claim()) await this.run(job);
  }

  private async expire() {
    const expired = await this.db.exportJob.findMany({
      where: { expiresAt: { lt: new Date() }, status: { in: ['QUEUED', 'COMPLETED', 'FAILED', 'CANCELLED'] } },
      select: { id: true, format: true },
    });
    for (const job of expired) {
      await this.db.exportJob.update({ where: { id: job.id }, data: { status: 'EXPIRED' } });
      rmSync(exportFile(this.options, job), { force: true });
    }
  }

  /** Claims the oldest waiting job, or a running one whose lease lapsed; null when there is none. */
  private async claim(): Promise<(ExportJob & { runToken: string }) | null> {
    const now = new Date();
    const waiting = { OR: [{ status: 'QUEUED' as const }, { status: 'RUNNING' as const, leaseUntil: { lt: now } }] };
    while (true) {
      const candidate = await this.db.exportJob.findFirst({ where: waiting, orderBy: { id: 'asc' } });
      if (!candidate) return null;
      if (candidate.attempts >= this.options.maxAttempts) {
        await this.db.exportJob.updateMany({
          where: { id: candidate.id, runToken: candidate.runToken, ...waiting },
          data: {
            status: 'FAILED',
            error: `stopped ${candidate.attempts} times before finishing (the server was restarted or ran out of memory)`,
            finishedAt: now,
            expiresAt: new Date(now.getTime() + this.options.ttlMs),
          },
        });
        continue;
      }
      const runToken = randomUUID();
      const claimed = await this.db.exportJob.updateMany({
        // the token read above: another runner claiming the same job in between changes it
        where: { id: candidate.id, runToken: candidate.runToken, ...waiting },
        data: {
          status: 'RUNNING',
          runToken,
          leaseUntil: new Date(now.getTime() + this.options.leaseMs),
          attempts: { increment: 1 },
          startedAt: now,
          rowsWritten: 0,
          scanDone: 0,
          error: null,
        },
      });
      if (claimed.count === 1) return { ...candidate, runToken, attempts: candidate.attempts + 1 };
    }
  }

  /** Records progress and renews the lease, only while this runner still holds the job. */
  private async heartbeat(job: { id: number; runToken: string }, data: Record<string, unknown>) {
    const { count } = await this.db.exportJob.updateMany({
      where: { id: job.id, runToken: job.runToken, status: 'RUNNING' },
      data: { ...data, leaseUntil: new Date(Date.now() + this.options.leaseMs) },
    });
    if (count === 0) throw new ClaimLost();
  }

  private async run(job: ExportJob & { runToken: string }) {
    const report = REPORTS[job.report];
    const parameters = job.parameters as unknown as ReportParameters;
    for (const stale of readdirSync(this.options.dir).filter((f) => f.startsWith(`${job.id}.`) && f.endsWith('.part')))
      rmSync(join(this.options.dir, stale), { force: true });
    const partial = join(this.options.dir, `${job.id}.${job.runToken}.part`);
    let sink: ExportSink | undefined;
    let rowsWritten = 0;
    let scanDone = 0;
    try {
      const owner = await this.db.apiKey.findUnique({ where: { id: job.ownerId } });
      const messages = messagesFor(parameters.language ?? 'en');
      const ctx = createScope(this.db, await callerOfKey(this.db, owner), null, undefined, undefined, messages);
      sink = openSink(
        job.format,
        partial,
        report.columns,
        report.sheet,
        job.format === 'XLSX' ? await aboutReport(ctx, report, parameters) : undefined,
      );
      await this.heartbeat(job, { scanTotal: await report.scanTotal(ctx, parameters) });
      for await (const batch of report.batches(ctx, parameters)) {
        // A batch of progress alone (REFORM_IMPACT's) writes nothing: XLSX fits its columns to the first rows.
        if (batch.rows.length) await sink.write(batch.rows);
        rowsWritten += batch.rows.length;
        scanDone += batch.scanned;
        await this.heartbeat(job, { rowsWritten, scanDone });
        if (this.stopped) throw new Released();
      }
      await sink.close();
      const file = exportFile(this.options, job);
      renameSync(partial, file);
      const finishedAt = new Date();
      await this.heartbeat(job, {
        status: 'COMPLETED',
        rowsWritten,
        rowsTotal: rowsWritten,
        scanDone,
        bytes: statSync(file).size,
        finishedAt,
        expiresAt: new Date(finishedAt.getTime() + this.options.ttlMs),
      });
    } catch (error) {
      sink?.abort();
      rmSync(partial, { force: true });
      if (error instanceof ClaimLost) return;
      if (error instanceof Released) {
        await this.db.exportJob.updateMany({
          where: { id: job.id, runToken: job.runToken },
          data: { status: 'QUEUED', leaseUntil: null, attempts: { decrement: 1 } },
        });
        return;
      }
      const finishedAt = new Date();
      await this.db.exportJob.updateMany({
        where: { id: job.id, runToken: job.runToken },
        data: {
          status: 'FAILED',
          error: (error as Error).message,
          finishedAt,
          expiresAt: new Date(finishedAt.getTime() + this.options.ttlMs),
        },
      });
    }
  }
}
