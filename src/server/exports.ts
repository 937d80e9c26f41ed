/**
 * GET /exports/:id: the file of a completed export job, streamed, for the key that started it.
 * 404 for a job that is not yours (as for one that does not exist), 409 while it is not complete,
 * 410 once it expired.
 */
import { createReadStream } from 'node:fs';
import type { RequestHandler } from 'express';
import type { Db } from '../db/client.js';
import { exportFile, type ExportOptions } from '../exports/jobs.js';
import { EXTENSIONS, MEDIA_TYPES } from '../exports/writers.js';
import { decodeId } from '../graphql/ids.js';
import { phrase } from '../engines/message.js';
import { keyHolder } from './key-holder.js';
import { fail } from './refuse.js';

export function exportDownloadRoute(db: Db, options: ExportOptions): RequestHandler {
  return async (req, res) => {
    const scope = keyHolder(db, req, res, 'download');
    if (!scope) return;
    let id: number;
    try {
      const decoded = decodeId(String(req.params.id), 'id');
      if (decoded.typename !== 'ExportJob') throw new Error();
      id = Number(decoded.id);
    } catch {
      return fail(req, res, 404, 'NOT_FOUND', phrase('error.NOT_EXPORT_ID'));
    }
    const job = await db.exportJob.findFirst({ where: { id, ownerId: scope.caller.keyId! } });
    if (!job) return fail(req, res, 404, 'NOT_FOUND', phrase('error.NO_EXPORT_JOB', { id: String(req.params.id) }));
    if (job.status === 'EXPIRED')
      return fail(req, res, 410, 'EXPIRED', phrase('error.EXPORT_EXPIRED', { at: job.expiresAt.toISOString() }));
    if (job.status !== 'COMPLETED')
      return fail(
        req,
        res,
        409,
        'NOT_READY',
        phrase('error.EXPORT_NOT_READY', { status: job.status, rows: job.rowsWritten }),
      );
    const name = `${job.report.toLowerCase().replaceAll('_', '-')}-${job.id}.${EXTENSIONS[job.format]}`;
    res.set({
      'content-type': MEDIA_TYPES[job.format],
      'content-length': String(job.bytes),
      'content-disposition': `attachment; filename="${name}"`,
    });
    createReadStream(exportFile(options, job))
      .on('error', () => res.destroy())
      .pipe(res);
  };
}
