/**
 * One refusal, whatever refused it (a write, an import, a batch of observations, a policy file) and
 * however it travels (a GraphQL payload, an import's JSON line, /readyz, a script's output): the
 * field at fault, a code a client can branch on, what to change, and where the input has rows or
 * files, which row or file. Its words are a catalogue phrase (src/i18n/refusal.ts makes refusals and
 * renders them in the reader's language); this module imports only that phrase's type.
 */
import type { Phrase } from '../engines/message.js';

/** Every code a refusal can carry, with what it means; the schema's RefusalCode enum is this list. */
export const REFUSAL_CODES = {
  INVALID_ARGUMENT: 'The value is not one the field takes: its type, format, length or a required value.',
  NOT_FOUND: 'The value names nothing that exists, or nothing you may see.',
  DUPLICATE: 'The value is already taken, or given twice.',
  RETIRED: 'The object was retired: it can no longer change (a retired policy is no longer evaluated either).',
  REVOKED: 'The API key was revoked already.',
  IDEMPOTENCY_KEY_REUSED: 'The idempotency key was used for another request.',
  TOO_MANY_EXPORTS: 'Too many of your exports are queued or running.',
  FORBIDDEN: 'Outside the jurisdictions your key may write in.',
  TOO_LARGE: 'A field, row or batch holds more than an import reads.',
  NOT_UTF8: 'The bytes are not UTF-8 text.',
  NOT_YAML: 'A policy file is not valid YAML.',
  INVALID_FORMAT: 'A policy file does not follow the format (policies/README.md): a field, a date, a window.',
  INVALID_REFERENCE: 'A policy file names a clause, code or key that does not exist, or one taken.',
  UNFAITHFUL:
    'A policy file does not say what its source document says: a quote not verbatim, an amount in a quote the rule citing it disagrees with, or a version whose terms its own quote contradicts (高于 encoded at least, 首个 without FIRST, who pays).',
  AMENDMENT_REFUSED:
    'An amending policy file was refused: the policy it amends (`policy`) is served without this amendment until the file is fixed.',
} as const;
export type RefusalCode = keyof typeof REFUSAL_CODES;

// A type, not an interface: policy refusals are stored as JSON in the reload's audit entry.
export type Refusal = {
  /** The row of a batch, counted from 1 (a file's first data row, or input[0]); a CSV's header is row 0. */
  row?: number;
  /** What is at fault: an input path (input.creditCode), a column, or a dotted path in a policy file ("" for all of it). */
  field: string;
  code: RefusalCode;
  /** What was wrong, and what to change: `phrase` in English, for logs, scripts and the reload's audit. */
  message: string;
  /** The same in the catalogue's terms, rendered in the reader's language where a person reads it. */
  phrase: Phrase;
  /** The policy file at fault, e.g. "000-taizhou-2017.yaml". */
  file?: string;
  /** The clause the item at fault cites, e.g. "二/(一)"; null when it cites none. */
  clause?: string | null;
  /** For AMENDMENT_REFUSED: the key of the policy served without the amendment. */
  policy?: string;
};

/** A refusal of a row of a batch (an import's, or a batch of observations): the row is always named. */
export type RowRefusal = Refusal & { row: number };

/** Refused input: nothing of it was stored. Carries every refusal found, never only the first. */
export class Refused extends Error {
  constructor(readonly refusals: Refusal[]) {
    super(refusals.map((r) => r.message).join('; '));
  }
  /** The code of the first refusal. */
  get code(): RefusalCode {
    return this.refusals[0]!.code;
  }
}
