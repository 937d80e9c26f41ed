/**
 * Rate limits over HTTP (issue 15, item 5): every spelling of one key draws from one bucket; bogus
 * keys meet a 429 once their address has failed too often, and are no longer looked up; on
 * PostgreSQL two servers on one database share one budget, and keep answering (counting in memory)
 * while the shared counters cannot be reached.
 */
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { issueKey } from '../../src/auth/keys.js';
import { credentialsOf } from '../../src/scope/caller.js';
import type { Prisma } from '../../src/generated/prisma/client.js';
import { createApp } from '../../src/server/app.js';
import { addressOf, type RateLimits } from '../../src/server/rate-limit.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const seed = 2026_12_01;
const QUERY = JSON.stringify({ query: '{ enterprises(first: 1) { totalCount } }' });

/** Spaces and tabs, as RFC 7235 allows around and after the scheme (and as clients send them). */
const blanks = (minLength: number) =>
  fc.array(fc.constantFrom(' ', '\t'), { minLength, maxLength: 4 }).map((chars) => chars.join(''));
/** How a client may write `Bearer <key>`: the scheme in any case, any blanks between and around. */
const spelling = fc
  .record({ lead: blanks(0), scheme: fc.mixedCase(fc.constant('bearer')), gap: blanks(1), trail: blanks(0) })
  .map(
    ({ lead, scheme, gap, trail }) =>
      (key: string) =>
        `${lead}${scheme}${gap}${key}${trail}`,
  );
/** Keys nobody issued, in the b64token alphabet real keys use. */
const bogusKey = fc.stringMatching(/^[A-Za-z0-9._~+/-]{8,40}$/);

/** Another server on the test server's database, with small limits, on its own port. */
async function limitedServer(server: TestServer, rateLimits: Partial<RateLimits>) {
  const app = await createApp(server.db, { databaseUrl: server.databaseUrl, rateLimits });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    ask: (authorization?: string, path = '/graphql') =>
      fetch(`${url}${path}`, {
        method: path === '/graphql' ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: path === '/graphql' ? QUERY : undefined,
      }),
    async stop() {
      await app.stop();
      app.server.close();
    },
  };
}

/** Counts the key lookups (`ApiKey` by `keyHash`) the test server's database answers. */
function countLookups(server: TestServer) {
  const counter = { lookups: 0 };
  // createDb() logs queries as events, but its Db type does not say so.
  const db = server.db as unknown as { $on(event: 'query', listener: (event: Prisma.QueryEvent) => void): void };
  db.$on('query', (event) => {
    if (event.query.includes('"ApiKey"') && event.query.includes('"keyHash"')) counter.lookups += 1;
  });
  return counter;
}

const codeOf = async (response: Response) =>
  ((await response.json()) as { errors?: Array<{ extensions: { code: string; field?: string } }> }).errors?.[0]
    ?.extensions;

it('reads every spelling of a key as the same key, and anything else as no key', () => {
  fc.assert(
    fc.property(spelling, bogusKey, (spell, key) => {
      expect(credentialsOf(spell(key))).toEqual(credentialsOf(`Bearer ${key}`));
    }),
    { seed, numRuns: 500 },
  );
  for (const header of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'Bearerabc', 'Bearer ab=c', 'Bearer ключ'])
    expect(credentialsOf(header)).toEqual({ kind: 'malformed' });
  expect(credentialsOf(undefined)).toEqual({ kind: 'none' });
});

describe.each(DATABASE_KINDS)('rate limits on %s database', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server?.stop());
  // On PostgreSQL the counters outlive a server: each test starts from none.
  afterEach(() => server.db.$executeRaw`DELETE FROM "RateLimit"`);

  it('draws every spelling of one key (scheme case, spaces, tabs) from one bucket', async () => {
    const perKey = 4;
    const limited = await limitedServer(server, { perKey });
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(spelling, { minLength: perKey + 3, maxLength: perKey + 3 }), async (spellings) => {
          const key = await issueKey(server.db, { name: 'spellings', role: 'ADMIN' });
          const statuses: number[] = [];
          for (const spell of spellings) {
            const response = await limited.ask(spell(key));
            statuses.push(response.status);
            if (response.status === 200) expect(await codeOf(response)).toBeUndefined();
            else expect(await codeOf(response)).toMatchObject({ code: 'RATE_LIMITED' });
          }
          expect(statuses).toEqual([...Array(perKey).fill(200), 429, 429, 429]);
        }),
        { seed, numRuns: 6 },
      );
    } finally {
      await limited.stop();
    }
  });

  it('answers bogus keys 429 past the failed authentications of their address, without looking them up', async () => {
    const failedAuthPerAddress = 5;
    const limited = await limitedServer(server, { failedAuthPerAddress });
    const counter = countLookups(server);
    try {
      const headers = fc.sample(fc.tuple(spelling, bogusKey), { seed, numRuns: 12 }).map(([spell, key]) => spell(key));
      for (const header of headers.slice(0, failedAuthPerAddress)) {
        const response = await limited.ask(header);
        expect(response.status).toBe(401);
        expect(await codeOf(response)).toMatchObject({ code: 'UNAUTHENTICATED', field: 'Authorization' });
      }
      expect(counter.lookups).toBe(failedAuthPerAddress);
      for (const header of [...headers.slice(failedAuthPerAddress), 'Basic dXNlcjpwYXNz']) {
        const response = await limited.ask(header);
        expect(response.status).toBe(429);
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await codeOf(response)).toMatchObject({ code: 'RATE_LIMITED', field: 'Authorization' });
      }
      expect(counter.lookups).toBe(failedAuthPerAddress);
      // Every route behind the limiter, and a real key from that address too, wait out the minute;
      // callers without a key are counted apart.
      for (const path of ['/exports/RXhwb3J0Sm9iOjE=', '/graphql'])
        expect((await limited.ask(`Bearer ${server.adminKey}`, path)).status).toBe(429);
      expect((await limited.ask()).status).toBe(200);
      expect(counter.lookups).toBe(failedAuthPerAddress);
    } finally {
      await limited.stop();
    }
  });
});

describe('rate limits shared by two servers on one PostgreSQL database', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('postgres');
  });
  afterAll(() => server?.stop());
  afterEach(() => server.db.$executeRaw`DELETE FROM "RateLimit"`);

  it('lets exactly the limit through when requests are split across both', async () => {
    const limits = { perKey: 6, perAddress: 5 };
    const [a, b] = [await limitedServer(server, limits), await limitedServer(server, limits)];
    try {
      const spellings = fc.sample(spelling, { seed, numRuns: 30 });
      const keyed = await Promise.all(spellings.map((spell, i) => (i % 2 ? a : b).ask(spell(server.adminKey))));
      expect(keyed.filter((r) => r.status === 200)).toHaveLength(limits.perKey);
      expect(keyed.filter((r) => r.status === 429)).toHaveLength(spellings.length - limits.perKey);
      const anonymous = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).ask()));
      expect(anonymous.filter((r) => r.status === 200)).toHaveLength(limits.perAddress);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('counts failed authentications of an address across both servers', async () => {
    const failedAuthPerAddress = 4;
    const [a, b] = [
      await limitedServer(server, { failedAuthPerAddress }),
      await limitedServer(server, { failedAuthPerAddress }),
    ];
    const counter = countLookups(server);
    try {
      const statuses: number[] = [];
      for (const [i, key] of fc.sample(bogusKey, { seed, numRuns: 10 }).entries())
        statuses.push((await (i % 2 ? a : b).ask(`Bearer ${key}`)).status);
      expect(statuses).toEqual([...Array(failedAuthPerAddress).fill(401), ...Array(6).fill(429)]);
      expect(counter.lookups).toBe(failedAuthPerAddress);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('keeps answering, and limiting in memory, while the shared counters cannot be reached', async () => {
    await server.db.$executeRaw`ALTER TABLE "RateLimit" RENAME TO "RateLimitAside"`;
    const limited = await limitedServer(server, { perKey: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await limited.ask(`Bearer ${server.adminKey}`)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await limited.stop();
      await server.db.$executeRaw`ALTER TABLE "RateLimitAside" RENAME TO "RateLimit"`;
    }
  });
});

describe('an address as one bucket, whatever socket the server listens on', () => {
  it('counts an IPv4 client seen as ::ffff:a.b.c.d (a server on every interface) as a.b.c.d (generated)', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.mixedCase(fc.constant('::ffff:')), (ip, mapped) => {
        expect(addressOf(`${mapped}${ip}`)).toBe(ip);
        expect(addressOf(ip)).toBe(ip);
      }),
      { seed, numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        if (!/^::ffff:\d/i.test(ip)) expect(addressOf(ip)).toBe(ip);
      }),
      { seed, numRuns: 200 },
    );
    expect(addressOf(undefined)).toBe('unknown');
  });
});
