/**
 * Imports refuse what they cannot store faithfully (issue 15, items 2, 6, 8 and 12), over HTTP:
 * oversized fields, rows and batches (streamed, the server's memory sampled), bytes that are not
 * UTF-8, numbers not in plain digits, facts not spelled as true or false, duplicated or unknown
 * headers, JSON lines that are not objects, money over the Int columns. Each refusal names its
 * row (and column), stores nothing, and leaves the server answering; generated files with one
 * corruption each (fast-check) are refused exactly there, or stored exactly as parsed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_YUAN } from '../../src/writes/common.js';
import type { RowRefusal } from '../../src/validation/refusal.js';
import { IMPORT_COLUMNS } from '../../src/writes/import.js';
import { FLAG_SPELLINGS, MAX_FIELD_BYTES, MAX_ROW_BYTES } from '../../src/writes/import-stream.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

const seed = 20261201;
const MiB = 1024 * 1024;
const CODE = '91350100M000100Y43'; // an enterprise in 南海区, imported in each server's setup
const HEADER = ['enterpriseCreditCode', 'kind', 'level', 'obtainedOn', 'units', 'costYuan', 'facts', 'evidence'];
const GBK_NANHAI = Buffer.from([0xc4, 0xcf, 0xba, 0xa3]); // 南海 in GBK

interface Line {
  status: string;
  batch?: number;
  rows?: number;
  issues?: RowRefusal[];
}
type Body = string | Buffer | AsyncIterable<Buffer>;

async function post(server: TestServer, kind: string, body: Body, type = 'text/csv', query = '', language?: string) {
  const streamed = typeof body !== 'string' && !Buffer.isBuffer(body);
  const response = await fetch(`${server.url}/import/${kind}${query}`, {
    method: 'POST',
    headers: {
      'content-type': type,
      authorization: `Bearer ${server.adminKey}`,
      ...(language ? { 'accept-language': language } : {}),
    },
    body: streamed ? (Readable.toWeb(Readable.from(body)) as ReadableStream) : body,
    ...(streamed ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await response.text();
  return {
    status: response.status,
    lines: text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line),
  };
}

/** The issues of a refused import that acknowledged nothing: its status and its one JSON line. */
function refusal(answer: Awaited<ReturnType<typeof post>>, status = 422) {
  expect(answer.status).toBe(status);
  expect(answer.lines).toHaveLength(1);
  expect(answer.lines[0]).toMatchObject({ status: 'refused', batch: 1, rowsImported: 0 });
  return answer.lines[0]!.issues!.map(({ row, field, code }) => ({ row, field, code }));
}

const counts = (server: TestServer) =>
  Promise.all([server.db.enterprise.count(), server.db.achievement.count(), server.db.auditEntry.count()]);

/** The server still answers: liveness, and a GraphQL query with the right figure. */
async function alive(server: TestServer) {
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  const { status, data } = await server.request<{ enterprises: { totalCount: number } }, never>(
    '{ enterprises { totalCount } }',
  );
  expect(status).toBe(200);
  expect(data!.enterprises.totalCount).toBe(await server.db.enterprise.count());
}

const csvCell = (cell: string | Buffer) =>
  Buffer.isBuffer(cell) ? cell : Buffer.from(/[",\r\n]|^\s|\s$/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
/** A CSV file from cells (a Buffer cell is written as its raw bytes). */
function csv(header: string[], rows: Array<Array<string | Buffer>>, { bom = false, crlf = false } = {}) {
  const end = Buffer.from(crlf ? '\r\n' : '\n');
  const lines = [header, ...rows].map((cells) =>
    Buffer.concat([...cells.flatMap((c, i) => (i ? [Buffer.from(','), csvCell(c)] : [csvCell(c)])), end]),
  );
  return Buffer.concat([Buffer.from(bom ? '\uFEFF' : ''), ...lines]);
}

/** `head`, then `bytes` of `fill` in chunks of about 64 KiB (one buffer, sent again and again), then `tail`. */
async function* streamed(head: string, fill: string, bytes: number, tail = '') {
  yield Buffer.from(head);
  const chunk = Buffer.from(fill.repeat(Math.ceil((64 * 1024) / fill.length)));
  for (let sent = 0; sent < bytes; sent += chunk.length) yield chunk;
  yield Buffer.from(tail);
}

/** The peak growth of this process's resident memory (the server runs in it) while `work` runs, in MiB. */
async function rssGrowth<T>(work: () => Promise<T>): Promise<[T, number]> {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  try {
    const result = await work();
    return [result, (Math.max(peak, process.memoryUsage().rss) - before) / MiB];
  } finally {
    clearInterval(sampler);
  }
}

async function setup(kind: 'embedded' | 'postgres') {
  const server = await startTestServer(kind);
  const answer = await post(server, 'enterprises', `name,creditCode,jurisdiction\n南海甲,${CODE},gd-foshan-nanhai\n`);
  expect(answer.lines.at(-1)).toEqual({ status: 'done', rows: 1 });
  return server;
}

describe('oversized imports', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await setup('embedded');
  });
  afterAll(() => server?.stop());

  it.each([
    ['a 200 MB JSON line', 'application/x-ndjson', streamed('{"name":"', 'x', 200 * MiB, '"}\n'), 413, 1, 'row'],
    ['a 200 MB quoted CSV cell', 'text/csv', streamed('name,jurisdiction\n"', 'x', 200 * MiB, '",a\n'), 413, 1, 'name'],
    ['a 200 MB CSV cell', 'text/csv', streamed('name,jurisdiction\n', 'x', 200 * MiB, ',a\n'), 413, 1, 'name'],
    ['a 200 MB CSV header', 'text/csv', streamed('', 'x', 200 * MiB, '\n'), 413, 0, 'column 1'],
    ['a 200 MB CSV row of commas', 'text/csv', streamed('name,jurisdiction\n', ',', 200 * MiB), 422, 1, 'row'],
    [
      'a 200 MB CSV header of 60 KB cells',
      'text/csv',
      streamed('', `${'x'.repeat(60_000)},`, 200 * MiB),
      413,
      0,
      'row',
    ],
  ])(
    'refuses %s (streamed) with its row, the server growing by less than 64 MiB',
    { timeout: 120_000 },
    async (_what, type, body, status, row, column) => {
      const before = await counts(server);
      const [answer, growth] = await rssGrowth(() => post(server, 'enterprises', body, type));
      const [issue] = refusal(answer, status);
      expect(issue).toMatchObject({ row, field: column });
      expect(growth).toBeLessThan(64);
      expect(await counts(server)).toEqual(before);
      await alive(server);
    },
  );

  it('reads a field of exactly 64 KiB and refuses one byte more, in CSV and in JSON Lines', async () => {
    const row = (evidence: string) =>
      csv(HEADER, [[CODE, 'QUALITY_INSPECTION_CENTER', 'NATIONAL', '2018-05-01', '', '', '', evidence]]);
    // At the limit the cell is read, and the schema refuses it (evidence holds 500 characters).
    expect(refusal(await post(server, 'achievements', row('x'.repeat(MAX_FIELD_BYTES))))).toEqual([
      { row: 1, field: 'evidence', code: 'INVALID_ARGUMENT' },
    ]);
    expect(refusal(await post(server, 'achievements', row('x'.repeat(MAX_FIELD_BYTES + 1))), 413)).toEqual([
      { row: 1, field: 'evidence', code: 'TOO_LARGE' },
    ]);
    const json = (bytes: number) =>
      `{"enterpriseCreditCode":"${CODE}","kind":"QUALITY_INSPECTION_CENTER","obtainedOn":"2018-05-01","evidence":"${'许'.repeat(bytes / 3)}"}\n`;
    expect(refusal(await post(server, 'achievements', json(MAX_FIELD_BYTES - 1), 'application/x-ndjson'))).toEqual([
      { row: 1, field: 'evidence', code: 'INVALID_ARGUMENT' },
    ]);
    expect(refusal(await post(server, 'achievements', json(MAX_FIELD_BYTES + 2), 'application/x-ndjson'), 413)).toEqual(
      [{ row: 1, field: 'evidence', code: 'TOO_LARGE' }],
    );
    await alive(server);
  });

  it('reads a JSON line of exactly 1 MiB and refuses one byte more', async () => {
    // 16 unknown fields of just under 64 KiB: each is read, then refused by the schema as unknown.
    const line = (bytes: number) => {
      const fields = Array.from({ length: 16 }, (_, i) => `"f${String(i).padStart(2, '0')}":"`);
      const filler = bytes - 2 - fields.join('').length - 16 * 2 + 1; // braces, quotes and commas
      return `{${fields.map((f, i) => `${f}${'x'.repeat(Math.floor(filler / 16) + (i < filler % 16 ? 1 : 0))}"`).join(',')}}`;
    };
    expect(Buffer.byteLength(line(MAX_ROW_BYTES))).toBe(MAX_ROW_BYTES);
    const atLimit = refusal(
      await post(server, 'enterprises', `{"name":"a"}\n${line(MAX_ROW_BYTES)}\n`, 'application/x-ndjson'),
    );
    expect(atLimit).toContainEqual({ row: 2, field: 'f00', code: 'INVALID_ARGUMENT' });
    expect(
      refusal(
        await post(server, 'enterprises', `{"name":"a"}\n${line(MAX_ROW_BYTES + 1)}\n`, 'application/x-ndjson'),
        413,
      ),
    ).toEqual([{ row: 2, field: 'row', code: 'TOO_LARGE' }]);
  });

  it('refuses a batch holding more than 16 MiB of text before it is checked', { timeout: 60_000 }, async () => {
    const before = await counts(server);
    const fields = Array.from({ length: 15 }, (_, i) => `"f${i}":"${'x'.repeat(60_000)}"`).join(',');
    const [answer, growth] = await rssGrowth(() =>
      post(server, 'enterprises', `{${fields}}\n`.repeat(40), 'application/x-ndjson', '?batch=10000'),
    );
    expect(refusal(answer, 413)).toEqual([{ row: 19, field: 'row', code: 'TOO_LARGE' }]);
    expect(growth).toBeLessThan(200);
    expect(await counts(server)).toEqual(before);
  });

  it('keeps answering when a client gives up halfway through an upload', async () => {
    const controller = new AbortController();
    async function* slow() {
      yield Buffer.from('name,jurisdiction\n甲,gd-foshan-nanhai\n');
      await new Promise((resolve) => setTimeout(resolve, 200));
      controller.abort();
      yield Buffer.from('乙,gd-foshan-nanhai\n');
    }
    const before = await counts(server);
    await expect(
      fetch(`${server.url}/import/enterprises`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', authorization: `Bearer ${server.adminKey}` },
        body: Readable.toWeb(Readable.from(slow())) as ReadableStream,
        duplex: 'half',
        signal: controller.signal,
      } as RequestInit),
    ).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await counts(server)).toEqual(before);
    await alive(server);
  });
});

describe('refusing what an import cannot store faithfully', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await setup('embedded');
  });
  afterAll(() => server?.stop());

  const achievement = (facts: string, more: Partial<Record<'units' | 'costYuan' | 'evidence', string>> = {}) => [
    CODE,
    'QUALITY_INSPECTION_CENTER',
    'NATIONAL',
    '2018-05-01',
    more.units ?? '',
    more.costYuan ?? '',
    facts,
    more.evidence ?? '',
  ];
  const latestFacts = async (n: number) =>
    (await server.db.achievement.findMany({ orderBy: { id: 'desc' }, take: n, select: { facts: true } }))
      .reverse()
      .map((a) => a.facts);

  it('reads facts as Excel and people spell them (TRUE, yes, 是 …) and stores exactly that', async () => {
    const spellings = ['TRUE', 'True', ' yes ', 'Y', '1', '是', '对', 'FALSE', 'No', 'n', '0', '否', '错'];
    const answer = await post(
      server,
      'achievements',
      csv(
        HEADER,
        spellings.map((s) => achievement(`PREPARATION_APPROVED=${s}`)),
      ),
    );
    expect(answer.lines.at(-1)).toEqual({ status: 'done', rows: spellings.length });
    expect(await latestFacts(spellings.length)).toEqual(spellings.map((_, i) => ({ PREPARATION_APPROVED: i < 7 })));
    expect([...FLAG_SPELLINGS.keys()]).toEqual([
      'true',
      'yes',
      'y',
      '1',
      '是',
      '对',
      'false',
      'no',
      'n',
      '0',
      '否',
      '错',
    ]);
  });

  it.each([
    'PREPARATION_APPROVED',
    'PREPARATION_APPROVED=',
    'PREPARATION_APPROVED=ture',
    'PREPARATION_APPROVED=2',
    'PREPARATION_APPROVED=true=false',
    'PREPARATION_APPROVED=true;PREPARATION_APPROVED=false',
    'PREPARATION_APPROVED=√',
  ])('refuses the facts cell %s with its row and column, storing nothing', async (facts) => {
    const before = await counts(server);
    const answer = await post(
      server,
      'achievements',
      csv(HEADER, [achievement('PREPARATION_APPROVED=true'), achievement(facts)]),
    );
    expect(refusal(answer)).toEqual([{ row: 2, field: 'facts', code: 'INVALID_ARGUMENT' }]);
    expect(await counts(server)).toEqual(before);
  });

  it('refuses a fact the kind has no rule for as a GraphQL write does: one check for both', async () => {
    const answer = await post(server, 'achievements', csv(HEADER, [achievement('ACCEPTANCE_PASSED=yes')]));
    const line = answer.lines[0]!;
    expect(refusal(answer)).toEqual([{ row: 1, field: 'facts.ACCEPTANCE_PASSED', code: 'INVALID_ARGUMENT' }]);
    const enterprise = await server.db.enterprise.findUniqueOrThrow({ where: { creditCode: CODE } });
    const { data } = await server.request<
      { recordAchievement: { __typename: string; issues: Array<{ field: string; message: string }> } },
      never
    >(
      `mutation { recordAchievement(input: { enterprise: "${Buffer.from(`Enterprise:${enterprise.id}`).toString('base64')}", kind: "QUALITY_INSPECTION_CENTER", level: "NATIONAL", obtainedOn: "2018-05-01", facts: [{ fact: "ACCEPTANCE_PASSED", value: true }] }) { __typename ... on WriteRefused { issues { field message } } } }`,
    );
    expect(data!.recordAchievement.issues).toEqual([
      { field: 'input.facts.ACCEPTANCE_PASSED', message: line.issues![0]!.message },
    ]);
  });

  it.each([
    ['0x10'],
    ['0X1F'],
    ['1e3'],
    ['1E2'],
    ['+5'],
    ['−5'],
    ['1 000'],
    ['１２'],
    ['1,000'],
    ['12.5'],
    ['Infinity'],
    ['0b1'],
    ['1_000'],
  ])('refuses the money cell %s (plain digits only) with its row and column', async (cell) => {
    const before = await counts(server);
    const answer = await post(
      server,
      'achievements',
      csv(HEADER, [achievement('', { costYuan: '10' }), achievement('', { costYuan: cell })]),
    );
    expect(refusal(answer)).toEqual([{ row: 2, field: 'costYuan', code: 'INVALID_ARGUMENT' }]);
    expect(answer.lines[0]!.issues![0]!.message).toContain('plain digits');
    expect(await counts(server)).toEqual(before);
  });

  it('says what is wrong with a cell in the language of the request: plain digits, facts, rows, NUL', async () => {
    const cases: Array<[string, Buffer | string, string, string]> = [
      [
        'achievements',
        csv(HEADER, [achievement('', { costYuan: '1,200' })]),
        '应为不带分隔符、空格、+ 号或指数的整数，例如 1200；收到 "1,200"',
        'must be a whole number in plain digits, e.g. 1200 (no separators, spaces, + or exponent); got "1,200"',
      ],
      [
        'achievements',
        csv(HEADER, [achievement('X=maybe')]),
        '无法读取 "X=maybe"：请写作 FACT=true;OTHER=false（是：true、yes、y、1、是、对；否：false、no、n、0、否、错；不区分大小写）',
        'cannot read "X=maybe": write FACT=true;OTHER=false (true: true, yes, y, 1, 是, 对; false: false, no, n, 0, 否, 错; any case)',
      ],
      [
        'enterprises',
        'name,jurisdiction\na,gd-foshan-nanhai\nb\n',
        '单元格少于表头的列数',
        'has fewer cells than the header has columns',
      ],
      [
        'enterprises',
        'name,jurisdiction\na\0b,gd-foshan-nanhai\n',
        '不能含有 NUL 字符（U+0000），文本无法保存它：请删除',
        'must not contain a NUL character (U+0000), which text cannot hold: remove it',
      ],
    ];
    for (const [kind, body, zh, en] of cases) {
      const before = await counts(server);
      const [inZh, inEn] = [
        await post(server, kind, body, 'text/csv', '', 'zh-CN'),
        await post(server, kind, body, 'text/csv', '', 'en'),
      ];
      expect(
        inZh.lines.at(-1)!.issues!.map((i) => i.message),
        String(body),
      ).toContain(zh);
      expect(
        inEn.lines.at(-1)!.issues!.map((i) => i.message),
        String(body),
      ).toContain(en);
      expect(inZh.lines.at(-1)!.issues!.map((i) => i.code)).toEqual(inEn.lines.at(-1)!.issues!.map((i) => i.code));
      expect(await counts(server)).toEqual(before);
    }
  });

  it('refuses a GBK file, saying to save it as UTF-8, in CSV and in JSON Lines', async () => {
    const before = await counts(server);
    const gbk = Buffer.concat([Buffer.from('name,jurisdiction\n'), GBK_NANHAI, Buffer.from(',gd-foshan-nanhai\n')]);
    const answer = await post(server, 'enterprises', gbk);
    expect(refusal(answer)).toEqual([{ row: 1, field: 'name', code: 'NOT_UTF8' }]);
    expect(answer.lines[0]!.issues![0]!.message).toMatch(/^the file is not UTF-8: in Excel, save it as 'CSV UTF-8/);
    const inChinese = await post(server, 'enterprises', gbk, 'text/csv', '', 'zh-CN');
    expect(refusal(inChinese)).toEqual([{ row: 1, field: 'name', code: 'NOT_UTF8' }]);
    expect(inChinese.lines[0]!.issues![0]!.message).toBe(
      '文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或以 UTF-8 编码保存',
    );
    const header = Buffer.concat([GBK_NANHAI, Buffer.from(',jurisdiction\na,gd-foshan-nanhai\n')]);
    expect(refusal(await post(server, 'enterprises', header))).toEqual([
      { row: 0, field: 'column 1', code: 'NOT_UTF8' },
    ]);
    const json = Buffer.concat([
      Buffer.from('{"name":"a","jurisdiction":"gd-foshan-nanhai"}\n{"name":"'),
      GBK_NANHAI,
      Buffer.from('","jurisdiction":"gd-foshan-nanhai"}\n'),
    ]);
    expect(refusal(await post(server, 'enterprises', json, 'application/x-ndjson'))).toEqual([
      { row: 2, field: 'row', code: 'NOT_UTF8' },
    ]);
    expect(await counts(server)).toEqual(before);
  });

  it.each([
    [
      'a duplicated header',
      'name,jurisdiction,name\na,gd-foshan-nanhai,b\n',
      [{ row: 0, field: 'name', code: 'DUPLICATE' }],
    ],
    [
      'an unknown column',
      'name,jurisdiction,ceo\na,gd-foshan-nanhai,b\n',
      [{ row: 0, field: 'ceo', code: 'INVALID_ARGUMENT' }],
    ],
    [
      'a column without a name',
      'name,jurisdiction,\na,gd-foshan-nanhai,\n',
      [{ row: 0, field: 'column 3', code: 'INVALID_ARGUMENT' }],
    ],
    [
      'a row with more cells than the header',
      'name,jurisdiction\na,gd-foshan-nanhai\nb,gd-foshan-nanhai,c\n',
      [{ row: 2, field: 'row', code: 'INVALID_ARGUMENT' }],
    ],
    [
      'a row with fewer cells than the header',
      'name,jurisdiction\na,gd-foshan-nanhai\nb\n',
      [{ row: 2, field: 'row', code: 'INVALID_ARGUMENT' }],
    ],
    [
      'an unclosed quote',
      'name,jurisdiction\n"a,gd-foshan-nanhai\n',
      [{ row: 1, field: 'name', code: 'INVALID_ARGUMENT' }],
    ],
    [
      'a NUL character',
      'name,jurisdiction\na\0b,gd-foshan-nanhai\n',
      [{ row: 1, field: 'name', code: 'INVALID_ARGUMENT' }],
    ],
  ])('refuses a CSV with %s, naming row and column', async (_what, body, issues) => {
    const before = await counts(server);
    expect(refusal(await post(server, 'enterprises', body))).toEqual(issues);
    expect(await counts(server)).toEqual(before);
    await alive(server);
  });

  it.each([
    ['null'],
    ['42'],
    ['"南海"'],
    ['[]'],
    ['[{"name":"a"}]'],
    ['true'],
    ['{"name":'],
    ['{"name":"a\\u0000"}'],
    ['{"name":"\\ud800"}'],
  ])('refuses the JSON line %s with its row', async (line) => {
    const before = await counts(server);
    const body = `{"name":"甲","jurisdiction":"gd-foshan-nanhai"}\n\n${line}\n`;
    const [issue] = refusal(await post(server, 'enterprises', body, 'application/x-ndjson'));
    expect(issue).toMatchObject({ row: 2, code: 'INVALID_ARGUMENT' });
    expect(await counts(server)).toEqual(before);
  });

  it('reads a BOM and CRLF line ends (as Excel writes) and names an unknown JSON field', async () => {
    const answer = await post(
      server,
      'enterprises',
      csv(['name', 'jurisdiction'], [['南海乙', 'gd-foshan-nanhai']], { bom: true, crlf: true }),
    );
    expect(answer.lines.at(-1)).toEqual({ status: 'done', rows: 1 });
    expect(await server.db.enterprise.findFirst({ orderBy: { id: 'desc' }, select: { name: true } })).toEqual({
      name: '南海乙',
    });
    const json =
      '\uFEFF{"name":"南海丙","jurisdiction":"gd-foshan-nanhai"}\r\n{"name":"丁","jurisdiction":"gd-foshan-nanhai","ceo":"x"}\r\n';
    expect(refusal(await post(server, 'enterprises', json, 'application/x-ndjson'))).toEqual([
      { row: 2, field: 'ceo', code: 'INVALID_ARGUMENT' },
    ]);
  });

  it('refuses a bad row after an acknowledged batch in the streamed answer, keeping that batch', async () => {
    const before = await server.db.achievement.count();
    const answer = await post(
      server,
      'achievements',
      csv(HEADER, [
        achievement('', { units: '1' }),
        achievement('', { units: '2' }),
        achievement('', { units: '0x3' }),
      ]),
      'text/csv',
      '?batch=2',
    );
    expect(answer.status).toBe(200);
    expect(answer.lines).toMatchObject([
      { status: 'committed', batch: 1, firstRow: 1, lastRow: 2 },
      { status: 'refused', batch: 2, rowsImported: 2, issues: [{ row: 3, field: 'units', code: 'INVALID_ARGUMENT' }] },
    ]);
    expect(await server.db.achievement.count()).toBe(before + 2);
  });
});

describe.each(DATABASE_KINDS)('money over the Int columns on %s database', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await setup(kind);
  });
  afterAll(() => server?.stop());

  const row = (costYuan: string) => [
    CODE,
    'INTERNATIONAL_TRADEMARK_REGISTRATION',
    '',
    '2019-03-01',
    '',
    costYuan,
    '',
    '',
  ];

  it('stores 2,147,483,647 yuan exactly and refuses one more with row and column, in CSV and JSON Lines', async () => {
    const stored = await post(server, 'achievements', csv(HEADER, [row(String(MAX_YUAN))]));
    expect(stored.lines.at(-1)).toEqual({ status: 'done', rows: 1 });
    expect(await server.db.achievement.findFirst({ orderBy: { id: 'desc' }, select: { costYuan: true } })).toEqual({
      costYuan: 2_147_483_647,
    });
    const before = await counts(server);
    const csvAnswer = await post(server, 'achievements', csv(HEADER, [row('1'), row('2147483648')]));
    expect(refusal(csvAnswer)).toEqual([{ row: 2, field: 'costYuan', code: 'INVALID_ARGUMENT' }]);
    expect(csvAnswer.lines[0]!.issues![0]!.message).toBe(
      'must be at most 2,147,483,647 yuan (the largest amount stored)',
    );
    const json = (costYuan: number) =>
      JSON.stringify({
        enterpriseCreditCode: CODE,
        kind: 'INTERNATIONAL_TRADEMARK_REGISTRATION',
        obtainedOn: '2019-03-01',
        costYuan,
      });
    const jsonAnswer = await post(
      server,
      'achievements',
      `${json(1)}\n${json(2 ** 31)}\n${json(2 ** 53 - 1)}\n`,
      'application/x-ndjson',
    );
    expect(refusal(jsonAnswer)).toEqual([
      { row: 2, field: 'costYuan', code: 'INVALID_ARGUMENT' },
      { row: 3, field: 'costYuan', code: 'INVALID_ARGUMENT' },
    ]);
    expect(await counts(server)).toEqual(before);
    await alive(server);
  });

  it.runIf(kind === 'postgres')(
    'npm run import names the row of a bad file and stores nothing',
    { timeout: 60_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'policygraph-import-'));
      const file = join(dir, 'bad.jsonl');
      writeFileSync(file, '{"name":"甲","jurisdiction":"gd-foshan-nanhai"}\nnull\n');
      const before = await counts(server);
      const result = await promisify(execFile)('npx', ['tsx', 'scripts/import.ts', '--type', 'enterprises', file], {
        env: { ...process.env, DATABASE_URL: server.databaseUrl },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('row 2: row: INVALID_ARGUMENT: must be a JSON object');
      expect(await counts(server)).toEqual(before);
    },
  );
});

// ---------------------------------------------------------------- generated files

/** What an import of a generated file must answer: a refusal exactly there, or these rows stored. */
type Outcome = { refused: { row: number; field: string; code: string } } | { stored: Array<Record<string, unknown>> };
interface Generated {
  body: Buffer;
  type: string;
  outcome: Outcome;
}

const randomCase = (text: string, flips: boolean[]) =>
  [...text].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c.toLowerCase())).join('');
const pad = fc.constantFrom('', ' ', '  ', '\t');
const BAD_BYTES = [
  GBK_NANHAI,
  Buffer.from([0xff]),
  Buffer.from([0xc0, 0x80]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xe4, 0xb8]),
];

const baseRow = fc.record({
  obtainedOn: fc
    .date({ min: new Date('2018-01-01'), max: new Date('2024-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  units: fc.integer({ min: 1, max: 100_000 }),
  costYuan: fc.integer({ min: 0, max: MAX_YUAN }),
  attested: fc.boolean(),
  evidence: fc.string({ unit: fc.constantFrom(...'甲乙丙丁 ab,";=\n'), maxLength: 30 }),
});
type BaseRow = typeof baseRow extends fc.Arbitrary<infer T> ? T : never;

/** One corruption of a CSV cell: the text written, and the value stored, or undefined for a refusal. */
const numberCell = (min: number, max: number) =>
  fc.oneof(
    fc
      .tuple(fc.integer({ min, max }), pad, pad)
      .map(([n, a, b]) => ({ cell: `${a}${n}${b}`, value: n as number | undefined })),
    fc.integer({ min, max }).map((n) => ({ cell: `00${n}`, value: n as number | undefined })),
    fc
      .constantFrom(
        '0x10',
        '0X1F',
        '1e3',
        '1E2',
        '+5',
        '−5',
        '1 000',
        '１２',
        '1,000',
        '12.5',
        '.5',
        'Infinity',
        'NaN',
        '0b1',
        '0o7',
        '1_000',
        '٣',
        String(min - 1),
      )
      .map((cell) => ({ cell, value: undefined })),
    fc.integer({ min: max + 1, max: Number.MAX_SAFE_INTEGER }).map((n) => ({ cell: String(n), value: undefined })),
  );
const flagCell = fc.oneof(
  fc
    .tuple(fc.constantFrom(...FLAG_SPELLINGS.keys()), fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), pad, pad)
    .map(([spelling, flips, a, b]) => ({
      cell: `PREPARATION_APPROVED=${a}${randomCase(spelling, flips)}${b}`,
      value: FLAG_SPELLINGS.get(spelling),
    })),
  fc
    .constantFrom('ture', 'yes!', '2', 't', 'f', 'on', 'off', '√', '×', '', '真', 'TRUE TRUE', 'null')
    .map((flag) => ({ cell: `PREPARATION_APPROVED=${flag}`, value: undefined as boolean | undefined })),
  fc.constant({ cell: 'PREPARATION_APPROVED', value: undefined as boolean | undefined }),
);

type CsvCorruption =
  | { kind: 'none' }
  | { kind: 'units' | 'costYuan'; cell: string; value: number | undefined }
  | { kind: 'facts'; cell: string; value: boolean | undefined }
  | { kind: 'bytes'; bytes: Buffer }
  | { kind: 'oversized'; extra: number }
  | { kind: 'nul' }
  | { kind: 'duplicate'; column: number }
  | { kind: 'unknown'; name: string };

const csvCorruption: fc.Arbitrary<CsvCorruption> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  numberCell(1, 100_000).map((c) => ({ kind: 'units' as const, ...c })),
  numberCell(0, MAX_YUAN).map((c) => ({ kind: 'costYuan' as const, ...c })),
  flagCell.map((c) => ({ kind: 'facts' as const, ...c })),
  fc.constantFrom(...BAD_BYTES).map((bytes) => ({ kind: 'bytes' as const, bytes })),
  fc.integer({ min: 1, max: 2000 }).map((extra) => ({ kind: 'oversized' as const, extra })),
  fc.constant({ kind: 'nul' as const }),
  fc.integer({ min: 0, max: HEADER.length - 1 }).map((column) => ({ kind: 'duplicate' as const, column })),
  fc
    .stringMatching(/^[a-z][a-zA-Z]{2,12}$/)
    .filter((name) => !IMPORT_COLUMNS.achievements.has(name))
    .map((name) => ({ kind: 'unknown' as const, name })),
);

const stored = (
  enterpriseId: number,
  kindId: number,
  r: BaseRow,
  units = r.units,
  costYuan = r.costYuan,
  attested = r.attested,
) => ({
  enterpriseId,
  kindId,
  level: 'NATIONAL',
  obtainedOn: r.obtainedOn,
  units,
  costYuan,
  facts: { PREPARATION_APPROVED: attested },
  evidence: r.evidence.trim() || null,
});

function csvFile(
  ids: [number, number],
  rows: BaseRow[],
  at: number,
  corruption: CsvCorruption,
  style: { bom: boolean; crlf: boolean },
): Generated {
  const header = [...HEADER];
  const cells: Array<Array<string | Buffer>> = rows.map((r) => [
    CODE,
    'QUALITY_INSPECTION_CENTER',
    'NATIONAL',
    r.obtainedOn,
    String(r.units),
    String(r.costYuan),
    `PREPARATION_APPROVED=${r.attested}`,
    r.evidence,
  ]);
  const expected = rows.map((r) => stored(...ids, r));
  const target = cells[at - 1]!;
  const refused = (column: string, code = 'INVALID_ARGUMENT', row = at): Generated => ({
    body: csv(header, cells, style),
    type: 'text/csv',
    outcome: { refused: { row, field: column, code } },
  });
  const accepted = (): Generated => ({
    body: csv(header, cells, style),
    type: 'text/csv',
    outcome: { stored: expected },
  });
  switch (corruption.kind) {
    case 'none':
      return accepted();
    case 'units':
    case 'costYuan':
    case 'facts': {
      target[HEADER.indexOf(corruption.kind)] = corruption.cell;
      if (corruption.value === undefined) return refused(corruption.kind);
      expected[at - 1] = {
        ...expected[at - 1]!,
        ...(corruption.kind === 'facts'
          ? { facts: { PREPARATION_APPROVED: corruption.value } }
          : { [corruption.kind]: corruption.value }),
      };
      return accepted();
    }
    case 'bytes':
      target[7] = Buffer.concat([Buffer.from('证书'), corruption.bytes]);
      return refused('evidence', 'NOT_UTF8');
    case 'oversized':
      target[7] = 'x'.repeat(MAX_FIELD_BYTES + corruption.extra);
      return refused('evidence', 'TOO_LARGE');
    case 'nul':
      target[7] = `证书\0${target[7]}`;
      return refused('evidence');
    case 'duplicate':
      header.push(HEADER[corruption.column]!);
      cells.forEach((c) => c.push(c[corruption.column]!));
      return refused(HEADER[corruption.column]!, 'DUPLICATE', 0);
    case 'unknown':
      header.push(corruption.name);
      cells.forEach((c) => c.push('x'));
      return refused(corruption.name, 'INVALID_ARGUMENT', 0);
  }
}

type JsonCorruption =
  | { kind: 'none' }
  | { kind: 'line'; line: string }
  | { kind: 'bytes'; bytes: Buffer }
  | { kind: 'oversizedField'; extra: number }
  | { kind: 'oversizedLine' }
  | { kind: 'costYuan'; raw: string; stored: number | null | undefined }
  | { kind: 'facts'; value: unknown };

const jsonCorruption: fc.Arbitrary<JsonCorruption> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc
    .constantFrom('null', '1', '-2.5', '"row"', '[]', '[{}]', 'true', '{', '{"kind":}', 'NaN', "{'a':1}")
    .map((line) => ({ kind: 'line' as const, line })),
  fc.constantFrom(...BAD_BYTES).map((bytes) => ({ kind: 'bytes' as const, bytes })),
  fc.integer({ min: 1, max: 2000 }).map((extra) => ({ kind: 'oversizedField' as const, extra })),
  fc.constant({ kind: 'oversizedLine' as const }),
  // JSON numbers are JSON's: 1e3 is 1000 there, as 1.0 is 1; a string is not a number.
  fc
    .constantFrom<[string, number | null]>(
      ['1e3', 1000],
      ['2E1', 20],
      ['1.0', 1],
      ['0', 0],
      [String(MAX_YUAN), MAX_YUAN],
      ['null', null],
    )
    .map(([raw, stored]) => ({ kind: 'costYuan' as const, raw, stored: stored as number | null | undefined })),
  fc
    .constantFrom('"12"', '12.5', '-1', String(2 ** 31), '1e20', 'true', '"1e3"', '[1]', '{}')
    .map((raw) => ({ kind: 'costYuan' as const, raw, stored: undefined })),
  fc.constantFrom('TRUE', 'yes', 1, null, [true]).map((value) => ({ kind: 'facts' as const, value })),
);

function jsonFile(
  ids: [number, number],
  rows: BaseRow[],
  at: number,
  corruption: JsonCorruption,
  blankLines: boolean,
): Generated {
  const objects = rows.map((r) => ({
    enterpriseCreditCode: CODE,
    kind: 'QUALITY_INSPECTION_CENTER',
    level: 'NATIONAL',
    obtainedOn: r.obtainedOn,
    units: r.units,
    costYuan: r.costYuan,
    facts: { PREPARATION_APPROVED: r.attested },
    evidence: r.evidence,
  }));
  const expected: Array<Record<string, unknown>> = rows.map((r) => stored(...ids, r));
  // The schema trims text; an empty JSON string stays one, where the CSV reader leaves an empty cell out.
  rows.forEach((r, i) => (expected[i]!.evidence = r.evidence.trim()));
  const lines: Array<string | Buffer> = objects.map((o) => JSON.stringify(o));
  const file = (outcome: Outcome): Generated => ({
    body: Buffer.concat(lines.flatMap((l) => [Buffer.from(l), Buffer.from(blankLines ? '\n \n' : '\n')])),
    type: 'application/x-ndjson',
    outcome,
  });
  const refused = (column: string, code = 'INVALID_ARGUMENT') => file({ refused: { row: at, field: column, code } });
  const i = at - 1;
  switch (corruption.kind) {
    case 'none':
      return file({ stored: expected });
    case 'line':
      lines[i] = corruption.line;
      return refused('row');
    case 'bytes': {
      const [head, tail] = (lines[i] as string).split('"evidence":"');
      lines[i] = Buffer.concat([Buffer.from(`${head}"evidence":"`), corruption.bytes, Buffer.from(tail!)]);
      return refused('row', 'NOT_UTF8');
    }
    case 'oversizedField':
      lines[i] = JSON.stringify({ ...objects[i], evidence: 'x'.repeat(MAX_FIELD_BYTES + corruption.extra) });
      return refused('evidence', 'TOO_LARGE');
    case 'oversizedLine':
      lines[i] = JSON.stringify({
        ...objects[i],
        ...Object.fromEntries(Array.from({ length: 17 }, (_, k) => [`extra${k}`, 'x'.repeat(62_000)])),
      });
      return refused('row', 'TOO_LARGE');
    case 'costYuan':
      lines[i] = (lines[i] as string).replace(`"costYuan":${rows[i]!.costYuan}`, `"costYuan":${corruption.raw}`);
      if (corruption.stored === undefined) return refused('costYuan');
      expected[i] = { ...expected[i]!, costYuan: corruption.stored };
      return file({ stored: expected });
    case 'facts':
      lines[i] = JSON.stringify({ ...objects[i], facts: { PREPARATION_APPROVED: corruption.value } });
      return refused('facts');
  }
}

describe('generated files with one corruption each', () => {
  let server: TestServer;
  let ids: [number, number];
  beforeAll(async () => {
    server = await setup('embedded');
    ids = [
      (await server.db.enterprise.findUniqueOrThrow({ where: { creditCode: CODE } })).id,
      (await server.db.achievementKind.findUniqueOrThrow({ where: { code: 'QUALITY_INSPECTION_CENTER' } })).id,
    ];
  });
  afterAll(() => server?.stop());

  /** The import refuses exactly where the file is corrupt, storing nothing, or stores exactly what it holds. */
  async function check(file: Generated) {
    const before = await counts(server);
    const last = (await server.db.achievement.aggregate({ _max: { id: true } }))._max.id ?? 0;
    const answer = await post(server, 'achievements', file.body, file.type);
    expect(answer.status).toBeLessThan(500);
    if ('refused' in file.outcome) {
      const status = file.outcome.refused.code === 'TOO_LARGE' ? 413 : 422;
      // Every problem is where the corruption is (a value can break two rules: 1e20 is neither whole nor small).
      const issues = refusal(answer, status);
      expect(issues.length).toBeGreaterThan(0);
      for (const issue of issues) expect(issue).toEqual(file.outcome.refused);
      expect(await counts(server)).toEqual(before);
    } else {
      expect(answer.status).toBe(200);
      expect(answer.lines.at(-1)).toEqual({ status: 'done', rows: file.outcome.stored.length });
      const rows = await server.db.achievement.findMany({
        where: { id: { gt: last } },
        orderBy: { id: 'asc' },
        select: {
          enterpriseId: true,
          kindId: true,
          level: true,
          obtainedOn: true,
          units: true,
          costYuan: true,
          facts: true,
          evidence: true,
        },
      });
      expect(rows.map((r) => ({ ...r, obtainedOn: r.obtainedOn.toISOString().slice(0, 10) }))).toEqual(
        file.outcome.stored,
      );
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  }

  const shape = fc
    .array(baseRow, { minLength: 1, maxLength: 5 })
    .chain((rows) => fc.tuple(fc.constant(rows), fc.integer({ min: 1, max: rows.length })));

  it(
    'CSV: a typed refusal at the corrupt row and column, or the values stored exactly',
    { timeout: 180_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(shape, csvCorruption, fc.boolean(), fc.boolean(), async ([rows, at], corruption, bom, crlf) =>
          check(csvFile(ids, rows, at, corruption, { bom, crlf })),
        ),
        { seed, numRuns: 120 },
      );
      await alive(server);
    },
  );

  it(
    'JSON Lines: a typed refusal at the corrupt row (and field), or the values stored exactly',
    { timeout: 180_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(shape, jsonCorruption, fc.boolean(), async ([rows, at], corruption, blankLines) =>
          check(jsonFile(ids, rows, at, corruption, blankLines)),
        ),
        { seed, numRuns: 120 },
      );
      await alive(server);
    },
  );
});
