/**
 * The corpus (policies, incentives, jurisdictions, kinds) is kept in memory between requests,
 * keyed by a fingerprint of what was loaded: a request after a reload must see the new rules, and
 * a request without one must not read the corpus again. What it serves of each policy is the engine
 * input the loader built from the file and stored (issue 17 item 2), nothing rebuilt from rows.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyInputOf } from '../../src/corpus/engine-input.js';
import type { PolicyFile } from '../../src/format/policy.js';
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

  it('reads the corpus once, then nothing until a change is noticed, then only its fingerprint', async () => {
    const first = await corpusSnapshot(server.db);
    const { result: again, statements } = await countStatements(() => corpusSnapshot(server.db));
    expect(again).toBe(first);
    expect(statements).toBe(0);
    expect(first.enginePolicies.policies).toHaveLength(5);
    // A write of the corpus tables by anyone (here SQL beside the server) is noticed: the fingerprint
    // is checked again, and the corpus, unchanged by it, not read again.
    await server.db.$executeRaw`UPDATE "Jurisdiction" SET name = name WHERE code = 'zj-taizhou-jiaojiang'`;
    await expect.poll(async () => (await countStatements(() => corpusSnapshot(server.db))).statements).toBe(1);
    expect(await corpusSnapshot(server.db)).toBe(first);
    expect((await countStatements(() => corpusSnapshot(server.db))).statements).toBe(0);
  });

  it('simulates without a statement once the corpus is kept: the jurisdiction too comes from memory', async () => {
    await taizhouAward();
    const { data, extensions } = await server.request(SimulateEntitlementsDocument, WINNER_2018);
    expect(data!.simulateEntitlements.entitlements.length).toBeGreaterThan(0);
    expect(extensions?.sqlStatements).toBe(0);
    const unknown = await server.request(SimulateEntitlementsDocument, {
      input: { ...WINNER_2018.input, jurisdiction: 'zj-taizhou-nowhere' },
    });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'input.jurisdiction' });
  });

  it('serves every policy’s engine input exactly as built from its file', async () => {
    const { enginePolicies } = await corpusSnapshot(server.db);
    const stored = new Map(enginePolicies.policies.map((p) => [p.key, p]));
    const files = readCorpus(CORPUS_DIR).policies;
    expect([...stored.keys()].sort()).toEqual(files.map((p) => p.key).sort());
    for (const file of files) expect(stored.get(file.key), file.key).toEqual(policyInputOf(file));
  });

  const INCENTIVE_READING = `query ($key: String!) { policy(key: $key) { incentives(first: 100) { edges { node {
    key rule ruleText provincialPart { amountYuan tiers { levels amountYuan } perUnit }
    conditions { kind fact months text } restatedIn { clause quote } } } } } }`;
  type Reading = {
    key: string;
    rule: unknown;
    ruleText: string;
    provincialPart: {
      amountYuan: number | null;
      tiers: Array<{ levels: string[]; amountYuan: number }>;
      perUnit: boolean;
    } | null;
    conditions: Array<{ kind: string; fact: string | null; months: number | null; text: string }>;
    restatedIn: Array<{ clause: string; quote: string }>;
  };
  async function readings(policyKey: string) {
    const { data, errors } = await server.request<
      { policy: { incentives: { edges: Array<{ node: Reading }> } } },
      { key: string }
    >(INCENTIVE_READING, { key: policyKey });
    expect(errors).toBeUndefined();
    return new Map(data!.policy.incentives.edges.map((e) => [e.node.key, e.node]));
  }

  it('serves provincial parts, conditions and restatements as typed objects', async () => {
    const xx = await readings('xx-2022-product-quality');
    expect(xx.get('national-standard-industrial-design-center')!.provincialPart).toEqual({
      amountYuan: 1_000_000,
      tiers: [],
      perUnit: false,
    });
    const taizhou = await readings('taizhou-2017-quality');
    expect(taizhou.get('well-known-trademark')!.conditions).toEqual([
      { kind: 'ATTESTED', fact: 'ADMINISTRATIVE_RECOGNITION', months: null, text: '行政认定' },
    ]);
    expect(taizhou.get('china-quality-award')).toMatchObject({
      rule: {
        kind: 'TIERED',
        tiers: [
          { level: 'WINNER', amount: 1_000_000 },
          { level: 'NOMINATION', amount: 300_000 },
        ],
      },
      ruleText: 'by level: 100万 (WINNER), 30万 (NOMINATION)',
      restatedIn: [],
    });
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

  /** One reading changed in a copy of the corpus: what the engine reads of an incentive. */
  type Change = (policy: PolicyFile, index: number) => void;
  const changes: Record<string, Change> = {
    'a restatement': (p, i) =>
      p.incentives[i]!.restatedIn.push({ clause: p.incentives[i]!.clause, quote: p.incentives[i]!.quote }),
    'a FIRST condition': (p, i) => p.incentives[i]!.conditions.push({ kind: 'FIRST', text: '首次' }),
    'an attested fact': (p, i) =>
      p.incentives[i]!.conditions.push({ kind: 'ATTESTED', fact: 'GENERATED_FACT', text: '经认定' }),
    'a provincial part': (p, i) => void (p.incentives[i]!.provincialPart = { amount: 123_000, perUnit: true }),
    'a cap': (p, i) => void (p.incentives[i]!.cap = { amount: 77_000, per: 'ENTERPRISE_YEAR' }),
    'held, not new': (p, i) => void (p.incentives[i]!.obtained = p.incentives[i]!.obtained === 'NEW' ? 'HELD' : 'NEW'),
  };

  it('serves a reloaded file’s every reading from the next request on (generated changes)', async () => {
    const keys = readCorpus(CORPUS_DIR).policies.map((p) => p.key);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...keys.filter((k) => k !== 'foshan-2017-industrial-quality')),
        fc.nat(),
        fc.constantFrom(...Object.keys(changes)),
        async (key, at, change) => {
          const corpus = readCorpus(CORPUS_DIR);
          const policy = corpus.policies.find((p) => p.key === key)!;
          const index = at % policy.incentives.length;
          changes[change]!(policy, index);
          try {
            expect(await loadCorpus(server.db, corpus)).toMatchObject({ loaded: [key] });
            const expected = policyInputOf(policy).incentives[index]!;
            const { enginePolicies } = await corpusSnapshot(server.db);
            expect(enginePolicies.policies.find((p) => p.key === key)!.incentives[index]).toEqual(expected);
            const served = (await readings(key)).get(expected.key)!;
            expect(served.conditions.map((c) => [c.kind, c.fact ?? c.months, c.text])).toEqual(
              expected.conditions.map((c) => [
                c.kind,
                c.kind === 'ATTESTED' ? c.fact : c.kind === 'HELD_FOR' ? c.months : null,
                c.text,
              ]),
            );
            expect(served.restatedIn).toEqual(expected.restatedIn);
            expect(served.provincialPart?.amountYuan ?? null).toBe(
              expected.provincialPart && 'amount' in expected.provincialPart ? expected.provincialPart.amount : null,
            );
          } finally {
            await loadCorpus(server.db, readCorpus(CORPUS_DIR));
          }
        },
      ),
      // Each run loads a policy twice: on the embedded database under load, 5–10 s.
      { seed: 17, numRuns: 4 },
    );
    const { enginePolicies } = await corpusSnapshot(server.db);
    for (const file of readCorpus(CORPUS_DIR).policies)
      expect(enginePolicies.policies.find((p) => p.key === file.key)).toEqual(policyInputOf(file));
  }, 240_000);
});
