/**
 * The message catalogues (src/i18n): every id in both languages, with the same arguments, and every
 * message formats in both with those arguments.
 */
import { createIntl } from '@formatjs/intl';
import { describe, expect, it } from 'vitest';
import { CATALOGUES, messagesFor, type Locale, type MessageId } from '../../src/i18n/index.js';

interface Element {
  type: number;
  value?: unknown;
  options?: Record<string, { value: Element[] }>;
}
const parser = createIntl({ locale: 'en', messages: {} }).formatters;

/** The arguments a message names, in its branches too ({name}, {name, select, …}, {name, plural, …}), from its syntax tree. */
function argumentsOf(message: string): string[] {
  const names = new Set<string>();
  const walk = (elements: Element[]) => {
    for (const e of elements) {
      // 1–6: an argument, a number, a date, a time, a select, a plural
      if (e.type >= 1 && e.type <= 6 && typeof e.value === 'string') names.add(e.value);
      for (const option of Object.values(e.options ?? {})) walk(option.value);
    }
  };
  walk(parser.getMessageFormat(message, 'en').getAst() as Element[]);
  return [...names].sort();
}

describe('message catalogues', () => {
  const locales = Object.keys(CATALOGUES) as Locale[];

  it('holds every id in every language', () => {
    const ids = locales.map((l) => Object.keys(CATALOGUES[l]).sort());
    for (const [i, locale] of locales.entries()) expect(ids[i], `ids of ${locale} against zh-CN`).toEqual(ids[0]);
    expect(ids[0]!.length).toBeGreaterThan(50);
  });

  it('gives each message the same arguments in every language, and formats it', () => {
    for (const id of Object.keys(CATALOGUES['zh-CN']) as MessageId[]) {
      const args = argumentsOf(CATALOGUES['zh-CN'][id]);
      for (const locale of locales) {
        expect(argumentsOf(CATALOGUES[locale][id]), `${locale} ${id}`).toEqual(args);
        const text = messagesFor(locale).t(id, Object.fromEntries(args.map((a) => [a, 2])));
        expect(text, `${locale} ${id}`).not.toMatch(/[{}]/);
      }
    }
  });

  it('formats plurals and values as each language writes them', () => {
    expect(messagesFor('zh-CN').t('chart.districts.subtitle', { asOf: '2019-12-31', behind: 1 })).toBe(
      '落后：1 个辖区 · 截至 2019-12-31',
    );
    expect(messagesFor('en').t('chart.districts.subtitle', { asOf: '2019-12-31', behind: 0 })).toBe(
      'behind: none · as of 2019-12-31',
    );
    expect(() => messagesFor('zh-CN').t('chart.title', { indicator: 'x' })).toThrow();
  });
});
