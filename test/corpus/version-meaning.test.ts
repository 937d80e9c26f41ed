/**
 * The word checks over dated versions (issue 19): who pays, 首个/首次, 新获 and a target's comparator
 * word and 每个县(市、区) were read against an item's first terms only, so a version (or an amending
 * document's change) whose own quote says 超过 while it is encoded "at least" was served. Each
 * reading is now checked against its own quote, and a contradicted version is refused at load,
 * placed (file, path, clause) and dated, typed UNFAITHFUL like an amount its quote contradicts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { readPolicies } from '../../src/corpus/read.js';
import { targetMeaningProblems } from '../../src/corpus/target-meaning.js';
import { policyFileDef, type PolicyFile } from '../../src/format/policy.js';
import { corpusWith, type FixtureCorpus } from '../support/corpus.js';

const QUANZHOU = '002-quanzhou-2019.yaml';
const XX = '003-xx-2022.yaml';
const FOSHAN = '004-foshan-2017.yaml';
const NOTICE = '901-foshan-2018-quota-adjustment.yaml';

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const original = (file: string): Raw => parse(readFileSync(join(CORPUS_DIR, file), 'utf8'));
const item = (items: Raw[], key: string) => items.find((i) => i.key === key)!;
const indexOf = (items: Raw[], key: string) => items.findIndex((i) => i.key === key);

const CQA = '对新获中国质量奖、中国质量奖提名奖的企业或组织,市财政一次性分别给予300万元、50万元的奖励';
const LISTING =
  '对国家品牌价值评价发布榜单首次上榜的区域品牌,市财政给予每家申报单位30万元奖励,其中,对进入所属榜单前三名的申报单位再给予50万元奖励';
const version = (clause: string, quote: string, terms: Raw, from = '2020-01-01') => ({ from, clause, quote, ...terms });

describe('word checks over versions, at load', () => {
  let corpus: FixtureCorpus;
  beforeAll(() => {
    corpus = corpusWith(new URL('../fixtures/target-amendments/', import.meta.url).pathname);
  });
  afterAll(() => corpus?.remove());

  /** Writes `file` changed by `change`, reads the corpus with the seeds, and gives that file's refusals (phrase apart). */
  function refusedWith(file: string, change: (policy: Raw) => void) {
    const policy = original(file);
    change(policy);
    writeFileSync(join(corpus.policiesDir, file), stringify(policy));
    try {
      const { refused } = readPolicies(corpus.policiesDir, { seedsDir: corpus.seedsDir });
      return refused.filter((r) => r.file === file).map(({ phrase: _phrase, ...r }) => r);
    } finally {
      writeFileSync(join(corpus.policiesDir, file), readFileSync(join(CORPUS_DIR, file), 'utf8'));
    }
  }
  const withVersion = (file: string, section: 'incentives' | 'targets', key: string, v: Raw) =>
    refusedWith(file, (p) => {
      item(p[section], key).versions = [v];
    });
  const cqa = indexOf(original(QUANZHOU).incentives, 'china-quality-award');
  const listing = indexOf(original(QUANZHOU).incentives, 'regional-brand-value-listing');

  it('PAYER: a version paid by the province whose quote says 市财政 is refused; paid by the city, accepted', () => {
    expect(
      withVersion(QUANZHOU, 'incentives', 'china-quality-award', version('四/(一)', CQA, { payer: 'PROVINCE' })),
    ).toEqual([
      {
        file: QUANZHOU,
        field: `incentives.${cqa}.versions.0`,
        clause: '四/(一)',
        code: 'UNFAITHFUL',
        message:
          'meaning PAYER, incentive china-quality-award [四/(一)] from 2020-01-01 [四/(一)]: payer PROVINCE, but the quote says 我市/市财政/市级',
      },
    ]);
    expect(
      withVersion(QUANZHOU, 'incentives', 'china-quality-award', version('四/(一)', CQA, { payer: 'CITY' })),
    ).toEqual([]);
  });

  it('FIRST: a version dropping the FIRST condition of a 首次 sentence is refused; one keeping it, accepted', () => {
    const conditions = (first: boolean) => [
      ...(first ? [{ kind: 'FIRST', text: '首次上榜' }] : []),
      { kind: 'ATTESTED', fact: 'FIRST_LISTING', text: '首次上榜', question: '是否为首次上榜？', questionEn: 'First?' },
    ];
    expect(
      withVersion(
        QUANZHOU,
        'incentives',
        'regional-brand-value-listing',
        version('四/(三)', LISTING, { conditions: conditions(false) }),
      ),
    ).toEqual([
      expect.objectContaining({
        field: `incentives.${listing}.versions.0`,
        clause: '四/(三)',
        code: 'UNFAITHFUL',
        message:
          'meaning FIRST, incentive regional-brand-value-listing [四/(三)] from 2020-01-01 [四/(三)]: the quote says 首个/首次 but no FIRST condition counts the history',
      }),
    ]);
    expect(
      withVersion(
        QUANZHOU,
        'incentives',
        'regional-brand-value-listing',
        version('四/(三)', LISTING, { conditions: conditions(true) }),
      ),
    ).toEqual([]);
  });

  it('FIRST: a version adding a FIRST condition its quote does not say is refused; one keeping the condition unsaid, accepted', () => {
    const first = [{ kind: 'FIRST', text: '首次' }];
    expect(
      withVersion(QUANZHOU, 'incentives', 'china-quality-award', version('四/(一)', CQA, { conditions: first })),
    ).toEqual([
      expect.objectContaining({
        field: `incentives.${cqa}.versions.0`,
        message:
          'meaning FIRST, incentive china-quality-award [四/(一)] from 2020-01-01 [四/(一)]: a FIRST condition, but the quote says neither 首个 nor 首次',
      }),
    ]);
    // A version that only restates the top-three sum keeps the FIRST condition it does not write.
    const rule = item(original(QUANZHOU).incentives, 'regional-brand-value-listing').rule;
    expect(
      withVersion(
        QUANZHOU,
        'incentives',
        'regional-brand-value-listing',
        version('四/(三)', '对进入所属榜单前三名的申报单位再给予50万元奖励', { rule }),
      ),
    ).toEqual([]);
  });

  it('OBTAINED: a version of a HELD incentive quoting 新获 is refused, though the first terms keep that reading', () => {
    const refused = refusedWith(QUANZHOU, (p) => {
      const award = item(p.incentives, 'china-quality-award');
      award.obtained = 'HELD';
      award.explained = [{ check: 'OBTAINED', reason: 'a test reading of the first terms' }];
      award.versions = [version('四/(一)', CQA, { payer: 'CITY' })];
    });
    expect(refused.map((r) => [r.field, r.message])).toEqual([
      [
        `incentives.${cqa}.versions.0`,
        'meaning OBTAINED, incentive china-quality-award [四/(一)] from 2020-01-01 [四/(一)]: read HELD, but the quote says 新获/新认定/首次',
      ],
    ]);
  });

  it('comparator: a version encoded "at least" whose quote says 超过 is refused; one keeping GT, accepted', () => {
    const gi = indexOf(original(QUANZHOU).targets, 'gi-trademarks-2020');
    const quote = '地理标志商标数量超过35件';
    expect(
      withVersion(QUANZHOU, 'targets', 'gi-trademarks-2020', version('一/(三)', quote, { comparator: 'GTE' })),
    ).toEqual([
      {
        file: QUANZHOU,
        field: `targets.${gi}.versions.0`,
        clause: '一/(三)',
        code: 'UNFAITHFUL',
        message:
          'target gi-trademarks-2020 [一/(三)] from 2020-01-01 [一/(三)]: the quote says 超过 (GT, more than) but the target is encoded GTE (at least)',
      },
    ]);
    expect(withVersion(QUANZHOU, 'targets', 'gi-trademarks-2020', version('一/(三)', quote, { value: 35 }))).toEqual(
      [],
    );
  });

  it('每个县(市、区): a version of a city figure quoting a figure each county owes is refused; per county, accepted', () => {
    const key = 'sme-exemplary-cases-per-county-yearly';
    const cases = indexOf(original(XX).targets, key);
    const quote = '每个县(市、区)每年至少培育5个以上优秀案例';
    const v = version('二/(六)', quote, { value: 5 }, '2023-01-01');
    // Read as the city's own figure (the first terms' finding is corpus:check's; the version is refused at load).
    expect(
      refusedWith(XX, (p) => {
        Object.assign(item(p.targets, key), { per: 'SCOPE', versions: [v] });
      }).map((r) => [r.field, r.code, r.message]),
    ).toEqual([
      [
        `targets.${cases}.versions.0`,
        'UNFAITHFUL',
        `target ${key} [二/(六)] from 2023-01-01 [二/(六)]: the quote sets a figure for each county or district (每个县) but it is encoded as xx-city's own: write per: EACH_JURISDICTION, or the districts' schedule`,
      ],
    ]);
    expect(withVersion(XX, 'targets', key, v)).toEqual([]);
  });

  it("an amendment is read over the amended target: 以上 for rows judged by its GT is refused, naming the notice's place", () => {
    // 004's QMS quota read "more than" (GT): the notice's rows, which set no comparator, would be judged by it.
    const notice = () =>
      readPolicies(corpus.policiesDir, { seedsDir: corpus.seedsDir })
        .refused.filter((r) => r.file === NOTICE && r.code === 'UNFAITHFUL')
        .map((r) => [r.field, r.clause, r.message]);
    expect(notice()).toEqual([]);
    const policy = original(FOSHAN);
    item(policy.targets, 'qms-certified-enterprises-yearly').comparator = 'GT';
    writeFileSync(join(corpus.policiesDir, FOSHAN), stringify(policy));
    try {
      expect(notice()).toEqual([
        [
          'amends.0',
          '一',
          'amendment of foshan-2017-industrial-quality qms-certified-enterprises-yearly from 2018-07-01 [一]: the quote says 以上 (GTE, at least) but the target is encoded GT (more than)',
        ],
      ]);
    } finally {
      writeFileSync(join(corpus.policiesDir, FOSHAN), readFileSync(join(CORPUS_DIR, FOSHAN), 'utf8'));
    }
  });
});

describe('the comparator word of a generated version against its comparator', () => {
  const WORDS: Array<[string, 'GTE' | 'GT' | 'LTE' | 'LT', 'before' | 'after']> = [
    ['不低于', 'GTE', 'before'],
    ['达到', 'GTE', 'before'],
    ['不少于', 'GTE', 'before'],
    ['以上', 'GTE', 'after'],
    ['高于', 'GT', 'before'],
    ['超过', 'GT', 'before'],
    ['突破', 'GT', 'before'],
    ['不超过', 'LTE', 'before'],
    ['以内', 'LTE', 'after'],
    ['低于', 'LT', 'before'],
  ];
  const comparator = fc.constantFrom('GTE', 'GT', 'LTE', 'LT' as const);
  const first: PolicyFile = policyFileDef.parse(original(QUANZHOU));

  it('refuses a version exactly when the word it quotes is not the comparator it is judged by', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...WORDS),
        fc.integer({ min: 1, max: 9999 }),
        comparator,
        fc.option(comparator, { nil: undefined }),
        fc.constantFrom('value', 'schedule'),
        ([word, stated, place], figure, base, written, how) => {
          const quote =
            place === 'before'
              ? `到2020年全市地理标志商标数量${word}${figure}件`
              : `到2020年全市地理标志商标数量${figure}件${word}`;
          const figures = how === 'value' ? { value: figure } : { schedule: [{ year: 2020, value: figure }] };
          const policy = structuredClone(first);
          const target = policy.targets.find((t) => t.key === 'gi-trademarks-2020')!;
          target.comparator = base;
          target.versions = [{ from: '2020-01-01', clause: '一/(三)', quote, comparator: written, ...figures }];
          const encoded = written ?? base;
          const found = targetMeaningProblems(policy).filter((f) => f.from !== null);
          expect(found.map((f) => f.path)).toEqual(
            stated === encoded ? [] : [`targets.${policy.targets.indexOf(target)}.versions.0`],
          );
          if (stated !== encoded)
            expect(found[0]!.message).toContain(`from 2020-01-01 [一/(三)]: the quote says ${word} (${stated}`);
        },
      ),
      { seed: 19_2, numRuns: 200 },
    );
  });
});
