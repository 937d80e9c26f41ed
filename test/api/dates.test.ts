/**
 * Calendar days over HTTP (issue 17 item 4): a HELD_FOR condition (满一年) printed "due 2019-02-31"
 * and judged by that day; month arithmetic now clamps to the month's end. Charts refuse an asOf the
 * calendar lacks (2019-02-30 was read as 2 March); a report year holds its first and last day.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { today } from '../../src/dates/index.js';
import {
  ExportJobDocument,
  SimulateEntitlementsDocument,
  StartExportDocument,
  type ExportJobStateFragment,
} from '../../src/generated/operations.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const XX = '003-xx-2022.yaml';
const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');
/** Date's calendar as the oracle: a real day survives a round trip. */
const realDay = (day: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(day) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);

/** 003 一/(三): a national TC secretariat held 满一年, 30万, simulated in XX city. */
async function secretariat(server: TestServer, obtainedOn: string[], asOf: string) {
  const { data, errors } = await server.request(SimulateEntitlementsDocument, {
    input: {
      jurisdiction: 'xx-city',
      asOf,
      achievements: obtainedOn.map((day) => ({
        kind: 'STANDARDIZATION_TECHNICAL_COMMITTEE',
        level: 'NATIONAL_TC',
        obtainedOn: day,
        facts: ['SECRETARIAT_HELD'],
      })),
    },
  });
  expect(errors).toBeUndefined();
  return data!.simulateEntitlements.entitlements
    .filter((e) => e.incentiveKey === 'standardization-technical-committee-secretariat')
    .sort((a, b) => Number(a.achievementId) - Number(b.achievementId))
    .flatMap((e) => {
      // An achievement obtained after asOf stops at the window, before its conditions.
      const held = e.steps.find((s) => s.text.startsWith('满一年'))?.text;
      if (!held) return [];
      return {
        obtainedOn: obtainedOn[Number(e.achievementId)]!,
        eligibility: e.eligibility,
        amountYuan: e.amountYuan,
        held,
        due: /(?:due|not before) (\S+)$/.exec(held)![1]!,
      };
    });
}

describe.each(DATABASE_KINDS)('calendar days over HTTP on %s database', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server?.stop());

  it('holds 满一年 from 29 February to 28 February, and pays on that day', async () => {
    expect(await secretariat(server, ['2024-02-29'], '2025-02-28')).toEqual([
      {
        obtainedOn: '2024-02-29',
        eligibility: 'ELIGIBLE',
        amountYuan: 300_000,
        held: '满一年: held since 2024-02-29, due 2025-02-28',
        due: '2025-02-28',
      },
    ]);
    expect(await secretariat(server, ['2024-02-29'], '2025-02-27')).toMatchObject([
      { eligibility: 'INELIGIBLE', held: '满一年: not before 2025-02-28' },
    ]);
  });

  it('generated: every due day printed is a real day after the day obtained, and decides eligibility', async () => {
    // Any day of 2022 (003's window) to today (an achievement's day, simulated or recorded, is not in the future),
    // the last days of months often, and the leap days that broke.
    const day = fc.oneof(
      fc
        .record({ year: fc.integer({ min: 2022, max: 2026 }), month: fc.integer({ min: 1, max: 12 }), d: fc.nat(40) })
        .map(({ year, month, d }) => {
          const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
          return `${year}-${String(month).padStart(2, '0')}-${String(d < 20 ? last - (d % 4) : d - 19).padStart(2, '0')}`;
        })
        .filter((d) => d <= today()),
      fc.constant('2024-02-29'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(day, { minLength: 1, maxLength: 25 }),
        fc.constantFrom('2025-02-28', '2028-02-29', '2031-12-31'),
        async (days, asOf) => {
          const judged = await secretariat(server, days, asOf);
          expect(judged.length).toBe(days.filter((d) => d <= asOf).length);
          for (const j of judged) {
            expect(realDay(j.due)).toBe(true);
            expect(j.due > j.obtainedOn).toBe(true);
            expect([j.eligibility, j.amountYuan]).toEqual(j.due <= asOf ? ['ELIGIBLE', 300_000] : ['INELIGIBLE', null]);
          }
        },
      ),
      { seed: 17, numRuns: 8 },
    );
  });

  it('refuses a chart asOf the calendar lacks with a typed 400, and draws a real one', async () => {
    const target = await server.db.target.findFirstOrThrow({
      where: { key: 'manufacturing-pass-rate-2020', policy: { key: 'taizhou-2017-quality' } },
    });
    const chart = (asOf: string) =>
      fetch(`${server.url}/charts/targets/${globalId('Target', target.id)}.svg?asOf=${encodeURIComponent(asOf)}`);
    for (const asOf of ['2019-02-30', '2019-02-29', '2100-02-29', '2019-04-31', '2019-02-01T00:00', '+002019-02-01']) {
      const response = await chart(asOf);
      expect([asOf, response.status, await response.json()]).toEqual([
        asOf,
        400,
        {
          code: 'INVALID_ARGUMENT',
          field: 'asOf',
          message: `"${asOf}" is not a calendar day: write asOf as YYYY-MM-DD, e.g. 2019-12-31`,
        },
      ]);
    }
    const leap = await chart('2020-02-29');
    expect(leap.status).toBe(200);
    expect(await leap.text()).toContain('2020-02-29');
  });

  it("exports a year's achievements from its first day to its last", async () => {
    const { db } = server;
    const { id: jurisdictionId } = await db.jurisdiction.findUniqueOrThrow({ where: { code: 'gd-foshan-nanhai' } });
    const kindId = (await db.achievementKind.findUniqueOrThrow({ where: { code: 'ZHEJIANG_MADE_CERTIFICATION' } })).id;
    const enterprise = await db.enterprise.create({ data: { name: '年界企业', jurisdictionId } });
    await db.achievement.createMany({
      data: ['2017-12-31', '2018-01-01', '2018-12-31', '2019-01-01'].map((day) => ({
        enterpriseId: enterprise.id,
        kindId,
        obtainedOn: new Date(`${day}T00:00:00Z`),
        units: 1,
      })),
    });
    const started = await server.request(StartExportDocument, {
      input: {
        report: 'ACHIEVEMENTS_BY_DISTRICT',
        format: 'JSONL',
        year: 2018,
        jurisdiction: globalId('Jurisdiction', jurisdictionId),
      },
    });
    const answer = started.data!.startExport;
    if (answer.__typename !== 'StartExportPayload') throw new Error(`refused: ${JSON.stringify(answer)}`);
    let job = answer.data as ExportJobStateFragment;
    while (['QUEUED', 'RUNNING'].includes(job.status)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await server.request(ExportJobDocument, { id: job.id })).data!.node as ExportJobStateFragment;
    }
    expect(job.status).toBe('COMPLETED');
    const file = await fetch(`${server.url}${job.downloadUrl}`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    const rows = (await file.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { enterpriseName: string; obtainedOn: string });
    expect(rows.filter((r) => r.enterpriseName === '年界企业').map((r) => r.obtainedOn)).toEqual([
      '2018-01-01',
      '2018-12-31',
    ]);
  });
});

describe('a HELD_FOR of 13 months from the 31st (003 re-encoded) on the embedded database', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'policygraph-policies-'));
    cpSync(CORPUS_DIR, dir, { recursive: true });
    const text = readFileSync(join(CORPUS_DIR, XX), 'utf8');
    const thirteen = text.replace(
      '{ kind: HELD_FOR, months: 12, text: "满一年" }',
      '{ kind: HELD_FOR, months: 13, text: "满一年" }',
    );
    expect(thirteen).not.toBe(text);
    writeFileSync(join(dir, XX), thirteen);
    server = await startTestServer('embedded', { policiesDir: dir });
    expect(server.loadReport.refused).toEqual([]);
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is due on the last day of February, not on 31 February', async () => {
    expect(await secretariat(server, ['2022-01-31', '2023-01-29', '2022-12-31'], '2024-12-31')).toEqual([
      expect.objectContaining({ obtainedOn: '2022-01-31', held: '满一年: held since 2022-01-31, due 2023-02-28' }),
      expect.objectContaining({ obtainedOn: '2023-01-29', held: '满一年: held since 2023-01-29, due 2024-02-29' }),
      expect.objectContaining({ obtainedOn: '2022-12-31', held: '满一年: held since 2022-12-31, due 2024-01-31' }),
    ]);
  });
});
