/**
 * Baselines the document does not state (issue 19 item 4): an official value of the base year, the
 * year before a REACH goal's first (2016 for 000's 2017–2020 pass rate), is accepted and starts the
 * straight path; any other year outside the target's stays refused.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordObservationsDocument, TargetProgressDocument } from '../../src/generated/operations.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const PASS_RATE = 'MANUFACTURING_PRODUCT_PASS_RATE';
const source = '台州市统计公报';

describe.each(DATABASE_KINDS)('base-year observations on %s database', (kind) => {
  let server: TestServer;
  let passRateId = '';

  const record = (input: Array<{ indicator: string; jurisdiction: string; year: number; value: number }>) =>
    server.request(RecordObservationsDocument, { input: input.map((row) => ({ ...row, source })) });
  /** The chart's marks as the SVG describes them (aria-label), and its text. */
  const chart = async (jurisdiction: string) => {
    const response = await fetch(
      `${server.url}/charts/targets/${passRateId}.svg?jurisdiction=${jurisdiction}&asOf=2018-12-31`,
    );
    expect(response.status).toBe(200);
    const svg = await response.text();
    return { svg, marks: [...svg.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]!) };
  };
  let districtBefore = '';
  const progress = async (asOf: string) => {
    const { data, errors } = await server.request(TargetProgressDocument, { id: passRateId, asOf });
    expect(errors).toBeUndefined();
    if (data!.node?.__typename !== 'Target') throw new Error('expected a Target');
    return data!.node.progress;
  };

  beforeAll(async () => {
    server = await startTestServer(kind);
    const target = await server.db.target.findFirstOrThrow({
      where: { key: 'manufacturing-pass-rate-2020', policy: { key: 'taizhou-2017-quality' } },
    });
    passRateId = Buffer.from(`Target:${target.id}`).toString('base64');
  });
  afterAll(() => server?.stop());

  it('starts the path from the first observed year while no base-year value is recorded', async () => {
    const { data } = await record(
      [2017, 2018].map((year, i) => ({
        indicator: PASS_RATE,
        jurisdiction: 'zj-taizhou',
        year,
        value: [92, 92.5][i]!,
      })),
    );
    expect(data!.recordObservations.__typename).toBe('RecordObservationsPayload');
    // From 92 (2017) to 95 (2020): 93 expected by 2018, 92.5 is behind; (92.5 − 92) / (95 − 92).
    expect((await progress('2018-12-31')).periods[0]).toMatchObject({
      targetValue: 95,
      observed: 92.5,
      expected: 93,
      share: 0.1667,
      status: 'AT_RISK',
    });
    // The chart has no baseline: its path starts at the first observed year.
    const { svg, marks } = await chart('zj-taizhou');
    expect(marks).toEqual(
      expect.arrayContaining(['目标路径 2017年：92%', '观测值 2017年：92%', '观测值 2018年：92.5%']),
    );
    expect(svg).not.toContain('基期');
    districtBefore = (await chart('zj-taizhou-jiaojiang')).svg;
  });

  it('accepts the 2016 value as the base year and starts the path there', async () => {
    const { data, errors } = await record([
      { indicator: PASS_RATE, jurisdiction: 'zj-taizhou', year: 2016, value: 89 },
    ]);
    expect(errors).toBeUndefined();
    expect(data!.recordObservations.__typename).toBe('RecordObservationsPayload');
    // From 89 (2016) to 95 (2020): 89 + 6 × 2/4 = 92 expected by 2018, so 92.5 is on track; (92.5 − 89) / 6.
    const { status, periods } = await progress('2018-12-31');
    expect(status).toBe('ON_TRACK');
    expect(periods[0]).toMatchObject({ observed: 92.5, observedThrough: 2018, expected: 92, share: 0.5833 });
  });

  it('draws the base year on the chart, before the path, where the path starts; a chart without one is unchanged', async () => {
    const { svg, marks } = await chart('zj-taizhou');
    expect(marks.filter((m) => /^(基期|目标路径|观测值) /.test(m))).toEqual([
      '基期 2016年：89%',
      '目标路径 2020年：95%',
      '观测值 2017年：92%',
      '观测值 2018年：92.5%',
    ]);
    expect(svg).toMatch(/<text[^>]*fill="#8250df" opacity="1">2016年基期 89%<\/text>/);
    // Its point lies left of 2017's, on the year axis that starts at 2016.
    const x = (label: string) =>
      Number(new RegExp(`aria-label="${label}"[^>]*transform="translate\\(([\\d.]+),`).exec(svg)?.[1]);
    expect(x('基期 2016年：89%')).toBeLessThan(x('观测值 2017年：92%'));
    expect(svg).toMatch(/<text[^>]*>2016<\/text>/);
    // 椒江 has no base year of its own: its chart is as it was before the city's 2016 value.
    expect((await chart('zj-taizhou-jiaojiang')).svg).toBe(districtBefore);
  });

  it('still refuses every other year outside the target, naming the base year', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 1990, max: 2015 }), fc.integer({ min: 2021, max: 2100 })),
        async (year) => {
          const before = await server.db.observation.count();
          const { data, status } = await record([
            { indicator: PASS_RATE, jurisdiction: 'zj-taizhou', year, value: 90 },
          ]);
          expect(status).toBe(200);
          expect(data!.recordObservations).toMatchObject({
            __typename: 'WriteRefused',
            code: 'INVALID_ARGUMENT',
            issues: [
              {
                row: 1,
                field: 'input[0].year',
                code: 'INVALID_ARGUMENT',
                // 000's REACH goal (with its base year) and 001's yearly comparison with the province.
                message: `${year} is outside every target of ${PASS_RATE} (2017–2020 or its base year 2016, 2017–2020)`,
              },
            ],
          });
          expect(await server.db.observation.count()).toBe(before);
        },
      ),
      { seed: 19_4, numRuns: 12 },
    );
  });

  it('gives additions and scheduled quotas no base year', async () => {
    // 004's staff trained is a yearly additions quota, 2017–2019: counted from zero, 2016 measures nothing.
    const { data } = await record([
      { indicator: 'ENTERPRISE_STAFF_TRAINED', jurisdiction: 'gd-foshan', year: 2016, value: 9000 },
    ]);
    expect(data!.recordObservations).toMatchObject({
      __typename: 'WriteRefused',
      issues: [
        { field: 'input[0].year', message: '2016 is outside every target of ENTERPRISE_STAFF_TRAINED (2017–2019)' },
      ],
    });
  });
});
