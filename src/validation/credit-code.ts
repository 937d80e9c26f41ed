/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet (no I, O, S, V, Z):
 * registration authority, organisation category, 6-digit administrative division, the 9-character
 * organisation code (GB 11714, with its own check character) and a final check character.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]; // 3^i mod 31
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const SHAPE = /^[1-9ANY][1-9]\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The check character an 18-character code must end with, from its first 17. */
export function creditCodeCheckCharacter(first17: string): string {
  const sum = [...first17].reduce((s, c, i) => s + ALPHABET.indexOf(c) * WEIGHTS[i]!, 0);
  return ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** GB 11714's check character of the 8-character organisation code body. */
function organisationCheckCharacter(body: string): string {
  const value = (c: string) => (/\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55); // A = 10 … Z = 35
  const check = 11 - ([...body].reduce((s, c, i) => s + value(c) * ORG_WEIGHTS[i]!, 0) % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/**
 * A valid code from its first eight characters (authority, category, division) and the eight-
 * character organisation code body: both check characters computed. For synthetic data and tests.
 */
export function composeCreditCode(head: string, organisationBody: string): string {
  const first17 = `${head}${organisationBody}${organisationCheckCharacter(organisationBody)}`;
  return `${first17}${creditCodeCheckCharacter(first17)}`;
}

/** Null when valid, else why not (in words an agency officer can act on). */
export function creditCodeProblem(code: string): string | null {
  if (code.length !== 18) return `has ${code.length} characters, not 18`;
  if (!SHAPE.test(code))
    return 'has a character outside GB 32100 (digits and capitals other than I, O, S, V, Z) or a wrong prefix';
  const expected = creditCodeCheckCharacter(code.slice(0, 17));
  if (code[17] !== expected) return `ends in ${code[17]}, but its check character is ${expected}`;
  const organisation = code.slice(8, 17);
  if (organisation[8] !== organisationCheckCharacter(organisation.slice(0, 8)))
    return `its organisation code ${organisation} has a wrong check character (GB 11714)`;
  return null;
}
