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
 * - a code people know by a name (a jurisdiction, a kind, a level, an incentive, an indicator) by
 *   that name in the reader's language, from the corpus the request holds, else as the code;
 * - a list under the name `x`: each item so, joined by the message `join.x`.
 */
export type MessageValue = string | number | boolean | null | Phrase | Named | readonly MessageValue[];

export type MessageValues = Readonly<Record<string, MessageValue>>;

/** A part of a message with its own: `id` is the catalogue's message id (`reason.MET`, `comparator.GT`). */
export interface Phrase {
  id: string;
  values: MessageValues;
}

/** A phrase of the catalogue with its values. */
export const phrase = (id: string, values: MessageValues = {}): Phrase => ({ id, values });

/** A phrase without values: a code the catalogue names (a comparator, a status, a recipient kind). */
export const term = (id: string): Phrase => ({ id, values: {} });

/** What a code names: its name is looked up in the corpus (src/i18n/names.ts). */
export type NameKind = 'jurisdiction' | 'kind' | 'level' | 'incentive' | 'indicator';

/** A code the reader knows by a name; `of` is what it is named within (a level's kind, an incentive's policy). */
export interface Named {
  named: NameKind;
  code: string;
  of?: string;
}

export const jurisdictionName = (code: string): Named => ({ named: 'jurisdiction', code });
export const kindName = (code: string): Named => ({ named: 'kind', code });
export const levelName = (kind: string, code: string): Named => ({ named: 'level', code, of: kind });
export const incentiveName = (policy: string, key: string): Named => ({ named: 'incentive', code: key, of: policy });
export const indicatorName = (code: string): Named => ({ named: 'indicator', code });

export const isNamed = (value: MessageValue): value is Named =>
  typeof value === 'object' && value !== null && 'named' in value;

/** A value as machines read it (`TraceStep.values`): every name as its code, so they stay as they were. */
export function codesOf(value: MessageValue): MessageValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v: MessageValue) => codesOf(v));
  if (isNamed(value)) return value.code;
  const { id, values } = value as Phrase;
  return { id, values: valuesCodes(values) };
}

export const valuesCodes = (values: MessageValues): MessageValues =>
  Object.fromEntries(Object.entries(values).map(([name, v]) => [name, codesOf(v)]));
