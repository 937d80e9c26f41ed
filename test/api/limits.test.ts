/**
 * Hostile and malformed requests: too deep, too many aliases, too costly, too large, a batch,
 * broken JSON, bad IDs, too many requests. Each gets a typed error and never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isObjectType, type GraphQLResolveInfo } from 'graphql';
import { declaredCost, LIMITS, populationSignal, REPORT_COST, WHAT_IF_COST } from '../../src/graphql/limits.js';
import { schema } from '../../src/graphql/schema.js';
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

  /** `F0 { body }`, then `Fi { ...Fi-1 ...Fi-1 }` up to F<levels>: 2^levels copies of the body. */
  const doubling = (levels: number, body: string) =>
    `{ policy(key: "taizhou-2017-quality") { ...F${levels} } } fragment F0 on Policy { ${body} } ${Array.from(
      { length: levels },
      (_, i) => `fragment F${i + 1} on Policy { ...F${i} ...F${i} }`,
    ).join(' ')}`;

  /** Sends `work` while polling /healthz; the slowest health answer and the work's time, in ms. */
  const whileHealthy = async <T>(work: () => Promise<T>) => {
    let done = false;
    let slowest = 0;
    const poll = (async () => {
      while (!done) {
        const started = performance.now();
        await fetch(`${server.url}/healthz`);
        slowest = Math.max(slowest, performance.now() - started);
      }
    })();
    const started = performance.now();
    const result = await work();
    const ms = performance.now() - started;
    done = true;
    await poll;
    return { result, ms, slowest };
  };

  it.each([23, 40])(
    'costs a document of %i doubling fragments in milliseconds, each fragment once, /healthz answering meanwhile',
    async (levels) => {
      const plain = await whileHealthy(() => server.request(doubling(levels, 'key')));
      expect(plain.result.errors).toBeUndefined();
      expect(plain.result.data).toEqual({ policy: { key: 'taizhou-2017-quality' } });
      expect(plain.result.extensions).toMatchObject({ cost: { requested: 1, depth: 1 } });
      const aliased = await whileHealthy(() => server.request(doubling(levels, 'a: key')));
      expect(aliased.result.status).toBe(400);
      expect(aliased.result.errors?.[0]?.extensions?.code).toBe('TOO_MANY_ALIASES');
      expect(aliased.result.errors?.[0]?.message).toContain(`has ${2 ** levels} aliases`);
      const costly = await whileHealthy(() => server.request(doubling(levels, 'jurisdiction { code }')));
      expect(costly.result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
      expect(costly.result.extensions).toMatchObject({ cost: { requested: 1 + 2 ** levels } });
      // About 50 ms and 20 ms alone (the walk by re-expansion took 10 s at F23 and never ended at
      // F40); the bounds leave room for a machine shared with other test runs.
      for (const { ms, slowest } of [plain, aliased, costly]) {
        expect(ms).toBeLessThan(1_000);
        expect(slowest).toBeLessThan(400);
      }
    },
  );

  it('refuses a document over the token limit with QUERY_TOO_LARGE, and validates the worst one within it fast', async () => {
    const fields = (n: number) => `{ policy(key: "taizhou-2017-quality") { ${'jurisdiction { code } '.repeat(n)} } }`;
    // 10 tokens around the fields, 4 per field: the largest document under the limit, then one more field.
    const within = Math.floor((LIMITS.maxTokens - 10) / 4);
    const over = await server.request(fields(within + 1));
    expect(over.status).toBe(400);
    expect(over.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_LARGE');
    expect(over.errors?.[0]?.message).toContain(`the limit is ${LIMITS.maxTokens}`);
    // Repeated fields with selections are graphql-js validation's quadratic case (OverlappingFieldsCanBeMerged).
    await server.request(fields(within)); // warm
    const worst = await whileHealthy(() => server.request(fields(within)));
    expect(worst.result.errors).toBeUndefined();
    expect(worst.ms).toBeLessThan(1_000); // about 100 ms alone, 20 of them validation
    expect(worst.slowest).toBeLessThan(400);
  });

  const bigPages = (first: string) =>
    Array.from(
      { length: 10 },
      (_, i) =>
        `a${i}: enterprises(first: ${first}) { edges { node { achievements(first: ${first}) { edges { node { id } } } } } }`,
    ).join(' ');

  it('costs a variable its default when the client omits it, exactly as the value written out', async () => {
    const literal = await server.request(`{ ${bigPages('100')} }`);
    const omitted = await server.request(`query($f: Int = 100) { ${bigPages('$f')} }`, {});
    const sent = await server.request(`query($f: Int = 1) { ${bigPages('$f')} }`, { f: 100 });
    const perAlias = 1 + 100 * (1 + 1 + 1 + 100 * 2);
    for (const response of [literal, omitted, sent]) {
      expect(response.status).toBe(400);
      expect(response.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
      expect(response.extensions).toMatchObject({ cost: { requested: 10 * perAlias } });
    }
    expect(omitted.errors?.[0]?.message).toBe(literal.errors?.[0]?.message);
  });

  it('counts a connection without first or last as a page of 20, whatever its arguments', async () => {
    const { extensions, errors } = await server.request('{ enterprises { edges { node { id } } } }');
    expect(errors).toBeUndefined();
    expect(extensions).toMatchObject({ cost: { requested: 1 + 20 * 2 } });
    const filtered = await server.request('{ targets(filter: {}) { edges { node { id } } } }');
    expect(filtered.extensions).toMatchObject({ cost: { requested: 1 + 20 * 2 } });
  });

  it('answers a negative page size with INVALID_ARGUMENT naming the argument', async () => {
    for (const name of ['first', 'last']) {
      const { status, errors } = await server.request(`{ enterprises(${name}: -1) { edges { node { id } } } }`);
      expect(status).toBeLessThan(500);
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_ARGUMENT', field: `enterprises.${name}` });
    }
  });

  const totals = (alias: string) => `${alias}: entitlementTotals(input: { groupBy: [POLICY] }) { policyKey exactYuan }`;

  it('costs a population-wide report 5,000: one passes beside ordinary fields, ten aliased are refused', async () => {
    const one = await server.request(`{ ${totals('t')} policies(first: 5) { edges { node { key } } } }`);
    expect(one.errors).toBeUndefined();
    expect(one.extensions).toMatchObject({ cost: { requested: REPORT_COST + 1 + 5 * 2 } });
    const ten = await server.request(`{ ${Array.from({ length: 10 }, (_, i) => totals(`t${i}`)).join(' ')} }`);
    expect(ten.status).toBe(400);
    expect(ten.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(ten.extensions).toMatchObject({ cost: { requested: 10 * REPORT_COST } });
    const beneficiaries = await server.request(
      '{ incentives(first: 10) { edges { node { beneficiaries(first: 1) { totalCount } } } } }',
    );
    expect(beneficiaries.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(beneficiaries.extensions).toMatchObject({ cost: { requested: 1 + 10 * (1 + 1 + REPORT_COST) } });
  });

  it('costs every field that evaluates a population by its declaration, and refuses one that declares none', () => {
    const costed = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .flatMap((type) =>
        Object.values(type.getFields()).flatMap((field) =>
          declaredCost(field) === undefined ? [] : [[`${type.name}.${field.name}`, declaredCost(field)]],
        ),
      );
    expect(costed.sort()).toEqual([
      ['Enterprise.opportunities', WHAT_IF_COST],
      ['EntitlementReport.questions', WHAT_IF_COST],
      ['Incentive.beneficiaries', REPORT_COST],
      ['Policy.budgetExposure', REPORT_COST],
      ['Policy.progressMatrix', REPORT_COST],
      ['Query.achievementsAggregate', REPORT_COST],
      ['Query.enterprisesAggregate', REPORT_COST],
      ['Query.entitlementTotals', REPORT_COST],
      ['Query.reformImpact', 2 * REPORT_COST], // a baseline and a reform, each a report
      ['Query.simulateOpportunities', WHAT_IF_COST],
    ]);
    // A population loop takes its deadline from populationSignal, which a field without a cost cannot pass.
    const info = (parent: string, field: string) =>
      ({ parentType: schema.getType(parent), fieldName: field }) as unknown as GraphQLResolveInfo;
    const ctx = { signal: new AbortController().signal } as Parameters<typeof populationSignal>[0];
    expect(populationSignal(ctx, info('Query', 'entitlementTotals'))).toBe(ctx.signal);
    expect(() => populationSignal(ctx, info('Query', 'policies'))).toThrow(
      'Query.policies evaluates a population but declares no cost',
    );
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
