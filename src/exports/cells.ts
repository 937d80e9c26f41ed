/**
 * Text cells a spreadsheet would run as a formula (OWASP, "CSV Injection"): one that begins with
 * `=`, `+`, `-`, `@`, a tab or a carriage return gets a single quote in front, which Excel,
 * LibreOffice and Google Sheets read as "this is text". `=HYPERLINK("http://…","点击查看")` as an
 * enterprise's name is then shown, not followed. The full-width forms (＝ ＋ － ＠) are neutralised
 * too, beyond OWASP's list: as written they are not formulas, but compatibility normalisation (NFKC),
 * which some import tools apply, turns them into the ASCII ones, and no name or clause begins with
 * one. Numbers are cells of their own type and are left alone (a negative amount stays a number).
 */
import { stringify } from 'csv-stringify/sync';

const FORMULA_START = /^[=+\-@\t\r＝＋－＠]/;

/** The text as a spreadsheet should show it: unchanged unless it would begin a formula. */
export const neutralised = (text: string) => (FORMULA_START.test(text) ? `'${text}` : text);

/** Rows as CSV text, every text cell neutralised: exports and the report scripts write CSV through this. */
export const csvOf = (rows: unknown[][]) => stringify(rows, { cast: { string: neutralised } });
