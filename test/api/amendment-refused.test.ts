/**
 * A refused amending file (issue 19): the policy it amends keeps serving, from its own file, without
 * the amendment, and reloadPolicies, /readyz and the log name the refused amendment and that policy
 * (AMENDMENT_REFUSED, typed), beside the file's own problems. Fixing the file applies it again.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ReloadPoliciesDocument } from '../../src/generated/operations.js';
import { corpusWith, type FixtureCorpus } from '../support/corpus.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const FIXTURE = new URL('../fixtures/amendments/', import.meta.url).pathname;
const NOTICE = '900-taizhou-2019-adjustment.yaml';
const AMENDED = 'taizhou-2017-quality';

const HISTORY = `{ policy(key: "000") { incentives(first: 100) { edges { node { key history { from } } } } } }`;

describe.each(DATABASE_KINDS)('a refused amending file on %s database', (kind) => {
  let server: TestServer;
  let corpus: FixtureCorpus;
  let notice = '';

  const reload = async () => {
    const { data, errors } = await server.request(ReloadPoliciesDocument);
    expect(errors).toBeUndefined();
    if (data!.reloadPolicies.__typename !== 'ReloadPoliciesPayload') throw new Error('expected the reload');
    return data!.reloadPolicies.data;
  };
  /** The days the China Quality Award's versions start, as 000 serves it. */
  const awardVersions = async () => {
    const { data, errors } = await server.request<
      { policy: { incentives: { edges: Array<{ node: { key: string; history: Array<{ from: string }> } }> } } },
      never
    >(HISTORY);
    expect(errors).toBeUndefined();
    const award = data!.policy.incentives.edges.find((e) => e.node.key === 'china-quality-award')!;
    return award.node.history.map((v) => v.from);
  };

  beforeAll(async () => {
    corpus = corpusWith(FIXTURE);
    notice = readFileSync(join(corpus.policiesDir, NOTICE), 'utf8');
    server = await startTestServer(kind, { policiesDir: corpus.policiesDir, seedsDir: corpus.seedsDir });
  });
  afterAll(async () => {
    await server?.stop();
    corpus?.remove();
  });

  it('serves the amended policy without the amendment, and names the refused amendment and that policy', async () => {
    expect(await awardVersions()).toEqual(['2017-06-07', '2019-01-01']);
    // 300万 where the notice's sentence says 200万: the notice is refused as unfaithful.
    writeFileSync(
      join(corpus.policiesDir, NOTICE),
      notice.replace('{ level: WINNER, amount: 200万 }', '{ level: WINNER, amount: 300万 }'),
    );
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const reloaded = await reload();
    const logged = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
    const served = (from: string) =>
      `${AMENDED} is served without this amendment (from ${from}): this file was refused (see its other problems); fix it and reload to apply the amendment`;
    expect(reloaded.refused).toEqual([
      {
        file: NOTICE,
        field: 'amends.0',
        clause: '一',
        code: 'UNFAITHFUL',
        message: expect.stringContaining('"200万元"'),
        policy: null,
      },
      ...[
        ['amends.0', '一', '2019-01-01'],
        ['amends.1', '二', '2019-01-01'],
        ['amends.2', '三', '2020-01-01'],
      ].map(([field, clause, from]) => ({
        file: NOTICE,
        field,
        clause,
        code: 'AMENDMENT_REFUSED',
        message: served(from!),
        policy: AMENDED,
      })),
    ]);
    // 000's own file is fine: it is loaded again, now without the notice's changes.
    expect(reloaded.loaded).toEqual([AMENDED]);
    expect(await awardVersions()).toEqual(['2017-06-07']);
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as {
      refusedPolicies: Array<{ code: string; policy?: string }>;
    };
    expect(ready.refusedPolicies.filter((r) => r.code === 'AMENDMENT_REFUSED').map((r) => r.policy)).toEqual([
      AMENDED,
      AMENDED,
      AMENDED,
    ]);
    expect(logged).toContain(
      `policy file refused (not loaded): ${NOTICE}: amends.0 [clause 一]: ${served('2019-01-01')}`,
    );
  });

  it('applies the amendment again once the file is fixed', async () => {
    writeFileSync(join(corpus.policiesDir, NOTICE), notice);
    const reloaded = await reload();
    expect(reloaded.refused).toEqual([]);
    // The notice's stored version is the good one (nothing of the broken file was stored); 000 takes its changes again.
    expect(reloaded.loaded).toEqual([AMENDED]);
    expect(reloaded.unchanged).toContain('taizhou-2019-reward-adjustment');
    expect(await awardVersions()).toEqual(['2017-06-07', '2019-01-01']);
  });
});
