/** The meaning checks of `npm run corpus:check`: each on a reading of a seed clause the words contradict. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFaithfulness } from '../../src/corpus/faithfulness.js';
import { checkMeaning } from '../../src/corpus/incentive-meaning.js';
import { CORPUS_DIR, SEEDS_DIR } from '../../src/corpus/paths.js';
import { readCorpus } from '../../src/corpus/read.js';

const corpus = readCorpus(CORPUS_DIR);
const policy = (key: string) => structuredClone(corpus.policies.find((p) => p.key === key)!);
const seedOf = (key: string) => readFileSync(join(SEEDS_DIR, policy(key).source), 'utf8');
const incentive = (p: ReturnType<typeof policy>, key: string) => p.incentives.find((i) => i.key === key)!;
const unexplained = (p: ReturnType<typeof policy>) =>
  checkMeaning(p, seedOf(p.key))
    .filter((f) => !f.explained)
    .map((f) => `${f.check} ${f.incentive}: ${f.text}`);

describe('meaning checks', () => {
  it.each(corpus.policies.map((p) => [p.key]))('%s leaves no finding unexplained', (key) => {
    expect(unexplained(policy(key))).toEqual([]);
  });

  it('PAYER: a sum in a 积极争取省 sentence read as the city’s money (003 三/(九) before the second reading)', () => {
    const xx = policy('xx-2022-product-quality');
    const centre = incentive(xx, 'national-standard-industrial-design-center');
    centre.rule = { kind: 'FIXED', amount: 1_000_000 };
    delete centre.provincialPart;
    expect(unexplained(xx)).toEqual([
      "PAYER national-standard-industrial-design-center: the sum follows 积极争取省… in its sentence but is read as the city (no payer)'s money",
    ]);
  });

  it('PAYER: CITY where the sentence names no city money, PROVINCE where the quote says 我市', () => {
    const xx = policy('xx-2022-product-quality');
    incentive(xx, 'international-design-award').payer = 'CITY';
    incentive(xx, 'enterprise-standard-frontrunner').payer = 'PROVINCE';
    expect(unexplained(xx)).toEqual([
      'PAYER enterprise-standard-frontrunner: payer PROVINCE, but the quote says 我市/市财政/市级',
      'PAYER international-design-award: payer CITY, but the sentence names neither 我市, 市财政 nor 市级',
    ]);
  });

  it('FIRST: 首个 without the history condition, and a FIRST condition without 首个/首次', () => {
    const taizhou = policy('taizhou-2017-quality');
    incentive(taizhou, 'zhejiang-made-certification').conditions = [];
    incentive(taizhou, 'municipal-quality-award').conditions = [{ kind: 'FIRST', text: '首次' }];
    expect(unexplained(taizhou)).toEqual([
      'FIRST municipal-quality-award: a FIRST condition, but the quote says neither 首个 nor 首次',
      'FIRST zhejiang-made-certification: the quote says 首个/首次 but no FIRST condition counts the history',
    ]);
  });

  it('OBTAINED: 新获 read as a status held', () => {
    const quanzhou = policy('quanzhou-2019-quality');
    incentive(quanzhou, 'china-quality-award').obtained = 'HELD';
    expect(unexplained(quanzhou)).toEqual([
      'OBTAINED china-quality-award: read HELD, but the quote says 新获/新认定/首次',
    ]);
  });

  it('OVERLAP and RESTATED: the 001 promise split again into a body and an annex incentive', () => {
    const loudi = policy('loudi-2017-quality');
    const lead = incentive(loudi, 'standard-drafted-lead');
    const [annex] = lead.restatedIn;
    loudi.incentives.push({
      ...lead,
      key: 'standard-drafted-lead-annex1',
      clause: annex.clause,
      quote: annex.quote,
      restatedIn: [],
    });
    lead.restatedIn = [];
    expect(unexplained(loudi)).toEqual([
      'OVERLAP standard-drafted-lead: standard-drafted-lead and standard-drafted-lead-annex1 [附件1/二/(四)] both pay for one STANDARD_DRAFTED: a CONFLICT out of every total (one promise stated twice? mark it restatedIn)',
    ]);
    // A quote that stands twice in the document (here the same sentence quoted as a body promise and copied as its annex).
    const doubled = policy('loudi-2017-quality');
    const seed = `${seedOf('loudi-2017-quality')}\n${incentive(doubled, 'municipal-standardization-pilot').quote}`;
    expect(checkMeaning(doubled, seed).map((f) => `${f.check} ${f.incentive}`)).toEqual([
      'RESTATED municipal-standardization-pilot',
    ]);
  });

  it('a finding the file explains is kept with its reason, not counted as a problem', () => {
    const taizhou = policy('taizhou-2017-quality');
    const certification = incentive(taizhou, 'zhejiang-made-certification');
    certification.conditions = [];
    certification.explained = [{ check: 'FIRST', reason: 'a test reading' }];
    expect(unexplained(taizhou)).toEqual([]);
    expect(checkMeaning(taizhou, seedOf(taizhou.key))).toEqual([
      expect.objectContaining({
        check: 'FIRST',
        incentive: 'zhejiang-made-certification',
        explained: 'a test reading',
      }),
    ]);
  });

  it('a restatement’s quote is checked against the seed like any quote', () => {
    const loudi = policy('loudi-2017-quality');
    incentive(loudi, 'standard-drafted-lead').restatedIn[0].quote = '對落戶婁底的標準化組織予以重獎';
    expect(checkFaithfulness(loudi, seedOf('loudi-2017-quality')).missingQuotes.map((f) => f.message)).toEqual([
      'incentive standard-drafted-lead [三/(二)] restated in [附件1/二/(四)]: quote not found in the seed: "對落戶婁底的標準化組織予以重獎"',
    ]);
  });
});
