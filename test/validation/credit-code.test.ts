import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeCreditCode, creditCodeCheckCharacter, creditCodeProblem } from '../../src/validation/credit-code.js';

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it.each(['91350100M000100Y43', '91110000600037341L', '91310000717866186P'])('accepts %s', (code) => {
    expect(creditCodeProblem(code)).toBeNull();
  });

  it.each([
    ['91350100M000100Y44', 'ends in 4, but its check character is 3'],
    ['91350100M000100Y4', 'has 17 characters, not 18'],
    [
      '91350100M0001O0Y43',
      'has a character outside GB 32100 (digits and capitals other than I, O, S, V, Z) or a wrong prefix',
    ],
    [
      '01350100M000100Y43',
      'has a character outside GB 32100 (digits and capitals other than I, O, S, V, Z) or a wrong prefix',
    ],
  ])('refuses %s: %s', (code, problem) => {
    expect(creditCodeProblem(code)).toBe(problem);
  });

  it('composes the published codes from their heads and organisation bodies', () => {
    expect(composeCreditCode('91350100', 'M000100Y')).toBe('91350100M000100Y43');
    expect(composeCreditCode('91110000', '60003734')).toBe('91110000600037341L');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), (n) => {
        expect(creditCodeProblem(composeCreditCode('91330000', String(n).padStart(8, '0')))).toBeNull();
      }),
    );
  });

  it('refuses every single-character change of a valid code', () => {
    const valid = '91110000600037341L';
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 17 }), fc.constantFrom(...'0123456789ABCDEFGHJKLMNPQRTUWXY'), (at, c) => {
        fc.pre(valid[at] !== c);
        expect(creditCodeProblem(valid.slice(0, at) + c + valid.slice(at + 1))).not.toBeNull();
      }),
    );
  });

  it('computes the check character from the first 17', () => {
    expect(creditCodeCheckCharacter('91350100M000100Y4')).toBe('3');
  });
});
