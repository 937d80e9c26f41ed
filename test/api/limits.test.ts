/**
 * Hostile and malformed requests: too deep, too many aliases, too costly, too large, a batch,
 * broken JSON, bad IDs, too many requests. Each gets a typed error and never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/graphql/limits.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('request limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('embedded');
  });
  afterAll(() => server?.stop());

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it("reports each request's cost in extensions", async () => {
    const { extensions } = await server.request(
      '{ enterprises(first: 50) { edges { node { achievements(first: 10) { edges { node { id } } } } } } }',
    );
    expect(extensions).toMatchObject({ cost: { requested: 1 + 50 * (1 + 1 + 1 + 10 * 2), limit: LIMITS.maxCost } });
  });

  it('refuses a query nested deeper than the limit', async () => {
    const nested = `${'parent { '.repeat(LIMITS.maxDepth)}code${' }'.repeat(LIMITS.maxDepth)}`;
    const { errors, status } = await server.request(`{ jurisdiction(code: "gd-foshan-nanhai") { ${nested} } }`);
    expect(status).toBe(400);
    expect(errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
  });

  it('refuses more aliases than the limit', async () => {
    const aliases = Array.from(
      { length: LIMITS.maxAliases + 1 },
      (_, i) => `a${i}: policies(first: 1) { totalCount }`,
    ).join(' ');
    const { errors } = await server.request(`{ ${aliases} }`);
    expect(errors?.[0]?.extensions?.code).toBe('TOO_MANY_ALIASES');
  });

  it('refuses a query that could return more objects than the limit', async () => {
    const { errors } = await server.request(
      '{ enterprises(first: 100) { edges { node { achievements(first: 100) { edges { node { enterprise { achievements(first: 100) { totalCount } } } } } } } } }',
    );
    expect(errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(errors?.[0]?.message).toContain('ask for smaller pages');
  });

  it('refuses a body over 1 MB with 413', async () => {
    const response = await post(JSON.stringify({ query: `{ policies { totalCount } } #${'x'.repeat(1_100_000)}` }));
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it.each([
    ['broken JSON', '{"query": "{ policies { totalCount } }"', 400],
    [
      'a batch of operations',
      JSON.stringify([{ query: '{ policies { totalCount } }' }, { query: '{ policies { totalCount } }' }]),
      400,
    ],
    ['no query', JSON.stringify({ variables: {} }), 400],
    ['a syntax error', JSON.stringify({ query: '{ policies { totalCount }' }), 400],
    ['an unknown field', JSON.stringify({ query: '{ secrets }' }), 400],
  ])('answers %s with a 4xx and an error message', async (_name, body, status) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    const payload = (await response.json()) as { errors: Array<{ message: string }> };
    expect(payload.errors[0]!.message.length).toBeGreaterThan(0);
  });

  it.each([
    'not base64!',
    'UG9saWN5OjA=',
    Buffer.from('Policy:-1').toString('base64'),
    Buffer.from('Nope:1').toString('base64'),
  ])('answers node(id: %j) with a typed error or null, never a 5xx', async (id) => {
    for (const query of ['query($id: ID!) { node(id: $id) { id } }', 'query($id: ID!) { nodes(ids: [$id]) { id } }']) {
      const { status, errors, data } = await server.request(query, { id });
      expect(status).toBeLessThan(500);
      if (errors) expect(['INVALID_ID', 'WRONG_ID_TYPE']).toContain(errors[0]!.extensions?.code);
      else expect(Object.values(data as object)[0]).toEqual(query.includes('nodes') ? [null] : null);
    }
  });

  it('answers too many requests with 429 and when to retry', async () => {
    const limited = await startTestServer('embedded');
    try {
      const { createApp } = await import('../../src/server/app.js');
      const app = await createApp(limited.db, { rateLimits: { perKey: 3, perAddress: 2 } });
      await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/graphql`;
      const ask = () =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ policies { totalCount } }' }),
        });
      const statuses = [(await ask()).status, (await ask()).status];
      const refused = await ask();
      expect(statuses).toEqual([200, 200]);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await refused.json()).errors[0].extensions.code).toBe('RATE_LIMITED');
      await app.stop();
      app.server.close();
    } finally {
      await limited.stop();
    }
  });
});
