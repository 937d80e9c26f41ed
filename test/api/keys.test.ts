/**
 * API keys without restarts or risk (issue 16, item 3), over HTTP: administrators issue and revoke
 * keys through the API, audited and with the secret shown once; a key works from the very next
 * request, on this server and on a second server process sharing the PostgreSQL database, and a
 * revoked one is refused from the revoking server's very next request and the other's once noticed; `npm run keys:issue` refuses, touching nothing, while a server holds the
 * embedded directory, and works beside running servers on PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueKey } from '../../src/auth/keys.js';
import { AuditLogDocument } from '../../src/generated/operations.js';
import { DATABASE_KINDS, freshDatabaseUrl } from '../support/databases.js';
import { startServerProcess } from '../support/process.js';
import { startTestServer, type TestServer } from '../support/server.js';

const run = promisify(execFile);
const seed = 2026_12_01;

const ISSUE = `mutation Issue($input: IssueApiKeyInput!, $idem: String) {
  issueApiKey(input: $input, idempotencyKey: $idem) {
    __typename
    ... on IssueApiKeyPayload { data { secret apiKey { id name role jurisdictions revokedAt } } }
    ... on WriteRefused { code issues { field code message } }
  }
}`;
const REVOKE = `mutation Revoke($id: ID!, $idem: String) {
  revokeApiKey(id: $id, idempotencyKey: $idem) {
    __typename
    ... on RevokeApiKeyPayload { data { id name revokedAt } }
    ... on WriteRefused { code issues { field code message } }
  }
}`;
const KEYS = `query Keys($revoked: Boolean) { apiKeys(first: 100, revoked: $revoked) { totalCount edges { node { id name } } } }`;
/** What an agency key reads; a PUBLIC caller is refused it. */
const PROBE = '{ enterprises(first: 1) { totalCount } }';

interface Issued {
  __typename: string;
  data?: { secret: string | null; apiKey: { id: string; name: string; role: string; jurisdictions: string[] } };
  code?: string;
  issues?: Array<{ field: string; code: string; message: string }>;
}
interface Revoked {
  __typename: string;
  data?: { id: string; name: string; revokedAt: string | null };
  code?: string;
  issues?: Array<{ field: string; code: string; message: string }>;
}

/** Asks `url` for PROBE with `key`: the HTTP status and the error code, if any. */
async function probe(url: string, key: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: PROBE }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: Array<{ extensions: { code: string } }> };
  return { status: response.status, code: body.errors?.[0]?.extensions.code ?? null };
}
const WORKS = { status: 200, code: null };
const REFUSED = { status: 401, code: 'UNAUTHENTICATED' };

const issue = async (server: TestServer, input: object, key?: string | null, idem?: string) =>
  (await server.request<{ issueApiKey: Issued }, object>(ISSUE, { input, idem }, { key })).data?.issueApiKey;
const revoke = async (server: TestServer, id: string, key?: string | null, idem?: string) =>
  (await server.request<{ revokeApiKey: Revoked }, object>(REVOKE, { id, idem }, { key })).data?.revokeApiKey;

const NANHAI = { name: '南海区市场监管局', role: 'AGENCY', jurisdictions: ['gd-foshan-nanhai'] };

describe.each(DATABASE_KINDS)('API keys through the API on %s database', (kind) => {
  let server: TestServer;
  let agencyKey: string;
  beforeAll(async () => {
    // Probing revoked keys fails authentication on purpose, more often than the per-address limit allows.
    server = await startTestServer(kind, { rateLimits: { failedAuthPerAddress: 100_000 } });
    agencyKey = await issueKey(server.db, {
      name: '顺德区市场监管局',
      role: 'AGENCY',
      jurisdictions: ['gd-foshan-shunde'],
    });
  });
  afterAll(() => server?.stop());

  it('issues a key that works on the very next request, and revokes it so that the very next is refused', async () => {
    const issued = await issue(server, NANHAI);
    expect(issued).toMatchObject({
      __typename: 'IssueApiKeyPayload',
      data: {
        apiKey: { name: '南海区市场监管局', role: 'AGENCY', jurisdictions: ['gd-foshan-nanhai'], revokedAt: null },
      },
    });
    const { secret, apiKey } = issued!.data!;
    expect(secret).toMatch(/^pg_[A-Za-z0-9_-]{32}$/);
    expect(await probe(server.url, secret!)).toEqual(WORKS);

    const revoked = await revoke(server, apiKey.id);
    expect(revoked).toMatchObject({ __typename: 'RevokeApiKeyPayload', data: { id: apiKey.id } });
    expect(Date.parse(revoked!.data!.revokedAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(await probe(server.url, secret!)).toEqual(REFUSED);

    // Audited: who issued and revoked which key; neither the secret nor the hash it is stored under.
    const log = await server.request(AuditLogDocument, { entity: 'ApiKey' });
    const entries = log
      .data!.auditLog.edges.map((e) => e.node)
      .filter((e) => e.entityId === Number(atob(apiKey.id).split(':')[1]));
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['revoke', 'admin:test administrator'],
      ['issue', 'admin:test administrator'],
    ]);
    expect(entries[1]!.after).toMatchObject({ name: '南海区市场监管局', role: 'AGENCY', revokedAt: null });
    expect(entries[0]!.after).toMatchObject({ revokedAt: revoked!.data!.revokedAt });
    const logged = JSON.stringify(entries);
    expect(logged).not.toContain(secret!);
    expect(logged).not.toContain(createHash('sha256').update(secret!).digest('hex'));
    expect(logged).not.toContain('keyHash');
  });

  it('refuses a non-administrator: FORBIDDEN for an agency, UNAUTHENTICATED without a key; nothing stored', async () => {
    const before = await server.db.apiKey.count();
    const adminId = (
      await server.request<{ apiKeys: { edges: Array<{ node: { id: string } }> } }, object>(KEYS, {})
    ).data!.apiKeys.edges.at(-1)!.node.id;
    for (const [key, code] of [
      [agencyKey, 'FORBIDDEN'],
      [null, 'UNAUTHENTICATED'],
    ] as const) {
      for (const [document, variables, field] of [
        [ISSUE, { input: NANHAI }, 'issueApiKey'],
        [REVOKE, { id: adminId }, 'revokeApiKey'],
        [KEYS, {}, 'apiKeys'],
      ] as const) {
        const { data, errors } = await server.request<unknown, object>(document, variables, { key });
        expect(data).toBeNull();
        expect(errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([[code, field]]);
      }
    }
    expect(await server.db.apiKey.count()).toBe(before);
    expect(await probe(server.url, server.adminKey)).toEqual(WORKS);
  });

  it.each([
    ['an agency without jurisdictions', { ...NANHAI, jurisdictions: [] }, 'input.jurisdictions', 'INVALID_ARGUMENT'],
    ['an agency with no jurisdiction field', { name: 'x', role: 'AGENCY' }, 'input.jurisdictions', 'INVALID_ARGUMENT'],
    [
      'an administrator with jurisdictions',
      { name: 'ops', role: 'ADMIN', jurisdictions: ['gd-foshan'] },
      'input.jurisdictions',
      'INVALID_ARGUMENT',
    ],
    [
      'an unknown jurisdiction, named by position',
      { ...NANHAI, jurisdictions: ['gd-foshan-nanhai', 'gd-nowhere'] },
      'input.jurisdictions.1',
      'NOT_FOUND',
    ],
    ['an empty name', { ...NANHAI, name: '  ' }, 'input.name', 'INVALID_ARGUMENT'],
    ['a name over 200 characters', { ...NANHAI, name: '局'.repeat(201) }, 'input.name', 'INVALID_ARGUMENT'],
  ])('refuses %s, naming the field, and stores nothing', async (_what, input, field, code) => {
    const before = await server.db.apiKey.count();
    const refused = await issue(server, input);
    expect(refused).toMatchObject({ __typename: 'WriteRefused', code });
    expect(refused!.issues!.map((i) => i.field)).toEqual([field]);
    expect(await server.db.apiKey.count()).toBe(before);
  });

  it('refuses a role that is not AGENCY or ADMIN as the schema does, naming the variable (400)', async () => {
    const { status, errors } = await server.request<unknown, object>(ISSUE, { input: { ...NANHAI, role: 'OWNER' } });
    expect(status).toBe(400);
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.message).toContain('input.role');
  });

  it('refuses revoking an unknown key, a revoked one, another type, and the last administrator key', async () => {
    expect(await revoke(server, btoa('ApiKey:999999'))).toMatchObject({
      __typename: 'WriteRefused',
      code: 'NOT_FOUND',
      issues: [{ field: 'id', code: 'NOT_FOUND' }],
    });
    const { apiKey } = (await issue(server, NANHAI))!.data!;
    await revoke(server, apiKey.id);
    expect(await revoke(server, apiKey.id)).toMatchObject({ code: 'REVOKED', issues: [{ field: 'id' }] });
    const wrongType = await server.request<unknown, object>(REVOKE, { id: btoa('Enterprise:1') });
    expect(wrongType.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['WRONG_ID_TYPE', 'id']]);

    // Only the test administrator's key is a valid administrator key: revoking it would lock the API.
    const admins = await server.db.apiKey.findMany({ where: { role: 'ADMIN', revokedAt: null } });
    expect(admins).toHaveLength(1);
    const last = btoa(`ApiKey:${admins[0]!.id}`);
    expect(await revoke(server, last)).toMatchObject({ code: 'INVALID_ARGUMENT', issues: [{ field: 'id' }] });
    expect(await probe(server.url, server.adminKey)).toEqual(WORKS);
    // With a second administrator key, either may go: here the second, revoking itself.
    const second = (await issue(server, { name: 'ops', role: 'ADMIN' }))!.data!;
    expect(await revoke(server, second.apiKey.id, second.secret)).toMatchObject({
      __typename: 'RevokeApiKeyPayload',
    });
    expect(await probe(server.url, second.secret!)).toEqual(REFUSED);
    expect(await revoke(server, last)).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('answers a retried issue once: the same key, its secret only in the first answer', async () => {
    const before = await server.db.apiKey.count();
    const audits = await server.db.auditEntry.count({ where: { entity: 'ApiKey' } });
    const first = await issue(server, NANHAI, undefined, 'issue-nanhai-1');
    const again = await issue(server, NANHAI, undefined, 'issue-nanhai-1');
    expect(again!.data!.apiKey).toEqual(first!.data!.apiKey);
    expect(first!.data!.secret).toMatch(/^pg_/);
    expect(again!.data!.secret).toBeNull();
    expect(await server.db.apiKey.count()).toBe(before + 1);
    expect(await server.db.auditEntry.count({ where: { entity: 'ApiKey' } })).toBe(audits + 1);
    // Nothing kept the secret: not the key's row, not the stored answer of the idempotency key.
    const stored = JSON.stringify(await server.db.idempotencyKey.findMany({ where: { key: 'issue-nanhai-1' } }));
    expect(stored).not.toContain(first!.data!.secret!);
    expect(await issue(server, { ...NANHAI, name: 'other' }, undefined, 'issue-nanhai-1')).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });

  it('honours any sequence of issues and revocations from the very next request (generated)', async () => {
    const jurisdictions = (await server.db.jurisdiction.findMany({ select: { code: true } })).map((j) => j.code);
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('issue' as const),
        role: fc.constantFrom('AGENCY', 'ADMIN'),
        codes: fc.subarray(jurisdictions, { minLength: 0, maxLength: 3 }),
        bogus: fc.option(fc.stringMatching(/^[a-z]{1,8}-nowhere$/), { nil: undefined }),
      }),
      fc.record({ kind: fc.constant('revoke' as const), which: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        const keys: Array<{ id: string; secret: string; revoked: boolean }> = [];
        for (const s of steps) {
          if (s.kind === 'issue') {
            const codes = s.bogus ? [...s.codes, s.bogus] : s.codes;
            const answer = await issue(server, { name: '生成的', role: s.role, jurisdictions: codes });
            const valid = !s.bogus && (s.role === 'ADMIN' ? codes.length === 0 : codes.length > 0);
            expect(answer!.__typename).toBe(valid ? 'IssueApiKeyPayload' : 'WriteRefused');
            // An administrator with codes, or an agency without: the list; else the unknown code, by position.
            const field =
              (s.role === 'ADMIN') === codes.length > 0
                ? 'input.jurisdictions'
                : `input.jurisdictions.${codes.length - 1}`;
            if (!valid) expect(answer!.issues!.map((i) => i.field)).toEqual([field]);
            else keys.push({ id: answer!.data!.apiKey.id, secret: answer!.data!.secret!, revoked: false });
          } else if (keys.length) {
            const key = keys[s.which % keys.length]!;
            const answer = await revoke(server, key.id);
            expect(answer!.__typename).toBe(key.revoked ? 'WriteRefused' : 'RevokeApiKeyPayload');
            key.revoked = true;
          }
          for (const key of keys) expect(await probe(server.url, key.secret)).toEqual(key.revoked ? REFUSED : WORKS);
        }
      }),
      { seed, numRuns: 6 },
    );
  });
});

/** A loopback port nobody listens on. */
const freePort = () => 30_000 + Math.floor(Math.random() * 20_000);

describe('keys on two server processes sharing one PostgreSQL database', () => {
  let server: TestServer;
  let other: ReturnType<typeof startServerProcess>;
  let otherUrl: string;
  beforeAll(async () => {
    server = await startTestServer('postgres');
    const port = freePort();
    other = startServerProcess(server.databaseUrl, port);
    await other.listening;
    otherUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await other?.kill('SIGTERM');
    await server?.stop();
  });

  it('a key issued on one server works on the other at once, and a revocation there is seen here once noticed', async () => {
    const { secret, apiKey } = (await issue(server, NANHAI))!.data!;
    expect(await probe(otherUrl, secret!)).toEqual(WORKS);
    expect(await probe(server.url, secret!)).toEqual(WORKS);
    // Revoked through the other process (with the same administrator key, stored in the shared database).
    const response = await fetch(`${otherUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminKey}` },
      body: JSON.stringify({ query: REVOKE, variables: { id: apiKey.id } }),
    });
    expect(((await response.json()) as { data: { revokeApiKey: Revoked } }).data.revokeApiKey.__typename).toBe(
      'RevokeApiKeyPayload',
    );
    expect(await probe(otherUrl, secret!)).toEqual(REFUSED);
    // Here once PostgreSQL's notice arrives: asynchronous, tens of milliseconds on a loaded machine.
    await expect.poll(() => probe(server.url, secret!), { timeout: 5_000, interval: 20 }).toEqual(REFUSED);
  });

  it('npm run keys:issue works beside both, and both honour its key on their next request', async () => {
    const { stdout } = await run(
      'npx',
      ['tsx', 'scripts/issue-key.ts', '--name', '南海区', '--role', 'AGENCY', '--jurisdiction', 'gd-foshan-nanhai'],
      { env: { ...process.env, DATABASE_URL: server.databaseUrl } },
    );
    const secret = stdout.trim();
    expect(secret).toMatch(/^pg_/);
    expect(await probe(server.url, secret)).toEqual(WORKS);
    expect(await probe(otherUrl, secret)).toEqual(WORKS);
    const log = await server.request(AuditLogDocument, { entity: 'ApiKey', first: 1 });
    expect(log.data!.auditLog.edges[0]!.node).toMatchObject({
      action: 'issue',
      actor: `script:${process.env.USER ?? 'unknown'}`,
    });
  });
});

/** Every file under `dir` with its bytes' SHA-256, and the directory's own listing. */
function fingerprint(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[path.slice(dir.length)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return files;
}

describe('npm run keys:issue against the embedded directory of a running server', () => {
  it(
    'refuses, naming the server and what to do, and leaves every file of the directory as it was',
    { timeout: 600_000 },
    async () => {
      const databaseUrl = await freshDatabaseUrl('embedded');
      const dir = databaseUrl.slice('pglite:'.length);
      const env = { ...process.env, DATABASE_URL: databaseUrl };
      const tool = (script: string, ...args: string[]) =>
        run('npx', ['tsx', `scripts/${script}`, ...args], { env }).then(
          ({ stdout, stderr }) => ({ code: 0, stdout: stdout.trim(), stderr: stderr.trim() }),
          (error: { code: number; stdout: string; stderr: string }) => ({
            code: error.code,
            stdout: error.stdout.trim(),
            stderr: error.stderr.trim(),
          }),
        );
      const keysIssue = () => tool('issue-key.ts', '--name', 'ops', '--role', 'ADMIN');

      // A fresh clone's first administrator key: before the first start, keys:issue makes the database.
      const first = await keysIssue();
      expect(first).toMatchObject({ code: 0, stderr: '' });
      expect(existsSync(`${dir}.lock`)).toBe(false); // released when the script ended

      const port = freePort();
      const url = `http://127.0.0.1:${port}`;
      const running = startServerProcess(databaseUrl, port);
      await running.listening;
      expect(await probe(url, first.stdout)).toEqual(WORKS);
      const { pid } = JSON.parse(readFileSync(`${dir}.lock`, 'utf8')) as { pid: number };

      // Frozen, so that the server's own writes cannot change the files while they are compared.
      process.kill(-running.child.pid!, 'SIGSTOP');
      const before = fingerprint(dir);
      const refused = await keysIssue();
      const importer = await tool('import.ts', '--type', 'enterprises', '/dev/null');
      const after = fingerprint(dir);
      process.kill(-running.child.pid!, 'SIGCONT');
      expect(refused).toEqual({
        code: 1,
        stdout: '',
        stderr: `a server (pid ${pid}) holds ${dir}: issue the key with the issueApiKey mutation, or stop the server`,
      });
      expect(importer).toEqual({
        code: 1,
        stdout: '',
        stderr: `a server (pid ${pid}) holds ${dir}: import it with POST /import/enterprises on the running server, or stop the server`,
      });
      expect(Object.keys(before).length).toBeGreaterThan(100);
      expect(after).toEqual(before);

      // A second server on the same directory refuses to start, and the first serves on.
      const second = startServerProcess(databaseUrl, freePort());
      await expect(second.listening).rejects.toThrow('the server exited (1) before listening');
      expect(await probe(url, first.stdout)).toEqual(WORKS);

      // The way while it runs: the mutation, honoured at once.
      const issued = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${first.stdout}` },
        body: JSON.stringify({ query: ISSUE, variables: { input: NANHAI } }),
      });
      const { secret } = ((await issued.json()) as { data: { issueApiKey: Issued } }).data.issueApiKey.data!;
      expect(await probe(url, secret!)).toEqual(WORKS);

      // Stopped, the server gives the lock up and keys:issue works again.
      await running.kill('SIGTERM');
      expect(existsSync(`${dir}.lock`)).toBe(false);
      expect(await keysIssue()).toMatchObject({ code: 0, stdout: expect.stringMatching(/^pg_/) });
    },
  );
});
