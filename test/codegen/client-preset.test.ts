/**
 * Issue 16 item 5: the client-preset config shipped for frontend teams (codegen.client.yml) works:
 * generated into a temporary directory from the shared operations, it typechecks strictly, maps
 * money to number, dates to string and JSON to JsonValue, and leaves no field typed unknown.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Inside the repository, so that the generated code resolves its imports from node_modules.
mkdirSync(join(ROOT, '.data'), { recursive: true });
const dir = mkdtempSync(join(ROOT, '.data', 'codegen-client-'));

// What a component would write: each assignment compiles only if the scalar maps as documented.
const usage = `
import type {
  AuditLogQuery,
  ExportJobStateFragment,
  JsonValue,
  PolicyDetailQuery,
  RecordAchievementMutation,
} from './gql/graphql.js';
import { PolicyDetailDocument } from './gql/graphql.js';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Payload = Extract<RecordAchievementMutation['recordAchievement'], { __typename: 'RecordAchievementPayload' }>;
export const mapped: [
  Same<NonNullable<PolicyDetailQuery['policy']['fund']>['amountYuan'], number>,
  Same<Payload['data']['costYuan'], number | null>,
  Same<PolicyDetailQuery['policy']['issuedOn'], string | null>,
  Same<ExportJobStateFragment['expiresAt'], string>,
  Same<AuditLogQuery['auditLog']['edges'][number]['node']['before'], JsonValue | null>,
] = [true, true, true, true, true];
export const document: TypedDocumentNode<PolicyDetailQuery, { key: string }> = PolicyDetailDocument;
`;

describe('codegen.client.yml (client preset for frontend teams)', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates typed documents that typecheck strictly, with no unknown for money, dates or JSON', () => {
    execFileSync(join(ROOT, 'node_modules/.bin/graphql-codegen'), ['--config', 'codegen.client.yml', '--silent'], {
      cwd: ROOT,
      env: { ...process.env, CODEGEN_CLIENT_OUT: `${dir}/gql/` },
    });
    const generated = readFileSync(join(dir, 'gql', 'graphql.ts'), 'utf8');
    expect(generated).toContain('export type JsonValue = ');
    // Only the preset's own helpers name unknown (Exact's index signature, fragments' variables).
    expect(generated.match(/\b\w+\??: unknown\b/g)).toBeNull();

    writeFileSync(join(dir, 'usage.ts'), usage);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'ES2023',
          // As a frontend app (Vite, Next.js) compiles it.
          module: 'ESNext',
          moduleResolution: 'Bundler',
          skipLibCheck: true,
          types: [],
        },
        include: ['usage.ts', 'gql/*.ts'],
      }),
    );
    const tsc = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(tsc.stdout).toBe(''); // tsc's diagnostics, when a type is wrong
    expect(tsc.status).toBe(0);
  });
});
