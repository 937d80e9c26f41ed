/**
 * A district's annual entitlement report, per policy and incentive, as CSV (UTF-8 with BOM, so
 * Excel shows Chinese), through the typed client against a running server.
 * Usage: tsx scripts/report-district-entitlements.ts --url http://localhost:4000 --jurisdiction <Jurisdiction ID> --year 2018 --out report.csv [--key …]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createClient } from '../src/client/index.js';
import { csvOf } from '../src/exports/cells.js';
import { EntitlementTotalsDocument } from '../src/generated/operations.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:4000' },
    key: { type: 'string' },
    jurisdiction: { type: 'string' },
    year: { type: 'string' },
    out: { type: 'string' },
  },
});
if (!values.jurisdiction || !values.year || !values.out) {
  console.error('usage: --jurisdiction <Jurisdiction ID> --year <YYYY> --out <file.csv> [--url] [--key]');
  process.exit(2);
}
const client = createClient({ url: values.url!, key: values.key });
const year = Number(values.year);
const { entitlementTotals } = await client.request(EntitlementTotalsDocument, {
  input: { groupBy: ['POLICY', 'INCENTIVE'], jurisdiction: values.jurisdiction, year, asOf: `${year + 1}-12-31` },
});
const header = [
  [
    '政策 policy',
    '奖励项目 incentive',
    '应付金额(元) exactYuan',
    '最高金额(元) upToYuan',
    '省级部分(元) provincialPartYuan',
    '无定额奖励 unspecified',
    '待补信息 needsInfo',
    '企业数 enterprises',
  ],
];
const rows = entitlementTotals.map((r) => [
  r.policyKey,
  r.incentiveKey,
  r.exactYuan,
  r.upToYuan,
  r.provincialPartYuan,
  r.unspecifiedCount,
  r.needsInfoCount,
  r.enterpriseCount,
]);
writeFileSync(values.out, `\uFEFF${csvOf([...header, ...rows])}`);
console.log(`${rows.length} rows written to ${values.out}`);
