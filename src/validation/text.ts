/**
 * Text a PostgreSQL column can hold, one rule for every way text arrives (GraphQL arguments,
 * imported cells): PostgreSQL text holds no NUL, and a lone UTF-16 surrogate would reach it as
 * U+FFFD, a silent change of what was sent.
 */
export function textProblem(text: string): string | null {
  if (text.includes('\0')) return 'must not contain a NUL character (U+0000), which text cannot hold: remove it';
  if (/[\uD800-\uDFFF]/u.test(text))
    return 'must be valid Unicode (it holds half a surrogate pair, U+D800–U+DFFF alone): send the whole character';
  return null;
}
