import { GraphQLError } from 'graphql';

/** The codes a client can branch on; each error also names the argument or field at fault. */
export type UserErrorCode = 'INVALID_ID' | 'WRONG_ID_TYPE' | 'NOT_FOUND' | 'PAGE_SIZE_TOO_LARGE' | 'INVALID_ARGUMENT';

export function userError(code: UserErrorCode, field: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, field } });
}
