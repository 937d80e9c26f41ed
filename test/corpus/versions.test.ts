/**
 * Amending documents are read and checked like any policy file (issue 19 item 2): what they amend
 * must exist, their quotes stand in their own source and their figures agree with them; a broken one
 * is refused, placed, and the policy it would amend stands unamended.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyInputsOf } from '../../src/corpus/engine-input.js';
import { CORPUS_DIR, SEEDS_DIR } from '../../src/corpus/paths.js';
import { readPolicies } from '../../src/corpus/read.js';

const FIXTURE = new URL('../fixtures/amendments/', import.meta.url).pathname;
const NOTICE = '900-taizhou-2019-adjustment.yaml';
const TAIZHOU = '000-taizhou-2017.yaml';

describe('amending documents in the corpus', () => {
  let dir: string;
  let seeds: string;
  const notice = readFileSync(join(FIXTURE, NOTICE), 'utf8');
  // Refusals as read, their catalogue phrase apart (test/i18n renders every phrase).
  const read = () => {
    const { refused, ...rest } = readPolicies(dir, { seedsDir: seeds });
    return { ...rest, refused: refused.map(({ phrase: _phrase, ...refusal }) => refusal) };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'policygraph-amending-'));
    seeds = mkdtempSync(join(tmpdir(), 'policygraph-amending-seeds-'));
    cpSync(CORPUS_DIR, dir, { recursive: true });
    cpSync(SEEDS_DIR, seeds, { recursive: true });
    cpSync(join(FIXTURE, 'seeds'), seeds, { recursive: true });
  });
  afterAll(() => [dir, seeds].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('reads the notice and gives the policy it amends one version a day, citing it', () => {
    writeFileSync(join(dir, NOTICE), notice);
    const { corpus, refused } = read();
    expect(refused).toEqual([]);
    const taizhou = policyInputsOf(corpus.policies).find((p) => p.key === 'taizhou-2017-quality')!;
    expect(taizhou.versions.map((v) => [v.from, v.fund?.amountYuan, v.madeBy.map((c) => c.clausePath)])).toEqual([
      ['2019-01-01', 30_000_000, ['二']],
    ]);
    const award = taizhou.incentives.find((i) => i.key === 'china-quality-award')!;
    expect(award.versions.map((v) => [v.from, v.rule])).toEqual([
      [
        '2019-01-01',
        {
          kind: 'TIERED',
          tiers: [
            { level: 'WINNER', amount: 2_000_000 },
            { level: 'NOMINATION', amount: 300_000 },
          ],
        },
      ],
    ]);
  });

  /** The refused notice's problems; its amendments of 000 are named apart (AMENDMENT_REFUSED, below). */
  const refusedFor = (text: string) => {
    writeFileSync(join(dir, NOTICE), text);
    const { corpus, refused } = read();
    // The amended policy stands, unamended.
    const taizhou = policyInputsOf(corpus.policies).find((p) => p.key === 'taizhou-2017-quality')!;
    expect(taizhou.versions).toEqual([]);
    const unapplied = refused.filter((r) => r.code === 'AMENDMENT_REFUSED');
    expect(unapplied.every((r) => r.file === NOTICE && r.policy === 'taizhou-2017-quality')).toBe(true);
    return refused.filter((r) => r.code !== 'AMENDMENT_REFUSED');
  };

  it('names each amendment of a refused notice, and the policy served without it, however the notice is broken', () => {
    const breakages: Array<[string, string]> = [
      ['{ level: WINNER, amount: 200万 }', '{ level: WINNER, amount: 300万 }'], // UNFAITHFUL
      ['from: 2020-01-01', 'from: 2020-13-01'], // INVALID_FORMAT
      ['clause: "三"', 'clause: "九"'], // INVALID_REFERENCE
      ['incentive: municipal-quality-award', 'incentive: no-such-award'], // INVALID_REFERENCE
      ['withdrawn: true', 'withdrawn: false'], // INVALID_FORMAT
      ['  rule: ADDITIVE', '  rule: SOMETIMES'], // INVALID_FORMAT
    ];
    fc.assert(
      fc.property(fc.subarray(breakages, { minLength: 1 }), (chosen) => {
        const broken = chosen.reduce((text, [from, to]) => text.replace(from, to), notice);
        writeFileSync(join(dir, NOTICE), broken);
        const { corpus, refused } = read();
        expect(refused.filter((r) => r.code !== 'AMENDMENT_REFUSED').length).toBeGreaterThan(0);
        expect(
          refused.filter((r) => r.code === 'AMENDMENT_REFUSED').map((r) => [r.file, r.field, r.clause, r.policy]),
        ).toEqual([
          [NOTICE, 'amends.0', '一', 'taizhou-2017-quality'],
          [NOTICE, 'amends.1', '二', 'taizhou-2017-quality'],
          [NOTICE, 'amends.2', chosen.some(([from]) => from === 'clause: "三"') ? '九' : '三', 'taizhou-2017-quality'],
        ]);
        expect(corpus.policies.map((p) => p.key)).toContain('taizhou-2017-quality');
      }),
      { seed: 20261202, numRuns: 12 },
    );
  });

  it('refuses an amendment of an incentive the policy does not have, placed at the amendment', () => {
    expect(refusedFor(notice.replace('incentive: china-quality-award', 'incentive: china-quality-prize'))).toEqual([
      {
        file: NOTICE,
        field: 'amends.0',
        clause: '一',
        code: 'INVALID_REFERENCE',
        message: 'amendment of taizhou-2017-quality: taizhou-2017-quality has no incentive "china-quality-prize"',
      },
    ]);
  });

  it('refuses an amendment whose figure disagrees with its quote (300万 where it says 200万)', () => {
    expect(refusedFor(notice.replace('amount: 200万', 'amount: 300万'))).toEqual([
      {
        file: NOTICE,
        field: 'amends.0',
        clause: '一',
        code: 'UNFAITHFUL',
        message: expect.stringMatching(
          /^"200万元" in ….*\(quoted by amendment of taizhou-2017-quality china-quality-award from 2019-01-01 \[一\], which do not encode it\)$/,
        ),
      },
    ]);
  });

  it('refuses an amendment of a policy that is not loaded, and one that sets a policy term on an incentive', () => {
    expect(
      refusedFor(notice.replaceAll('policy: taizhou-2017-quality', 'policy: taizhou-2016-quality')),
    ).toContainEqual({
      file: NOTICE,
      field: 'amends.0',
      clause: '一',
      code: 'INVALID_REFERENCE',
      message:
        'amendment of taizhou-2016-quality: no policy "taizhou-2016-quality" is loaded to amend (its key, as its file gives it)',
    });
    const fundOnIncentive = notice.replace(
      '    rule: { kind: TIERED, tiers: [{ level: WINNER, amount: 200万 }, { level: NOMINATION, amount: 30万 }] }',
      '    fund: { amount: 200万, period: YEAR }',
    );
    expect(refusedFor(fundOnIncentive)).toEqual([
      {
        file: NOTICE,
        field: 'amends.0.fund',
        clause: '一',
        code: 'INVALID_FORMAT',
        message: 'fund is not a term of an incentive: write it in an amendment without "incentive" or "target"',
      },
      {
        file: NOTICE,
        field: 'amends.0',
        clause: '一',
        code: 'INVALID_FORMAT',
        message: 'a change either withdraws (withdrawn: true, nothing else) or sets at least one term',
      },
    ]);
  });

  it("refuses a document's own versions out of order, and takes an amending file out with the policy it amends", () => {
    writeFileSync(join(dir, NOTICE), notice);
    const taizhou = readFileSync(join(CORPUS_DIR, TAIZHOU), 'utf8');
    const dated = taizhou.replace(
      'supersession:',
      [
        'versions:',
        '  - { from: 2019-01-01, clause: "五/(二十六)", quote: "市级财政设立2000万元的", fund: { amount: 2000万, period: YEAR } }',
        '  - { from: 2018-01-01, clause: "五/(二十六)", quote: "市级财政设立2000万元的", fund: { amount: 2000万, period: YEAR } }',
        'supersession:',
      ].join('\n'),
    );
    writeFileSync(join(dir, TAIZHOU), dated);
    const { refused } = read();
    writeFileSync(join(dir, TAIZHOU), taizhou);
    expect(refused).toEqual([
      {
        file: TAIZHOU,
        field: 'versions.1',
        clause: '五/(二十六)',
        code: 'INVALID_REFERENCE',
        message:
          'version from 2018-01-01: versions are listed oldest first, one a day: 2018-01-01 is not after 2019-01-01',
      },
      {
        file: NOTICE,
        field: 'amends.0',
        clause: '一',
        code: 'INVALID_REFERENCE',
        message:
          'amendment of taizhou-2017-quality: no policy "taizhou-2017-quality" is loaded to amend (its key, as its file gives it)',
      },
      expect.objectContaining({ file: NOTICE, field: 'amends.1' }),
      expect.objectContaining({ file: NOTICE, field: 'amends.2' }),
    ]);
  });
});
