/**
 * How wide text shows. Chinese characters (and other East Asian wide or full-width forms) take a
 * full em, twice the width of a Latin letter or digit: a spreadsheet column counts them double, and
 * a chart laid out without a browser must not estimate them as narrow letters.
 */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;

export const isWide = (char: string) => WIDE.test(char);

/** Columns a spreadsheet needs for the text: two per wide character, one per other character. */
export function textColumns(text: string): number {
  let columns = 0;
  for (const char of text) columns += isWide(char) ? 2 : 1;
  return columns;
}
