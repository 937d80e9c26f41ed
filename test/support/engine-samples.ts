/**
 * Engine inputs generated over the seed corpus (fast-check): enterprises anywhere in its
 * jurisdictions with achievements of the kinds, levels and facts its rules read, and targets with
 * observations. For tests of what the engines say, not of what they compute.
 */
import fc from 'fast-check';
import { policyInputsOf } from '../../src/corpus/engine-input.js';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { readCorpus } from '../../src/corpus/read.js';
import { recipientKinds } from '../../src/format/policy.js';
import { corpusNames } from '../../src/i18n/names.js';
import { districtsOfTarget, targetInputOf } from '../../src/engines/progress/corpus-input.js';
import type { AchievementInput, EnterpriseInput, PolicyInput } from '../../src/engines/entitlement/types.js';
import type { ObservationInput, ProgressOptions, TargetInput } from '../../src/engines/progress/types.js';

export const corpus = readCorpus(CORPUS_DIR);
export const policyInputs: PolicyInput[] = policyInputsOf(corpus.policies);

/** The names of the corpus's codes, as a server builds them from the rows these files load. */
export const names = corpusNames({
  jurisdictions: corpus.jurisdictions.values(),
  kinds: corpus.achievementKinds.values(),
  indicators: corpus.indicators.values(),
  incentives: corpus.policies.flatMap((p) =>
    p.incentives.map((i) => ({ policy: p.key, key: i.key, kind: i.achievement })),
  ),
});

const pathOf = (code: string): string[] => {
  const parent = corpus.jurisdictions.get(code)?.parent;
  return parent ? [code, ...pathOf(parent)] : [code];
};

const facts = [
  ...new Set(
    policyInputs.flatMap((p) =>
      p.incentives.flatMap((i) => i.conditions.flatMap((c) => ('fact' in c ? [c.fact] : []))),
    ),
  ),
];
const day = fc
  .record({
    y: fc.integer({ min: 2012, max: 2024 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
  })
  .map(({ y, m, d }) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 4 });

const under = (code: string) => [...corpus.jurisdictions.keys()].filter((j) => pathOf(j).includes(code));

const achievementArb = (id: string, kindCodes: string[]): fc.Arbitrary<AchievementInput> =>
  fc.constantFrom(...kindCodes).chain((code) => {
    const levels = corpus.achievementKinds.get(code)?.levels ?? [];
    return fc.record({
      id: fc.constant(id),
      kind: fc.constant(code),
      level: levels.length ? maybe(fc.constantFrom(...levels.map((l) => l.code))) : fc.constant(undefined),
      obtainedOn: maybe(day),
      units: maybe(fc.integer({ min: 1, max: 5 })),
      costYuan: maybe(fc.integer({ min: 0, max: 3_000_000 })),
      budgetYuan: maybe(fc.integer({ min: 0, max: 3_000_000 })),
      provincialGrantYuan: maybe(fc.integer({ min: 0, max: 3_000_000 })),
      rank: maybe(fc.integer({ min: 1, max: 60 })),
      projectKey: maybe(fc.constantFrom('p1', 'p2')),
      facts: fc.dictionary(fc.constantFrom(...facts), fc.boolean(), { maxKeys: 2 }),
    });
  });

/**
 * A policy of the corpus, an enterprise mostly inside its scope with up to eight achievements
 * mostly of the kinds it rewards, and a day to evaluate them on.
 */
export const entitlementCaseArb = fc.constantFrom(...policyInputs).chain((policy) => {
  const scope = (policy.appliesTo.length ? policy.appliesTo : [policy.jurisdiction]).flatMap(under);
  const rewarded = [...new Set(policy.incentives.map((i) => i.achievementKind))];
  return fc.record({
    policy: fc.constant(policy),
    enterprise: fc.record({
      id: fc.constant('e1'),
      kind: fc.oneof(
        { weight: 4, arbitrary: fc.constant('ENTERPRISE' as const) },
        { weight: 1, arbitrary: fc.constantFrom(...recipientKinds) },
      ),
      jurisdictionPath: fc
        .oneof(
          { weight: 9, arbitrary: fc.constantFrom(...scope) },
          { weight: 1, arbitrary: fc.constantFrom(...corpus.jurisdictions.keys()) },
        )
        .map(pathOf),
    }) as fc.Arbitrary<EnterpriseInput>,
    achievements: fc
      .integer({ min: 1, max: 8 })
      .chain((n) =>
        fc.tuple(
          ...Array.from({ length: n }, (_, i) =>
            fc.oneof(
              { weight: 9, arbitrary: achievementArb(`a${i + 1}`, rewarded) },
              { weight: 1, arbitrary: achievementArb(`a${i + 1}`, [...corpus.achievementKinds.keys()]) },
            ),
          ),
        ),
      ),
    asOf: day,
  });
});

const targets = corpus.policies.flatMap((policy) =>
  policy.targets.map((t) => {
    const target: TargetInput = targetInputOf(corpus, policy, t);
    const children = [...corpus.jurisdictions.values()].filter((j) => j.parent === target.jurisdiction);
    return { target, districts: districtsOfTarget(target, children) };
  }),
);

/** A target of the corpus for its scope or one district, with observations of it and its districts. */
export const progressCaseArb = fc.constantFrom(...targets).chain(({ target, districts }) =>
  fc.record({
    target: fc.constant(target),
    observations: fc.array(
      fc.record({
        indicator: fc.constant(target.indicator.code),
        jurisdiction: fc.constantFrom(target.jurisdiction, ...districts),
        year: fc.integer({ min: 2015, max: 2022 }),
        value: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.double({ min: 0, max: 100, noNaN: true })),
        source: fc.constant('generated'),
        recordedAt: fc.constant('2026-01-01T00:00:00Z'),
      }) as fc.Arbitrary<ObservationInput>,
      { maxLength: 12 },
    ),
    options: fc.record({
      asOf: fc.constantFrom(
        '2016-06-30',
        '2018-03-01',
        '2018-09-30',
        '2019-06-30',
        '2019-12-31',
        '2021-07-01',
        '2026-01-15',
      ),
      jurisdiction: fc.constantFrom(undefined, ...districts),
      districts: fc.constant(districts),
      benchmark: fc.array(
        fc.record({
          indicator: fc.constant(target.indicator.code),
          jurisdiction: fc.constant(pathOf(target.jurisdiction).at(-1)!),
          year: fc.integer({ min: 2014, max: 2026 }),
          value: fc.integer({ min: 0, max: 100 }),
          source: fc.constant('provincial yearbook'),
          recordedAt: fc.constant('2026-01-01T00:00:00Z'),
        }),
        { maxLength: 6 },
      ),
    }) as fc.Arbitrary<ProgressOptions>,
  }),
);

/** The same cases with later figures: one or two versions from a day, raising the figure and every schedule row. */
export const datedProgressCaseArb = progressCaseArb.chain((c) =>
  fc
    .uniqueArray(fc.constantFrom('2017-07-01', '2018-07-01', '2019-01-01', '2020-01-01'), {
      minLength: 1,
      maxLength: 2,
    })
    .map((days) => ({
      ...c,
      target: {
        ...c.target,
        versions: days.sort().map((from, i) => ({
          from,
          madeBy: [{ policyKey: 'amending-notice', clausePath: '一', quote: `自${from}起调整` }],
          value: c.target.value === null ? null : c.target.value + i + 1,
          comparator: c.target.comparator,
          deadline: c.target.deadline,
          schedule: c.target.schedule.map((r) => ({ ...r, value: r.value + i + 1 })),
        })),
      },
    })),
);
