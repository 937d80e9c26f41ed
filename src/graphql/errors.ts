import { GraphQLError } from 'graphql';
import type { Phrase } from '../engines/message.js';
import { messagesFor, type Messages } from '../i18n/index.js';
import { renderPhrase } from '../i18n/trace.js';

/** The codes a client can branch on; each error also names the argument or field at fault. */
export type UserErrorCode =
  | 'INVALID_ID'
  | 'WRONG_ID_TYPE'
  | 'NOT_FOUND'
  | 'PAGE_SIZE_TOO_LARGE'
  | 'INVALID_ARGUMENT'
  /** A retired policy (its file gone) named where a served one is needed: it is no longer evaluated. */
  | 'RETIRED'
  /** No key where one is needed, or a key that is malformed, unknown or revoked. */
  | 'UNAUTHENTICATED'
  /** The key may not see or write this. */
  | 'FORBIDDEN'
  /** The request's limits (src/graphql/limits.ts): depth, aliases, cost, tokens, wall time. */
  | 'QUERY_TOO_DEEP'
  | 'TOO_MANY_ALIASES'
  | 'QUERY_TOO_COSTLY'
  | 'QUERY_TOO_LARGE'
  | 'TIMEOUT';

/**
 * A typed error whose message is a catalogue phrase (`error.…`): English where it is made, and
 * rendered again in the request's language before it is sent (answerLanguage, src/graphql/language.ts).
 */
export class UserError extends GraphQLError {
  constructor(
    code: UserErrorCode,
    field: string | null,
    readonly phrase: Phrase,
    http?: number,
  ) {
    super(renderPhrase(phrase, messagesFor('en')), {
      extensions: { code, ...(field === null ? {} : { field }), ...(http ? { http: { status: http } } : {}) },
    });
  }

  /** This error with its message in the reader's language. */
  in(messages: Messages): this {
    this.message = renderPhrase(this.phrase, messages);
    return this;
  }
}

/** A typed error; `field` null only where no argument is at fault (a limit of the whole request). */
export function userError(code: UserErrorCode, field: string | null, message: Phrase, http?: number): UserError {
  return new UserError(code, field, message, http);
}
