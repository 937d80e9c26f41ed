/**
 * Refusals in the catalogue's words: made with a phrase (its English kept as `message` for logs,
 * scripts and the reload's audit), and rendered in the reader's language where a person reads them
 * (WriteRefused, an import's answer, /readyz). Zod's issues are named by their code, so the words are
 * ours in every language, not the library's English.
 */
import type { z } from 'zod';
import { phrase, type Phrase } from '../engines/message.js';
import { Refused, type Refusal, type RefusalCode } from '../validation/refusal.js';
import { CATALOGUES, messagesFor, type Messages } from './index.js';
import { renderPhrase } from './trace.js';

type Place = Pick<Refusal, 'row' | 'file' | 'clause'>;

export const refusal = (field: string, code: RefusalCode, wording: Phrase, place: Place = {}): Refusal => ({
  ...place,
  field,
  code,
  message: renderPhrase(wording, messagesFor('en')),
  phrase: wording,
});

/** One refusal, thrown. */
export const refuse = (field: string, code: RefusalCode, wording: Phrase) =>
  new Refused([refusal(field, code, wording)]);

/** A refusal as it travels to a person: its message in their language, without the phrase it came from. */
export function refusalIn({ phrase: wording, ...rest }: Refusal, messages: Messages): Omit<Refusal, 'phrase'> {
  return { ...rest, message: renderPhrase(wording, messages) };
}

/** A refusal as one line: file, row, field and clause where known, then the message (WriteRefused.message, the log). */
export const describeRefusal = (r: Refusal, messages: Messages = messagesFor('en')) =>
  messages.t('error.refusal.line', {
    file: r.file ?? 'null',
    row: r.row ?? 'null',
    field: r.file === undefined ? r.field || 'null' : r.field || messages.t('error.refusal.root'),
    clause: r.clause ?? 'null',
    message: renderPhrase(r.phrase, messages),
  });

/**
 * Words not in the catalogues yet, shown as written (English) in every language: the import stream's
 * cell readers and the policy files' checks (README, "Language").
 */
export const asWritten = (message: string) => phrase('error.text', { message });

/** Where a schema's own check says it: `ctx.addIssue({ code: 'custom', params: wordsOf(phrase) })`. */
export const wordsOf = (wording: Phrase) => ({ phrase: wording });

/**
 * A zod issue in the catalogue's words: a refinement's own phrase (`params: wordsOf(…)`), a check's
 * own message id (`.max(MAX_YUAN, 'error.zod.MAX_YUAN')`, given the limit), else one per issue code.
 */
export function issuePhrase(issue: z.core.$ZodIssue): Phrase {
  const limit = issue.code === 'too_small' ? issue.minimum : issue.code === 'too_big' ? issue.maximum : null;
  if (issue.message in CATALOGUES.en) return phrase(issue.message, limit === null ? {} : { limit: Number(limit) });
  switch (issue.code) {
    case 'custom': {
      const own = (issue.params as { phrase?: Phrase } | undefined)?.phrase;
      return own ?? phrase('error.zod.invalid');
    }
    case 'invalid_type':
      return phrase('error.zod.invalid_type', { expected: issue.expected });
    case 'too_small':
    case 'too_big':
      return phrase(`error.zod.${issue.code}`, {
        origin: issue.origin,
        limit: Number(limit),
        inclusive: issue.inclusive !== false,
      });
    case 'invalid_format':
      return phrase('error.zod.invalid_format', { format: issue.format });
    case 'invalid_value':
      return phrase('error.zod.invalid_value', { values: issue.values.map(String) });
    case 'unrecognized_keys':
      return phrase('error.zod.unrecognized_keys', { keys: issue.keys });
    default:
      return phrase('error.zod.invalid');
  }
}
