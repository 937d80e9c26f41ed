/**
 * Bulk exports: started over GraphQL, polled to completion, downloaded and read back as a user
 * would (CSV with its BOM, XLSX through ExcelJS, JSON Lines), on both databases; 100,000 rows;
 * only the owner sees a job; and a server killed mid-export reruns the job after its restart, never
 * presenting a truncated file as complete.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueKey } from '../../src/auth/keys.js';
import { loadCorpus } from '../../src/corpus/load.js';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { readCorpus } from '../../src/corpus/read.js';
import { createDb, type Db } from '../../src/db/client.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { closeDatabases } from '../../src/db/url.js';
import {
  CancelExportDocument,
  ExportJobDocument,
  ExportJobsDocument,
  StartExportDocument,
  type ExportJobStateFragment,
  type StartExportInput,
} from '../../src/generated/operations.js';
import { DATABASE_KINDS, freshDatabaseUrl } from '../support/databases.js';
import { startServerProcess } from '../support/process.js';
import { FORMULA_PREFIXES } from '../support/formulas.js';
import { startTestServer, type TestServer } from '../support/server.js';

const WAN = 10_000;
const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');

/**
 * `perDistrict` enterprises in each of 南海, 顺德 and 禅城 (佛山), each with `achievements` 浙江制造
 * certifications in 2018, inserted set-based (one statement each) so that 100,000 rows take seconds.
 */
async function seedAchievements(db: Db, perDistrict: number, achievements: number) {
  const kind = await db.achievementKind.findUniqueOrThrow({ where: { code: 'ZHEJIANG_MADE_CERTIFICATION' } });
  for (const code of ['gd-foshan-chancheng', 'gd-foshan-nanhai', 'gd-foshan-shunde']) {
    const { id } = await db.jurisdiction.findUniqueOrThrow({ where: { code } });
    await db.$executeRaw`
      INSERT INTO "Enterprise" (name, "jurisdictionId", "updatedAt")
      SELECT ${code} || '企业' || n, ${id}, now() FROM generate_series(1, ${perDistrict}) AS n`;
  }
  await db.$executeRaw`
    INSERT INTO "Achievement" ("enterpriseId", "kindId", "obtainedOn", units, "updatedAt")
    SELECT e.id, ${kind.id}, DATE '2018-01-01' + (n % 365), 1 + n % 3, now()
    FROM "Enterprise" e CROSS JOIN generate_series(1, ${achievements}) AS n
    WHERE e.name LIKE 'gd-foshan-%'`;
}

/** The body as text, its byte-order mark kept (Response.text() drops it). */
const textWithBom = async (response: Response) =>
  new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());

async function waitFor(server: { request: TestServer['request'] }, id: string, key?: string) {
  for (let i = 0; i < 1200; i++) {
    const { data, errors } = await server.request(ExportJobDocument, { id }, { key });
    expect(errors).toBeUndefined();
    const job = data!.node as ExportJobStateFragment;
    if (!['QUEUED', 'RUNNING'].includes(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`export ${id} did not finish`);
}

describe.each(DATABASE_KINDS)('exports on %s database', (kind) => {
  let server: TestServer;
  let taizhou = '';
  const start = async (input: StartExportInput, key?: string | null) => {
    const response = await server.request(StartExportDocument, { input }, { key });
    const answer = response.data?.startExport;
    return {
      ...response,
      job: answer?.__typename === 'StartExportPayload' ? answer.data : undefined,
      refused: answer?.__typename === 'WriteRefused' ? answer : undefined,
    };
  };
  const download = (path: string, key = server.adminKey) =>
    fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    server = await startTestServer(kind);
    const { db } = server;
    const kinds = new Map((await db.achievementKind.findMany()).map((k) => [k.code, k.id]));
    const add = async (code: string, name: string, achievement: { kind: string; level?: string; units?: number }) => {
      const { id: jurisdictionId } = await db.jurisdiction.findUniqueOrThrow({ where: { code } });
      const enterprise = await db.enterprise.create({ data: { name, jurisdictionId } });
      await db.achievement.create({
        data: {
          enterpriseId: enterprise.id,
          kindId: kinds.get(achievement.kind)!,
          level: achievement.level,
          units: achievement.units,
          obtainedOn: new Date('2019-05-01'),
        },
      });
    };
    await add('zj-taizhou-huangyan', '黄岩模具', { kind: 'CHINA_QUALITY_AWARD', level: 'WINNER' });
    await add('zj-taizhou-huangyan', '黄岩塑料', { kind: 'ZHEJIANG_MADE_CERTIFICATION', units: 6 });
    await add('zj-taizhou-linhai', '临海企业', { kind: 'CHINA_QUALITY_AWARD', level: 'WINNER' }); // 000 does not cover 临海
    taizhou = globalId('Policy', (await db.policy.findUniqueOrThrow({ where: { key: 'taizhou-2017-quality' } })).id);
  });
  afterAll(() => server?.stop());

  it('exports 000 entitlements of 2019 as CSV with a BOM, Chinese headers, the clause and the nature of each amount', async () => {
    const { job, errors } = await start({
      report: 'ENTITLEMENTS_BY_ENTERPRISE',
      format: 'CSV',
      policy: taizhou,
      year: 2019,
      asOf: '2020-06-30',
    });
    expect(errors).toBeUndefined();
    expect(job!.columns.slice(0, 3)).toEqual([
      { name: 'enterpriseId', title: '企业编号' },
      { name: 'creditCode', title: '统一社会信用代码' },
      { name: 'enterpriseName', title: '企业名称' },
    ]);
    const done = await waitFor(server, job!.id);
    expect(done).toMatchObject({ status: 'COMPLETED', rowsWritten: 2, rowsTotal: 2, progress: 1, attempts: 1 });
    const response = await download(done.downloadUrl!);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = await textWithBom(response);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const [header, ...rows] = parse(text.slice(1)) as string[][];
    expect(header!.slice(17, 24)).toEqual([
      '年度 year',
      '金额(元) amountYuan',
      '金额性质 amountNature',
      '金额性质说明 amountNatureName',
      '省级部分(元) provincialPartYuan',
      '支付方 payer',
      '支付方名称 payerName',
    ]);
    const column = (name: string) => header!.findIndex((h) => h.endsWith(` ${name}`));
    const summary = rows.map((r) =>
      ['enterpriseName', 'jurisdiction', 'clause', 'incentive', 'amountYuan', 'amountNature', 'disposition'].map(
        (name) => r[column(name)],
      ),
    );
    expect(summary).toEqual([
      ['黄岩模具', 'zj-taizhou-huangyan', '二/(四)', 'china-quality-award', String(100 * WAN), 'EXACT', 'COUNTED'],
      // 20万 for the first product and 10万 for each other: 70万, capped at 50万 an enterprise
      [
        '黄岩塑料',
        'zj-taizhou-huangyan',
        '二/(四)',
        'zhejiang-made-certification',
        String(50 * WAN),
        'EXACT',
        'COUNTED',
      ],
    ]);
    expect(rows[1]![column('explanation')]).toMatch(/50/);
    expect(rows[0]![column('quote')]).toContain('中国质量奖');
  });

  it('exports XLSX as agencies expect: a first sheet on the report, a bold frozen filterable header, fitted widths, typed dates and numbers, Chinese beside every code', async () => {
    const { job } = await start({
      report: 'ENTITLEMENTS_BY_ENTERPRISE',
      format: 'XLSX',
      policy: taizhou,
      asOf: '2020-06-30',
    });
    const done = await waitFor(server, job!.id);
    expect(done.status).toBe('COMPLETED');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await (await download(done.downloadUrl!)).arrayBuffer());
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['报表说明', '企业奖励明细']);

    const about = workbook.worksheets[0]!;
    const stated = Object.fromEntries(
      about.getSheetValues().flatMap((row) => (Array.isArray(row) ? [[row[1], row[2] ?? null]] : [])),
    );
    expect(stated).toEqual({
      报表: 'Entitlements by enterprise (企业应享奖励明细)',
      参数: null,
      政策: '台州市人民政府关于加强“三强一制造”建设加快质量提升的意见（taizhou-2017-quality）',
      辖区: '全部',
      年度: '全部',
      截至日期: new Date('2020-06-30T00:00:00Z'),
      来源文件:
        '台州市人民政府关于加强“三强一制造”建设加快质量提升的意见（—，台州市人民政府；原文 000_a13ede3fe68dd6d1.txt）',
    });
    expect(about.getCell('B6').type).toBe(ExcelJS.ValueType.Date);

    const sheet = workbook.getWorksheet('企业奖励明细')!;
    expect(sheet.rowCount).toBe(3);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe('A1:AE1');
    const header = sheet.getRow(1);
    expect(header.getCell(1).font?.bold).toBe(true);
    const names = (header.values as string[]).slice(1).map((h) => h.split(' ').at(-1)!);
    const cell = (row: number, name: string) => sheet.getRow(row).getCell(names.indexOf(name) + 1);
    const row = (n: number) =>
      Object.fromEntries(
        [
          'enterpriseName',
          'jurisdiction',
          'jurisdictionName',
          'policyTitle',
          'clause',
          'incentive',
          'incentiveName',
          'achievementKindName',
          'achievementLevelName',
          'obtainedOn',
          'amountYuan',
          'amountNatureName',
          'eligibilityName',
          'dispositionName',
        ].map((name) => [name, cell(n, name).value]),
      );
    expect(row(2)).toEqual({
      enterpriseName: '黄岩模具',
      jurisdiction: 'zj-taizhou-huangyan',
      jurisdictionName: '黄岩区',
      policyTitle: '台州市人民政府关于加强“三强一制造”建设加快质量提升的意见',
      clause: '二/(四)',
      incentive: 'china-quality-award',
      incentiveName: '中国质量奖',
      achievementKindName: '中国质量奖',
      achievementLevelName: expect.stringContaining('中国质量奖'),
      obtainedOn: new Date('2019-05-01T00:00:00Z'),
      amountYuan: 100 * WAN,
      amountNatureName: '确定金额',
      eligibilityName: '符合条件',
      dispositionName: '计入',
    });
    expect(row(3)).toMatchObject({
      enterpriseName: '黄岩塑料',
      incentiveName: '“浙江制造”产品认证',
      amountYuan: 50 * WAN,
    });
    expect(cell(2, 'obtainedOn').type).toBe(ExcelJS.ValueType.Date);
    expect(cell(2, 'obtainedOn').numFmt).toBe('yyyy-mm-dd');
    expect(cell(2, 'amountYuan').type).toBe(ExcelJS.ValueType.Number);
    // Widths fit the header and the values, Chinese counting two (企业名称 enterpriseName: 23; 获得日期 obtainedOn:
    // 19), plus 2, at most 60 (the original sentence).
    const width = (name: string) => sheet.getColumn(names.indexOf(name) + 1).width;
    expect([width('enterpriseName'), width('obtainedOn'), width('amountYuan'), width('quote')]).toEqual([
      25, 21, 21, 60,
    ]);
  });

  it('exports the progress matrix of 004 as JSON Lines keyed by field name', async () => {
    const foshan = await server.db.policy.findUniqueOrThrow({ where: { key: 'foshan-2017-industrial-quality' } });
    const { job } = await start({
      report: 'TARGET_PROGRESS',
      format: 'JSONL',
      policy: globalId('Policy', foshan.id),
      asOf: '2019-12-31',
    });
    const done = await waitFor(server, job!.id);
    expect(done.status).toBe('COMPLETED');
    const lines = (await (await download(done.downloadUrl!)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(done.rowsTotal!);
    expect(Object.keys(lines[0]!)).toEqual([
      'policy',
      'policyTitle',
      'target',
      'clause',
      'summary',
      'quote',
      'indicator',
      'indicatorName',
      'jurisdiction',
      'jurisdictionName',
      'year',
      'targetValue',
      'observed',
      'expected',
      'status',
      'statusName',
      'reason',
    ]);
    const gaoming = lines.find((l) => l.jurisdiction === 'gd-foshan-gaoming');
    expect(gaoming).toMatchObject({ policyTitle: expect.stringContaining('佛山市'), jurisdictionName: '高明区' });
    const statusNames: Record<string, string> = {
      ACHIEVED: '已达成',
      ON_TRACK: '进度正常',
      AT_RISK: '进度滞后',
      MISSED: '未达成',
      BREACHED: '跌破底线',
      NO_DATA: '无数据',
    };
    expect(lines.filter((l) => l.statusName !== statusNames[l.status as string])).toEqual([]);
    expect(lines.filter((l) => !/[\u4e00-\u9fff]/.test(String(l.indicatorName)))).toEqual([]);
    const targets = await server.db.target.count({ where: { policyId: foshan.id } });
    expect(new Set(lines.map((l) => l.target)).size).toBe(targets);
    expect(lines.every((l) => l.policy === 'foshan-2017-industrial-quality')).toBe(true);
  });

  it('exports 100,000 achievements district by district, every one once', { timeout: 300_000 }, async () => {
    await seedAchievements(server.db, 500, 67); // 1,500 enterprises × 67 = 100,500 achievements in 佛山
    const { job } = await start({ report: 'ACHIEVEMENTS_BY_DISTRICT', format: 'CSV', year: 2018 });
    const done = await waitFor(server, job!.id);
    expect(done).toMatchObject({ status: 'COMPLETED', rowsWritten: 100_500, rowsTotal: 100_500 });
    const text = await textWithBom(await download(done.downloadUrl!));
    expect(text.startsWith('\uFEFF辖区 jurisdiction,辖区名称 jurisdictionName,成果编号 achievementId')).toBe(true);
    const rows = (parse(text.slice(1), { from_line: 2 }) as string[][]).map((r) => [r[0], r[2], r[6], r[10], r[7]]);
    expect(rows).toHaveLength(100_500);
    expect(new Set(rows.map((r) => r[1])).size).toBe(100_500);
    expect(rows[0]).toEqual([
      'gd-foshan-chancheng',
      expect.any(String),
      'ZHEJIANG_MADE_CERTIFICATION',
      expect.any(String),
      '“浙江制造”产品认证',
    ]);
    expect(rows.at(-1)![0]).toBe('gd-foshan-shunde');
    expect(rows.every((r) => r[3]!.startsWith('2018-'))).toBe(true);
    expect(done.bytes).toBe(Buffer.byteLength(text));
  });

  it('shows a job only to the key that started it, and keeps an agency inside its jurisdictions', async () => {
    const nanhai = await issueKey(server.db, {
      name: '南海区市场监管局',
      role: 'AGENCY',
      jurisdictions: ['gd-foshan-nanhai'],
    });
    const { job } = await start({ report: 'TARGET_PROGRESS', format: 'CSV', policy: taizhou });
    const done = await waitFor(server, job!.id);
    const seen = await server.request(ExportJobDocument, { id: done.id }, { key: nanhai });
    // Another key's job is answered as a missing one: null, no error that would say it exists.
    expect([seen.data, seen.errors]).toEqual([{ node: null }, undefined]);
    expect((await download(done.downloadUrl!, nanhai)).status).toBe(404);
    const list = await server.request(ExportJobsDocument, {}, { key: nanhai });
    expect(list.data!.exportJobs.totalCount).toBe(0);

    const shunde = (await server.db.jurisdiction.findUniqueOrThrow({ where: { code: 'gd-foshan-shunde' } })).id;
    const outside = await start(
      { report: 'ACHIEVEMENTS_BY_DISTRICT', format: 'CSV', jurisdiction: globalId('Jurisdiction', shunde) },
      nanhai,
    );
    expect(outside.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'input.jurisdiction' });

    const own = await start({ report: 'ACHIEVEMENTS_BY_DISTRICT', format: 'JSONL', year: 2018 }, nanhai);
    const mine = await waitFor(server, own.job!.id, nanhai);
    const lines = (await (await download(mine.downloadUrl!, nanhai)).text()).trim().split('\n');
    expect(lines).toHaveLength(500 * 67);
    expect(lines.every((l) => (JSON.parse(l) as { jurisdiction: string }).jurisdiction === 'gd-foshan-nanhai')).toBe(
      true,
    );
  });

  it('refuses bad input as the other writes do: a WriteRefused naming the field, or a malformed ID as an error', async () => {
    const refusals: Array<[StartExportInput, string, string]> = [
      [{ report: 'ENTITLEMENTS_BY_ENTERPRISE', format: 'CSV' }, 'INVALID_ARGUMENT', 'input.policy'],
      [{ report: 'TARGET_PROGRESS', format: 'CSV', policy: globalId('Policy', 999) }, 'NOT_FOUND', 'input.policy'],
      [{ report: 'ACHIEVEMENTS_BY_DISTRICT', format: 'CSV', year: 20190 }, 'INVALID_ARGUMENT', 'input.year'],
      [
        { report: 'ACHIEVEMENTS_BY_DISTRICT', format: 'CSV', jurisdiction: globalId('Jurisdiction', 99_999) },
        'NOT_FOUND',
        'input.jurisdiction',
      ],
    ];
    const errors: Array<[StartExportInput, string, string]> = [
      [{ report: 'TARGET_PROGRESS', format: 'CSV', policy: 'bm90IGFuIGlk' }, 'INVALID_ID', 'input.policy'],
      [
        { report: 'ACHIEVEMENTS_BY_DISTRICT', format: 'CSV', jurisdiction: taizhou },
        'WRONG_ID_TYPE',
        'input.jurisdiction',
      ],
    ];
    const before = await server.db.exportJob.count();
    for (const [input, code, field] of refusals) {
      const { refused, errors } = await start(input);
      expect(errors).toBeUndefined();
      expect(refused).toMatchObject({ code, issues: [{ field, code }] });
    }
    for (const [input, code, field] of errors) {
      const { errors } = await start(input);
      expect(errors?.[0]?.extensions).toMatchObject({ code, field });
    }
    const anonymous = await start({ report: 'TARGET_PROGRESS', format: 'CSV', policy: taizhou }, null);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await server.db.exportJob.count()).toBe(before);
  });

  it('refuses a sixth active export of one key with TOO_MANY_EXPORTS, as a WriteRefused', async () => {
    const key = await issueKey(server.db, { name: `busy-${kind}`, role: 'ADMIN' });
    const { id: ownerId } = await server.db.apiKey.findFirstOrThrow({ where: { name: `busy-${kind}` } });
    await server.db.exportJob.createMany({
      data: Array.from({ length: 5 }, () => ({
        ownerId,
        report: 'TARGET_PROGRESS' as const,
        format: 'CSV' as const,
        // Running elsewhere under a live lease, so this server's runner leaves them be.
        status: 'RUNNING' as const,
        runToken: 'elsewhere',
        leaseUntil: new Date(Date.now() + 3_600_000),
        parameters: {},
        expiresAt: new Date(Date.now() + 3_600_000),
      })),
    });
    const before = await server.db.exportJob.count();
    const { refused, errors } = await start({ report: 'TARGET_PROGRESS', format: 'CSV', policy: taizhou }, key);
    expect(errors).toBeUndefined();
    expect(refused).toMatchObject({ code: 'TOO_MANY_EXPORTS', issues: [{ field: 'input', code: 'TOO_MANY_EXPORTS' }] });
    expect(refused!.message).toContain('at most 5');
    expect(await server.db.exportJob.count()).toBe(before);
    await server.db.exportJob.deleteMany({ where: { ownerId } });
  });

  it("refuses to cancel another key's job as it refuses a missing one: a WriteRefused naming id, the job untouched", async () => {
    const other = await issueKey(server.db, {
      name: `other-${kind}`,
      role: 'AGENCY',
      jurisdictions: ['gd-foshan-nanhai'],
    });
    const { job } = await start({ report: 'TARGET_PROGRESS', format: 'CSV', policy: taizhou });
    const done = await waitFor(server, job!.id);
    const missing = globalId('ExportJob', 999_999);
    const answers = await Promise.all(
      [done.id, missing].map((id) => server.request(CancelExportDocument, { id }, { key: other })),
    );
    for (const [answer, id] of [
      [answers[0]!, done.id],
      [answers[1]!, missing],
    ] as const) {
      expect([answer.status, answer.errors]).toEqual([200, undefined]);
      expect(answer.data!.cancelExport).toEqual({
        __typename: 'WriteRefused',
        code: 'NOT_FOUND',
        message: `id: you have no export job with id ${id}`,
        issues: [{ field: 'id', code: 'NOT_FOUND', message: `you have no export job with id ${id}` }],
      });
    }
    const stored = await server.db.exportJob.findUniqueOrThrow({
      where: { id: Number(Buffer.from(done.id, 'base64').toString().split(':')[1]) },
    });
    expect([stored.status, stored.finishedAt]).toEqual(['COMPLETED', expect.any(Date)]);
  });

  it('cancels a queued job, and expires a finished one: its file is deleted and the download answers 410', async () => {
    const { job } = await start({ report: 'TARGET_PROGRESS', format: 'CSV', policy: taizhou });
    const done = await waitFor(server, job!.id);
    const cancelled = await server.request(CancelExportDocument, { id: done.id });
    // a finished job is left as it is
    expect(cancelled.data!.cancelExport).toMatchObject({
      __typename: 'CancelExportPayload',
      data: { status: 'COMPLETED' },
    });
    const id = Number(Buffer.from(done.id, 'base64').toString().split(':')[1]);
    await server.db.exportJob.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    for (
      let i = 0;
      i < 100 && (await server.db.exportJob.findUniqueOrThrow({ where: { id } })).status !== 'EXPIRED';
      i++
    )
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await server.db.exportJob.findUniqueOrThrow({ where: { id } })).status).toBe('EXPIRED');
    expect(readdirSync(server.exportDir).some((f) => f.startsWith(`${id}.`))).toBe(false);
    expect((await download(done.downloadUrl!)).status).toBe(410);
  });

  it('neutralises enterprise names that begin a formula in CSV and XLSX, and keeps amounts numbers', async () => {
    const { db } = server;
    const { id: jurisdictionId } = await db.jurisdiction.findUniqueOrThrow({ where: { code: 'zj-taizhou-jiaojiang' } });
    const award = await db.achievementKind.findUniqueOrThrow({ where: { code: 'CHINA_QUALITY_AWARD' } });
    const rests = fc.sample(fc.string({ unit: 'grapheme-ascii', maxLength: 20 }), { seed: 2026_12_01, numRuns: 20 });
    const names = [
      '=HYPERLINK("http://evil.example","点击查看")',
      ...FORMULA_PREFIXES.flatMap((prefix, i) => [prefix + rests[2 * i]!, prefix + rests[2 * i + 1]!]),
    ];
    for (const name of names) {
      const enterprise = await db.enterprise.create({ data: { name, jurisdictionId } });
      await db.achievement.create({
        data: { enterpriseId: enterprise.id, kindId: award.id, level: 'WINNER', obtainedOn: new Date('2019-05-01') },
      });
    }
    const shown = names.map((name) => `'${name}`).sort();
    const input = { report: 'ENTITLEMENTS_BY_ENTERPRISE', policy: taizhou, year: 2019, asOf: '2020-06-30' } as const;
    const jiaojiang = globalId('Jurisdiction', jurisdictionId);

    const csv = await waitFor(server, (await start({ ...input, format: 'CSV', jurisdiction: jiaojiang })).job!.id);
    const [header, ...rows] = parse((await textWithBom(await download(csv.downloadUrl!))).slice(1)) as string[][];
    const column = (name: string) => header!.findIndex((h) => h.endsWith(` ${name}`));
    expect(rows.map((r) => r[column('enterpriseName')]).sort()).toEqual(shown);
    expect(rows.map((r) => r[column('amountYuan')])).toEqual(names.map(() => String(100 * WAN)));

    const xlsx = await waitFor(server, (await start({ ...input, format: 'XLSX', jurisdiction: jiaojiang })).job!.id);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await (await download(xlsx.downloadUrl!)).arrayBuffer());
    const sheet = workbook.getWorksheet('企业奖励明细')!;
    const cells = Array.from({ length: names.length }, (_, i) => sheet.getRow(i + 2));
    // XML reads a carriage return inside text as a line feed (ExcelJS writes it raw): not a formula either way.
    expect(cells.map((row) => row.getCell(3).value).sort()).toEqual(
      shown.map((name) => name.replaceAll('\r', '\n')).sort(),
    );
    expect(cells.map((row) => [row.getCell(18).value, row.getCell(19).value])).toEqual(
      names.map(() => [2019, 100 * WAN]),
    );
  });
});

describe.each(DATABASE_KINDS)('killing the server mid-export on %s database', (kind) => {
  it('reruns the job after the restart and never offers a partial file', { timeout: 300_000 }, async () => {
    const databaseUrl = await freshDatabaseUrl(kind);
    await applyMigrations(databaseUrl);
    const setup = createDb(databaseUrl);
    await loadCorpus(setup, readCorpus(CORPUS_DIR));
    await seedAchievements(setup, 1000, 50); // 150,000 achievements
    const key = await issueKey(setup, { name: 'test administrator', role: 'ADMIN' });
    await setup.$disconnect();
    await closeDatabases(); // PGlite: one process per data directory; the server needs it

    const exportDir = mkdtempSync(join(tmpdir(), 'policygraph-exports-'));
    // The export alone: no ledger rebuilt over the 150,000 achievements beside it.
    const env = { EXPORT_DIR: exportDir, EXPORT_LEASE_MS: '1500', EXPORT_POLL_MS: '100', LEDGER: 'off' };
    const port = 30_000 + Math.floor(Math.random() * 20_000);
    const url = `http://127.0.0.1:${port}`;
    const client = {
      request: async <T>(document: unknown, variables: unknown) => {
        const { print } = await import('graphql');
        const response = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: print(document as never), variables }),
        });
        return (await response.json()) as { data?: T; errors?: unknown[] };
      },
    };
    const first = startServerProcess(databaseUrl, port, env);
    await first.listening;
    const started = await client.request<{ startExport: { data: ExportJobStateFragment } }>(StartExportDocument, {
      input: { report: 'ACHIEVEMENTS_BY_DISTRICT', format: 'CSV' },
    });
    const id = started.data!.startExport.data.id;
    let job: ExportJobStateFragment;
    do {
      await new Promise((resolve) => setTimeout(resolve, 20));
      job = (await client.request<{ node: ExportJobStateFragment }>(ExportJobDocument, { id })).data!.node;
    } while (job.rowsWritten === 0);
    expect(job.status).toBe('RUNNING');
    await first.kill('SIGKILL');
    expect(readdirSync(exportDir).filter((f) => !f.endsWith('.part'))).toEqual([]);

    const second = startServerProcess(databaseUrl, port, env);
    await second.listening;
    try {
      const refused = await fetch(`${url}/exports/${id}`, { headers: { authorization: `Bearer ${key}` } });
      const now = await client.request<{ node: ExportJobStateFragment }>(ExportJobDocument, { id });
      if (now.data!.node.status !== 'COMPLETED') expect(refused.status).toBe(409);
      const done = await waitFor(
        {
          request: ((doc: unknown, vars: unknown) => client.request(doc, vars)) as unknown as TestServer['request'],
        },
        id,
      );
      expect(done).toMatchObject({ status: 'COMPLETED', attempts: 2, rowsTotal: 150_000 });
      const text = await textWithBom(
        await fetch(`${url}${done.downloadUrl}`, { headers: { authorization: `Bearer ${key}` } }),
      );
      const ids = (parse(text.slice(1), { from_line: 2 }) as string[][]).map((r) => r[2]);
      expect(ids).toHaveLength(150_000);
      expect(new Set(ids).size).toBe(150_000);
      expect(readdirSync(exportDir).filter((f) => f.endsWith('.part'))).toEqual([]);
      expect(existsSync(join(exportDir, `${Buffer.from(id, 'base64').toString().split(':')[1]}.csv`))).toBe(true);
    } finally {
      await second.kill('SIGTERM');
    }
  });
});
