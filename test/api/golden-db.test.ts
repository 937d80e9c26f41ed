/** The golden cases against the policies as stored in each database and read back by the loaders. */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { PolicyInput } from '../../src/engines/entitlement/types.js';
import { readEnginePolicies } from '../../src/scope/engine-inputs.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { checkGoldenCase, goldenCases, goldenLabel } from '../support/golden.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe.each(DATABASE_KINDS)('golden cases on the %s database', (kind) => {
  let server: TestServer;
  let policies: Map<string, PolicyInput>;
  beforeAll(async () => {
    server = await startTestServer(kind);
    policies = new Map((await readEnginePolicies(server.db)).policies.map((p) => [p.key, p]));
  });
  afterAll(() => server?.stop());

  it.each(goldenCases.map((c) => [goldenLabel(c), c] as const))('%s', (_label, c) => checkGoldenCase(policies, c));
});
