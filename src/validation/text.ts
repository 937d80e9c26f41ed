/**
 * Text a PostgreSQL column can hold, one rule for every way text arrives (GraphQL arguments,
 * imported cells): PostgreSQL text holds no NUL, and a lone UTF-16 surrogate would reach it as
 * U+FFFD, a silent change of what was sent.
 */
export type TextProblem = 'NUL' | 'SURROGATE';

/** What is wrong with the text, by code (its words: the catalogues' `error.textCheck.<code>`), or null. */
export function textProblem(text: string): TextProblem | null {
  if (text.includes('\0')) return 'NUL';
  if (/[\uD800-\uDFFF]/u.test(text)) return 'SURROGATE';
  return null;
}
