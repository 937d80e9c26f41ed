/**
 * Every version is checked for faithfulness like the terms it changes (issue 19): its quote stands in
 * the seed and every amount in it agrees with the version's own figures. A version of 000's China
 * Quality Award quoting the first sentence (一次性给予100万元、30万元奖励) while it pays 300万 was accepted:
 * the first terms' quote around it explained the 100万. Now reloadPolicies refuses it, placed and typed,
 * and the version loaded before keeps serving. So is a version whose words its own quote contradicts
 * (超过 encoded "at least"), which only the first terms were read for.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ReloadPoliciesDocument } from '../../src/generated/operations.js';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { corpusWith, withAwardVersion, type FixtureCorpus } from '../support/corpus.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const TAIZHOU = '000-taizhou-2017.yaml';
const QUANZHOU = '002-quanzhou-2019.yaml';
describe.each(DATABASE_KINDS)("a version's amounts checked at load on %s database", (kind) => {
  let server: TestServer;
  let corpus: FixtureCorpus;

  beforeAll(async () => {
    corpus = corpusWith(new URL('../fixtures/amendments/', import.meta.url).pathname);
    server = await startTestServer(kind, { policiesDir: corpus.policiesDir, seedsDir: corpus.seedsDir });
  });
  afterAll(async () => {
    await server?.stop();
    corpus?.remove();
  });

  it('refuses a version whose quote says 100万 while it pays 300万, naming file, path and clause', async () => {
    const original = readFileSync(join(CORPUS_DIR, TAIZHOU), 'utf8');
    writeFileSync(join(corpus.policiesDir, TAIZHOU), withAwardVersion(original, '300万'));
    const { data, errors } = await server.request(ReloadPoliciesDocument);
    expect(errors).toBeUndefined();
    if (data!.reloadPolicies.__typename !== 'ReloadPoliciesPayload') throw new Error('expected the reload');
    const refused = data!.reloadPolicies.data.refused.filter((r) => r.file === TAIZHOU);
    const index = (await server.db.incentive.findFirstOrThrow({ where: { key: 'china-quality-award' } })).position;
    expect(refused).toEqual([
      {
        file: TAIZHOU,
        field: `incentives.${index}.versions.0`,
        clause: '二/(四)',
        code: 'UNFAITHFUL',
        message:
          '"100万元" in the quote of incentive china-quality-award [二/(四)] from 2019-01-01 [二/(四)] disagrees with its figures (3000000, 300000): a version\'s amounts are its own, or a notRewards entry (由…调整为: the figure replaced)',
        policy: null,
      },
    ]);
    // 000 as loaded before keeps serving: its history still the notice's, from the fixture beside it.
    expect(data!.reloadPolicies.data.loaded).not.toContain('taizhou-2017-quality');
    const { data: award } = await server.request<
      {
        policy: {
          incentives: { edges: Array<{ node: { key: string; history: Array<{ from: string; rule: unknown }> } }> };
        };
      },
      never
    >(`{ policy(key: "000") { incentives(first: 100) { edges { node { key history { from rule } } } } } }`);
    const history = award!.policy.incentives.edges.find((e) => e.node.key === 'china-quality-award')!.node.history;
    expect(history.map((v) => v.from)).toEqual(['2017-06-07', '2019-01-01']);
  });

  it('refuses a version encoded "at least" whose quote says 超过, and 002 keeps serving its strict figure', async () => {
    const policy = parse(readFileSync(join(CORPUS_DIR, QUANZHOU), 'utf8'));
    const index = policy.targets.findIndex((t: { key: string }) => t.key === 'gi-trademarks-2020');
    policy.targets[index].versions = [
      { from: '2020-01-01', clause: '一/(三)', quote: '地理标志商标数量超过35件', value: 35, comparator: 'GTE' },
    ];
    writeFileSync(join(corpus.policiesDir, QUANZHOU), stringify(policy));
    const { data, errors } = await server.request(ReloadPoliciesDocument);
    expect(errors).toBeUndefined();
    if (data!.reloadPolicies.__typename !== 'ReloadPoliciesPayload') throw new Error('expected the reload');
    expect(data!.reloadPolicies.data.refused.filter((r) => r.file === QUANZHOU)).toEqual([
      {
        file: QUANZHOU,
        field: `targets.${index}.versions.0`,
        clause: '一/(三)',
        code: 'UNFAITHFUL',
        message:
          'target gi-trademarks-2020 [一/(三)] from 2020-01-01 [一/(三)]: the quote says 超过 (GT, more than) but the target is encoded GTE (at least)',
        policy: null,
      },
    ]);
    const { data: served } = await server.request<
      {
        policy: {
          targets: { edges: Array<{ node: { key: string; history: Array<{ from: string; comparator: string }> } }> };
        };
      },
      never
    >(`{ policy(key: "002") { targets(first: 100) { edges { node { key history { from comparator } } } } } }`);
    const gi = served!.policy.targets.edges.find((e) => e.node.key === 'gi-trademarks-2020')!.node;
    expect(gi.history).toEqual([{ from: '2019-01-05', comparator: 'GT' }]);
  });
});
