import { describe, expect, it } from 'vitest';
import { formatMoney, parseMoney } from '../../src/format/money.js';

describe('money as the documents write it', () => {
  it('reads 万 and 元 into integer yuan', () => {
    expect(parseMoney('100万')).toBe(1_000_000);
    expect(parseMoney('1.5万')).toBe(15_000);
    expect(parseMoney('8万')).toBe(80_000);
    expect(parseMoney('3000元')).toBe(3000);
    expect(parseMoney('0.0001万')).toBe(1);
  });

  it('refuses what is not whole yuan or not an amount', () => {
    expect(parseMoney('0.00001万')).toBeNull();
    expect(parseMoney('12.5元')).toBeNull();
    expect(parseMoney('100')).toBeNull();
    expect(parseMoney('一百万')).toBeNull();
    expect(parseMoney('-5万')).toBeNull();
  });

  it('writes yuan back the document way', () => {
    expect(formatMoney(1_000_000)).toBe('100万');
    expect(formatMoney(15_000)).toBe('1.5万');
    expect(formatMoney(80_000)).toBe('8万');
    expect(formatMoney(3000)).toBe('3000元');
    expect(formatMoney(20_000_000)).toBe('2000万');
  });
});
