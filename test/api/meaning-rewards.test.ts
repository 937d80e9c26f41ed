/**
 * The meaning of incentives over HTTP (issue 21, classes 1, 2, 3, 4, 5, 8): the calculator reads the
 * policies as stored, so each case also proves the reading survives the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulateEntitlementsDocument } from '../../src/generated/operations.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

type Simulated = {
  kind: string;
  level?: string;
  obtainedOn: string;
  units?: number;
  projectKey?: string;
  facts?: string[];
};

describe.each(DATABASE_KINDS)('incentive meaning on the %s database', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server?.stop());

  async function simulate(
    policyKey: string,
    jurisdiction: string,
    recipientKind: string,
    asOf: string,
    achievements: Simulated[],
  ) {
    const { data, errors, status } = await server.request(SimulateEntitlementsDocument, {
      input: { jurisdiction, recipientKind: recipientKind as never, asOf, achievements },
    });
    expect(errors).toBeUndefined();
    expect(status).toBe(200);
    return data!.simulateEntitlements.entitlements.filter((e) => e.policyKey === policyKey);
  }

  it('class 1: 工业企业 unknown is NEEDS_INFO naming the fact; attested, it pays 50万 (002 四/(一))', async () => {
    const [unknown, attested] = await Promise.all(
      [[], ['INDUSTRIAL_ENTERPRISE']].map((facts) =>
        simulate('quanzhou-2019-quality', 'fj-quanzhou-jinjiang', 'ENTERPRISE', '2020-12-31', [
          { kind: 'QUALITY_BENCHMARK', level: 'NATIONAL', obtainedOn: '2019-05-01', facts },
        ]),
      ),
    );
    expect(unknown).toMatchObject([{ eligibility: 'NEEDS_INFO', missing: ['facts.INDUSTRIAL_ENTERPRISE'] }]);
    expect(attested).toMatchObject([{ eligibility: 'ELIGIBLE', amountYuan: 500_000, payer: 'CITY' }]);
    expect(attested[0]!.explanation).toContain('met: 工业企业');
  });

  it('class 2: a brand held since 2015 has 000’s customs facilitation (HELD); a 2015 award is not 新获 (NEW)', async () => {
    const found = await simulate('taizhou-2017-quality', 'zj-taizhou-jiaojiang', 'ENTERPRISE', '2019-12-31', [
      { kind: 'BRAND_ENTERPRISE', obtainedOn: '2015-03-01' },
      { kind: 'MUNICIPAL_QUALITY_AWARD', obtainedOn: '2015-03-01' },
    ]);
    const facilitation = found.find((e) => e.incentiveKey === 'brand-product-customs-facilitation')!;
    expect(facilitation).toMatchObject({ eligibility: 'ELIGIBLE', nature: 'NON_MONETARY', year: 2017 });
    expect(facilitation.explanation).toContain('still held: HELD counts a status obtained earlier');
    expect(found.find((e) => e.incentiveKey === 'municipal-quality-award')).toMatchObject({
      eligibility: 'INELIGIBLE',
      reason: 'OUTSIDE_WINDOW',
    });
  });

  it('class 3: a 浙江制造 certification of 2016 means the 2018 one is not the first (首个): 2 units × 10万', async () => {
    const found = await simulate('taizhou-2017-quality', 'zj-taizhou-jiaojiang', 'ENTERPRISE', '2019-12-31', [
      { kind: 'ZHEJIANG_MADE_CERTIFICATION', units: 1, obtainedOn: '2016-10-01' },
      { kind: 'ZHEJIANG_MADE_CERTIFICATION', units: 2, obtainedOn: '2018-04-10' },
    ]);
    const paid = found.find((e) => e.achievementId === '1')!;
    expect(paid).toMatchObject({ eligibility: 'ELIGIBLE', amountYuan: 200_000 });
    // The kind by its English name (the corpus's), the achievement by its id.
    expect(paid.explanation).toContain(
      "not the enterprise's first, Zhejiang Made product certification 0 obtained 2016-10-01",
    );
  });

  it('class 4: 积极争取省…再给予100万 (003 三/(九)) is the province’s, sought: no city money', async () => {
    const found = await simulate('xx-2022-product-quality', 'xx-city', 'ENTERPRISE', '2024-06-30', [
      { kind: 'INDUSTRIAL_DESIGN_CENTER', level: 'NATIONAL_STANDARD_MET', obtainedOn: '2024-01-10' },
    ]);
    expect(found).toMatchObject([
      {
        incentiveKey: 'national-standard-industrial-design-center',
        nature: 'NON_MONETARY',
        amountYuan: null,
        payer: null,
        provincialPartYuan: 1_000_000,
      },
    ]);
  });

  it('class 5: 001’s lead drafting, stated in 三/(二) and 附件1, is one counted promise, not two CONFLICTs', async () => {
    const { data } = await server.request(SimulateEntitlementsDocument, {
      input: {
        jurisdiction: 'hn-loudi-xinhua',
        recipientKind: 'ORGANIZATION',
        asOf: '2019-12-31',
        achievements: [{ kind: 'STANDARD_DRAFTED', level: 'GROUP', obtainedOn: '2018-06-01' }],
      },
    });
    const loudi = data!.simulateEntitlements.entitlements.filter((e) => e.policyKey === 'loudi-2017-quality');
    expect(loudi).toMatchObject([
      { incentiveKey: 'standard-drafted-lead', eligibility: 'ELIGIBLE', nature: 'UNSPECIFIED', disposition: 'COUNTED' },
    ]);
    expect(loudi[0]!.steps.map((s) => s.code)).toContain('RESTATED');
    expect(data!.simulateEntitlements.totals).toMatchObject({ conflictCount: 0, unspecifiedCount: 1 });
  });

  it('class 8: a zone approved (批准筹建) and then built (建成) is paid 40万 for each stage (000 二/(四))', async () => {
    const found = await simulate('taizhou-2017-quality', 'zj-taizhou-jiaojiang', 'ASSOCIATION', '2019-12-31', [
      { kind: 'NATIONAL_BRAND_DEMO_ZONE', level: 'PREPARATION_APPROVED', obtainedOn: '2017-09-01', projectKey: 'z1' },
      { kind: 'NATIONAL_BRAND_DEMO_ZONE', level: 'BUILT', obtainedOn: '2019-05-01', projectKey: 'z1' },
    ]);
    expect(found.map((e) => [e.achievementId, e.amountYuan, e.disposition])).toEqual([
      ['0', 400_000, 'COUNTED'],
      ['1', 400_000, 'COUNTED'],
    ]);
    expect(found[1]!.explanation).toContain('stage Built of project z1: paid once, apart from its other stages');
  });

  it('serves each incentive’s reading: obtained, stageByLevel, restatedIn', async () => {
    const query = `query ($key: String!) { policy(key: $key) { incentives(first: 100) { edges { node { key obtained stageByLevel restatedIn { clause quote } } } } } }`;
    type Node = { key: string; obtained: string; stageByLevel: boolean; restatedIn: unknown };
    const read = async (key: string) => {
      const { data, errors } = await server.request<
        { policy: { incentives: { edges: Array<{ node: Node }> } } },
        { key: string }
      >(query, { key });
      expect(errors).toBeUndefined();
      return new Map(data!.policy.incentives.edges.map((e) => [e.node.key, e.node]));
    };
    const [taizhou, loudi] = await Promise.all([read('000'), read('001')]);
    expect(taizhou.get('brand-product-customs-facilitation')).toMatchObject({ obtained: 'HELD', stageByLevel: false });
    expect(taizhou.get('china-quality-award')).toMatchObject({ obtained: 'NEW', restatedIn: [] });
    expect(taizhou.get('national-brand-demo-zone')).toMatchObject({ stageByLevel: true });
    expect(loudi.get('standard-drafted-lead')!.restatedIn).toEqual([
      {
        clause: '附件1/二/(四)',
        quote:
          '對落戶婁底的國際、國家、省級標準化組織,及牽頭、參與制修訂國際、國家、行業、地方、團體標準的企業或單位予以獎勵',
      },
    ]);
  });
});
