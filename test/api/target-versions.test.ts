/**
 * Dated target figures over HTTP (issue 19, what was left of item 1). A fixture notice
 * (test/fixtures/target-amendments) raises 禅城's yearly quota of newly QMS-certified enterprises in
 * 004 from 60 to 80 from 2018-07-01. A period is judged by the figures in force on its last day, or
 * on asOf while it is open: the raise changes 2018 and 2019 after 2018-07-01 and nothing before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordObservationsDocument } from '../../src/generated/operations.js';
import { corpusWith, type FixtureCorpus } from '../support/corpus.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const FIXTURE = new URL('../fixtures/target-amendments/', import.meta.url).pathname;
const AMENDING = 'foshan-2018-quota-adjustment';
const CHANCHENG = 'gd-foshan-chancheng';

interface Period {
  year: number;
  targetValue: number | null;
  observed: number | null;
  status: string;
}
interface Progress {
  status: string;
  periods: Period[];
  steps: Array<{ code: string; en: string; zh: string }>;
}

const PROGRESS = `query ($id: ID!, $asOf: Date, $jurisdiction: String) {
  node(id: $id) {
    ... on Target {
      progress(asOf: $asOf, jurisdiction: $jurisdiction) {
        status
        periods { year targetValue observed status }
        steps { code en: text(language: EN) zh: text(language: ZH_CN) }
      }
    }
  }
}`;

describe.each(DATABASE_KINDS)('dated target figures on %s database', (kind) => {
  let server: TestServer;
  let corpus: FixtureCorpus;
  let targetId = '';

  const progress = async (asOf: string, jurisdiction = CHANCHENG) => {
    const { data, errors } = await server.request<{ node: { progress: Progress } }, object>(PROGRESS, {
      id: targetId,
      asOf,
      jurisdiction,
    });
    expect(errors).toBeUndefined();
    return data!.node.progress;
  };

  beforeAll(async () => {
    corpus = corpusWith(FIXTURE);
    server = await startTestServer(kind, { policiesDir: corpus.policiesDir, seedsDir: corpus.seedsDir });
    const target = await server.db.target.findFirstOrThrow({
      where: { key: 'qms-certified-enterprises-yearly', policy: { key: 'foshan-2017-industrial-quality' } },
    });
    targetId = Buffer.from(`Target:${target.id}`).toString('base64');
    const { data, errors } = await server.request(RecordObservationsDocument, {
      input: [
        { year: 2017, value: 65 },
        { year: 2018, value: 70 },
      ].map((row) => ({
        ...row,
        indicator: 'QMS_CERTIFIED_ENTERPRISES_NEW',
        jurisdiction: CHANCHENG,
        source: '禅城区统计',
      })),
    });
    expect(errors).toBeUndefined();
    expect(data!.recordObservations.__typename).toBe('RecordObservationsPayload');
  });
  afterAll(async () => {
    await server?.stop();
    corpus?.remove();
  });

  it('loads the amending notice beside the plan it amends', () => {
    expect(server.loadReport.refused).toEqual([]);
    expect(server.loadReport.loaded).toEqual(expect.arrayContaining([AMENDING, 'foshan-2017-industrial-quality']));
  });

  it('judges 2018 by 60 before the raise and by 80 after it, 2017 by 60 throughout', async () => {
    const before = await progress('2018-06-30');
    expect(before.periods.map((p) => [p.year, p.targetValue, p.observed, p.status])).toEqual([
      [2017, 60, 65, 'ACHIEVED'],
      [2018, 60, 70, 'ACHIEVED'],
      [2019, 60, null, 'NO_DATA'],
    ]);
    // On the last day of 2018 the period is still open: 70 against the 80 now in force, the whole year elapsed.
    const after = await progress('2018-12-31');
    expect(after.periods.map((p) => [p.year, p.targetValue, p.status])).toEqual([
      [2017, 60, 'ACHIEVED'],
      [2018, 80, 'AT_RISK'],
      [2019, 80, 'NO_DATA'],
    ]);
    const closed = await progress('2019-06-30');
    expect(closed.periods[1]).toMatchObject({ year: 2018, targetValue: 80, observed: 70, status: 'MISSED' });
    expect(closed.status).toBe('MISSED');
  });

  it('names the version each period is judged by, in English and in Chinese', async () => {
    const versions = (p: Progress) => p.steps.filter((s) => s.code === 'VERSION');
    const first = {
      code: 'VERSION',
      en: '2017, 2018, 2019: judged by the figures in force from 2017-06-23 to 2018-06-30 (foshan-2017-industrial-quality 二/(二)/4.)',
      zh: '2017、2018、2019年：按2017-06-23起至2018-06-30施行的目标值（foshan-2017-industrial-quality 二/(二)/4.）',
    };
    expect(versions(await progress('2018-06-30'))).toEqual([first]);
    // 2017 closed before the raise: judged by the figures of its last day; 2018 and 2019 by asOf's.
    expect(versions(await progress('2019-06-30'))).toEqual([
      {
        ...first,
        en: first.en.replace('2017, 2018, 2019', '2017'),
        zh: first.zh.replace('2017、2018、2019年', '2017年'),
      },
      {
        code: 'VERSION',
        en: `2018, 2019: judged by the figures in force from 2018-07-01 (${AMENDING} 一)`,
        zh: `2018、2019年：按2018-07-01起施行的目标值（${AMENDING} 一）`,
      },
    ]);
  });

  it("leaves the other districts' figures as they were", async () => {
    const nanhai = await progress('2019-06-30', 'gd-foshan-nanhai');
    expect(nanhai.periods.map((p) => p.targetValue)).toEqual([140, 140, 140]);
  });

  it("shows the target's history, each version citing the clause that made it, and links the documents", async () => {
    const { data, errors } = await server.request<
      {
        node: {
          history: Array<{
            from: string;
            until: string | null;
            value: number | null;
            comparator: string;
            schedule: Array<{ jurisdictionCode: string | null; year: number; value: number }>;
            madeBy: Array<{ policy: { key: string }; clausePath: string; quote: string }>;
          }>;
        };
        policy: { amendedBy: Array<{ key: string }> };
        notice: { amends: Array<{ key: string }> };
      },
      object
    >(
      `query ($id: ID!) {
        node(id: $id) { ... on Target { history { from until value comparator schedule { jurisdictionCode year value } madeBy { policy { key } clausePath quote } } } }
        policy(key: "004") { amendedBy { key } }
        notice: policy(key: "${AMENDING}") { amends { key } }
      }`,
      { id: targetId },
    );
    expect(errors).toBeUndefined();
    const history = data!.node.history;
    const chancheng = (i: number) => history[i]!.schedule.filter((r) => r.jurisdictionCode === CHANCHENG);
    expect(history.map((v) => [v.from, v.until, v.value, v.comparator])).toEqual([
      ['2017-06-23', '2018-06-30', 500, 'GTE'],
      ['2018-07-01', null, 500, 'GTE'],
    ]);
    expect(chancheng(0).map((r) => r.value)).toEqual([60, 60, 60]);
    expect(chancheng(1).map((r) => r.value)).toEqual([60, 80, 80]);
    expect(history[1]!.schedule).toHaveLength(15);
    expect(history[0]!.madeBy).toEqual([
      {
        policy: { key: 'foshan-2017-industrial-quality' },
        clausePath: '二/(二)/4.',
        quote: '20172019年,我市获各类质量管理体系认证的企业数量每年新增500家以上',
      },
    ]);
    expect(history[1]!.madeBy).toEqual([
      {
        policy: { key: AMENDING },
        clausePath: '一',
        quote: '自2018年7月1日起,禅城区每年新增获各类质量管理体系认证的企业数量提高至80家以上',
      },
    ]);
    expect(data!.policy.amendedBy).toEqual([{ key: AMENDING }]);
    expect(data!.notice.amends).toEqual([{ key: 'foshan-2017-industrial-quality' }]);
  });
});
