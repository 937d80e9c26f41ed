/**
 * The corpus (policies, incentives, jurisdictions, kinds) is kept in memory between requests,
 * keyed by a fingerprint of what was loaded: a request after a reload must see the new rules, and
 * a request without one must not read the corpus again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/corpus/load.js';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { readCorpus } from '../../src/corpus/read.js';
import { countStatements } from '../../src/db/client.js';
import { corpusSnapshot } from '../../src/scope/corpus-snapshot.js';
import { SimulateEntitlementsDocument } from '../../src/generated/operations.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const WINNER_2018 = {
  input: {
    jurisdiction: 'zj-taizhou-jiaojiang',
    asOf: '2019-12-31',
    achievements: [{ kind: 'CHINA_QUALITY_AWARD', level: 'WINNER', obtainedOn: '2018-03-01' }],
  },
};

describe.each(DATABASE_KINDS)('the corpus snapshot on %s database', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server?.stop());

  async function taizhouAward() {
    const { data, errors } = await server.request(SimulateEntitlementsDocument, WINNER_2018);
    expect(errors).toBeUndefined();
    return data!.simulateEntitlements.entitlements.find(
      (e) => e.policyKey === 'taizhou-2017-quality' && e.incentiveKey === 'china-quality-award',
    )!.amountYuan;
  }

  it('reads the corpus once, then only its fingerprint', async () => {
    const first = await corpusSnapshot(server.db);
    const { result: again, statements } = await countStatements(() => corpusSnapshot(server.db));
    expect(again).toBe(first);
    expect(statements).toBe(1);
    expect(first.enginePolicies.policies).toHaveLength(5);
  });

  it('shows a reloaded rule from the next request on, and the document again once restored', async () => {
    expect(await taizhouAward()).toBe(1_000_000); // 二/(四): 中国质量奖 100万元
    const changed = readCorpus(CORPUS_DIR);
    const taizhou = changed.policies.find((p) => p.key === 'taizhou-2017-quality')!;
    const award = taizhou.incentives.find((i) => i.key === 'china-quality-award')!;
    if (award.rule.kind !== 'TIERED') throw new Error('二/(四) is encoded as tiers');
    award.rule.tiers[0]!.amount = 1_200_000;
    expect(await loadCorpus(server.db, changed)).toMatchObject({ loaded: ['taizhou-2017-quality'] });
    expect(await taizhouAward()).toBe(1_200_000);

    expect(await loadCorpus(server.db, readCorpus(CORPUS_DIR))).toMatchObject({ loaded: ['taizhou-2017-quality'] });
    expect(await taizhouAward()).toBe(1_000_000);
  });
});
