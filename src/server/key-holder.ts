/** The caller of a plain HTTP route (imports, downloads): one with an API key, or a 401 already sent. */
import type { Request, Response } from 'express';
import { InvalidKey, type Caller } from '../auth/keys.js';
import { admittedCaller } from './rate-limit.js';

/** Answers in the shape of a GraphQL error: a message and a code. */
export const fail = (res: Response, status: number, code: string, message: string) =>
  void res.status(status).json({ errors: [{ message, extensions: { code } }] });

export function keyHolder(req: Request, res: Response, what: string): Caller | null {
  try {
    const caller = admittedCaller(req);
    if (caller.role !== 'PUBLIC') return caller;
    fail(res, 401, 'UNAUTHENTICATED', `${what} needs an agency or administrator key`);
  } catch (error) {
    if (!(error instanceof InvalidKey)) throw error;
    fail(res, 401, 'UNAUTHENTICATED', error.message);
  }
  return null;
}
