/**
 * Retiring a policy whose file is gone (issue 19 item 3): a reload retires it (kept for history, no
 * longer listed, evaluated or counted), putting the file back serves it again, and the reload's audit
 * entry keeps what changed, rule by rule, before and after.
 */
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { readEnginePolicies } from '../../src/scope/engine-inputs.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { checkGoldenCase, goldenCases } from '../support/golden.js';
import { startTestServer, type TestServer } from '../support/server.js';

const FILES: Record<string, string> = {
  '000-taizhou-2017.yaml': 'taizhou-2017-quality',
  '001-loudi-2017.yaml': 'loudi-2017-quality',
  '002-quanzhou-2019.yaml': 'quanzhou-2019-quality',
  '003-xx-2022.yaml': 'xx-2022-product-quality',
  '004-foshan-2017.yaml': 'foshan-2017-industrial-quality',
};
const TAIZHOU_FILE = '000-taizhou-2017.yaml';
const TAIZHOU = 'taizhou-2017-quality';
const OTHERS = [
  'foshan-2017-industrial-quality',
  'loudi-2017-quality',
  'quanzhou-2019-quality',
  'xx-2022-product-quality',
];

const RELOAD = `mutation {
  reloadPolicies {
    __typename
    ... on ReloadPoliciesPayload { data { loaded unchanged retired refused { file code } } }
  }
}`;
const RELOAD_REFUSED = `mutation {
  reloadPolicies { __typename ... on WriteRefused { code issues { field code message } } }
}`;
const LISTS = `{
  served: policies(first: 50) { totalCount edges { node { key retiredAt } } }
  retired: policies(first: 50, retired: true) { edges { node { key retiredAt } } }
  incentives(first: 1) { totalCount }
  targets(first: 1) { totalCount }
}`;
const HISTORY = `{
  policy(key: "000") {
    key
    retiredAt
    clause(path: "二/(四)") { path }
    incentives(first: 100) { totalCount edges { node { key rule } } }
    targets(first: 100) { totalCount }
  }
}`;
const ENTITLEMENTS = `query ($id: ID!) {
  node(id: $id) {
    ... on Enterprise {
      entitlements(asOf: "2019-12-31") { totals { exactYuan } entitlements { policyKey incentiveKey amountYuan } }
    }
  }
}`;
const TOTALS = `query ($policy: ID) {
  entitlementTotals(input: { groupBy: [POLICY], asOf: "2019-12-31", policy: $policy }) { policyKey exactYuan }
}`;
const COMPARE = `{
  compareIncentives(achievement: { kind: "CHINA_QUALITY_AWARD", level: "WINNER", obtainedOn: "2019-06-01" }) {
    policy { key }
  }
}`;
const AUDIT = `{
  auditLog(first: 1, filter: { entity: { equals: "Policy" }, action: { equals: "reload" } }) {
    edges { node { action after } }
  }
}`;

type Edges<T> = { edges: Array<{ node: T }> };
interface Reload {
  loaded: string[];
  unchanged: string[];
  retired: string[];
  refused: Array<{ file: string; code: string }>;
}
interface Lists {
  served: Edges<{ key: string; retiredAt: string | null }> & { totalCount: number };
  retired: Edges<{ key: string; retiredAt: string | null }>;
  incentives: { totalCount: number };
  targets: { totalCount: number };
}
interface Entitlements {
  node: {
    entitlements: {
      totals: { exactYuan: number };
      entitlements: Array<{ policyKey: string; incentiveKey: string; amountYuan: number | null }>;
    };
  };
}
interface Change {
  policy: string;
  new: boolean;
  restored: boolean;
  document: unknown;
  incentives: { added: string[]; removed: string[]; changed: Array<{ key: string; before: unknown; after: unknown }> };
  targets: { added: string[]; removed: string[]; changed: Array<{ key: string; before: unknown; after: unknown }> };
}

const keysOf = <T extends { key: string }>(list: Edges<T>) => list.edges.map((e) => e.node.key).sort();
const today = () => new Date().toISOString().slice(0, 10);

describe.each(DATABASE_KINDS)('retiring the policy of a deleted file on %s database', (kind) => {
  let server: TestServer;
  let dir: string;
  let enterpriseId = '';
  const original = readFileSync(join(CORPUS_DIR, TAIZHOU_FILE), 'utf8');

  const reload = async (): Promise<Reload> => {
    const { data, errors } = await server.request<{ reloadPolicies: { __typename: string; data: Reload } }, never>(
      RELOAD,
    );
    expect(errors).toBeUndefined();
    expect(data!.reloadPolicies.__typename).toBe('ReloadPoliciesPayload');
    return data!.reloadPolicies.data;
  };
  const lists = async () => (await server.request<Lists, never>(LISTS)).data!;
  const entitlements = async () =>
    (await server.request<Entitlements, { id: string }>(ENTITLEMENTS, { id: enterpriseId })).data!.node.entitlements;
  const totals = async () =>
    (await server.request<{ entitlementTotals: Array<{ policyKey: string; exactYuan: number }> }, never>(TOTALS)).data!
      .entitlementTotals;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'policygraph-retiring-'));
    cpSync(CORPUS_DIR, dir, { recursive: true });
    server = await startTestServer(kind, { policiesDir: dir });
    const { db } = server;
    const jiaojiang = await db.jurisdiction.findUniqueOrThrow({ where: { code: 'zj-taizhou-jiaojiang' } });
    const award = await db.achievementKind.findUniqueOrThrow({ where: { code: 'CHINA_QUALITY_AWARD' } });
    const enterprise = await db.enterprise.create({ data: { name: '椒江企业', jurisdictionId: jiaojiang.id } });
    await db.achievement.create({
      data: { enterpriseId: enterprise.id, kindId: award.id, level: 'WINNER', obtainedOn: new Date('2018-03-01') },
    });
    enterpriseId = Buffer.from(`Enterprise:${enterprise.id}`).toString('base64');
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("counts 000's 中国质量奖 while its file is there", async () => {
    const served = await entitlements();
    expect(served.entitlements.filter((e) => e.policyKey === TAIZHOU && e.amountYuan)).toEqual([
      { policyKey: TAIZHOU, incentiveKey: 'china-quality-award', amountYuan: 1_000_000 },
    ]);
    expect(await totals()).toContainEqual({ policyKey: TAIZHOU, exactYuan: 1_000_000 });
  });

  it('retires a deleted file on reload: not listed, evaluated or counted, its history kept', async () => {
    const before = await lists();
    const stored = await server.db.incentive.count({ where: { policy: { key: TAIZHOU } } });
    rmSync(join(dir, TAIZHOU_FILE));
    const answer = await reload();
    // 000 took Taizhou's districts out of the vocabulary, which the others' hashes cover: they reload.
    expect({ ...answer, loaded: answer.loaded.sort() }).toEqual({
      loaded: OTHERS,
      unchanged: [],
      retired: [TAIZHOU],
      refused: [],
    });

    const after = await lists();
    expect(keysOf(after.served)).toEqual(OTHERS);
    expect(after.served.totalCount).toBe(4);
    expect(after.retired.edges).toEqual([{ node: { key: TAIZHOU, retiredAt: today() } }]);
    expect(before.incentives.totalCount - after.incentives.totalCount).toBe(stored);
    expect(after.targets.totalCount).toBe(before.targets.totalCount - 7);

    // History: the policy, its clauses and incentives (rules included) read on by key, number and id.
    const history = await server.request<
      { policy: { retiredAt: string; incentives: Edges<{ key: string; rule: unknown }> & { totalCount: number } } },
      never
    >(HISTORY);
    expect(history.errors).toBeUndefined();
    expect(history.data!.policy).toMatchObject({ key: TAIZHOU, retiredAt: today(), clause: { path: '二/(四)' } });
    expect(history.data!.policy.incentives.totalCount).toBe(stored);
    expect(history.data!.policy.incentives.edges.find((e) => e.node.key === 'china-quality-award')!.node.rule).toEqual({
      kind: 'TIERED',
      tiers: [
        { level: 'WINNER', amount: 1_000_000 },
        { level: 'NOMINATION', amount: 300_000 },
      ],
    });
    expect(await server.db.achievement.count({ where: { enterprise: { name: '椒江企业' } } })).toBe(1);

    // Not evaluated, not counted: the award is no longer 000's.
    expect((await entitlements()).entitlements.filter((e) => e.policyKey === TAIZHOU)).toEqual([]);
    expect((await totals()).map((t) => t.policyKey)).not.toContain(TAIZHOU);
    const id = await server.db.policy.findUniqueOrThrow({ where: { key: TAIZHOU } });
    const award = await server.db.incentive.findFirstOrThrow({
      where: { key: 'china-quality-award', policy: { key: TAIZHOU } },
    });
    const named = await server.request(TOTALS, { policy: Buffer.from(`Policy:${id.id}`).toString('base64') });
    expect(named.status).toBeLessThan(500);
    expect(named.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['RETIRED', 'input.policy']]);
    expect(named.errors?.[0]?.message).toMatch(
      /^policy taizhou-2017-quality is retired .*put its file back and reload$/,
    );
    // Each asked alone: an error in policy(key) nulls the whole answer.
    const exposure = await server.request(`{ policy(key: "000") { budgetExposure { year } } }`);
    const beneficiaries = await server.request(
      `query ($incentive: ID!) { node(id: $incentive) { ... on Incentive { beneficiaries(first: 5) { totalCount } } } }`,
      { incentive: Buffer.from(`Incentive:${award.id}`).toString('base64') },
    );
    expect(
      [exposure, beneficiaries].flatMap((r) => r.errors!.map((e) => [e.extensions?.code, e.extensions?.field])),
    ).toEqual([
      ['RETIRED', 'budgetExposure'],
      ['RETIRED', 'beneficiaries'],
    ]);
    const exported = await server.request<{ startExport: { __typename: string; code: string } }, { policy: string }>(
      `mutation ($policy: ID!) {
        startExport(input: { report: ENTITLEMENTS_BY_ENTERPRISE, format: CSV, policy: $policy }) {
          __typename
          ... on WriteRefused { code issues { field code } }
        }
      }`,
      { policy: Buffer.from(`Policy:${id.id}`).toString('base64') },
    );
    expect(exported.data!.startExport).toEqual({
      __typename: 'WriteRefused',
      code: 'RETIRED',
      issues: [{ field: 'input.policy', code: 'RETIRED' }],
    });
  });

  it('refuses a reload whose directory is gone, retiring nothing', async () => {
    const moved = `${dir}-moved`;
    renameSync(dir, moved);
    try {
      const { data } = await server.request<
        { reloadPolicies: { __typename: string; code: string; issues: Array<{ field: string; code: string }> } },
        never
      >(RELOAD_REFUSED);
      expect(data!.reloadPolicies).toMatchObject({
        __typename: 'WriteRefused',
        code: 'NOT_FOUND',
        issues: [{ field: 'dir', code: 'NOT_FOUND' }],
      });
    } finally {
      renameSync(moved, dir);
    }
    expect(keysOf((await lists()).served)).toEqual(OTHERS);
  });

  it("passes the other policies' golden cases as stored and read back", async () => {
    const { policies, retired } = await readEnginePolicies(server.db);
    expect([...retired]).toEqual([TAIZHOU]);
    const served = new Map(policies.map((p) => [p.key, p]));
    expect([...served.keys()].sort()).toEqual(OTHERS);
    const cases = goldenCases.filter((c) => c.policy !== TAIZHOU);
    expect(cases.length).toBeGreaterThan(50);
    for (const c of cases) checkGoldenCase(served, c);
  });

  it('records the retirement in the reload’s audit entry', async () => {
    const { data } = await server.request<{ auditLog: Edges<{ after: { retired: string[] } }> }, never>(AUDIT);
    expect(data!.auditLog.edges[0]!.node.after.retired).toEqual([TAIZHOU]);
  });

  it('serves the policy again when its file is put back', async () => {
    writeFileSync(join(dir, TAIZHOU_FILE), original);
    const answer = await reload();
    expect(answer.loaded).toContain(TAIZHOU);
    expect(answer.retired).toEqual([]);
    const { data } = await server.request<{ auditLog: Edges<{ after: { changes: Change[] } }> }, never>(AUDIT);
    expect(data!.auditLog.edges[0]!.node.after.changes.find((c) => c.policy === TAIZHOU)).toEqual({
      policy: TAIZHOU,
      new: false,
      restored: true,
      document: null,
      incentives: { added: [], removed: [], changed: [] },
      targets: { added: [], removed: [], changed: [] },
    });
    const now = await lists();
    expect(keysOf(now.served)).toEqual([...OTHERS, TAIZHOU].sort());
    expect(now.retired.edges).toEqual([]);
    expect((await entitlements()).totals.exactYuan).toBe(1_000_000);
    expect(await totals()).toContainEqual({ policyKey: TAIZHOU, exactYuan: 1_000_000 });
  });

  it('keeps in the audit entry what a reload changed, rule by rule, before and after', async () => {
    // Tiers swapped (both figures still stand in the quote, so the file passes every check), an
    // incentive renamed, a target's deadline moved.
    const changed = original
      .replace(
        '{ level: WINNER, amount: 100万 }, { level: NOMINATION, amount: 30万 }',
        '{ level: WINNER, amount: 30万 }, { level: NOMINATION, amount: 100万 }',
      )
      .replace('- key: well-known-trademark\n', '- key: well-known-trademark-recognised\n')
      .replace(/(key: manufacturing-pass-rate-2020,.*deadline: )2020-12-31/, '$12020-06-30');
    expect(changed).not.toBe(original);
    writeFileSync(join(dir, TAIZHOU_FILE), changed);
    expect(await reload()).toMatchObject({ loaded: [TAIZHOU], retired: [], refused: [] });
    const { data } = await server.request<{ auditLog: Edges<{ after: { changes: Change[] } }> }, never>(AUDIT);
    expect(data!.auditLog.edges[0]!.node.after.changes).toEqual([
      {
        policy: TAIZHOU,
        new: false,
        restored: false,
        document: null,
        incentives: {
          added: ['well-known-trademark-recognised'],
          removed: ['well-known-trademark'],
          changed: [
            {
              key: 'china-quality-award',
              before: {
                rule: {
                  kind: 'TIERED',
                  tiers: [
                    { level: 'WINNER', amount: 1_000_000 },
                    { level: 'NOMINATION', amount: 300_000 },
                  ],
                },
              },
              after: {
                rule: {
                  kind: 'TIERED',
                  tiers: [
                    { level: 'WINNER', amount: 300_000 },
                    { level: 'NOMINATION', amount: 1_000_000 },
                  ],
                },
              },
            },
          ],
        },
        targets: {
          added: [],
          removed: [],
          changed: [
            {
              key: 'manufacturing-pass-rate-2020',
              before: { deadline: '2020-12-31' },
              after: { deadline: '2020-06-30' },
            },
          ],
        },
      },
    ]);
    // The change serves at once: the winner now gets 30万.
    expect((await entitlements()).totals.exactYuan).toBe(300_000);
    writeFileSync(join(dir, TAIZHOU_FILE), original);
    expect((await reload()).loaded).toEqual([TAIZHOU]);
  });

  it('serves exactly the files present, whichever are removed and put back across reloads', async () => {
    const stored = Object.values(FILES).sort();
    // The policies that reward 中国质量奖 (compareIncentives evaluates every served one).
    const rewarding = ['loudi-2017-quality', 'quanzhou-2019-quality', TAIZHOU];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.subarray(Object.keys(FILES)), { minLength: 2, maxLength: 3 }), async (steps) => {
        for (const present of steps) {
          for (const file of Object.keys(FILES)) {
            const path = join(dir, file);
            if (present.includes(file)) cpSync(join(CORPUS_DIR, file), path);
            else rmSync(path, { force: true });
          }
          const keys = present.map((f) => FILES[f]!).sort();
          const answer = await reload();
          expect(answer.refused).toEqual([]);
          const now = await lists();
          expect(keysOf(now.served)).toEqual(keys);
          expect(keysOf(now.retired)).toEqual(stored.filter((k) => !keys.includes(k)));
          const compared = await server.request<{ compareIncentives: Array<{ policy: { key: string } }> }, never>(
            COMPARE,
          );
          expect([...new Set(compared.data!.compareIncentives.map((c) => c.policy.key))].sort()).toEqual(
            rewarding.filter((k) => keys.includes(k)),
          );
          const taizhou = (await entitlements()).entitlements.filter((e) => e.policyKey === TAIZHOU && e.amountYuan);
          expect(taizhou.map((e) => e.amountYuan)).toEqual(keys.includes(TAIZHOU) ? [1_000_000] : []);
          // History: every policy ever stored is still there, with all its incentives.
          expect(await server.db.policy.count()).toBe(5);
        }
      }),
      { seed: 19_3, numRuns: 2 },
    );
    for (const file of Object.keys(FILES)) cpSync(join(CORPUS_DIR, file), join(dir, file));
    expect((await reload()).retired).toEqual([]);
  });
});

describe.each(DATABASE_KINDS)('a reload past the request deadline on %s database', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { timeoutMs: 1 });
  });
  afterAll(() => server?.stop());

  it('answers what it did, not a TIMEOUT for work that went through', async () => {
    const reload = await server.request<{ reloadPolicies: { data: Reload } }, never>(RELOAD);
    expect(reload.errors).toBeUndefined();
    expect(reload.data!.reloadPolicies.data).toMatchObject({ loaded: [], retired: [], refused: [] });
    expect(reload.data!.reloadPolicies.data.unchanged).toHaveLength(5);
  });
});
