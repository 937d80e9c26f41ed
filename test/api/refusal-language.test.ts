/**
 * Every refusal a person reads, in the caller's language (issue 22): refused writes (WriteRefused
 * and its issues), the request's limits (depth, aliases, cost, page size, tokens, body size, a
 * batch, broken JSON), authentication and access, the rate limit's 429, and the import and
 * download routes. Under any Chinese Accept-Language the message is Chinese (CJK present, no
 * English sentence left); otherwise English; the code, the field and the status never change.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

interface Refusal {
  status: number;
  code: string | undefined;
  field: string | undefined;
  message: string;
}

const CJK = /[\u4e00-\u9fff]/;
/** Four English words in a row: a sentence the catalogue did not translate (codes and field paths are not words). */
const ENGLISH_SENTENCE = /\b[a-z]{2,}(?:[ ,;:()]+[a-z]{2,}){3,}\b/i;
/** English words: what an English answer is written in. */
const ENGLISH = /\b[a-z]{2,} [a-z]{2,}\b/i;

describe('refusals in the language of the request', () => {
  let server: TestServer;
  /** A server whose failed-authentication budget is 1 a minute: the second bad key meets 429. */
  let limited: TestServer;
  let agencyKey: string;

  beforeAll(async () => {
    [server, limited] = await Promise.all([
      startTestServer('embedded', { rateLimits: { failedAuthPerAddress: 1_000 } }),
      startTestServer('embedded', { rateLimits: { failedAuthPerAddress: 1 } }),
    ]);
    const issued = await server.request<{ issueApiKey: { data: { secret: string } } }, object>(
      `mutation { issueApiKey(input: { name: "Jiaojiang agency", role: AGENCY, jurisdictions: ["zj-taizhou-jiaojiang"] }) {
        ... on IssueApiKeyPayload { data { secret } } } }`,
    );
    agencyKey = issued.data!.issueApiKey.data.secret;
    // Spend the limited server's one failed authentication.
    await fetch(`${limited.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer pg_nobody' },
      body: JSON.stringify({ query: '{ policies { totalCount } }' }),
    });
  }, 240_000);
  afterAll(async () => {
    await Promise.all([server?.stop(), limited?.stop()]);
  });

  const graphql = async (
    language: string | undefined,
    body: string,
    options: { key?: string | null; authorization?: string; url?: string } = {},
  ) => {
    const key = options.key === undefined ? server.adminKey : options.key;
    const authorization = options.authorization ?? (key ? `Bearer ${key}` : undefined);
    return fetch(`${options.url ?? server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(language ? { 'accept-language': language } : {}),
        ...(authorization ? { authorization } : {}),
      },
      body,
    });
  };
  const query = (text: string, variables: object = {}) => JSON.stringify({ query: text, variables });

  /** The first error of a GraphQL-shaped answer. */
  const firstError = async (response: Response): Promise<Refusal> => {
    const body = (await response.json()) as {
      errors: Array<{ message: string; extensions?: { code?: string; field?: string } }>;
    };
    const [error] = body.errors;
    return {
      status: response.status,
      code: error!.extensions?.code,
      field: error!.extensions?.field,
      message: error!.message,
    };
  };
  /** The first issue of a mutation's WriteRefused, and its one-line message. */
  const refusedWrite = async (response: Response, field: string): Promise<Refusal> => {
    const body = (await response.json()) as {
      data: Record<string, { __typename: string; message: string; issues: Array<Omit<Refusal, 'status'>> }>;
    };
    const refused = body.data[field]!;
    expect(refused.__typename).toBe('WriteRefused');
    const [issue] = refused.issues;
    expect(refused.message).toContain(issue!.message);
    return { status: response.status, code: issue!.code, field: issue!.field, message: issue!.message };
  };

  const deep = `{ jurisdiction(code: "gd-foshan-nanhai") { ${'parent { '.repeat(15)}code${' }'.repeat(15)} } }`;
  const KINDS: Record<string, (language: string | undefined) => Promise<Refusal>> = {
    'a write naming an unknown jurisdiction': async (language) =>
      refusedWrite(
        await graphql(
          language,
          query(
            `mutation { createEnterprise(input: { name: "台州示例", jurisdiction: "zj-nowhere" }) {
              __typename ... on WriteRefused { message issues { code field message } } } }`,
          ),
        ),
        'createEnterprise',
      ),
    'a write with an empty name (the schema)': async (language) =>
      refusedWrite(
        await graphql(
          language,
          query(
            `mutation { createEnterprise(input: { name: "  ", jurisdiction: "zj-taizhou-jiaojiang" }) {
              __typename ... on WriteRefused { message issues { code field message } } } }`,
          ),
        ),
        'createEnterprise',
      ),
    'a negative observation': async (language) =>
      refusedWrite(
        await graphql(
          language,
          query(
            `mutation { recordObservations(input: [{ indicator: "MANUFACTURING_PRODUCT_PASS_RATE", jurisdiction: "zj-taizhou", year: 2019, value: -3, source: "统计局" }]) {
              __typename ... on WriteRefused { message issues { code field message } } } }`,
          ),
        ),
        'recordObservations',
      ),
    'a write outside the agency’s jurisdictions': async (language) =>
      firstError(
        await graphql(
          language,
          query(
            `mutation($j: ID!) { startExport(input: { report: ACHIEVEMENTS_BY_DISTRICT, format: CSV, jurisdiction: $j }) { __typename } }`,
            { j: Buffer.from('Jurisdiction:1').toString('base64') },
          ),
          { key: agencyKey },
        ),
      ),
    'a query too deep': async (language) => firstError(await graphql(language, query(deep))),
    'too many aliases': async (language) =>
      firstError(
        await graphql(language, query(`{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ')} }`)),
      ),
    'a query too costly': async (language) =>
      firstError(
        await graphql(
          language,
          query(
            '{ enterprises(first: 100) { edges { node { achievements(first: 100) { edges { node { enterprise { achievements(first: 100) { totalCount } } } } } } } } }',
          ),
        ),
      ),
    'a page too large': async (language) =>
      firstError(await graphql(language, query('{ policies(first: 101) { totalCount } }'))),
    'a document over the token limit': async (language) =>
      firstError(await graphql(language, query(`{ ${'__typename '.repeat(1_001)}}`))),
    'a body over 1 MB': async (language) =>
      firstError(await graphql(language, JSON.stringify({ query: `{ __typename } #${'x'.repeat(1_100_000)}` }))),
    'a body that is not JSON': async (language) => firstError(await graphql(language, '{"query": "{ __typename }"')),
    'a batch of operations': async (language) =>
      firstError(await graphql(language, JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]))),
    'a malformed Authorization header': async (language) =>
      firstError(await graphql(language, query('{ __typename }'), { authorization: 'Token abc' })),
    'an unknown key': async (language) =>
      firstError(await graphql(language, query('{ __typename }'), { key: 'pg_unknown' })),
    'a field that needs a key': async (language) =>
      firstError(await graphql(language, query('{ enterprises { totalCount } }'), { key: null })),
    'the rate limit': async (language) =>
      firstError(await graphql(language, query('{ __typename }'), { key: 'pg_nobody', url: limited.url })),
    'an import without a key': async (language) =>
      firstError(
        await fetch(`${server.url}/import/enterprises`, {
          method: 'POST',
          headers: { 'content-type': 'text/csv', ...(language ? { 'accept-language': language } : {}) },
          body: 'name,jurisdiction\n',
        }),
      ),
    'an import of another media type': async (language) =>
      firstError(
        await fetch(`${server.url}/import/enterprises`, {
          method: 'POST',
          headers: {
            'content-type': 'application/pdf',
            authorization: `Bearer ${server.adminKey}`,
            ...(language ? { 'accept-language': language } : {}),
          },
          body: '%PDF',
        }),
      ),
    'an imported row naming an unknown jurisdiction': async (language) => {
      const response = await fetch(`${server.url}/import/enterprises`, {
        method: 'POST',
        headers: {
          'content-type': 'text/csv',
          authorization: `Bearer ${server.adminKey}`,
          ...(language ? { 'accept-language': language } : {}),
        },
        body: 'name,jurisdiction\n台州示例,zj-nowhere\n',
      });
      const line = JSON.parse((await response.text()).trim().split('\n').at(-1)!) as {
        issues: Array<Omit<Refusal, 'status'>>;
      };
      const [issue] = line.issues;
      return { status: response.status, code: issue!.code, field: issue!.field, message: issue!.message };
    },
    'a download of no export': async (language) =>
      firstError(
        await fetch(`${server.url}/exports/${Buffer.from('Policy:1').toString('base64')}`, {
          headers: { authorization: `Bearer ${server.adminKey}`, ...(language ? { 'accept-language': language } : {}) },
        }),
      ),
  };

  /** What each kind answers, by code and status: the figures the test pins. */
  const EXPECTED: Record<string, Pick<Refusal, 'status' | 'code' | 'field'>> = {
    'a write naming an unknown jurisdiction': { status: 200, code: 'NOT_FOUND', field: 'input.jurisdiction' },
    'a write with an empty name (the schema)': { status: 200, code: 'INVALID_ARGUMENT', field: 'input.name' },
    'a negative observation': { status: 200, code: 'INVALID_ARGUMENT', field: 'input[0].value' },
    'a write outside the agency’s jurisdictions': { status: 200, code: 'FORBIDDEN', field: 'input.jurisdiction' },
    'a query too deep': { status: 400, code: 'QUERY_TOO_DEEP', field: undefined },
    'too many aliases': { status: 400, code: 'TOO_MANY_ALIASES', field: undefined },
    'a query too costly': { status: 400, code: 'QUERY_TOO_COSTLY', field: undefined },
    'a page too large': { status: 400, code: 'PAGE_SIZE_TOO_LARGE', field: 'policies.first' },
    'a document over the token limit': { status: 400, code: 'QUERY_TOO_LARGE', field: undefined },
    'a body over 1 MB': { status: 413, code: 'PAYLOAD_TOO_LARGE', field: undefined },
    'a body that is not JSON': { status: 400, code: 'BAD_REQUEST', field: undefined },
    'a batch of operations': { status: 400, code: 'BAD_REQUEST', field: undefined },
    'a malformed Authorization header': { status: 401, code: 'UNAUTHENTICATED', field: 'Authorization' },
    'an unknown key': { status: 401, code: 'UNAUTHENTICATED', field: 'Authorization' },
    'a field that needs a key': { status: 200, code: 'UNAUTHENTICATED', field: 'enterprises' },
    'the rate limit': { status: 429, code: 'RATE_LIMITED', field: 'Authorization' },
    'an import without a key': { status: 401, code: 'UNAUTHENTICATED', field: undefined },
    'an import of another media type': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', field: undefined },
    'an imported row naming an unknown jurisdiction': { status: 422, code: 'NOT_FOUND', field: 'jurisdiction' },
    'a download of no export': { status: 404, code: 'NOT_FOUND', field: undefined },
  };

  it('says each refusal in Chinese under zh-CN and in English otherwise, the code, field and status alike (generated)', async () => {
    const CHINESE = ['zh-CN', 'zh', 'zh-TW', 'zh-Hant-HK', 'en;q=0.5, zh-CN'];
    const OTHER = [undefined, 'en', 'en-US', 'fr-FR', 'de;q=0.9, en;q=0.8'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CHINESE), fc.constantFrom(...OTHER), async (chinese, other) => {
        for (const [kind, refuse] of Object.entries(KINDS)) {
          const [zh, en] = [await refuse(chinese), await refuse(other)];
          expect({ status: zh.status, code: zh.code, field: zh.field }, `${kind} in ${chinese}`).toEqual(
            EXPECTED[kind],
          );
          expect({ status: en.status, code: en.code, field: en.field }, `${kind} in ${other}`).toEqual(EXPECTED[kind]);
          expect(zh.message, `${kind} in ${chinese}`).toMatch(CJK);
          expect(zh.message, `${kind} in ${chinese}`).not.toMatch(ENGLISH_SENTENCE);
          expect(en.message, `${kind} in ${other}`).not.toMatch(CJK);
          expect(en.message, `${kind} in ${other}`).toMatch(ENGLISH);
        }
      }),
      // Every kind in every run, under generated pairs of languages.
      { seed: 2212, numRuns: 8 },
    );
  }, 300_000);

  it('words the limits with their figures in both languages', async () => {
    const [zh, en] = [await KINDS['a query too deep']!('zh-CN'), await KINDS['a query too deep']!('en')];
    expect(zh.message).toBe('查询嵌套 16 层，上限为 15 层：请减少嵌套的字段');
    expect(en.message).toBe('the query is 16 levels deep; the limit is 15: nest fewer fields');
    const page = await KINDS['a page too large']!('zh-CN');
    expect(page.message).toBe('first 最多为 100，收到 101');
    const limitedAnswer = await graphql('zh-CN', query('{ __typename }'), { key: 'pg_nobody', url: limited.url });
    expect(limitedAnswer.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await firstError(limitedAnswer)).message).toMatch(/^此地址认证失败次数过多：请在 \d+ 秒后重试$/);
    const row = await KINDS['an imported row naming an unknown jurisdiction']!('zh-CN');
    expect(row.message).toBe('未知的辖区代码“zj-nowhere”');
  });
});
