/**
 * The Chinese texts, kept as a file beside the English one: every golden case's explanation and
 * progress in zh-CN, each message kind in both languages (steps, progress steps, statuses, reasons,
 * refusals: message-kinds.txt, which was error-messages.txt), and which message of the catalogue each
 * kind of text reached (a message no input reaches is named, so a new one is not left untested).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/engines/entitlement/evaluate.js';
import { progressOf } from '../../src/engines/progress/progress.js';
import {
  CATALOGUES,
  messagesFor,
  withNames,
  type Locale,
  type MessageId,
  type Messages,
} from '../../src/i18n/index.js';
import { explainEntitlement, explainProgress } from '../../src/i18n/trace.js';
import { goldenCases } from '../support/golden.js';
import {
  datedProgressCaseArb,
  entitlementCaseArb,
  names,
  policyInputs,
  progressCaseArb,
} from '../support/engine-samples.js';

/** Messages that note each id they render. */
function recording(locale: Locale, used: Set<string>): Messages {
  const messages = messagesFor(locale);
  return {
    ...messages,
    t: (id, values) => {
      used.add(id);
      return messages.t(id, values);
    },
  };
}

// Dated versions (VERSION, WITHDRAWN and their citations) are rendered in both languages by
// test/engines/versions.test.ts's generated policies.
const UNREACHED = [
  'benchmark.NATIONAL_AVERAGE',
  'benchmark.NONE',
  'comparator.LT',
  'explain.disposition.CONFLICT',
  'explain.nature.EXACT',
  'explain.nature.UP_TO',
  'explain.payer.BENEFICIARY',
  'explain.payer.CENTRAL',
  'explain.payer.COUNTY',
  'explain.payer.PROVINCE',
  'ineligible.CAP_EXHAUSTED',
  'ineligible.RANK_NOT_REWARDED',
  'ineligible.WITHDRAWN',
  'join.columns', // with facts, keys, levels, refusals, spans and values: the lists refusals name
  'join.conditions', // an opportunity's explanation: test/api/opportunities.test.ts
  'join.facts',
  'join.incentives',
  'join.keys',
  'join.levels',
  'join.no', // with join.yes: the spellings a facts cell may use (test/api/import-hardening.test.ts)
  'join.refusals',
  'join.spans',
  'join.values',
  'join.yes',
  'perUnit.CASE',
  'perUnit.ITEM',
  'perUnit.PRODUCT',
  'perUnit.PRODUCT_CLASS',
  'perUnit.PROJECT',
  'percentOf.COST',
  'phrase.achievement',
  'reason.ON_PATH', // reached in English by test/i18n/english-unchanged.test.ts's progress samples
  'reason.OPEN_BELOW',
  'step.CEILING',
  'step.CONFLICT',
  'step.PER_UNIT',
  'step.RANK_BAND',
  'step.RANK_BASE',
  'step.REFORM', // only a request's reforms write it (test/api/reforms.test.ts renders it in both languages)
  'step.STAGE',
  'step.VERSION',
  'step.WITHDRAWN',
];

const policies = new Map(policyInputs.map((p) => [p.key, p]));

describe('Chinese texts', () => {
  it('explains every golden case in Chinese, names where the engines wrote codes', async () => {
    const zh = withNames(messagesFor('zh-CN'), names);
    const texts = goldenCases.map((c) => {
      const achievements = c.achievements.map((a, i) => ({ id: String(a.id ?? `a${i + 1}`), ...a }) as never);
      const enterprise = { id: 'e', kind: c.enterprise.kind as never, jurisdictionPath: c.enterprise.jurisdictionPath };
      const result = evaluatePolicy(policies.get(c.policy)!, enterprise, achievements, c.asOf);
      return [`## ${c.file}: ${c.name}`, ...result.map((e) => explainEntitlement(e, zh))].join('\n');
    });
    await expect(texts.join('\n\n')).toMatchFileSnapshot('__snapshots__/chinese-entitlements.txt');
  });

  it('writes each message kind in both languages: steps, progress steps, statuses, reasons and refusals', async () => {
    // Sample values by argument name; any other argument reads 2 (a select's `other` branch).
    const samples: Record<string, string | number> = {
      id: 7,
      typename: 'Policy',
      expected: 'Target',
      got: 'Policy',
      name: 'first',
      max: 100,
      size: 101,
      code: 'zj-nowhere',
      key: 'nope',
      day: '2019-02-30',
      message: '(a message checked elsewhere)',
      depth: 16,
      aliases: 31,
      cost: 30_000,
      report: 5_000,
      seconds: 15,
      position: 'null',
      type: 'Query',
      field: 'enterprises',
      caller: 'Jiaojiang agency',
      route: 'import',
      reason: 'auth',
      hash: 'abc123',
      at: '2026-12-02T00:00:00.000Z',
      status: 'RUNNING',
      rows: 1_000,
      year: 2019,
      jurisdiction: 'zj-taizhou-jiaojiang',
      amountYuan: '100万元',
      quote: '获得中国质量奖的，奖励100万元。',
      figure: 'tiers',
      kind: 'TIERED',
      figures: 'tiers',
      given: 1,
      items: 'WINNER, NOMINATION',
      limit: 100,
      level: 'GOLD',
      levels: 'WINNER, NOMINATION',
      until: '2016-01-01',
      from: '2017-06-07',
      policy: 'taizhou-2017-quality',
    };
    const KINDS = /^(step|progressStep|status|progressStatus|reason|ineligible|error)\./;
    const lines = Object.keys(CATALOGUES.en)
      .filter((id) => KINDS.test(id))
      .flatMap((id) =>
        (['zh-CN', 'en'] as const).map((l) => {
          const values = Object.fromEntries(
            [...CATALOGUES.en[id as MessageId].matchAll(/\{(\w+)/g)].map(([, name]) => [name!, samples[name!] ?? 2]),
          );
          return `${id} ${l}: ${messagesFor(l).t(id as MessageId, values)}`;
        }),
      );
    await expect(lines.join('\n')).toMatchFileSnapshot('__snapshots__/message-kinds.txt');
  });

  it('reaches every message of the traces from generated inputs, in both languages', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const used = new Set<string>();
      const messages = recording(locale, used);
      for (const c of fc.sample(entitlementCaseArb, { seed: 22, numRuns: 600 }))
        for (const e of evaluatePolicy(c.policy, c.enterprise, c.achievements, c.asOf)) explainEntitlement(e, messages);
      for (const c of fc.sample(progressCaseArb, { seed: 22, numRuns: 600 }))
        explainProgress(progressOf(c.target, c.observations, c.options), messages);
      for (const c of fc.sample(datedProgressCaseArb, { seed: 22, numRuns: 100 }))
        explainProgress(progressOf(c.target, c.observations, c.options), messages);
      const traceIds = Object.keys(CATALOGUES[locale]).filter((id) =>
        /^(step|progressStep|reason|source|phrase|explain|explainProgress|ineligible|status|comparator|join|recipient|perUnit|percentOf|obtained|benchmark)\./.test(
          id,
        ),
      );
      // Not reached by these samples (the engine tests' own inputs reach the rules among them, in
      // English, through test/support/english.ts): a message added and never rendered shows up here.
      expect(traceIds.filter((id) => !used.has(id)).sort()).toEqual(UNREACHED);
    }
  });
});
