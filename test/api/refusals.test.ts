/**
 * One refusal shape (issue 17 item 3), over HTTP: writes, imports, observations and policy loading
 * all answer { row?, field, code, message } (and file, clause for a policy file), in the mutation's
 * payload (WriteRefused) or the import's JSON line, with every refusal, never a top-level error or
 * a 5xx; nothing of refused input is stored. Each producer is also driven by generated bad input.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { RecordObservationsDocument, ReloadPoliciesDocument } from '../../src/generated/operations.js';
import { REFUSAL_CODES, type Refusal } from '../../src/validation/refusal.js';
import { startTestServer, type TestServer } from '../support/server.js';

const LOUDI = '001-loudi-2017.yaml';
const VOCABULARY = 'vocabulary.yaml';
const CODES = Object.keys(REFUSAL_CODES);
const seed = 20261217;

/** A refusal as GraphQL answers it: absent fields are null. */
type Answered = {
  row: number | null;
  field: string;
  code: string;
  message: string;
  file: string | null;
  clause: string | null;
};

/** Every refusal names a known code, a field and what to change; a batch's refusals name their row. */
function wellFormed(
  refusals: Array<{ row?: number | null; field: string; code: string; message: string }>,
  batch: boolean,
) {
  for (const r of refusals) {
    expect(CODES).toContain(r.code);
    expect(r.field).toEqual(expect.any(String));
    expect(r.message).toMatch(/\S/);
    if (batch) expect(r.row).toEqual(expect.any(Number));
  }
}

describe('one refusal shape on the embedded database', () => {
  let server: TestServer;
  let dir: string;
  const original = (file: string) => readFileSync(join(CORPUS_DIR, file), 'utf8');
  const observationCount = () => server.db.observation.count();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'policygraph-refusals-'));
    cpSync(CORPUS_DIR, dir, { recursive: true });
    server = await startTestServer('embedded', { policiesDir: dir });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // ---------------------------------------------------------------- observations

  const good = (source: string) => ({
    indicator: 'SEGMENT_LEADING_ENTERPRISES',
    jurisdiction: 'gd-foshan-nanhai',
    year: 2019,
    value: 30,
    source,
  });

  it('answers every refused row of recordObservations in the payload, with its row, field and code', async () => {
    const before = await observationCount();
    const { status, errors, data } = await server.request(RecordObservationsDocument, {
      input: [{ ...good('甲'), indicator: 'NO_SUCH_INDICATOR' }, good('乙'), { ...good('丙'), value: -3 }],
    });
    expect([status, errors]).toEqual([200, undefined]);
    expect(data!.recordObservations).toEqual({
      __typename: 'WriteRefused',
      code: 'NOT_FOUND',
      message:
        'row 1: input[0].indicator: unknown indicator "NO_SUCH_INDICATOR"; row 3: input[2].value: -3 is negative',
      issues: [
        { row: 1, field: 'input[0].indicator', code: 'NOT_FOUND', message: 'unknown indicator "NO_SUCH_INDICATOR"' },
        { row: 3, field: 'input[2].value', code: 'INVALID_ARGUMENT', message: '-3 is negative' },
      ],
    });
    expect(await observationCount()).toBe(before);
  });

  /** One way to spoil an observation, with the field and code its refusal must name. */
  const corruption = fc.constantFrom(
    ...([
      [{ indicator: 'NOT_AN_INDICATOR' }, 'indicator', 'NOT_FOUND'],
      [{ jurisdiction: 'gd-foshan-atlantis' }, 'jurisdiction', 'NOT_FOUND'],
      [{ year: 2031 }, 'year', 'INVALID_ARGUMENT'],
      [{ value: -1 }, 'value', 'INVALID_ARGUMENT'],
      [{ indicator: 'INDUSTRIAL_PRODUCT_SAMPLING_PASS_RATE', year: 2017, value: 100.5 }, 'value', 'INVALID_ARGUMENT'],
      [{ source: '   ' }, 'source', 'INVALID_ARGUMENT'],
    ] as const),
  );

  it('refuses generated batches with bad rows exactly at those rows, storing nothing (generated)', async () => {
    const before = await observationCount();
    await fc.assert(
      fc.asyncProperty(
        // At least one bad row, so that nothing is ever stored and runs do not meet each other's rows.
        fc
          .array(fc.option(corruption, { nil: undefined }), { minLength: 1, maxLength: 5 })
          .filter((rows) => rows.some((c) => c !== undefined)),
        async (rows) => {
          const input = rows.map((c, i) => ({ ...good(`来源${i}`), ...(c?.[0] ?? {}) }));
          const response = await server.request(RecordObservationsDocument, { input });
          expect([response.status, response.errors]).toEqual([200, undefined]);
          const answer = response.data!.recordObservations;
          if (answer.__typename !== 'WriteRefused') throw new Error('expected a refusal');
          wellFormed(answer.issues, true);
          expect(answer.issues.map((r) => [r.row, r.field, r.code])).toEqual(
            rows.flatMap((c, i) => (c ? [[i + 1, `input[${i}].${c[1]}`, c[2]]] : [])),
          );
        },
      ),
      { seed, numRuns: 25 },
    );
    expect(await observationCount()).toBe(before);
  });

  // ---------------------------------------------------------------- writes

  const CREATE = `mutation($input: EnterpriseInput!) {
    createEnterprise(input: $input) {
      __typename
      ... on WriteRefused { code message issues { row field code message file clause } }
    }
  }`;
  const spoilers = {
    name: ['', 'must not be empty'],
    creditCode: ['91350100M000100Y40', '统一社会信用代码'],
    industry: ['行'.repeat(51), '50'],
  } as const;

  it('refuses a generated enterprise with every field at fault named, in the payload (generated)', async () => {
    const before = await server.db.enterprise.count();
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(Object.keys(spoilers) as Array<keyof typeof spoilers>, { minLength: 1 }),
        async (spoilt) => {
          const input: Record<string, string> = { name: '受测企业', jurisdiction: 'zj-taizhou-jiaojiang' };
          for (const field of spoilt) input[field] = spoilers[field][0];
          const response = await server.request<
            { createEnterprise: { __typename: string; issues: Array<Answered> } },
            { input: Record<string, string> }
          >(CREATE, { input });
          expect([response.status, response.errors]).toEqual([200, undefined]);
          const answer = response.data!.createEnterprise;
          expect(answer.__typename).toBe('WriteRefused');
          wellFormed(answer.issues, false);
          expect(answer.issues.map((r) => [r.field, r.code, r.row, r.file, r.clause])).toEqual(
            spoilt.map((field) => [`input.${field}`, 'INVALID_ARGUMENT', null, null, null]),
          );
          answer.issues.forEach((r, i) => expect(r.message).toContain(spoilers[spoilt[i]!][1]));
        },
      ),
      { seed, numRuns: 10 },
    );
    expect(await server.db.enterprise.count()).toBe(before);
  });

  // ---------------------------------------------------------------- imports

  const postCsv = async (body: string) => {
    const response = await fetch(`${server.url}/import/enterprises`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${server.adminKey}` },
      body,
    });
    return {
      status: response.status,
      lines: (await response.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { status: string; issues?: Refusal[] }),
    };
  };

  it('refuses a generated import with every bad row named by row, field and code, storing nothing (generated)', async () => {
    const before = await server.db.enterprise.count();
    const bad = fc.constantFrom(
      ...([
        [',zj-taizhou-jiaojiang', 'name', 'INVALID_ARGUMENT'],
        ['导入企业,zj-nowhere', 'jurisdiction', 'NOT_FOUND'],
      ] as const),
    );
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.option(bad, { nil: undefined }), { minLength: 1, maxLength: 6 })
          .filter((rows) => rows.some((r) => r !== undefined)),
        async (rows) => {
          const lines = rows.map((r, i) => r?.[0] ?? `导入企业${i},zj-taizhou-jiaojiang`);
          const answer = await postCsv(`name,jurisdiction\n${lines.join('\n')}\n`);
          expect(answer.status).toBe(422);
          expect(answer.lines).toHaveLength(1);
          expect(answer.lines[0]!.status).toBe('refused');
          const issues = answer.lines[0]!.issues!;
          wellFormed(issues, true);
          expect(issues.map((r) => [r.row, r.field, r.code])).toEqual(
            rows.flatMap((r, i) => (r ? [[i + 1, r[1], r[2]]] : [])),
          );
        },
      ),
      { seed, numRuns: 10 },
    );
    expect(await server.db.enterprise.count()).toBe(before);
  });

  // ---------------------------------------------------------------- policy files

  it('answers a broken policy file in the refusal shape, and a broken vocabulary as a WriteRefused', async () => {
    writeFileSync(join(dir, LOUDI), original(LOUDI).replace(/^effectiveFrom: .*$/m, 'effectiveFrom: 2018-02-30'));
    const broken = await server.request(ReloadPoliciesDocument, {});
    expect([broken.status, broken.errors]).toEqual([200, undefined]);
    expect(broken.data!.reloadPolicies.__typename).toBe('ReloadPoliciesPayload');
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { refusedPolicies: unknown[] };
    expect(ready.refusedPolicies).toEqual([
      {
        file: LOUDI,
        field: 'effectiveFrom',
        clause: null,
        code: 'INVALID_FORMAT',
        message: 'must be a real calendar day written YYYY-MM-DD, such as "2018-01-31"',
      },
    ]);
    writeFileSync(join(dir, LOUDI), original(LOUDI));

    writeFileSync(join(dir, VOCABULARY), `${original(VOCABULARY)}\njurisdictions: [unclosed\n`);
    const refused = await server.request(ReloadPoliciesDocument, {});
    expect([refused.status, refused.errors]).toEqual([200, undefined]);
    expect(refused.data!.reloadPolicies).toMatchObject({
      __typename: 'WriteRefused',
      code: 'NOT_YAML',
      issues: [{ field: '', code: 'NOT_YAML', message: expect.stringMatching(/^not valid YAML: /) }],
    });
    writeFileSync(join(dir, VOCABULARY), original(VOCABULARY));
    expect(await server.db.policy.count()).toBe(5); // the version loaded before keeps serving
  });

  it(
    'answers generated broken policy files in the refusal shape, file and field named, never a 5xx (generated)',
    { timeout: 180_000 },
    async () => {
      const RELOAD = `mutation { reloadPolicies { __typename ... on ReloadPoliciesPayload { data { refused { row field code message file clause } } } } }`;
      const files = [
        '000-taizhou-2017.yaml',
        LOUDI,
        '002-quanzhou-2019.yaml',
        '003-xx-2022.yaml',
        '004-foshan-2017.yaml',
      ];
      const breakings = fc.constantFrom(
        ...([
          [(text: string) => text.replace(/^stacking:/m, 'stacking: [unclosed'), '', 'NOT_YAML'],
          [
            (text: string) => text.replace(/^effectiveFrom: .*$/m, 'effectiveFrom: 2019-13-01'),
            'effectiveFrom',
            'INVALID_FORMAT',
          ],
          [(text: string) => text.replace(/^key: .*$/m, 'key: taizhou-2017-quality'), 'key', 'INVALID_REFERENCE'],
        ] as const),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...files.slice(1)), breakings, async (file, [breakIt, field, code]) => {
          writeFileSync(join(dir, file), breakIt(original(file)));
          const response = await server.request<
            { reloadPolicies: { __typename: string; data: { refused: Array<Answered> } } },
            never
          >(RELOAD);
          writeFileSync(join(dir, file), original(file));
          expect([response.status, response.errors]).toEqual([200, undefined]);
          const { refused } = response.data!.reloadPolicies.data;
          wellFormed(refused, false);
          expect(refused.map((r) => [r.file, r.field, r.code, r.row])).toContainEqual([file, field, code, null]);
          expect(refused.every((r) => r.file === file)).toBe(true);
        }),
        { seed, numRuns: 4 },
      );
      expect(await server.db.policy.count()).toBe(5);
    },
  );
});
