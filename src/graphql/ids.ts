import { MAX_ROW_ID } from '../db/client.js';
import { userError } from './errors.js';
import { phrase } from '../engines/message.js';

/** Global IDs follow Relay: base64("Type:id"). */
export const encodeId = (typename: string, id: number) => Buffer.from(`${typename}:${id}`).toString('base64');

/** The text a base64 token stands for; '' for anything that is not base64 (Buffer would skip such characters). */
export const base64Text = (token: string) =>
  /^[A-Za-z0-9+/]+={0,2}$/.test(token) ? Buffer.from(token, 'base64').toString('utf8') : '';

/** A malformed global ID, or one whose number no id column can hold, is a typed error, never a crash. */
export function decodeId(globalId: string, field: string): { typename: string; id: string } {
  const match = /^([A-Z][A-Za-z]*):([1-9][0-9]{0,9})$/.exec(base64Text(globalId));
  if (!match || Number(match[2]) > MAX_ROW_ID)
    throw userError('INVALID_ID', field, phrase('error.INVALID_ID', { id: globalId, max: MAX_ROW_ID }));
  return { typename: match[1], id: match[2] };
}

/** Decodes a global ID that must name an object of `typename`. */
export function decodeIdOf(typename: string, globalId: string, field: string): number {
  const decoded = decodeId(globalId, field);
  if (decoded.typename !== typename) {
    throw userError(
      'WRONG_ID_TYPE',
      field,
      phrase('error.WRONG_ID_TYPE', { expected: typename, got: decoded.typename }),
    );
  }
  return Number(decoded.id);
}
