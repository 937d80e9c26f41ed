/**
 * Loading policy files as transactions of their own (issue 19 item 3): a broken file is refused whole,
 * named by file, path and clause, on /readyz and in reloadPolicies' answer; the other files serve, and
 * a policy loaded before keeps serving its last good version.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const TAIZHOU = '000-taizhou-2017.yaml';
const LOUDI = '001-loudi-2017.yaml';
const QUANZHOU = '002-quanzhou-2019.yaml';

const RELOAD = `mutation {
  reloadPolicies {
    __typename
    ... on ReloadPoliciesPayload { data { loaded unchanged refused { file field clause code message } } }
    ... on WriteRefused { code issues { file field clause code message } }
  }
}`;
const SERVED = `{ policies(first: 50) { edges { node { key } } } }`;
const TRADEMARK = `{ policy(key: "taizhou-2017-quality") { incentives(first: 100) { edges { node { key rule } } } } }`;

type Edges<T> = { edges: Array<{ node: T }> };
type Reload = { loaded: string[]; unchanged: string[]; refused: Array<Record<string, string | null>> };
type ReloadResult =
  | { __typename: 'ReloadPoliciesPayload'; data: Reload }
  | { __typename: 'WriteRefused'; code: string; issues: Array<Record<string, string | null>> };

/** The reload's answer when it loaded (the files it refused among it); throws on a whole-reload refusal. */
function reloaded(answer: { data?: { reloadPolicies: ReloadResult } | null }): Reload {
  const result = answer.data!.reloadPolicies;
  if (result.__typename !== 'ReloadPoliciesPayload') throw new Error(`reload refused: ${JSON.stringify(result)}`);
  return result.data;
}

/** The index of an incentive in a policy file, as the refusal's field names it. */
function incentiveIndex(text: string, key: string): number {
  const incentives = text.slice(text.indexOf('\nincentives:'), text.indexOf('\ntargets:'));
  return [...incentives.matchAll(/^ {2}- key: ([a-z0-9-]+)$/gm)].map((m) => m[1]).indexOf(key);
}

/** 000's 驰名商标 reward encoded as 300万 where its quote says 50万元. */
function misquoted(text: string): string {
  const at = text.indexOf('- key: well-known-trademark');
  return text.slice(0, at) + text.slice(at).replace('amount: 50万', 'amount: 300万');
}

describe.each(DATABASE_KINDS)('loading policy files one by one on %s database', (kind) => {
  let server: TestServer;
  let dir: string;
  const original = (file: string) => readFileSync(join(CORPUS_DIR, file), 'utf8');
  const write = (file: string, text: string) => writeFileSync(join(dir, file), text);
  const served = async () => {
    const { data } = await server.request<{ policies: Edges<{ key: string }> }, never>(SERVED);
    return data!.policies.edges.map((e) => e.node.key).sort();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'policygraph-policies-'));
    cpSync(CORPUS_DIR, dir, { recursive: true });
    write(TAIZHOU, misquoted(original(TAIZHOU)));
    write(LOUDI, original(LOUDI).replace(/^effectiveFrom: .*$/m, 'effectiveFrom: 2018-13-01'));
    write(QUANZHOU, original(QUANZHOU).replace('stacking:', 'stacking: [unclosed'));
    server = await startTestServer(kind, { policiesDir: dir });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const trademarkIndex = () => incentiveIndex(original(TAIZHOU), 'well-known-trademark');

  it('starts with the good files and reports each refused one on /readyz, placed and typed', async () => {
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; refusedPolicies: Array<Record<string, unknown>> };
    expect(body.status).toBe('ready');
    expect(body.refusedPolicies).toEqual([
      {
        file: TAIZHOU,
        field: `incentives.${trademarkIndex()}`,
        clause: '二/(四)',
        code: 'UNFAITHFUL',
        message: expect.stringMatching(
          /^"50万元" in ….*\(quoted by incentive well-known-trademark \[二\/\(四\)\], which do not encode it\)$/,
        ),
      },
      {
        file: LOUDI,
        field: 'effectiveFrom',
        clause: null,
        code: 'INVALID_FORMAT',
        message: 'must be a real calendar day written YYYY-MM-DD, such as "2018-01-31"',
      },
      {
        file: QUANZHOU,
        field: '',
        clause: null,
        code: 'NOT_YAML',
        message: expect.stringMatching(/^not valid YAML: .* at line 12, column 12:/),
      },
    ]);
    expect(server.loadReport).toMatchObject({
      loaded: ['xx-2022-product-quality', 'foshan-2017-industrial-quality'],
      unchanged: [],
    });
  });

  it('says on /readyz why a file was refused in the language of the request, the code and place alike', async () => {
    const [zh, en] = await Promise.all(
      ['zh-CN', 'en'].map((language) => fetch(`${server.url}/readyz`, { headers: { 'accept-language': language } })),
    );
    expect(zh.headers.get('content-language')).toBe('zh-CN');
    type Ready = { refusedPolicies: Array<{ file: string; code: string; field: string; message: string }> };
    const [inZh, inEn] = [(await zh.json()) as Ready, (await en.json()) as Ready];
    const place = ({ message: _m, ...rest }: Ready['refusedPolicies'][number]) => rest;
    expect(inZh.refusedPolicies.map(place)).toEqual(inEn.refusedPolicies.map(place));
    const yaml = (r: Ready) => r.refusedPolicies.find((x) => x.code === 'NOT_YAML')!.message;
    // The YAML reader's own account of where it stopped is quoted within the catalogue's words.
    expect(yaml(inZh)).toMatch(/^不是有效的 YAML：.* at line 12, column 12:/);
    expect(yaml(inEn)).toMatch(/^not valid YAML: .* at line 12, column 12:/);
  });

  it('serves the other policies and stores nothing of a refused file', async () => {
    expect(await served()).toEqual(['foshan-2017-industrial-quality', 'xx-2022-product-quality']);
    const refusedKeys = ['taizhou-2017-quality', 'loudi-2017-quality', 'quanzhou-2019-quality'];
    expect(await server.db.policy.count({ where: { key: { in: refusedKeys } } })).toBe(0);
    expect(await server.db.clause.count({ where: { policy: { key: { in: refusedKeys } } } })).toBe(0);
    // 000 declares Taizhou's districts; refused, it brought none of them.
    expect(await server.db.jurisdiction.count({ where: { code: 'zj-taizhou-jiaojiang' } })).toBe(0);
    const missing = await server.request(`{ policy(key: "taizhou-2017-quality") { key } }`);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('loads the files once they are fixed, and a reload answers the refusals typed, never a 500', async () => {
    for (const file of [TAIZHOU, LOUDI, QUANZHOU]) write(file, original(file));
    const fixed = await server.request<{ reloadPolicies: ReloadResult }, never>(RELOAD);
    expect(fixed.status).toBe(200);
    // 000 brings Taizhou's districts into the shared vocabulary, which every policy's hash covers: all reload.
    expect(reloaded(fixed)).toEqual({
      loaded: [
        'taizhou-2017-quality',
        'loudi-2017-quality',
        'quanzhou-2019-quality',
        'xx-2022-product-quality',
        'foshan-2017-industrial-quality',
      ],
      unchanged: [],
      refused: [],
    });
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready', refusedPolicies: [] });

    write(TAIZHOU, misquoted(original(TAIZHOU)).replace(/^effectiveFrom: .*$/m, '$&\neffectiveUntil: 2016-12-31'));
    const broken = await server.request<{ reloadPolicies: ReloadResult }, never>(RELOAD);
    expect(broken.status).toBe(200);
    expect(broken.errors).toBeUndefined();
    expect(reloaded(broken)).toMatchObject({
      refused: [
        {
          file: TAIZHOU,
          field: 'effectiveUntil',
          clause: null,
          code: 'INVALID_FORMAT',
          message: 'the window ends before it starts: effectiveUntil must be on or after effectiveFrom',
        },
      ],
    });
    expect(reloaded(broken).loaded).not.toContain('taizhou-2017-quality');
    const refusedOnReady = (await (await fetch(`${server.url}/readyz`)).json()) as { refusedPolicies: unknown[] };
    expect(refusedOnReady.refusedPolicies).toEqual(reloaded(broken).refused);
  });

  it('keeps serving the version loaded before a refused file', async () => {
    write(TAIZHOU, misquoted(original(TAIZHOU)));
    const answer = await server.request<{ reloadPolicies: ReloadResult }, never>(RELOAD);
    expect(reloaded(answer).refused).toMatchObject([
      { file: TAIZHOU, field: `incentives.${trademarkIndex()}`, code: 'UNFAITHFUL' },
    ]);
    const policy = await server.request<{ policy: { incentives: Edges<{ key: string; rule: unknown }> } }, never>(
      TRADEMARK,
    );
    const trademark = policy.data!.policy.incentives.edges.find((e) => e.node.key === 'well-known-trademark');
    expect(trademark!.node.rule).toEqual({ kind: 'FIXED', amount: 500_000 });
    expect(await served()).toHaveLength(5);
  });
});
