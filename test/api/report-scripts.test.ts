/** The example report scripts, through the typed client, against a server started for the test. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalDocument } from '../../src/client/canonical.js';
import { EntitlementTotalsDocument, ProgressMatrixDocument } from '../../src/generated/operations.js';
import { persistedOperations } from '../../src/server/persisted.js';
import { startTestServer, type TestServer } from '../support/server.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'policygraph-reports-'));

describe('report scripts', () => {
  let server: TestServer;
  let jiaojiang = '';
  beforeAll(async () => {
    server = await startTestServer('embedded');
    const { db } = server;
    const jurisdiction = await db.jurisdiction.findUniqueOrThrow({ where: { code: 'zj-taizhou-jiaojiang' } });
    jiaojiang = Buffer.from(`Jurisdiction:${jurisdiction.id}`).toString('base64');
    const kind = await db.achievementKind.findUniqueOrThrow({ where: { code: 'CHINA_QUALITY_AWARD' } });
    for (const level of ['WINNER', 'NOMINATION']) {
      const enterprise = await db.enterprise.create({
        data: { name: `椒江${level}`, jurisdictionId: jurisdiction.id },
      });
      await db.achievement.create({
        data: { enterpriseId: enterprise.id, kindId: kind.id, level, obtainedOn: new Date('2018-04-01') },
      });
    }
  });
  afterAll(() => server?.stop());

  const script = (name: string, args: string[]) =>
    run('npx', ['tsx', `scripts/${name}.ts`, '--url', server.url, '--key', server.adminKey, ...args]);

  it("writes a district's annual entitlement report with Chinese headers and a BOM", async () => {
    const out = join(dir, 'entitlements.csv');
    await script('report-district-entitlements', ['--jurisdiction', jiaojiang, '--year', '2018', '--out', out]);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFF政策 policy,奖励项目 incentive,应付金额(元) exactYuan')).toBe(true);
    expect(text).toContain('taizhou-2017-quality,china-quality-award,1300000,0,0,0,0,2');
  }, 60_000);

  it('writes the 004 target progress report, a row per target, district and year', async () => {
    const out = join(dir, 'progress.csv');
    await script('report-target-progress', [
      '--policy',
      'foshan-2017-industrial-quality',
      '--as-of',
      '2019-12-31',
      '--out',
      out,
    ]);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true); // trim() below would drop it
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe(
      '目标 target,条款 clause,辖区 jurisdiction,年份 year,目标值 targetValue,实际值 observed,应达值 expected,状态 status',
    );
    expect(lines).toContain('segment-leading-enterprises-districts-yearly,附件/4,gd-foshan-nanhai,2018,35,,,NO_DATA');
    expect(lines.length).toBeGreaterThan(300);
  }, 60_000);

  it('sends the operations by the hashes the server persists', () => {
    const hashes = new Set(persistedOperations().keys());
    for (const document of [EntitlementTotalsDocument, ProgressMatrixDocument])
      expect(hashes.has(createHash('sha256').update(canonicalDocument(document)).digest('hex'))).toBe(true);
  });
});
