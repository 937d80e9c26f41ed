/**
 * Generated broken files (issue 19 item 3): any date that is not a calendar day, and any reward whose
 * figure disagrees with its quote, refuses that one file, placed, and leaves the other four standing.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amountsIn, checkFaithfulness } from '../../src/corpus/faithfulness.js';
import { policyFileDef } from '../../src/format/policy.js';
import { CORPUS_DIR, SEEDS_DIR } from '../../src/corpus/paths.js';
import { readPolicies } from '../../src/corpus/read.js';
import { messagesFor } from '../../src/i18n/index.js';
import { refusalIn } from '../../src/i18n/refusal.js';

const TAIZHOU = '000-taizhou-2017.yaml';
const LOUDI = '001-loudi-2017.yaml';
const OTHERS = ['quanzhou-2019-quality', 'xx-2022-product-quality', 'foshan-2017-industrial-quality'];

/** Y-M-D with month 1..15 and day 1..35, kept only where it names no calendar day. */
const notADay = fc
  .record({
    y: fc.integer({ min: 1990, max: 2100 }),
    m: fc.integer({ min: 1, max: 15 }),
    d: fc.integer({ min: 1, max: 35 }),
  })
  .filter(({ y, m, d }) => new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d || m > 12)
  .map(({ y, m, d }) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);

describe('generated broken policy files', () => {
  let dir: string;
  const original = (file: string) => readFileSync(join(CORPUS_DIR, file), 'utf8');
  const read = () => readPolicies(dir, { seedsDir: SEEDS_DIR });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'policygraph-generated-'));
    cpSync(CORPUS_DIR, dir, { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses any date that is not a calendar day, naming the file and the field', () => {
    fc.assert(
      fc.property(notADay, fc.constantFrom('effectiveFrom', 'issuedOn'), (date, field) => {
        writeFileSync(
          join(dir, LOUDI),
          original(LOUDI).replace(new RegExp(`^${field}: .*$`, 'm'), `${field}: ${date}`),
        );
        const { corpus, refused } = read();
        expect(refused).toEqual([
          expect.objectContaining({ file: LOUDI, field, code: 'INVALID_FORMAT', clause: null }),
        ]);
        expect(corpus.policies.map((p) => p.key)).toEqual(['taizhou-2017-quality', ...OTHERS]);
      }),
      { seed: 19_3, numRuns: 15 },
    );
    writeFileSync(join(dir, LOUDI), original(LOUDI));
  });

  it('says why a file is refused in Chinese and in English: a broken reference, the same code and field (generated)', () => {
    const breaks = {
      kind: [
        /achievement: CHINA_QUALITY_AWARD/,
        'achievement: NO_SUCH_AWARD',
        '未知的成果类型“NO_SUCH_AWARD”',
        'unknown achievement kind "NO_SUCH_AWARD"',
      ],
      jurisdiction: [
        /^appliesTo: \[zj-taizhou-jiaojiang,/m,
        'appliesTo: [zj-nowhere,',
        'appliesTo：未知的辖区代码“zj-nowhere”',
        'appliesTo: unknown jurisdiction "zj-nowhere"',
      ],
      level: [
        /level: NOMINATION, amount: 30万/,
        'level: RUNNER_UP, amount: 30万',
        'CHINA_QUALITY_AWARD 没有级别“RUNNER_UP”',
        'CHINA_QUALITY_AWARD has no level "RUNNER_UP"',
      ],
    } as const;
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(breaks) as Array<keyof typeof breaks>)), (which) => {
        const [pattern, replacement, zh, en] = breaks[which];
        writeFileSync(join(dir, TAIZHOU), original(TAIZHOU).replace(pattern, replacement));
        const { refused } = read();
        expect(refused.length, which).toBeGreaterThan(0);
        const [inZh, inEn] = (['zh-CN', 'en'] as const).map((l) => refused.map((r) => refusalIn(r, messagesFor(l))));
        expect(inZh.map(({ message: _m, ...r }) => r)).toEqual(inEn.map(({ message: _m, ...r }) => r));
        expect(inZh.map((r) => r.message).join('\n'), which).toContain(zh);
        expect(inEn.map((r) => r.message).join('\n'), which).toContain(en);
        expect(inZh.every((r) => r.code === 'INVALID_REFERENCE')).toBe(true);
      }),
      { seed: 22_2, numRuns: 6 },
    );
    writeFileSync(join(dir, TAIZHOU), original(TAIZHOU));
  });

  it('refuses a FIXED reward whose figure disagrees with its quote, at that incentive and clause', () => {
    const raw = parse(original(TAIZHOU)) as { incentives: Array<{ rule: { kind: string; amount?: string } }> };
    const policy = policyFileDef.parse(raw);
    const seed = readFileSync(join(SEEDS_DIR, policy.source), 'utf8');
    // The FIXED rewards the check can catch: those whose quote no other item encodes the figure of.
    const caught = policy.incentives.flatMap((incentive, index) => {
      if (incentive.rule.kind !== 'FIXED') return [];
      const mutated = structuredClone(policy);
      mutated.incentives[index]!.rule = { kind: 'FIXED', amount: 987_654_321 };
      const found = checkFaithfulness(mutated, seed).unexplainedAmounts;
      return found.some((f) => f.path === `incentives.${index}`) ? [index] : [];
    });
    expect(caught.length).toBeGreaterThan(10);
    fc.assert(
      fc.property(fc.constantFrom(...caught), fc.integer({ min: 1, max: 5000 }), (index, wan) => {
        const incentive = policy.incentives[index]!;
        fc.pre(!amountsIn(incentive.quote).some((a) => a.value === wan * 10_000));
        const mutated = structuredClone(raw);
        mutated.incentives[index]!.rule.amount = `${wan}万`;
        writeFileSync(join(dir, TAIZHOU), stringify(mutated));
        const { corpus, refused } = read();
        expect(refused.length).toBeGreaterThan(0);
        expect(refused).toContainEqual(
          expect.objectContaining({
            file: TAIZHOU,
            field: `incentives.${index}`,
            clause: incentive.clause,
            code: 'UNFAITHFUL',
          }),
        );
        expect(refused.every((r) => r.file === TAIZHOU)).toBe(true);
        expect(corpus.policies.map((p) => p.key)).toEqual(['loudi-2017-quality', ...OTHERS]);
      }),
      { seed: 19_3, numRuns: 20 },
    );
    writeFileSync(join(dir, TAIZHOU), original(TAIZHOU));
  });
});
