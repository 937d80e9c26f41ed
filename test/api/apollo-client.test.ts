/**
 * Issue 16 item 5: Apollo Client 4 as a frontend team wires it (HttpLink + PersistedQueryLink with
 * ids from the committed manifest, @apollo/persisted-query-lists) against a server with the
 * safelist on. Apollo adds __typename to every selection, so before the manifest every request
 * cost a 400 and a retry, and every anonymous one was refused. Now each shared operation answers
 * on its first request, by hash alone: data, or UNAUTHENTICATED for a keyed one without a key.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApolloClient, HttpLink, InMemoryCache, type ErrorLike } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { generatePersistedQueryIdsFromManifest } from '@apollo/persisted-query-lists';
import { isAbstractType, parse, type GraphQLAbstractType, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.js';
import { createApp, type App } from '../../src/server/app.js';
import { landingTabs, type LandingTab } from '../../src/server/graphiql.js';
import { apolloManifest, persistedOperations } from '../../src/server/persisted.js';
import { startTestServer, type TestServer } from '../support/server.js';

const possibleTypes = Object.fromEntries(
  Object.values(schema.getTypeMap())
    .filter((type) => isAbstractType(type) && !type.name.startsWith('__'))
    .map((type) => [type.name, schema.getPossibleTypes(type as GraphQLAbstractType).map((t) => t.name)]),
);

interface Sent {
  hash?: string;
  withQuery: boolean;
  status: number;
}

describe('Apollo Client 4 with the persisted query manifest, safelist on', () => {
  let server: TestServer;
  let app: App;
  let url = '';
  let tabs: LandingTab[] = [];
  const manifest = apolloManifest();
  const sent: Sent[] = [];

  beforeAll(async () => {
    server = await startTestServer('embedded');
    app = await createApp(server.db, { safelistAnonymous: true });
    await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
    // The landing page's examples: every shared operation, in an order that creates before it updates,
    // with variables naming real objects of this database.
    tabs = await landingTabs(server.db, persistedOperations());
  });
  afterAll(async () => {
    await app?.stop();
    app?.server.close();
    await server?.stop();
  });

  // Every HTTP request, to prove there is one per operation and no retry with the text.
  const counted = async (input: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as {
      query?: string;
      extensions?: { persistedQuery?: { sha256Hash: string } };
    };
    const response = await fetch(input, init);
    sent.push({
      hash: body.extensions?.persistedQuery?.sha256Hash,
      withQuery: body.query !== undefined,
      status: response.status,
    });
    return response;
  };

  const client = new ApolloClient({
    // Which types a union or interface may be, as a frontend team generates it from the schema.
    cache: new InMemoryCache({ possibleTypes }),
    link: new PersistedQueryLink(generatePersistedQueryIdsFromManifest({ loadManifest: () => manifest })).concat(
      new HttpLink({
        uri: () => url,
        fetch: counted,
      }),
    ),
  });

  const readsNodesOnly = (tab: LandingTab) =>
    parse(tab.query).definitions.every(
      (d) =>
        d.kind !== 'OperationDefinition' ||
        d.selectionSet.selections.every((s) => s.kind === 'Field' && s.name.value === 'node'),
    );

  const run = async (tab: LandingTab, key: string | null) => {
    const document = parse(tab.query);
    const isMutation = document.definitions.some(
      (d) => d.kind === 'OperationDefinition' && (d as OperationDefinitionNode).operation === 'mutation',
    );
    const options = {
      variables: tab.variables,
      errorPolicy: 'all' as const,
      context: { headers: key ? { authorization: `Bearer ${key}` } : {} },
    };
    const before = sent.length;
    const { data, error } = isMutation
      ? await client.mutate({ mutation: document, ...options })
      : await client.query({ query: document, fetchPolicy: 'no-cache', ...options });
    return {
      data,
      error: error as (ErrorLike & { errors?: Array<{ extensions?: { code?: string } }> }) | undefined,
      requests: sent.slice(before),
    };
  };

  it('lists every shared operation in the manifest, ids being SHA-256 of the bodies Apollo Client sends', () => {
    expect(manifest.format).toBe('apollo-persisted-query-manifest');
    expect(manifest.operations.map((o) => o.name).sort()).toEqual(
      [...persistedOperations().values()].map((o) => o.name).sort(),
    );
    expect(manifest.operations.find((o) => o.name === 'PolicyDetail')!.body).toContain('__typename');
  });

  it('answers every shared operation on its first request by hash: data, or UNAUTHENTICATED for a keyed one without a key', async () => {
    const outcomes: string[] = [];
    const keylessOutcomes: string[] = [];
    for (const tab of tabs) {
      const id = manifest.operations.find((o) => o.name === tab.name)!.id;
      if (tab.key !== 'none') {
        const keyless = await run(tab, null);
        expect(keyless.requests, tab.name).toEqual([{ hash: id, withQuery: false, status: expect.any(Number) }]);
        // node(id) answers an object the caller may not see as missing (null); keyed fields refuse.
        const codes = keyless.error?.errors?.map((e) => e.extensions?.code);
        if (codes) expect(codes, tab.name).toEqual(['UNAUTHENTICATED']);
        else expect(readsNodesOnly(tab) && keyless.data, tab.name).toEqual({ node: null });
        keylessOutcomes.push(`${tab.name}:${codes ? 'UNAUTHENTICATED' : 'null'}`);
      }
      const answer = await run(tab, tab.key === 'none' ? null : server.adminKey);
      expect(answer.requests, tab.name).toEqual([{ hash: id, withQuery: false, status: 200 }]);
      expect(answer.error, `${tab.name}: ${answer.error?.message}`).toBeUndefined();
      expect(answer.data, tab.name).toEqual(expect.any(Object));
      outcomes.push(`${tab.name}:${Object.keys(answer.data as object).join(',')}`);
    }
    expect(outcomes).toHaveLength(41);
    expect(keylessOutcomes.filter((k) => k.endsWith(':null'))).toEqual([
      'EnterpriseDashboard:null',
      'EnterpriseEntitlements:null',
      'EnterpriseOpportunities:null',
      'AchievementEntitlements:null',
      'ExportJob:null',
    ]);
    expect(keylessOutcomes).toHaveLength(24);
    expect(sent).toHaveLength(65);
    expect(outcomes).toContain('PolicyDetail:policy');
    expect(sent.every((s) => !s.withQuery)).toBe(true);
  });

  it('also matches the hashes Apollo Client computes itself (PersistedQueryLink with sha256, no manifest): no 400, no retry', async () => {
    const runtime = new ApolloClient({
      cache: new InMemoryCache({ possibleTypes }),
      link: new PersistedQueryLink({
        sha256: (text: string) => createHash('sha256').update(text).digest('hex'),
      }).concat(new HttpLink({ uri: () => url, fetch: counted })),
    });
    const before = sent.length;
    for (const tab of tabs.filter((t) => t.key === 'none')) {
      const { data, error } = await runtime.query({
        query: parse(tab.query),
        variables: tab.variables,
        fetchPolicy: 'no-cache',
      });
      expect(error, tab.name).toBeUndefined();
      expect(
        Object.values(data as object).some((v) => v !== null),
        tab.name,
      ).toBe(true);
    }
    const requests = sent.slice(before);
    expect(requests).toHaveLength(17);
    expect(requests.every((r) => r.status === 200 && !r.withQuery)).toBe(true);
  });
});
