import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFaithfulness } from '../../src/corpus/faithfulness.js';
import { CORPUS_DIR, SEEDS_DIR } from '../../src/corpus/paths.js';
import { readCorpus } from '../../src/corpus/read.js';

const corpus = readCorpus(CORPUS_DIR);
const policy = (key: string) => structuredClone(corpus.policies.find((p) => p.key === key)!);
const seedOf = (key: string) => readFileSync(join(SEEDS_DIR, policy(key).source), 'utf8');

describe('faithfulness to the seed documents', () => {
  it.each(corpus.policies.map((p) => [p.key]))('%s says what its seed says', (key) => {
    const report = checkFaithfulness(policy(key), seedOf(key));
    expect(report).toEqual({ missingQuotes: [], misplacedQuotes: [], missingClauses: [], unexplainedAmounts: [] });
  });

  it('finds a quote cited under the wrong clause', () => {
    const taizhou = policy('taizhou-2017-quality');
    const award = taizhou.incentives.find((i) => i.key === 'china-quality-award')!;
    award.clause = '一';
    expect(checkFaithfulness(taizhou, seedOf('taizhou-2017-quality')).misplacedQuotes).toEqual([
      {
        path: `incentives.${taizhou.incentives.indexOf(award)}.quote`,
        clause: '一',
        message: `incentive china-quality-award [一]: quote is not in clause 一: "${award.quote}"`,
      },
    ]);
  });

  it('finds an amount that nothing explains once its note is dropped', () => {
    const xx = policy('xx-2022-product-quality');
    xx.notRewards = xx.notRewards.filter((n) => !n.quote.includes('350万元'));
    const { unexplainedAmounts } = checkFaithfulness(xx, seedOf('xx-2022-product-quality'));
    expect(unexplainedAmounts).toHaveLength(1);
    expect(unexplainedAmounts[0]!.message).toMatch(/^"350万元" in …/);
  });

  it('finds an amount encoded wrongly: 中国质量奖 is 100万 in 000, not 50万', () => {
    const taizhou = policy('taizhou-2017-quality');
    const award = taizhou.incentives.find((i) => i.key === 'china-quality-award')!;
    if (award.rule.kind !== 'TIERED') throw new Error('expected a tiered rule');
    award.rule.tiers[0]!.amount = 500_000;
    const { unexplainedAmounts } = checkFaithfulness(taizhou, seedOf('taizhou-2017-quality'));
    // Placed at the incentive whose rule disagrees with its quote.
    expect(unexplainedAmounts.find((a) => a.message.startsWith('"100万元"'))).toMatchObject({
      path: `incentives.${taizhou.incentives.indexOf(award)}`,
      clause: award.clause,
    });
  });

  it('finds a clause left out: 004 without its annex row 9 has text in no clause', () => {
    const foshan = policy('foshan-2017-industrial-quality');
    const annex = foshan.clauses.find((c) => c.number === '附件')!;
    annex.children = annex.children!.filter((row) => row.number !== '9');
    const { missingClauses } = checkFaithfulness(foshan, seedOf('foshan-2017-industrial-quality'));
    expect(missingClauses).toHaveLength(1);
    expect(missingClauses[0]!.message).toMatch(
      /^text in no clause: "9推动企业开展质量管理体系认证活动。市质监局各区人民政府/,
    );
  });
});
