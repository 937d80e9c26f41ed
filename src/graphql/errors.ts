import { GraphQLError } from 'graphql';

/** The codes a client can branch on; each error also names the argument or field at fault. */
export type UserErrorCode =
  | 'INVALID_ID'
  | 'WRONG_ID_TYPE'
  | 'NOT_FOUND'
  | 'PAGE_SIZE_TOO_LARGE'
  | 'INVALID_ARGUMENT'
  /** A retired policy (its file gone) named where a served one is needed: it is no longer evaluated. */
  | 'RETIRED';

export function userError(code: UserErrorCode, field: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, field } });
}
