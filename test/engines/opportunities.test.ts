/**
 * The opportunity and question engines (src/engines/entitlement/opportunities.ts, questions.ts) over
 * the corpus's engine input: plain values, no GraphQL, no database. Figures from the documents; then
 * properties over generated profiles.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateEnterprise, totalsOf } from '../../src/engines/entitlement/evaluate.js';
import { findOpportunities } from '../../src/engines/entitlement/opportunities.js';
import { rankQuestions, type AnswerDomain } from '../../src/engines/entitlement/questions.js';
import type { AchievementInput, EnterpriseInput } from '../../src/engines/entitlement/types.js';
import { MAX_COUNT } from '../../src/writes/achievement-input.js';
import { MAX_YUAN } from '../../src/writes/common.js';
import { corpus, entitlementCaseArb, policyInputs } from '../support/engine-samples.js';

const TAIZHOU = 'taizhou-2017-quality';
const ZJ_MADE = 'ZHEJIANG_MADE_CERTIFICATION';
const jiaojiang: EnterpriseInput = {
  id: 'e1',
  kind: 'ENTERPRISE',
  jurisdictionPath: ['zj-taizhou-jiaojiang', 'zj-taizhou', 'zj'],
};
const levelsOf = (kind: string) => corpus.achievementKinds.get(kind)?.levels.map((l) => l.code) ?? [];
const domain: AnswerDomain = { levelsOf, maxYuan: MAX_YUAN, maxCount: MAX_COUNT };
const owed = (achievements: AchievementInput[], asOf: string, enterprise = jiaojiang) =>
  totalsOf(evaluateEnterprise(policyInputs, enterprise, achievements, asOf)).exactYuan;

describe('opportunities', () => {
  it('values a fourth 浙江制造 unit at 10万 and a unit beyond the 50万 cap at 0 (000 二/(四))', () => {
    const held = (units: number): AchievementInput[] => [{ id: 'a1', kind: ZJ_MADE, obtainedOn: '2018-03-01', units }];
    // 首个…20万元, 每增加一个认证产品单元再奖励10万元, 最高奖额不超过50万元: 3 units held are 40万.
    const [next, ...others] = findOpportunities(policyInputs, jiaojiang, held(3), '2019-06-01', { kinds: [ZJ_MADE] });
    expect(others).toEqual([]);
    expect(next).toMatchObject({
      policyKey: TAIZHOU,
      incentiveKey: 'zhejiang-made-certification',
      achievement: { kind: ZJ_MADE, units: 1, obtainedOn: '2019-06-01' },
      gain: { exactYuan: 100_000, upToYuan: 0 },
      furtherUnitYuan: 0,
      upgrades: null,
      payableOn: '2019-06-01',
      window: { from: '2017-06-07', until: null, daysLeft: null },
    });
    expect(next!.entitlements[0]).toMatchObject({
      eligibility: 'ELIGIBLE',
      amountYuan: 100_000,
      clausePath: '二/(四)',
    });
    // 4 units held are the cap: one more is kept, worth 0.
    const [capped] = findOpportunities(policyInputs, jiaojiang, held(4), '2019-06-01', { kinds: [ZJ_MADE] });
    expect([capped!.gain.exactYuan, capped!.furtherUnitYuan]).toEqual([0, 0]);
    expect(capped!.entitlements[0]).toMatchObject({ eligibility: 'INELIGIBLE', reason: 'CAP_EXHAUSTED' });
  });

  it('values 中国质量奖 over a nomination held at the difference, 70万, under 按最优一项执行 (000 二/(四), (六))', () => {
    const nomination: AchievementInput = {
      id: 'a1',
      kind: 'CHINA_QUALITY_AWARD',
      level: 'NOMINATION',
      obtainedOn: '2018-05-01',
    };
    const found = findOpportunities(policyInputs, jiaojiang, [nomination], '2019-06-01', {
      kinds: ['CHINA_QUALITY_AWARD'],
    });
    expect(found.map((o) => [o.policyKey, o.achievement.level, o.gain.exactYuan])).toEqual([
      [TAIZHOU, 'WINNER', 700_000],
    ]);
    const [winner] = found;
    expect(winner).toMatchObject({ upgrades: 'a1', achievement: { projectKey: 'achievement:a1' } });
    // The winner's 100万 stands; the 30万 nomination, of the same project, is superseded.
    expect(winner!.entitlements[0]).toMatchObject({ amountYuan: 1_000_000, disposition: 'COUNTED' });
  });

  it('lists nothing of a window that has closed (002 runs to 2020-12-31), and counts the days left while open', () => {
    const jinjiang: EnterpriseInput = {
      id: 'e2',
      kind: 'ENTERPRISE',
      jurisdictionPath: ['fj-quanzhou-jinjiang', 'fj-quanzhou', 'fj'],
    };
    const open = findOpportunities(policyInputs, jinjiang, [], '2020-12-01');
    expect(open.length).toBeGreaterThan(5);
    expect(new Set(open.map((o) => o.policyKey))).toEqual(new Set(['quanzhou-2019-quality']));
    for (const o of open) expect(o.window).toEqual({ from: '2019-01-05', until: '2020-12-31', daysLeft: 30 });
    expect(findOpportunities(policyInputs, jinjiang, [], '2020-12-31').every((o) => o.window.daysLeft === 0)).toBe(
      true,
    );
    expect(findOpportunities(policyInputs, jinjiang, [], '2021-01-01')).toEqual([]);
  });

  it('adding any opportunity raises money owed by exactly its value, on the day it pays (generated)', () => {
    fc.assert(
      fc.property(entitlementCaseArb, ({ enterprise, achievements, asOf }) => {
        const found = findOpportunities(policyInputs, enterprise, achievements, asOf);
        const values = found.map((o) => o.gain.exactYuan);
        expect(values).toEqual([...values].sort((a, b) => b - a));
        for (const o of found.slice(0, 5)) {
          const before = owed(achievements, o.payableOn, enterprise);
          const after = owed([...achievements, o.achievement], o.payableOn, enterprise);
          expect(after - before, JSON.stringify(o.achievement)).toBe(o.gain.exactYuan);
        }
      }),
      { seed: 2026120201, numRuns: 150 },
    );
  });
});

/** Every answer the oracle tries for an input: the domain's, and values between its bounds. */
function answersOf(field: string, achievement: AchievementInput): Array<Partial<AchievementInput>> {
  if (field.startsWith('facts.'))
    return [true, false].map((v) => ({ facts: { ...achievement.facts, [field.slice('facts.'.length)]: v } }));
  if (field === 'level') return levelsOf(achievement.kind).map((level) => ({ level }));
  if (field === 'units') return [1, 2, 3, 5, 8, MAX_COUNT].map((units) => ({ units }));
  if (field === 'rank') return [...Array.from({ length: 61 }, (_, i) => i + 1), MAX_COUNT].map((rank) => ({ rank }));
  return [0, 10_000, 160_000, 1_000_000, MAX_YUAN].map((yuan) => ({ [field]: yuan }));
}

/** The inputs still missing: each NEEDS_INFO entitlement's fields, by achievement (obtainedOn is never asked). */
const openInputs = (achievements: AchievementInput[], asOf: string, enterprise: EnterpriseInput) => [
  ...new Map(
    evaluateEnterprise(policyInputs, enterprise, achievements, asOf)
      .filter((e) => e.eligibility === 'NEEDS_INFO')
      .flatMap((e) => e.missing.filter((f) => f !== 'obtainedOn').map((field) => ({ id: e.achievementId, field })))
      .map((input) => [`${input.id} ${input.field}`, input]),
  ).values(),
];

const answered = (set: AchievementInput[], id: string, answer: Partial<AchievementInput>) =>
  set.map((a) => (a.id === id ? { ...a, ...answer } : a));

/** The most money owed over every way of answering what is still missing (exhaustive: small cases only). */
function bestOwed(set: AchievementInput[], asOf: string, enterprise: EnterpriseInput): number {
  const [open] = openInputs(set, asOf, enterprise);
  if (!open) return owed(set, asOf, enterprise);
  const achievement = set.find((a) => a.id === open.id)!;
  return Math.max(
    ...answersOf(open.field, achievement).map((a) => bestOwed(answered(set, open.id, a), asOf, enterprise)),
  );
}

describe('questions', () => {
  it('ranks a NEEDS_INFO answer’s inputs by spread: the pilot’s facts 50万 each, its level 40万, the fees 8万 (000 四/(十五), 二/(六))', () => {
    const achievements: AchievementInput[] = [
      { id: 'pilot', kind: 'INDUSTRIAL_STANDARDIZATION_PILOT', obtainedOn: '2018-09-01' },
      { id: 'fees', kind: 'INTERNATIONAL_TRADEMARK_REGISTRATION', obtainedOn: '2018-10-01' },
      { id: 'award', kind: 'CHINA_QUALITY_AWARD', level: 'WINNER', obtainedOn: '2018-05-01' },
    ];
    const questions = rankQuestions(policyInputs, jiaojiang, achievements, '2019-06-01', domain);
    // 通过考核验收 and 主要承担单位 gate 50万 at the national level; 50% of the fees, capped at 8万 a year.
    const LEVEL_QUESTION = '成功创建的是国家级、省级还是市级工业标准化试点(示范)项目？';
    expect(
      questions.map((q) => [q.achievementId, q.field, q.spreadYuan, q.minTotalYuan, q.maxTotalYuan, q.text?.question]),
    ).toEqual([
      ['pilot', 'facts.ACCEPTANCE_PASSED', 500_000, 1_080_000, 1_580_000, '项目是否已通过考核验收？'],
      ['pilot', 'facts.MAIN_UNDERTAKER', 500_000, 1_080_000, 1_580_000, '企业是否为该项目的主要承担单位？'],
      // Asked once both are known, so asked now: 国家级 50万 against 市级 10万.
      ['pilot', 'level', 400_000, 1_180_000, 1_580_000, LEVEL_QUESTION],
      ['fees', 'costYuan', 80_000, 1_500_000, 1_580_000, '企业支付的国际注册费是多少元？'],
    ]);
    expect(questions[0]!.decides.map((e) => [e.incentiveKey, e.clausePath])).toEqual([
      ['industrial-standardization-pilot', '四/(十五)'],
    ]);
  });

  /** Cases with at most three inputs missing, so that the oracle can try every way of answering them. */
  const smallCase = entitlementCaseArb.filter(
    ({ enterprise, achievements, asOf }) => openInputs(achievements, asOf, enterprise).length <= 3,
  );

  it('a question’s spread is max − min of money owed over its answers, the rest answered at their best (generated)', () => {
    fc.assert(
      fc.property(smallCase, ({ enterprise, achievements, asOf }) => {
        for (const q of rankQuestions(policyInputs, enterprise, achievements, asOf, domain)) {
          const achievement = achievements.find((a) => a.id === q.achievementId)!;
          const totals = answersOf(q.field, achievement).map((answer) =>
            bestOwed(answered(achievements, q.achievementId, answer), asOf, enterprise),
          );
          const context = JSON.stringify({ field: q.field, achievements, asOf, enterprise });
          expect([q.minTotalYuan, q.maxTotalYuan], context).toEqual([Math.min(...totals), Math.max(...totals)]);
          expect(q.spreadYuan).toBe(q.maxTotalYuan - q.minTotalYuan);
        }
      }),
      { seed: 2026120202, numRuns: 400 },
    );
  });

  it('answering every question, whatever the answers, leaves nothing NEEDS_INFO (generated)', () => {
    const anyAnswer = (field: string, achievement: AchievementInput) =>
      fc.constantFrom(...answersOf(field, achievement));
    fc.assert(
      fc.property(
        entitlementCaseArb.chain((c) => {
          // A day for each achievement: the one input no question asks (every write requires it).
          const achievements = c.achievements.map((a) => ({ ...a, obtainedOn: a.obtainedOn ?? c.asOf }));
          const questions = rankQuestions(policyInputs, c.enterprise, achievements, c.asOf, domain);
          return fc.record({
            enterprise: fc.constant(c.enterprise),
            asOf: fc.constant(c.asOf),
            achievements: fc.constant(achievements),
            answers: fc.tuple(
              ...questions.map((q) =>
                anyAnswer(
                  q.field,
                  achievements.find((a) => a.id === q.achievementId)!,
                ).map((answer) => ({
                  id: q.achievementId,
                  answer,
                })),
              ),
            ),
          });
        }),
        ({ enterprise, achievements, asOf, answers }) => {
          // Facts answered for one achievement add up: each answer keeps the facts answered before it.
          let set: AchievementInput[] = achievements;
          for (const { id, answer } of answers) {
            const current = set.find((a) => a.id === id)!;
            set = answered(set, id, answer.facts ? { facts: { ...current.facts, ...answer.facts } } : answer);
          }
          expect(openInputs(set, asOf, enterprise), JSON.stringify({ achievements, answers })).toEqual([]);
        },
      ),
      { seed: 2026120203, numRuns: 200 },
    );
  });
});
