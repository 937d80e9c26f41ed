/**
 * POST /import/enterprises and /import/achievements: an agency's export (text/csv with a header,
 * or application/x-ndjson) streamed into batches, each committed whole in one transaction. The
 * answer streams one JSON line per committed batch, then a last line: done, or refused with every
 * problem (row, column, reason): HTTP 413 or 422 when nothing was acknowledged yet. An agency may
 * import only inside its jurisdictions.
 */
import type { RequestHandler } from 'express';
import { fail as failWith, keyHolder } from './key-holder.js';
import type { Db } from '../db/client.js';
import { actorOf } from '../scope/access.js';
import { IMPORT_COLUMNS, ImportRefused, importRows, type ImportKind } from '../writes/import.js';
import { importRowsFrom } from '../writes/import-stream.js';

const FORMATS: Record<string, 'csv' | 'jsonl'> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
};

export function importRoute(db: Db): RequestHandler {
  return async (req, res) => {
    const fail = (status: number, code: string, message: string) => failWith(res, status, code, message);
    const scope = keyHolder(db, req, res, 'an import');
    if (!scope) return;
    const kind = req.params.kind as ImportKind;
    if (kind !== 'enterprises' && kind !== 'achievements')
      return void fail(404, 'NOT_FOUND', 'import enterprises or achievements');
    const format = FORMATS[(req.headers['content-type'] ?? '').split(';')[0]!.trim()];
    if (!format)
      return void fail(415, 'UNSUPPORTED_MEDIA_TYPE', 'send text/csv (with a header) or application/x-ndjson');
    const batchSize = Number(req.query.batch ?? 2000);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
      return void fail(400, 'INVALID_ARGUMENT', 'batch must be a whole number from 1 to 10000');

    res.status(200).type('application/x-ndjson');
    let rows = 0;
    try {
      const actor = actorOf(scope);
      for await (const committed of importRows(
        db,
        actor,
        kind,
        importRowsFrom(req, format, IMPORT_COLUMNS[kind]),
        batchSize,
        actor.sees,
      )) {
        rows = committed.lastRow;
        res.write(`${JSON.stringify({ status: 'committed', ...committed })}\n`);
      }
      res.end(`${JSON.stringify({ status: 'done', rows })}\n`);
    } catch (error) {
      if (error instanceof ImportRefused) {
        // Before the first batch is acknowledged the status can still say it.
        if (!res.headersSent) res.status(error.issues.some((i) => i.code === 'TOO_LARGE') ? 413 : 422);
        // The rest of the body is read and dropped: closing a socket with unread bytes would reset
        // the connection, and the client could lose the answer with it.
        if (!req.complete) req.resume();
        return void res.end(
          `${JSON.stringify({ status: 'refused', batch: error.batch, rowsImported: rows, issues: error.issues })}\n`,
        );
      }
      res.end(`${JSON.stringify({ status: 'failed', rowsImported: rows, message: (error as Error).message })}\n`);
    }
  };
}
