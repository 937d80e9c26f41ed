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
import { fail, keyHolder } from './key-holder.js';

export function exportDownloadRoute(db: Db, options: ExportOptions): RequestHandler {
  return async (req, res) => {
    const scope = keyHolder(db, req, res, 'a download');
    if (!scope) return;
    let id: number;
    try {
      const decoded = decodeId(String(req.params.id), 'id');
      if (decoded.typename !== 'ExportJob') throw new Error();
      id = Number(decoded.id);
    } catch {
      return fail(res, 404, 'NOT_FOUND', 'not the ID of an export job');
    }
    const job = await db.exportJob.findFirst({ where: { id, ownerId: scope.caller.keyId! } });
    if (!job) return fail(res, 404, 'NOT_FOUND', 'you have no export job with this id');
    if (job.status === 'EXPIRED')
      return fail(res, 410, 'EXPIRED', `the file expired at ${job.expiresAt.toISOString()}`);
    if (job.status !== 'COMPLETED')
      return fail(res, 409, 'NOT_READY', `the export is ${job.status}, not COMPLETED (${job.rowsWritten} rows so far)`);
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
