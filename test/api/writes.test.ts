/**
 * Writes over GraphQL: enterprises and achievements created, corrected and retired; every bad
 * input refused with a typed error naming the field and nothing stored; idempotency keys; the
 * audit log with the row before and after.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_YUAN } from '../../src/writes/common.js';
import { composeCreditCode } from '../../src/validation/credit-code.js';
import {
  AuditLogDocument,
  CreateEnterpriseDocument,
  EnterpriseEntitlementsDocument,
  RecordAchievementDocument,
  RetireAchievementDocument,
  UpdateAchievementDocument,
  UpdateEnterpriseDocument,
} from '../../src/generated/operations.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const VALID_CODE = '91110000600037341L';

describe.each(DATABASE_KINDS)('writes on %s database', (kind) => {
  let server: TestServer;
  let enterpriseId = '';

  const stored = async () => ({
    enterprises: await server.db.enterprise.count(),
    achievements: await server.db.achievement.count(),
    audit: await server.db.auditEntry.count(),
  });

  beforeAll(async () => {
    server = await startTestServer(kind);
    const { data, errors } = await server.request(CreateEnterpriseDocument, {
      input: {
        name: '台州马桶有限公司',
        creditCode: VALID_CODE,
        jurisdiction: 'zj-taizhou-jiaojiang',
        industry: '智能马桶',
      },
    });
    expect(errors).toBeUndefined();
    if (data!.createEnterprise.__typename !== 'CreateEnterprisePayload') throw new Error(JSON.stringify(data));
    enterpriseId = data!.createEnterprise.data.id;
  });
  afterAll(() => server?.stop());

  it('creates an enterprise and writes who, when and what to the audit log', async () => {
    const { data } = await server.request(AuditLogDocument, { entity: 'Enterprise' });
    const entry = data!.auditLog.edges[0]!.node;
    expect(entry).toMatchObject({ actor: 'admin:test administrator', action: 'create', before: null });
    expect(entry.after).toMatchObject({ name: '台州马桶有限公司', creditCode: VALID_CODE });
  });

  it.each([
    [
      { creditCode: '91110000600037341X' },
      'input.creditCode',
      'INVALID_ARGUMENT',
      '统一社会信用代码 ends in X, but its check character is L',
    ],
    [
      { creditCode: VALID_CODE },
      'input.creditCode',
      'DUPLICATE',
      `统一社会信用代码 ${VALID_CODE} is already registered (enterprise`,
    ],
    [
      { jurisdiction: 'zj-taizhou-atlantis' },
      'input.jurisdiction',
      'NOT_FOUND',
      'unknown jurisdiction "zj-taizhou-atlantis"',
    ],
    [{ name: '   ' }, 'input.name', 'INVALID_ARGUMENT', 'must not be empty'],
  ])('refuses an enterprise with %j: %s %s', async (patch, field, code, message) => {
    const before = await stored();
    const { data, errors } = await server.request(CreateEnterpriseDocument, {
      input: { name: '另一家企业', jurisdiction: 'zj-taizhou-huangyan', ...patch },
    });
    expect(errors).toBeUndefined();
    const result = data!.createEnterprise;
    if (result.__typename !== 'WriteRefused') throw new Error('expected a refusal');
    expect(result.code).toBe(code);
    expect(result.issues[0]).toMatchObject({ field, code });
    expect(result.issues[0]!.message).toContain(message);
    expect(await stored()).toEqual(before);
  });

  it('applies a retried creation once, and refuses the key for another request', async () => {
    const input = { name: '重试企业', jurisdiction: 'zj-taizhou-luqiao' };
    const first = await server.request(CreateEnterpriseDocument, { input, idempotencyKey: 'req-42' });
    const before = await stored();
    const retry = await server.request(CreateEnterpriseDocument, { input, idempotencyKey: 'req-42' });
    expect(retry.data).toEqual(first.data);
    expect(await stored()).toEqual(before);
    const other = await server.request(CreateEnterpriseDocument, {
      input: { ...input, name: '别的' },
      idempotencyKey: 'req-42',
    });
    expect(other.data!.createEnterprise).toMatchObject({ __typename: 'WriteRefused', code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('updates an enterprise, clearing a field with null, keeping the history', async () => {
    const { data } = await server.request(UpdateEnterpriseDocument, {
      id: enterpriseId,
      input: { industry: null, name: '台州智能马桶有限公司' },
    });
    expect(data!.updateEnterprise).toMatchObject({
      __typename: 'UpdateEnterprisePayload',
      data: { industry: null, name: '台州智能马桶有限公司' },
    });
    const log = await server.request(AuditLogDocument, { entity: 'Enterprise' });
    expect(log.data!.auditLog.edges[0]!.node).toMatchObject({
      action: 'update',
      before: { industry: '智能马桶' },
      after: { industry: null },
    });
  });

  const achievement = (patch: Record<string, unknown> = {}) => ({
    enterprise: enterpriseId,
    kind: 'ZHEJIANG_MADE_CERTIFICATION',
    obtainedOn: '2018-03-01',
    units: 2,
    ...patch,
  });

  it.each([
    [{ kind: 'NOBEL_PRIZE' }, 'input.kind', 'NOT_FOUND'],
    [{ kind: 'CHINA_QUALITY_AWARD', level: 'GOLD' }, 'input.level', 'INVALID_ARGUMENT'],
    [{ units: 0 }, 'input.units', 'INVALID_ARGUMENT'],
    [{ kind: 'INTERNATIONAL_TRADEMARK_REGISTRATION', costYuan: -5 }, 'input.costYuan', 'INVALID_ARGUMENT'],
    [{ obtainedOn: '2999-01-01' }, 'input.obtainedOn', 'INVALID_ARGUMENT'],
    [{ obtainedOn: '1900-01-01' }, 'input.obtainedOn', 'INVALID_ARGUMENT'],
    [
      { kind: 'INDUSTRIAL_STANDARDIZATION_PILOT', level: 'NATIONAL', facts: [{ fact: 'BRIBED', value: true }] },
      'input.facts.BRIBED',
      'INVALID_ARGUMENT',
    ],
    [{ enterprise: Buffer.from('Enterprise:999999').toString('base64') }, 'input.enterprise', 'NOT_FOUND'],
  ])('refuses an achievement with %j on %s (%s), storing nothing', async (patch, field, code) => {
    const before = await stored();
    const { data, errors } = await server.request(RecordAchievementDocument, { input: achievement(patch) });
    expect(errors).toBeUndefined();
    expect(data!.recordAchievement).toMatchObject({ __typename: 'WriteRefused', code, issues: [{ field, code }] });
    expect(await stored()).toEqual(before);
  });

  it.each([
    [{ costYuan: 1.5, kind: 'INTERNATIONAL_TRADEMARK_REGISTRATION' }, 'costYuan'],
    [{ obtainedOn: '2019-02-30' }, 'obtainedOn'],
    [{ units: 'two' }, 'units'],
  ])('refuses %j before it reaches the resolver, naming %s', async (patch, field) => {
    const before = await stored();
    const { errors, status } = await server.request(RecordAchievementDocument, { input: achievement(patch) });
    expect(status).toBe(400);
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.message).toContain(`input.${field}`);
    expect(await stored()).toEqual(before);
  });

  it('records, corrects and retires an achievement, and the entitlements follow', async () => {
    const entitlements = async () =>
      (await server.request(EnterpriseEntitlementsDocument, { id: enterpriseId, asOf: '2019-12-31' })).data!;
    const recorded = await server.request(RecordAchievementDocument, { input: achievement() });
    if (recorded.data!.recordAchievement.__typename !== 'RecordAchievementPayload') throw new Error('expected success');
    const id = recorded.data!.recordAchievement.data.id;
    const exact = (d: Awaited<ReturnType<typeof entitlements>>) =>
      d.node?.__typename === 'Enterprise' ? d.node.entitlements.totals.exactYuan : NaN;
    expect(exact(await entitlements())).toBe(300_000); // 浙江制造: 20万 + 10万

    const updated = await server.request(UpdateAchievementDocument, { id, input: { units: 4 } });
    expect(updated.data!.updateAchievement).toMatchObject({ data: { units: 4 } });
    expect(exact(await entitlements())).toBe(500_000); // 20万 + 3 × 10万, the cap

    await server.request(RetireAchievementDocument, { id });
    expect(exact(await entitlements())).toBe(0);
    const log = await server.request(AuditLogDocument, { entity: 'Achievement' });
    expect(log.data!.auditLog.edges.map((e) => e.node.action)).toEqual(['retire', 'update', 'create']);
    expect(log.data!.auditLog.edges[1]!.node).toMatchObject({ before: { units: 2 }, after: { units: 4 } });
    const again = await server.request(RetireAchievementDocument, { id });
    expect(again.data!.retireAchievement).toMatchObject({ __typename: 'WriteRefused', code: 'RETIRED' });
  });

  it.each(['costYuan', 'budgetYuan', 'provincialGrantYuan'])(
    'refuses %s over MAX_YUAN (the column bound), naming the field; MAX_YUAN itself is stored',
    async (field) => {
      const before = await stored();
      const over = await server.request(RecordAchievementDocument, {
        input: achievement({ kind: 'INTERNATIONAL_TRADEMARK_REGISTRATION', [field]: MAX_YUAN + 1 }),
      });
      expect(over.errors).toBeUndefined();
      expect(over.data!.recordAchievement).toMatchObject({
        __typename: 'WriteRefused',
        issues: [
          {
            field: `input.${field}`,
            code: 'INVALID_ARGUMENT',
            message: `must be at most ${MAX_YUAN.toLocaleString('en')} yuan (the largest amount stored)`,
          },
        ],
      });
      expect(await stored()).toEqual(before);
      const at = await server.request(RecordAchievementDocument, {
        input: achievement({ kind: 'INTERNATIONAL_TRADEMARK_REGISTRATION', [field]: MAX_YUAN }),
      });
      expect(at.data!.recordAchievement.__typename).toBe('RecordAchievementPayload');
      expect(await server.db.achievement.count({ where: { [field]: MAX_YUAN } })).toBe(1);
    },
  );

  it('refuses any amount between MAX_YUAN and 2^53-1 on record and update, storing nothing', async () => {
    const recorded = await server.request(RecordAchievementDocument, {
      input: achievement({ kind: 'INTERNATIONAL_TRADEMARK_REGISTRATION', costYuan: 1000 }),
    });
    if (recorded.data!.recordAchievement.__typename !== 'RecordAchievementPayload') throw new Error('setup');
    const id = recorded.data!.recordAchievement.data.id;
    const before = await stored();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('costYuan', 'budgetYuan', 'provincialGrantYuan'),
        fc.integer({ min: MAX_YUAN + 1, max: Number.MAX_SAFE_INTEGER }),
        fc.boolean(),
        async (field, amount, update) => {
          const response = update
            ? await server.request(UpdateAchievementDocument, { id, input: { [field]: amount } })
            : await server.request(RecordAchievementDocument, {
                input: achievement({ kind: 'INTERNATIONAL_TRADEMARK_REGISTRATION', [field]: amount }),
              });
          expect(response.errors).toBeUndefined();
          const result = Object.values(response.data as Record<string, unknown>)[0];
          expect(result).toMatchObject({
            __typename: 'WriteRefused',
            issues: [{ field: `input.${field}`, code: 'INVALID_ARGUMENT' }],
          });
        },
      ),
      { seed: 20261201, numRuns: 30 },
    );
    expect(await stored()).toEqual(before);
  });

  // Item 7: every mutation answers any valid selection, once per idempotency key, and never an
  // error for a write that committed (a selection of only __typename used to plan an empty select).
  it('answers every mutation with any valid selection, once per idempotency key', async () => {
    const { db } = server;
    const jurisdictionId = (await db.jurisdiction.findUniqueOrThrow({ where: { code: 'zj-taizhou-jiaojiang' } })).id;
    const kindId = (await db.achievementKind.findUniqueOrThrow({ where: { code: 'ZHEJIANG_MADE_CERTIFICATION' } })).id;
    const gid = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');
    const freshEnterprise = async () => (await db.enterprise.create({ data: { name: '选择企业', jurisdictionId } })).id;
    const freshAchievement = async () =>
      (
        await db.achievement.create({
          data: { enterpriseId: await freshEnterprise(), kindId, obtainedOn: new Date('2018-03-01'), units: 1 },
        })
      ).id;
    // Each mutation: its success type and row type, and the arguments of a valid call on fresh rows.
    const mutations: Array<[string, string, string, (n: number) => Promise<string>]> = [
      [
        'createEnterprise',
        'CreateEnterprisePayload',
        'Enterprise',
        async (n) => `input: { name: "选择${n}", jurisdiction: "zj-taizhou-jiaojiang" }`,
      ],
      [
        'updateEnterprise',
        'UpdateEnterprisePayload',
        'Enterprise',
        async (n) => `id: "${gid('Enterprise', await freshEnterprise())}", input: { industry: "行业${n}" }`,
      ],
      [
        'retireEnterprise',
        'RetireEnterprisePayload',
        'Enterprise',
        async () => `id: "${gid('Enterprise', await freshEnterprise())}"`,
      ],
      [
        'recordAchievement',
        'RecordAchievementPayload',
        'Achievement',
        async () =>
          `input: { enterprise: "${gid('Enterprise', await freshEnterprise())}", kind: "ZHEJIANG_MADE_CERTIFICATION", obtainedOn: "2018-03-01", units: 1 }`,
      ],
      [
        'updateAchievement',
        'UpdateAchievementPayload',
        'Achievement',
        async () => `id: "${gid('Achievement', await freshAchievement())}", input: { units: 3 }`,
      ],
      [
        'retireAchievement',
        'RetireAchievementPayload',
        'Achievement',
        async () => `id: "${gid('Achievement', await freshAchievement())}"`,
      ],
      [
        'recordObservations',
        'RecordObservationsPayload',
        'Observation',
        async (n) =>
          `input: [{ indicator: "QMS_CERTIFIED_ENTERPRISES_NEW", jurisdiction: "zj-taizhou-jiaojiang", year: 2018, value: ${n}, source: "选择${n}" }]`,
      ],
    ];
    const rowField: Record<string, string> = { Enterprise: 'name', Achievement: 'units', Observation: 'value' };
    const selections = (success: string, row: string) => [
      '__typename',
      '... on WriteRefused { code }',
      '... on Error { message }',
      `... on ${success} { __typename }`,
      `... on ${success} { data { __typename } }`,
      `... on ${success} { data { id } }`,
      `... on ${success} { data { ... on Node { id } } }`,
      `... on ${success} { data { ... on ${row} { ${rowField[row]} } } }`,
    ];
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: mutations.length - 1 }),
        fc.subarray(
          selections('S', 'R').map((_, i) => i),
          { minLength: 1 },
        ),
        async (which, picked) => {
          const key = `selection-${kind}-${++n}`;
          const [name, success, row, args] = mutations[which]!;
          const all = selections(success, row);
          const query = `mutation { ${name}(${await args(n)}, idempotencyKey: "${key}") { ${picked.map((i) => all[i]).join(' ')} } }`;
          const audit = await db.auditEntry.count();
          const first = await server.request(query);
          const retry = await server.request(query);
          expect([first.status, first.errors, retry.errors]).toEqual([200, undefined, undefined]);
          expect(Object.values(first.data as object)[0]).toEqual(expect.anything());
          expect(retry.data).toEqual(first.data);
          expect(await db.idempotencyKey.count({ where: { key } })).toBe(1);
          expect(await db.auditEntry.count()).toBe(audit + 1); // written once, not refused, not twice
        },
      ),
      { seed: 20261201, numRuns: 40 },
    );
  });

  // Item 11: concurrent writes answer as serial ones (PostgreSQL runs them in parallel).
  it('answers 50 parallel calls with one idempotency key with one stored row and the same answer', async () => {
    const before = await stored();
    const input = { name: '并发企业', jurisdiction: 'zj-taizhou-luqiao' };
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => server.request(CreateEnterpriseDocument, { input, idempotencyKey: 'race-1' })),
    );
    expect(answers.map((a) => a.errors)).toEqual(answers.map(() => undefined));
    expect(new Set(answers.map((a) => JSON.stringify(a.data))).size).toBe(1);
    expect(answers[0]!.data!.createEnterprise.__typename).toBe('CreateEnterprisePayload');
    expect(await stored()).toEqual({ ...before, enterprises: before.enterprises + 1, audit: before.audit + 1 });
  });

  it('answers 50 parallel creations with one credit code with one enterprise and 49 DUPLICATE', async () => {
    const code = composeCreditCode('91330102', 'MA2B3C4D');
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        server.request(CreateEnterpriseDocument, {
          input: { name: `同码企业${i}`, jurisdiction: 'zj-taizhou-luqiao', creditCode: code },
        }),
      ),
    );
    expect(answers.map((a) => a.errors)).toEqual(answers.map(() => undefined));
    const outcomes = answers.map((a) => {
      const r = a.data!.createEnterprise;
      return r.__typename === 'WriteRefused' ? `${r.code} ${r.issues[0]!.field}` : r.__typename;
    });
    expect(outcomes.filter((o) => o === 'CreateEnterprisePayload')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'DUPLICATE input.creditCode')).toHaveLength(49);
    expect(await server.db.enterprise.count({ where: { creditCode: code } })).toBe(1);
  });
});
