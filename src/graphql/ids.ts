import { userError } from './errors.js';

/** Global IDs follow Relay: base64("Type:id"). */
export const encodeId = (typename: string, id: number) => Buffer.from(`${typename}:${id}`).toString('base64');

/** A malformed global ID is a typed error, never a crash. */
export function decodeId(globalId: string, field: string): { typename: string; id: string } {
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(globalId) ? Buffer.from(globalId, 'base64').toString('utf8') : '';
  const match = /^([A-Z][A-Za-z]*):([1-9][0-9]{0,15})$/.exec(decoded);
  if (!match) throw userError('INVALID_ID', field, `"${globalId}" is not a valid global ID`);
  return { typename: match[1], id: match[2] };
}

/** Decodes a global ID that must name an object of `typename`. */
export function decodeIdOf(typename: string, globalId: string, field: string): number {
  const decoded = decodeId(globalId, field);
  if (decoded.typename !== typename) {
    throw userError('WRONG_ID_TYPE', field, `expected the ID of a ${typename}, got the ID of a ${decoded.typename}`);
  }
  return Number(decoded.id);
}
