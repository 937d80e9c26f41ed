/**
 * One YAML style in the policy files and in the format guide's example (issue 17 item 5): each is
 * already in it, and restyling any document keeps what it says and is stable.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, parseDocument, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { guideExamples, policyStyle } from '../../src/corpus/style.js';

const files = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.yaml'));

describe('the policy YAML style', () => {
  it.each(files)('%s is written in it', (file) => {
    const text = readFileSync(join(CORPUS_DIR, file), 'utf8');
    expect(policyStyle(text)).toBe(text);
  });

  it('holds for the guide’s examples, which show the quoting the files use', () => {
    const examples = guideExamples(readFileSync(join(CORPUS_DIR, 'README.md'), 'utf8'));
    // A policy file, a dated value, a dated target figure and an amending document.
    expect(examples).toHaveLength(4);
    for (const each of examples) expect(policyStyle(each)).toBe(each);
    const [example] = examples;
    expect(example).toContain('quote: "对获得中国质量奖、质量奖提名类的企业(组织),一次性给予100万元、30万元奖励"');
    expect(example).toContain('recipients: [ENTERPRISE, ORGANIZATION]');
    expect(example).toContain('tiers: [{ level: WINNER, amount: 100万 }, { level: NOMINATION, amount: 30万 }]');
  });

  it('orders keys as the format declares them and quotes only text', () => {
    const styled = policyStyle(
      [
        'incentives:',
        "- {note: 'read so', rule: {'kind': FIXED, amount: '5万'}, quote: 对…给予5万元, key: k, clause: '一'}",
        "- recipients: [ 'ENTERPRISE' ]",
        '  key: j',
        '',
      ].join('\n'),
    );
    expect(styled).toBe(
      [
        'incentives:',
        '  - { key: k, clause: "一", quote: "对…给予5万元", rule: { kind: FIXED, amount: 5万 }, note: "read so" }',
        '  - key: j',
        '    recipients: [ENTERPRISE]',
        '',
      ].join('\n'),
    );
  });

  // Text with what YAML reads specially: quotes of both kinds, `: `, ` #`, brackets, commas, number-like words.
  const text = fc.stringMatching(/^[a-z0-9 :#,'"[\]{}\-.()万一二]{0,24}$/);
  const record = fc.record(
    {
      key: fc.stringMatching(/^[a-z]{1,8}$/),
      clause: text,
      quote: text,
      levels: fc.array(fc.constantFrom('NATIONAL', 'PROVINCIAL', '1.', 'yes'), { maxLength: 3 }),
      rule: fc.record({ kind: fc.constantFrom('FIXED', 'TIERED'), amount: text }),
      note: text,
    },
    { requiredKeys: ['key'] },
  );
  it('keeps what any document says and is stable (generated documents in any style)', () => {
    fc.assert(
      fc.property(
        fc.record({ notes: fc.array(text, { maxLength: 3 }), incentives: fc.array(record, { maxLength: 4 }) }),
        fc.record({
          singleQuote: fc.boolean(),
          flowCollectionPadding: fc.boolean(),
          indentSeq: fc.boolean(),
          collectionStyle: fc.constantFrom('any', 'block', 'flow') as fc.Arbitrary<'any' | 'block' | 'flow'>,
        }),
        (document, options) => {
          const written = stringify(document, { ...options, lineWidth: 0 });
          // The library writes an empty list it cannot read back in one of these styles.
          fc.pre(parseDocument(written).errors.length === 0);
          const styled = policyStyle(written);
          expect(parse(styled)).toEqual(parse(written));
          expect(policyStyle(styled)).toBe(styled);
        },
      ),
      { seed: 17, numRuns: 300 },
    );
  });
});
