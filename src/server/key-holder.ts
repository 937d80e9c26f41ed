/** The scope of a plain HTTP route (imports, downloads): a caller with an API key, or a 401 already sent. */
import type { Request, Response } from 'express';
import type { Db } from '../db/client.js';
import { InvalidKey } from '../scope/caller.js';
import { createScope, type Scope } from '../scope/scope.js';
import { phrase } from '../engines/message.js';
import { admittedCaller } from './rate-limit.js';
import { fail } from './refuse.js';

export function keyHolder(db: Db, req: Request, res: Response, route: 'import' | 'download'): Scope | null {
  try {
    const caller = admittedCaller(req);
    if (caller.role !== 'PUBLIC') return createScope(db, caller);
    fail(req, res, 401, 'UNAUTHENTICATED', phrase('error.ROUTE_NEEDS_KEY', { route }));
  } catch (error) {
    if (!(error instanceof InvalidKey)) throw error;
    fail(req, res, 401, 'UNAUTHENTICATED', error.phrase);
  }
  return null;
}
