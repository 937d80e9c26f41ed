/**
 * Messages for people, one ICU MessageFormat catalogue per language (@formatjs/intl). Code asks for
 * a message by id; the catalogues hold the wording. A missing message or value throws: a text
 * silently falling back to its id would reach an officer.
 */
import { createIntl, createIntlCache, type IntlShape } from '@formatjs/intl';
import { formatMoney, formatMoneyZh } from '../format/money.js';
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
}

const MONEY: Record<Locale, (yuan: number) => string> = { 'zh-CN': formatMoneyZh, en: formatMoney };

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
    messages = { locale, t: (id, values) => intl.formatMessage({ id }, values), money: MONEY[locale] };
    made.set(locale, messages);
  }
  return messages;
}
