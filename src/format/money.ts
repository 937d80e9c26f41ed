/**
 * Money is integer yuan everywhere. Amounts are read the way the documents write them
 * ("100万", "1.5万", "3000元") with string arithmetic, so no float ever touches a sum.
 */
const MONEY = /^(\d+)(?:\.(\d+))?(万|元)$/;

export function parseMoney(text: string): number | null {
  const match = MONEY.exec(text.trim());
  if (!match) return null;
  const [, whole, fraction = '', unit] = match;
  const scale = unit === '万' ? 4 : 0;
  if (fraction.length > scale) return null; // would not be whole yuan
  const yuan = Number(whole + fraction.padEnd(scale, '0'));
  return Number.isSafeInteger(yuan) ? yuan : null;
}

/** The document's way of writing an amount: 1000000 → "100万", 15000 → "1.5万", 3000 → "3000元". */
export function formatMoney(yuan: number): string {
  if (yuan >= 10000) {
    const whole = Math.floor(yuan / 10000);
    const rest = String(yuan % 10000)
      .padStart(4, '0')
      .replace(/0+$/, '');
    return rest ? `${whole}.${rest}万` : `${whole}万`;
  }
  return `${yuan}元`;
}

const grouped = new Intl.NumberFormat('en-US');

/**
 * Money as Chinese readers write it: whole or near-whole 万 as 万元 (100万元, 1.5万元, 123.45万元),
 * any other sum in yuan with thousands separators (1,234,567元, 3000元).
 */
export function formatMoneyZh(yuan: number): string {
  if (yuan >= 10000 && yuan % 100 === 0) return `${formatMoney(yuan)}元`;
  return `${yuan >= 10000 ? grouped.format(yuan) : yuan}元`;
}
