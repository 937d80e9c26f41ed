/**
 * The role × type/field access matrix: PUBLIC (no key), an AGENCY for 南海区, an ADMIN. A 南海区
 * agency meets no 顺德区 enterprise: not in lists, not through node(id), not nested, not in writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueKey } from '../../src/auth/keys.js';
import {
  AchievementsDocument,
  AuditLogDocument,
  CompareIncentivesDocument,
  CreateEnterpriseDocument,
  EnterprisesDocument,
  EntitlementTotalsDocument,
  IncentiveBeneficiariesDocument,
  IncentivesDocument,
  NodeDocument,
  PolicyDetailDocument,
  ProgressMatrixDocument,
  RecordAchievementDocument,
  RecordObservationsDocument,
  ReloadPoliciesDocument,
  RetireAchievementDocument,
  RetireEnterpriseDocument,
  SimulateEntitlementsDocument,
  TargetsDocument,
  UpdateAchievementDocument,
  UpdateEnterpriseDocument,
  VocabularyDocument,
} from '../../src/generated/operations.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');

describe.each(DATABASE_KINDS)('access by role on %s database', (kind) => {
  let server: TestServer;
  let nanhaiKey = '';
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer(kind);
    const { db } = server;
    nanhaiKey = await issueKey(db, { name: '南海区市场监管局', role: 'AGENCY', jurisdictions: ['gd-foshan-nanhai'] });
    const kindId = (await db.achievementKind.findUniqueOrThrow({ where: { code: 'QUALITY_INSPECTION_CENTER' } })).id;
    for (const code of ['gd-foshan-nanhai', 'gd-foshan-shunde']) {
      const jurisdiction = await db.jurisdiction.findUniqueOrThrow({ where: { code } });
      const enterprise = await db.enterprise.create({
        data: { name: `${code}检测中心`, jurisdictionId: jurisdiction.id, kind: 'ORGANIZATION' },
      });
      const achievement = await db.achievement.create({
        data: { enterpriseId: enterprise.id, kindId, level: 'NATIONAL', obtainedOn: new Date('2018-05-01') },
      });
      ids[`${code}/enterprise`] = globalId('Enterprise', enterprise.id);
      ids[`${code}/achievement`] = globalId('Achievement', achievement.id);
    }
    const incentive = await db.incentive.findFirstOrThrow({
      where: { key: 'quality-inspection-center-support', policy: { key: 'foshan-2017-industrial-quality' } },
    });
    ids.incentive = globalId('Incentive', incentive.id);
  });
  afterAll(() => server?.stop());

  const as = (role: 'public' | 'agency' | 'admin') => ({
    key: role === 'public' ? null : role === 'agency' ? nanhaiKey : undefined,
  });
  const codeOf = (r: { errors?: Array<{ extensions?: { code?: string } }> }) => r.errors?.[0]?.extensions?.code;

  it.each(['public', 'agency', 'admin'] as const)(
    '%s reads policies, incentives, targets, the vocabulary, simulations and aggregates',
    async (role) => {
      const reads = await Promise.all([
        server.request(PolicyDetailDocument, { key: 'foshan-2017-industrial-quality' }, as(role)),
        server.request(IncentivesDocument, {}, as(role)),
        server.request(TargetsDocument, {}, as(role)),
        server.request(VocabularyDocument, {}, as(role)),
        server.request(
          SimulateEntitlementsDocument,
          {
            input: {
              jurisdiction: 'gd-foshan-nanhai',
              recipientKind: 'ORGANIZATION',
              achievements: [{ kind: 'SME_QUALITY_SERVICES_PROVIDED', obtainedOn: '2018-03-01' }],
            },
          },
          as(role),
        ),
        server.request(
          CompareIncentivesDocument,
          { achievement: { kind: 'CHINA_QUALITY_AWARD', level: 'WINNER' } },
          as(role),
        ),
        server.request(EntitlementTotalsDocument, { input: { groupBy: ['POLICY'], asOf: '2019-12-31' } }, as(role)),
        server.request(ProgressMatrixDocument, { key: 'taizhou-2017-quality' }, as(role)),
      ]);
      expect(reads.map((r) => r.errors)).toEqual(reads.map(() => undefined));
    },
  );

  it('refuses enterprise-level data to the public with UNAUTHENTICATED', async () => {
    const refused = await Promise.all([
      server.request(EnterprisesDocument, {}, as('public')),
      server.request(AchievementsDocument, {}, as('public')),
      server.request(IncentiveBeneficiariesDocument, { id: ids.incentive!, asOf: '2019-12-31' }, as('public')),
      server.request(AuditLogDocument, {}, as('public')),
      server.request(
        CreateEnterpriseDocument,
        { input: { name: '公众企业', jurisdiction: 'gd-foshan-nanhai' } },
        as('public'),
      ),
      server.request(
        RecordObservationsDocument,
        {
          input: [
            {
              indicator: 'QMS_CERTIFIED_ENTERPRISES_NEW',
              jurisdiction: 'gd-foshan-nanhai',
              year: 2018,
              value: 150,
              source: '公众',
            },
          ],
        },
        as('public'),
      ),
    ]);
    expect(refused.map(codeOf)).toEqual(refused.map(() => 'UNAUTHENTICATED'));
    // node(id) of what the public may not see is null, as for an ID that names nothing.
    for (const id of [ids['gd-foshan-nanhai/enterprise']!, ids['gd-foshan-nanhai/achievement']!]) {
      const hidden = await server.request(NodeDocument, { id }, as('public'));
      expect([hidden.data, hidden.errors]).toEqual([{ node: null }, undefined]);
    }
  });

  it('shows a 南海区 agency its own enterprises and achievements only', async () => {
    const enterprises = await server.request(EnterprisesDocument, {}, as('agency'));
    expect(enterprises.data!.enterprises.edges.map((e) => e.node.name)).toEqual(['gd-foshan-nanhai检测中心']);
    expect(enterprises.data!.enterprises.totalCount).toBe(1);
    const achievements = await server.request(AchievementsDocument, {}, as('agency'));
    expect(achievements.data!.achievements.totalCount).toBe(1);
    const beneficiaries = await server.request(
      IncentiveBeneficiariesDocument,
      { id: ids.incentive!, asOf: '2019-12-31' },
      as('agency'),
    );
    const node = beneficiaries.data!.node;
    if (node?.__typename !== 'Incentive') throw new Error('expected an Incentive');
    expect(node.beneficiaries.edges.map((e) => e.node.enterprise.jurisdiction.code)).toEqual(['gd-foshan-nanhai']);
  });

  it('answers the 南海区 agency about a 顺德区 enterprise or achievement as about a missing one', async () => {
    const missing = { enterprise: globalId('Enterprise', 999_999), achievement: globalId('Achievement', 999_999) };
    for (const type of ['enterprise', 'achievement'] as const) {
      const [hidden, absent] = await Promise.all(
        [ids[`gd-foshan-shunde/${type}`]!, missing[type]].map((id) =>
          server.request(NodeDocument, { id }, as('agency')),
        ),
      );
      expect(hidden).toEqual({ ...absent, extensions: hidden.extensions });
      expect(hidden.data).toEqual({ node: null });
      expect(hidden.errors).toBeUndefined();
    }
    const own = ids['gd-foshan-nanhai/enterprise']!;
    const list = await server.request(
      'query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }',
      { ids: [own, ids['gd-foshan-shunde/enterprise']!, missing.enterprise, ids['gd-foshan-shunde/achievement']!] },
      as('agency'),
    );
    expect(list.errors).toBeUndefined();
    expect(list.data).toEqual({ nodes: [{ __typename: 'Enterprise', id: own }, null, null, null] });
    const mine = await server.request(NodeDocument, { id: own }, as('agency'));
    expect(mine.data!.node).toMatchObject({ __typename: 'Enterprise', name: 'gd-foshan-nanhai检测中心' });
  });

  it('refuses the 南海区 agency writes of 顺德区 rows as writes of missing rows: the same NOT_FOUND', async () => {
    const missing = { enterprise: globalId('Enterprise', 999_999), achievement: globalId('Achievement', 999_999) };
    const writes = (enterprise: string, achievement: string) =>
      Promise.all([
        server.request(UpdateEnterpriseDocument, { id: enterprise, input: { name: '改名' } }, as('agency')),
        server.request(RetireEnterpriseDocument, { id: enterprise }, as('agency')),
        server.request(
          RecordAchievementDocument,
          {
            input: { enterprise, kind: 'QUALITY_INSPECTION_CENTER', level: 'NATIONAL', obtainedOn: '2018-06-01' },
          },
          as('agency'),
        ),
        server.request(UpdateAchievementDocument, { id: achievement, input: { evidence: '改' } }, as('agency')),
        server.request(RetireAchievementDocument, { id: achievement }, as('agency')),
      ]);
    const hidden = await writes(ids['gd-foshan-shunde/enterprise']!, ids['gd-foshan-shunde/achievement']!);
    const absent = await writes(missing.enterprise, missing.achievement);
    const refusal = (r: (typeof hidden)[number]) => {
      const result = Object.values(r.data as Record<string, { issues?: unknown }>)[0]!;
      return result.issues;
    };
    // Each write's refusal names the ID it was given, so only the number differs.
    const masked = (r: (typeof hidden)[number]) =>
      JSON.stringify(refusal(r)).replace(/\b(enterprise|achievement) \d+/g, '$1 N');
    expect(hidden.map(masked)).toEqual(absent.map(masked));
    expect(hidden.map((r) => (refusal(r) as Array<{ code: string }>)[0]!.code)).toEqual(hidden.map(() => 'NOT_FOUND'));
    expect(await server.db.enterprise.count({ where: { name: '改名' } })).toBe(0);
    expect(await server.db.achievement.count({ where: { evidence: '改' } })).toBe(0);
  });

  it('refuses the 南海区 agency writes in 顺德区, and the audit log', async () => {
    const refused = await Promise.all([
      server.request(
        CreateEnterpriseDocument,
        { input: { name: '越界企业', jurisdiction: 'gd-foshan-shunde' } },
        as('agency'),
      ),
      server.request(
        UpdateEnterpriseDocument,
        { id: ids['gd-foshan-nanhai/enterprise']!, input: { jurisdiction: 'gd-foshan-shunde' } },
        as('agency'),
      ),
      server.request(
        RecordObservationsDocument,
        {
          input: [
            {
              indicator: 'QMS_CERTIFIED_ENTERPRISES_NEW',
              jurisdiction: 'gd-foshan-shunde',
              year: 2018,
              value: 150,
              source: '南海',
            },
          ],
        },
        as('agency'),
      ),
      server.request(AuditLogDocument, {}, as('agency')),
    ]);
    expect(refused.map(codeOf)).toEqual(refused.map(() => 'FORBIDDEN'));
    expect(await server.db.enterprise.count({ where: { name: '越界企业' } })).toBe(0);
  });

  it('lets the 南海区 agency write in 南海区, recorded under its name', async () => {
    const { data, errors } = await server.request(
      CreateEnterpriseDocument,
      { input: { name: '南海新企业', jurisdiction: 'gd-foshan-nanhai' } },
      as('agency'),
    );
    expect(errors).toBeUndefined();
    expect(data!.createEnterprise.__typename).toBe('CreateEnterprisePayload');
    const log = await server.request(AuditLogDocument, { entity: 'Enterprise' }, as('admin'));
    expect(log.data!.auditLog.edges[0]!.node.actor).toBe('agency:南海区市场监管局');
  });

  it('scopes idempotency keys by key holder: another agency using the same key writes its own row', async () => {
    const other = await issueKey(server.db, {
      name: '南海区另一局',
      role: 'AGENCY',
      jurisdictions: ['gd-foshan-nanhai'],
    });
    const create = (name: string, key: string) =>
      server.request(
        CreateEnterpriseDocument,
        { input: { name, jurisdiction: 'gd-foshan-nanhai' }, idempotencyKey: 'shared-key-1' },
        { key },
      );
    const first = await create('第一局的企业', nanhaiKey);
    const second = await create('第二局的企业', other);
    const replay = await create('第一局的企业', nanhaiKey);
    expect([first, second, replay].map((r) => r.data!.createEnterprise.__typename)).toEqual([
      'CreateEnterprisePayload',
      'CreateEnterprisePayload',
      'CreateEnterprisePayload',
    ]);
    expect(replay.data).toEqual(first.data);
    expect(await server.db.enterprise.count({ where: { name: { in: ['第一局的企业', '第二局的企业'] } } })).toBe(2);
    expect(await server.db.idempotencyKey.count({ where: { key: 'shared-key-1' } })).toBe(2);
  });

  it('refuses a credit code registered in another district without naming that enterprise', async () => {
    const code = '91110000600037341L';
    const shunde = await server.request(CreateEnterpriseDocument, {
      input: { name: '顺德持码企业', jurisdiction: 'gd-foshan-shunde', creditCode: code },
    });
    if (shunde.data!.createEnterprise.__typename !== 'CreateEnterprisePayload') throw new Error('setup');
    const shundeId = Buffer.from(shunde.data!.createEnterprise.data.id, 'base64').toString().split(':')[1]!;
    const attempt = (key: string | undefined) =>
      server.request(
        CreateEnterpriseDocument,
        { input: { name: '南海同码企业', jurisdiction: 'gd-foshan-nanhai', creditCode: code } },
        { key },
      );
    const [agency, admin] = [await attempt(nanhaiKey), await attempt(undefined)];
    expect(agency.data!.createEnterprise).toMatchObject({
      __typename: 'WriteRefused',
      code: 'DUPLICATE',
      issues: [
        { field: 'input.creditCode', code: 'DUPLICATE', message: `统一社会信用代码 ${code} is already registered` },
      ],
    });
    expect(JSON.stringify(agency)).not.toContain('顺德持码企业');
    expect(admin.data!.createEnterprise).toMatchObject({
      issues: [{ message: `统一社会信用代码 ${code} is already registered (enterprise ${shundeId})` }],
    });
  });

  it('lets only an administrator reload the policies; an unchanged corpus reloads nothing', async () => {
    expect(codeOf(await server.request(ReloadPoliciesDocument, {}, as('agency')))).toBe('FORBIDDEN');
    const { data, errors } = await server.request(ReloadPoliciesDocument, {}, as('admin'));
    expect(errors).toBeUndefined();
    if (data!.reloadPolicies.__typename !== 'ReloadPoliciesPayload') throw new Error('expected the reload');
    expect(data!.reloadPolicies.data).toEqual({
      loaded: [],
      unchanged: expect.arrayContaining(['foshan-2017-industrial-quality']),
      refused: [],
      retired: [],
    });
    expect(data!.reloadPolicies.data.unchanged).toHaveLength(5);
  });

  it('refuses an unknown key with 401 UNAUTHENTICATED', async () => {
    const response = await server.request(
      PolicyDetailDocument,
      { key: 'taizhou-2017-quality' },
      { key: 'pg_not-a-key' },
    );
    expect(response.status).toBe(401);
    expect(codeOf(response)).toBe('UNAUTHENTICATED');
  });
});
