/** Text that a spreadsheet would run as a formula, for the tests of issue 15, item 9. */
import fc from 'fast-check';

/** What OWASP lists (= + - @ tab, carriage return), and the full-width forms NFKC turns into them. */
export const FORMULA_PREFIXES = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

export const startsSafely = (text: string) => !FORMULA_PREFIXES.some((prefix) => text.startsWith(prefix));

/** Random text after one of the prefixes. */
export const formulaText = (rest: fc.Arbitrary<string> = fc.string({ unit: 'grapheme', maxLength: 30 })) =>
  fc.tuple(fc.constantFrom(...FORMULA_PREFIXES), rest).map(([prefix, text]) => prefix + text);
