/**
 * Formula injection (issue 15, item 9): the one escaping function, and the CSV and XLSX writers
 * through it. No text cell may begin a formula; safe text and numbers (negative ones too) are unchanged.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvOf, neutralised } from '../../src/exports/cells.js';
import { openSink } from '../../src/exports/writers.js';
import { formulaText, startsSafely } from '../support/formulas.js';

const seed = 2026_12_01;
const dangerous = formulaText();
const anyText = fc.oneof(dangerous, fc.string({ unit: 'grapheme', maxLength: 30 }));

describe('neutralised', () => {
  it('leaves safe text as it is, and so is idempotent on its own output', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        if (startsSafely(text)) expect(neutralised(text)).toBe(text);
        expect(neutralised(neutralised(text))).toBe(neutralised(text));
      }),
      { seed, numRuns: 2000 },
    );
  });

  it('makes every cell start with a safe character, only by putting a quote in front', () => {
    fc.assert(
      fc.property(dangerous, (text) => {
        expect(neutralised(text)).toBe(`'${text}`);
        expect(startsSafely(neutralised(text))).toBe(true);
      }),
      { seed, numRuns: 2000 },
    );
    expect(neutralised('=HYPERLINK("http://evil.example","点击查看")')).toBe(
      `'=HYPERLINK("http://evil.example","点击查看")`,
    );
  });

  it('writes CSV whose text cells read back neutralised and whose numbers are untouched', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            anyText,
            fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
            fc.double({ noNaN: true, noDefaultInfinity: true }),
          ),
          {
            maxLength: 20,
          },
        ),
        (rows) => {
          const text = csvOf(rows);
          const back = parse(text, { relax_column_count: true }) as string[][];
          expect(back).toEqual(rows.map(([t, i, d]) => [neutralised(t), String(i), String(d)]));
          for (const cell of back.flat()) expect(startsSafely(cell) || /^-\d/.test(cell)).toBe(true);
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});

describe('CSV and XLSX sinks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policygraph-cells-'));
  const columns = [
    { name: 'name', title: '名称' },
    { name: 'amountYuan', title: '金额(元)' },
  ];
  const rows = [
    ['=HYPERLINK("http://evil.example","点击查看")', -500],
    ['-1+2', -0.5],
    ['@SUM(A1:A9)', 100_0000],
    ['\tTAB', 0],
    ['黄岩模具', 2019],
  ];
  const expected = [
    [`'=HYPERLINK("http://evil.example","点击查看")`, -500],
    [`'-1+2`, -0.5],
    [`'@SUM(A1:A9)`, 100_0000],
    [`'\tTAB`, 0],
    ['黄岩模具', 2019],
  ];

  it('writes CSV with text neutralised and negative numbers as numbers', async () => {
    const path = join(dir, 'cells.csv');
    const sink = openSink('CSV', path, columns, 'cells');
    await sink.write(rows);
    await sink.close();
    const text = readFileSync(path, 'utf8').slice(1);
    expect(text).toContain(',-500\n'); // a number: neither quoted nor prefixed
    expect(parse(text).slice(1)).toEqual(expected.map((row) => row.map(String)));
  });

  it('writes XLSX with text neutralised and numbers, negative ones too, as number cells', async () => {
    const path = join(dir, 'cells.xlsx');
    const sink = openSink('XLSX', path, columns, 'cells');
    await sink.write(rows);
    await sink.close();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.getWorksheet('cells')!;
    const values = expected.map((_, i) => [sheet.getRow(i + 2).getCell(1).value, sheet.getRow(i + 2).getCell(2).value]);
    expect(values).toEqual(expected);
    expect(sheet.getRow(2).getCell(2).type).toBe(ExcelJS.ValueType.Number);
  });
});
