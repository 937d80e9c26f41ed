/**
 * What the engines say, as data: a stable code and the values its message reads, never prose. The
 * words live in the message catalogues (src/i18n), which the engines do not import, so one trace
 * reads in Chinese or in English and a stored trace can be read again in either.
 *
 * How src/i18n/trace.ts renders a value:
 * - a number whose name ends in `Yuan` is integer yuan, written as money in the reader's language;
 *   other numbers and strings (ISO days, codes, keys, a document's own words) as they are;
 * - null and booleans as the words `null`, `true`, `false`, for the catalogue's `select`;
 * - a phrase through its own message (`comparator.GT`, `reason.MET`), its values rendered so;
 * - a list under the name `x`: each item so, joined by the message `join.x`.
 */
export type MessageValue = string | number | boolean | null | Phrase | readonly MessageValue[];

export type MessageValues = Readonly<Record<string, MessageValue>>;

/** A part of a message with its own: `id` is the catalogue's message id (`reason.MET`, `comparator.GT`). */
export interface Phrase {
  id: string;
  values: MessageValues;
}

/** A phrase without values: a code the catalogue names (a comparator, a status, a recipient kind). */
export const term = (id: string): Phrase => ({ id, values: {} });
