/**
 * POST /import/enterprises and /import/achievements: an agency's export (text/csv with a header,
 * or application/x-ndjson) streamed into batches, each committed whole in one transaction. The
 * answer streams one JSON line per committed batch, then a last line: done, or refused with every
 * refusal ({ row, field, code, message }, src/validation/refusal.ts): HTTP 413 or 422 when nothing
 * was acknowledged yet. An agency may import only inside its jurisdictions.
 */
import type { RequestHandler } from 'express';
import { keyHolder } from './key-holder.js';
import { fail as failWith, requestMessages } from './refuse.js';
import { refusalIn } from '../i18n/refusal.js';
import { phrase } from '../engines/message.js';
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
    const fail = (status: number, code: string, id: string) => failWith(req, res, status, code, phrase(id));
    const scope = keyHolder(db, req, res, 'import');
    if (!scope) return;
    const kind = req.params.kind as ImportKind;
    if (kind !== 'enterprises' && kind !== 'achievements') return void fail(404, 'NOT_FOUND', 'error.IMPORT_KIND');
    const format = FORMATS[(req.headers['content-type'] ?? '').split(';')[0]!.trim()];
    if (!format) return void fail(415, 'UNSUPPORTED_MEDIA_TYPE', 'error.IMPORT_MEDIA_TYPE');
    const batchSize = Number(req.query.batch ?? 2000);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
      return void fail(400, 'INVALID_ARGUMENT', 'error.IMPORT_BATCH');

    const messages = requestMessages(req, res);
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
        if (!res.headersSent) res.status(error.refusals.some((r) => r.code === 'TOO_LARGE') ? 413 : 422);
        // The rest of the body is read and dropped: closing a socket with unread bytes would reset
        // the connection, and the client could lose the answer with it.
        if (!req.complete) req.resume();
        const issues = error.refusals.map((r) => refusalIn(r, messages));
        return void res.end(
          `${JSON.stringify({ status: 'refused', batch: error.batch, rowsImported: rows, issues })}\n`,
        );
      }
      console.error('import:', error);
      const message = messages.t('error.INTERNAL');
      res.end(`${JSON.stringify({ status: 'failed', rowsImported: rows, message })}\n`);
    }
  };
}
