/**
 * Refusals over plain HTTP (admission, the body parser, imports, downloads, charts, persisted
 * operations), in the shape of a GraphQL error and in the language `Accept-Language` asks for: the
 * same negotiation as GraphQL's, known before any GraphQL runs.
 */
import type { Request, Response } from 'express';
import type { Phrase } from '../engines/message.js';
import { messagesFor, negotiateLocale, type Messages } from '../i18n/index.js';
import { renderPhrase } from '../i18n/trace.js';

/** The request's language; the answer says it (Content-Language) and that it depends on the header (Vary). */
export function requestMessages(req: Request, res: Response): Messages {
  const messages = messagesFor(negotiateLocale((...languages) => req.acceptsLanguages(...languages)));
  res.vary('Accept-Language').setHeader('Content-Language', messages.locale);
  return messages;
}

/** Answers `{ errors: [{ message, extensions: { code, … } }] }` with this status, the message in the request's language. */
export function fail(
  req: Request,
  res: Response,
  status: number,
  code: string,
  wording: Phrase,
  extensions: Record<string, unknown> = {},
): void {
  const message = renderPhrase(wording, requestMessages(req, res));
  res.status(status).json({ errors: [{ message, extensions: { code, ...extensions } }] });
}
