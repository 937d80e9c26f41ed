/** The scope of a plain HTTP route (imports, downloads): a caller with an API key, or a 401 already sent. */
import type { Request, Response } from 'express';
import type { Db } from '../db/client.js';
import { InvalidKey } from '../scope/caller.js';
import { createScope, type Scope } from '../scope/scope.js';
import { admittedCaller } from './rate-limit.js';

/** Answers in the shape of a GraphQL error: a message and a code. */
export const fail = (res: Response, status: number, code: string, message: string) =>
  void res.status(status).json({ errors: [{ message, extensions: { code } }] });

export function keyHolder(db: Db, req: Request, res: Response, what: string): Scope | null {
  try {
    const caller = admittedCaller(req);
    if (caller.role !== 'PUBLIC') return createScope(db, caller);
    fail(res, 401, 'UNAUTHENTICATED', `${what} needs an agency or administrator key`);
  } catch (error) {
    if (!(error instanceof InvalidKey)) throw error;
    fail(res, 401, 'UNAUTHENTICATED', error.message);
  }
  return null;
}
