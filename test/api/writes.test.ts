/**
 * Writes over GraphQL: enterprises and achievements created, corrected and retired; every bad
 * input refused with a typed error naming the field and nothing stored; idempotency keys; the
 * audit log with the row before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    if (data!.createEnterprise.__typename !== 'MutationCreateEnterpriseSuccess') throw new Error(JSON.stringify(data));
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
      __typename: 'MutationUpdateEnterpriseSuccess',
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
    if (recorded.data!.recordAchievement.__typename !== 'MutationRecordAchievementSuccess')
      throw new Error('expected success');
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
});
