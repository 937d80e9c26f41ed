/**
 * A policy's target progress report (targets × districts × years) as CSV with a BOM, through the
 * typed client against a running server.
 * Usage: tsx scripts/report-target-progress.ts --url http://localhost:4000 --policy foshan-2017-industrial-quality --as-of 2019-12-31 --out progress.csv
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createClient } from '../src/client/index.js';
import { csvOf } from '../src/exports/cells.js';
import { ProgressMatrixDocument } from '../src/generated/operations.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:4000' },
    key: { type: 'string' },
    policy: { type: 'string' },
    'as-of': { type: 'string' },
    out: { type: 'string' },
  },
});
if (!values.policy || !values.out) {
  console.error('usage: --policy <key> --out <file.csv> [--as-of YYYY-MM-DD] [--url] [--key]');
  process.exit(2);
}
const client = createClient({ url: values.url!, key: values.key });
const { policy } = await client.request(ProgressMatrixDocument, { key: values.policy, asOf: values['as-of'] });
const header = [
  [
    '目标 target',
    '条款 clause',
    '辖区 jurisdiction',
    '年份 year',
    '目标值 targetValue',
    '实际值 observed',
    '应达值 expected',
    '状态 status',
  ],
];
const rows = policy.progressMatrix.flatMap((cell) =>
  cell.periods.map((p) => [
    cell.target.key,
    cell.target.clause.path,
    cell.jurisdictionCode,
    p.year,
    p.targetValue ?? '',
    p.observed ?? '',
    p.expected ?? '',
    p.status,
  ]),
);
writeFileSync(values.out, `\uFEFF${csvOf([...header, ...rows])}`);
console.log(`${rows.length} rows written to ${values.out}`);
