/**
 * The XLSX writer on generated rows (Chinese, Latin, formula-like text, numbers, days): read back
 * with ExcelJS, every file has its first sheet, a bold frozen header with an autofilter, widths
 * that fit the widest value with Chinese counted double, days as date cells, numbers as numbers
 * and no text cell that begins a formula.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutralised } from '../../src/exports/cells.js';
import type { Column } from '../../src/exports/reports.js';
import { columnWidths, headerOf, openSink } from '../../src/exports/writers.js';
import { textColumns } from '../../src/i18n/width.js';
import { formulaText, startsSafely } from '../support/formulas.js';

const columns: Column[] = [
  { name: 'name', title: '企业名称' },
  { name: 'obtainedOn', title: '获得日期', date: true },
  { name: 'amountYuan', title: '金额(元)' },
];
const text = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'椒江区黄岩模具有限公司中国质量奖'), maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
  formulaText(),
);
const day = fc
  .date({ min: new Date('1990-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const rows = fc.array(fc.tuple(text, day, fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), {
  minLength: 1,
  maxLength: 30,
});

describe('XLSX files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policygraph-xlsx-'));

  it('counts Chinese characters double in column widths, within 6 and 60', () => {
    expect(columnWidths(['椒江区'], [['黄岩模具有限公司'], ['abc']])).toEqual([18]);
    expect(columnWidths(['a'], [])).toEqual([6]);
    expect(columnWidths(['a'], [['中'.repeat(100)]])).toEqual([60]);
    expect(textColumns('椒江区 jiaojiang')).toBe(16);
  });

  it('reads back generated rows with the header, widths, dates, numbers and neutralised text', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(rows, async (generated) => {
        const path = join(dir, `${n++}.xlsx`);
        const sink = openSink('XLSX', path, columns, '数据', [
          ['报表', '测试'],
          ['截至日期', '2020-06-30'],
        ]);
        await sink.write(generated);
        await sink.close();
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.readFile(path);
        expect(workbook.worksheets.map((w) => w.name)).toEqual(['报表说明', '数据']);
        expect(workbook.worksheets[0]!.getCell('B2').value).toEqual(new Date('2020-06-30T00:00:00Z'));
        const sheet = workbook.getWorksheet('数据')!;
        expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
        expect(sheet.autoFilter).toBe('A1:C1');
        expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
        const fit = (values: string[]) => Math.min(60, Math.max(6, Math.max(...values.map(textColumns)) + 2));
        expect([1, 2, 3].map((c) => sheet.getColumn(c).width)).toEqual([
          fit([headerOf(columns[0]!), ...generated.map(([t]) => neutralised(t))]),
          fit([headerOf(columns[1]!), 'yyyy-mm-dd']),
          fit([headerOf(columns[2]!), ...generated.map(([, , amount]) => String(amount))]),
        ]);
        for (const [i, [name, obtainedOn, amount]] of generated.entries()) {
          const row = sheet.getRow(i + 2);
          // XML reads a carriage return inside text as a line feed: not a formula either way.
          expect(row.getCell(1).value ?? '').toBe(neutralised(name).replaceAll('\r', '\n'));
          expect(startsSafely(String(row.getCell(1).value ?? ''))).toBe(true);
          expect(row.getCell(2).value).toEqual(new Date(`${obtainedOn}T00:00:00Z`));
          expect(row.getCell(3).value).toBe(amount);
        }
      }),
      { seed: 2026_12_01, numRuns: 25 },
    );
  });
});
