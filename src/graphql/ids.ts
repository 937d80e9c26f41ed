import { decodeGlobalID } from '@pothos/plugin-relay';
import { userError } from './errors.js';

/** Global IDs follow Relay: base64("Type:id"). A malformed one is a typed error, never a crash. */
export function decodeId(globalId: string, field: string): { typename: string; id: number } {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    throw userError('INVALID_ID', field, `"${globalId}" is not a valid global ID`);
  }
  const id = Number(decoded.id);
  if (!decoded.typename || !Number.isSafeInteger(id) || id <= 0) {
    throw userError('INVALID_ID', field, `"${globalId}" is not a valid global ID`);
  }
  return { typename: decoded.typename, id };
}

/** Decodes a global ID that must name an object of `typename`. */
export function decodeIdOf(typename: string, globalId: string, field: string): number {
  const decoded = decodeId(globalId, field);
  if (decoded.typename !== typename) {
    throw userError('WRONG_ID_TYPE', field, `expected the ID of a ${typename}, got the ID of a ${decoded.typename}`);
  }
  return decoded.id;
}
