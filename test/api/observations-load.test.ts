/** `npm run observations:load` on PostgreSQL: a CSV with one bad row stores nothing and names the row; a good one stores all. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'policygraph-observations-'));
const csv = (name: string, lines: string[]) => {
  const path = join(dir, name);
  writeFileSync(path, `\uFEFFindicator,jurisdiction,year,value,source\n${lines.join('\n')}\n`);
  return path;
};

describe('loading observations from CSV', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('postgres');
  });
  afterAll(() => server?.stop());

  const load = (file: string) =>
    run('npx', ['tsx', 'scripts/load-observations.ts', file], {
      env: { ...process.env, DATABASE_URL: server.databaseUrl },
    }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('refuses the whole file when one row is wrong, naming the row and field', async () => {
    const file = csv('bad.csv', [
      'QMS_CERTIFIED_ENTERPRISES_NEW,gd-foshan-nanhai,2017,150,南海区市场监管局',
      'INDUSTRIAL_PRODUCT_SAMPLING_PASS_RATE,gd-foshan-nanhai,2017,104,南海区市场监管局',
    ]);
    const result = await load(file);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('row 3: value: INVALID_ARGUMENT: 104 is over 100%');
    expect(await server.db.observation.count()).toBe(0);
  }, 60_000);

  it('refuses numbers not in plain digits and a file that is not UTF-8, naming row and field', async () => {
    const spelled = await load(
      csv('spelled.csv', [
        'QMS_CERTIFIED_ENTERPRISES_NEW,gd-foshan-nanhai,2017,1e3,南海区市场监管局',
        'QMS_CERTIFIED_ENTERPRISES_NEW,gd-foshan-nanhai,２０１８,150,南海区市场监管局',
      ]),
    );
    expect(spelled.code).toBe(1);
    expect(spelled.stderr).toContain('row 2: value: INVALID_ARGUMENT: must be a number in plain digits');
    expect(spelled.stderr).toContain('row 3: year: INVALID_ARGUMENT: must be a whole number in plain digits');
    const gbk = join(dir, 'gbk.csv');
    writeFileSync(
      gbk,
      Buffer.concat([
        Buffer.from(
          'indicator,jurisdiction,year,value,source\nQMS_CERTIFIED_ENTERPRISES_NEW,gd-foshan-nanhai,2017,150,',
        ),
        Buffer.from([0xc4, 0xcf, 0xba, 0xa3]), // 南海 in GBK
        Buffer.from('\n'),
      ]),
    );
    const notUtf8 = await load(gbk);
    expect(notUtf8.code).toBe(1);
    expect(notUtf8.stderr).toContain('row 2: source: NOT_UTF8: the file is not UTF-8');
    expect(await server.db.observation.count()).toBe(0);
  }, 60_000);

  it('stores every row of a good file', async () => {
    const file = csv('good.csv', [
      'QMS_CERTIFIED_ENTERPRISES_NEW,gd-foshan-nanhai,2017,150,南海区市场监管局',
      'INDUSTRIAL_PRODUCT_SAMPLING_PASS_RATE,gd-foshan-nanhai,2017,96.5,南海区市场监管局',
    ]);
    const result = await load(file);
    expect(result.stdout).toContain('2 observations recorded');
    expect(await server.db.observation.findMany({ select: { value: true }, orderBy: { id: 'asc' } })).toEqual([
      { value: 150 },
      { value: 96.5 },
    ]);
  }, 60_000);
});
