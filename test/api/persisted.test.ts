/** Persisted operations: each shared operation by its hash, and the safelist for callers without a key. */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/server/app.js';
import { apolloManifest, persistedOperations } from '../../src/server/persisted.js';
import { startTestServer, type TestServer } from '../support/server.js';

const manifest = persistedOperations();
const byName = new Map([...manifest.values()].map((op) => [op.name, op]));
const policyDetail = byName.get('PolicyDetail')!;

describe('persisted operations', () => {
  let server: TestServer;
  let safelisted: App;
  let safelistedUrl = '';
  beforeAll(async () => {
    server = await startTestServer('embedded');
    safelisted = await createApp(server.db, { safelistAnonymous: true });
    await new Promise<void>((resolve) => safelisted.server.listen(0, '127.0.0.1', resolve));
    safelistedUrl = `http://127.0.0.1:${(safelisted.server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    await safelisted?.stop();
    safelisted?.server.close();
    await server?.stop();
  });

  const send = (url: string, body: object, key?: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });
  const byHash = (hash: string, variables: object) => ({
    variables,
    extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
  });

  it('hashes every shared operation, with the fragments it uses, stably', () => {
    expect(byName.size).toBe(manifest.size);
    expect(byName.has('SimulateEntitlements') && byName.has('ProgressMatrix') && byName.has('RecordAchievement')).toBe(
      true,
    );
    for (const op of manifest.values()) expect(createHash('sha256').update(op.document).digest('hex')).toBe(op.hash);
    expect(byName.get('SimulateEntitlements')!.document).toContain('fragment EntitlementFields on Entitlement');
  });

  it('runs an operation sent by its hash alone', async () => {
    const response = await send(`${server.url}/graphql`, byHash(policyDetail.hash, { key: 'taizhou-2017-quality' }));
    const body = (await response.json()) as { data: { policy: { issuedOn: string } } };
    expect(body.data.policy.issuedOn).toBe('2017-06-07');
    const list = (await (await fetch(`${server.url}/persisted-operations.json`)).json()) as Array<{
      name: string;
      hash: string;
    }>;
    expect(list).toContainEqual({ name: 'PolicyDetail', hash: policyDetail.hash });
  });

  it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND', async () => {
    const response = await send(`${server.url}/graphql`, byHash('0'.repeat(64), {}));
    expect(response.status).toBe(400);
    expect(
      ((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code,
    ).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('with a safelist, refuses a keyless free-form query but runs persisted ones and keyed free-form ones', async () => {
    const freeForm = { query: '{ policies { totalCount } }' };
    const refused = await send(safelistedUrl, freeForm);
    expect(refused.status).toBe(403);
    expect(
      ((await refused.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code,
    ).toBe('PERSISTED_QUERY_REQUIRED');
    expect((await send(safelistedUrl, byHash(policyDetail.hash, { key: 'xx-2022-product-quality' }))).status).toBe(200);
    expect(
      (await send(safelistedUrl, { query: policyDetail.document, variables: { key: 'xx-2022-product-quality' } }))
        .status,
    ).toBe(200);
    expect((await send(safelistedUrl, freeForm, server.adminKey)).status).toBe(200);
  });

  it('accepts every operation of the Apollo manifest and of ours, by hash or text, keyless, and nothing else without a key', async () => {
    const apollo = apolloManifest();
    const texts = [
      ...apollo.operations.map((op) => ({ name: op.name, hash: op.id, text: op.body })),
      ...[...manifest.values()].map((op) => ({ name: op.name, hash: op.hash, text: op.document })),
    ];
    // A variables-free read of each kind, so a safelisted request answers 200 whatever it is.
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...texts),
        fc.constantFrom('hash', 'hash+text', 'text', 'tampered'),
        async (op, form) => {
          const tampered = `${op.text}\n# and something else`;
          const body =
            form === 'hash'
              ? byHash(op.hash, {})
              : form === 'hash+text'
                ? { ...byHash(op.hash, {}), query: op.text }
                : form === 'text'
                  ? { query: op.text }
                  : { ...byHash(op.hash, {}), query: tampered };
          const response = await send(safelistedUrl, body);
          const answer = (await response.json()) as { errors?: Array<{ extensions: { code: string } }> };
          const codes = (answer.errors ?? []).map((e) => e.extensions.code);
          if (form === 'tampered') expect([response.status, codes]).toEqual([403, ['PERSISTED_QUERY_REQUIRED']]);
          // Persisted, so past the safelist: what remains is the operation's own answer (missing variables, a key).
          else expect(codes.filter((c) => c.startsWith('PERSISTED_QUERY'))).toEqual([]);
        },
      ),
      { seed: 165, numRuns: 120 },
    );
    expect(new Set(apollo.operations.map((op) => op.id)).size).toBe(41);
    expect(apollo.operations.every((op) => !manifest.has(op.id))).toBe(true);
  });
});
