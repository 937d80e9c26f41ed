/**
 * Messages for people, one ICU MessageFormat catalogue per language (@formatjs/intl). Code asks for
 * a message by id; the catalogues hold the wording. A missing message or value throws: a text
 * silently falling back to its id would reach an officer.
 */
import { createIntl, createIntlCache, type IntlShape } from '@formatjs/intl';
import type { Named } from '../engines/message.js';
import { formatMoney, formatMoneyZh } from '../format/money.js';
import type { Names } from './names.js';
import en from './en.js';
import zhCN from './zh-CN.js';

export const CATALOGUES = { 'zh-CN': zhCN, en } as const;
export type Locale = keyof typeof CATALOGUES;
export type MessageId = keyof typeof zhCN;
export type MessageValues = Record<string, string | number>;

export interface Messages {
  locale: Locale;
  t(id: MessageId, values?: MessageValues): string;
  /** Integer yuan as this language writes money: 100万元 and 1,234,567元 in Chinese; 100万 as the documents do in English. */
  money(yuan: number): string;
  /** A code's name in this language (src/i18n/names.ts), the code itself where none is known. */
  name(value: Named): string;
}

const MONEY: Record<Locale, (yuan: number) => string> = { 'zh-CN': formatMoneyZh, en: formatMoney };

/**
 * The language a request asks for in `Accept-Language` (`accepts` is Express's req.acceptsLanguages,
 * the negotiator under it: q-values, wildcards): Chinese of any region or script reads zh-CN, the one
 * Chinese catalogue (documents quoted keep their own script); anything else, or no header, English.
 */
export function negotiateLocale(accepts: (...languages: string[]) => string | false): Locale {
  const chosen = accepts('en', 'zh-CN', 'zh');
  return chosen === 'zh-CN' || chosen === 'zh' ? 'zh-CN' : 'en';
}

const cache = createIntlCache();
const made = new Map<Locale, Messages>();

export function messagesFor(locale: Locale = 'zh-CN'): Messages {
  let messages = made.get(locale);
  if (!messages) {
    const intl: IntlShape<string> = createIntl(
      {
        locale,
        messages: CATALOGUES[locale],
        onError: (error) => {
          throw error;
        },
      },
      cache,
    );
    messages = {
      locale,
      t: (id, values) => intl.formatMessage({ id }, values, { ignoreTag: true }),
      money: MONEY[locale],
      name: (value) => value.code,
    };
    made.set(locale, messages);
  }
  return messages;
}

/** These messages writing names where codes stand, from these names. */
export const withNames = (messages: Messages, names: Names): Messages => ({
  ...messages,
  name: (value) => names.of(value, messages.locale) || value.code,
});
