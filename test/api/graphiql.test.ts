/**
 * The landing page over HTTP: every tab is a document the server accepts as it stands (only the
 * fragments its operation uses, variables of the right types naming real objects), the page is
 * served compressed and revalidated by ETag.
 */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { getVariableValues, Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.js';
import { landingTabs, readExamples, type LandingTab } from '../../src/server/graphiql.js';
import { persistedOperations } from '../../src/server/persisted.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('GraphiQL landing page', () => {
  let server: TestServer;
  let tabs: LandingTab[];
  beforeAll(async () => {
    server = await startTestServer('embedded');
    tabs = await landingTabs(server.db, persistedOperations());
  });
  afterAll(() => server?.stop());

  it('has a tab for every shared operation, in the order of examples.yaml, the welcome first', () => {
    const operations = [...persistedOperations().values()].map((o) => o.name).sort();
    expect(tabs.map((t) => t.name).sort()).toEqual(operations);
    expect(tabs.map((t) => t.name)).toEqual(readExamples().examples.map((e) => e.operation));
    expect(tabs[0]!.query).toMatch(/^# 欢迎使用 PolicyGraph/);
    for (const tab of tabs.filter((t) => t.key !== 'none')) expect(tab.query, tab.name).toContain('Headers');
  });

  it('makes every tab a valid document on its own, with variables the operation accepts', () => {
    for (const tab of tabs) {
      const document = parse(tab.query);
      expect(
        validate(schema, document).map((e) => e.message),
        tab.name,
      ).toEqual([]);
      const operation = document.definitions.find(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
      )!;
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], tab.variables);
      expect(
        coerced.errors?.map((e) => e.message),
        tab.name,
      ).toBeUndefined();
    }
  });

  it('answers every keyless tab with data and no error, over HTTP', async () => {
    for (const tab of tabs.filter((t) => t.key === 'none')) {
      const { status, errors, data } = await server.request(tab.query, tab.variables, { key: null });
      expect({ tab: tab.name, status, errors }).toEqual({ tab: tab.name, status: 200, errors: undefined });
      expect(
        Object.values(data as object).some((v) => v !== null),
        tab.name,
      ).toBe(true);
    }
  });

  it('names real objects: the 000 target and the 中国质量奖 incentive resolve', async () => {
    const node = (tab: string) => tabs.find((t) => t.name === tab)!.variables.id as string;
    const { data } = await server.request<{ a: { key: string }; b: { key: string } }, object>(
      'query($a: ID!, $b: ID!) { a: node(id: $a) { ... on Target { key } } b: node(id: $b) { ... on Incentive { key } } }',
      { a: node('TargetProgress'), b: node('Node') },
      { key: null },
    );
    expect(data).toEqual({ a: { key: 'manufacturing-pass-rate-2020' }, b: { key: 'china-quality-award' } });
  });

  /** The page as it comes over the wire (fetch would decompress it). */
  const raw = (headers: Record<string, string>) =>
    new Promise<{ status: number; bytes: Buffer; headers: Record<string, unknown> }>((resolve, reject) => {
      request(`${server.url}/`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, bytes: Buffer.concat(chunks), headers: res.headers }));
      })
        .on('error', reject)
        .end();
    });

  it('serves the page compressed, brotli or gzip as asked, and revalidates it by ETag', async () => {
    const plain = await raw({ 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.bytes.toString()).toContain('<title>PolicyGraph</title>');
    expect(plain.headers['cache-control']).toBe('no-cache');
    for (const encoding of ['br', 'gzip'] as const) {
      const packed = await raw({ 'accept-encoding': encoding });
      expect(packed.headers['content-encoding']).toBe(encoding);
      expect(packed.bytes.length).toBeLessThan(plain.bytes.length / 3);
      const unpacked = encoding === 'br' ? brotliDecompressSync(packed.bytes) : gunzipSync(packed.bytes);
      expect(unpacked.equals(plain.bytes)).toBe(true);
    }
    const again = await raw({ 'if-none-match': plain.headers.etag as string });
    expect(again.status).toBe(304);
    expect(again.bytes.length).toBe(0);
  });
});
