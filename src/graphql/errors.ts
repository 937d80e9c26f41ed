import { GraphQLError } from 'graphql';
import type { Phrase } from '../engines/message.js';
import { messagesFor } from '../i18n/index.js';
import { renderPhrase } from '../i18n/trace.js';

/** The codes a client can branch on; each error also names the argument or field at fault. */
export type UserErrorCode =
  | 'INVALID_ID'
  | 'WRONG_ID_TYPE'
  | 'NOT_FOUND'
  | 'PAGE_SIZE_TOO_LARGE'
  | 'INVALID_ARGUMENT'
  /** A retired policy (its file gone) named where a served one is needed: it is no longer evaluated. */
  | 'RETIRED';

/**
 * A typed error whose message is a catalogue phrase (`error.…`): English where it is made, and
 * rendered again in the request's language before it is sent (answerLanguage, src/graphql/language.ts).
 */
export class UserError extends GraphQLError {
  constructor(
    code: UserErrorCode,
    field: string,
    readonly phrase: Phrase,
  ) {
    super(renderPhrase(phrase, messagesFor('en')), { extensions: { code, field } });
  }
}

export function userError(code: UserErrorCode, field: string, message: Phrase): GraphQLError {
  return new UserError(code, field, message);
}
