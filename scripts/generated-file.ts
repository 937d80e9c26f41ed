/**
 * A file generated from the code and committed beside it: written, or with --check (CI) compared
 * with what is committed, failing when it is stale so that the two never drift apart.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

export function writeOrCheck(file: string, text: string, detail = ''): void {
  const name = relative(process.cwd(), file);
  const suffix = detail ? ` (${detail})` : '';
  if (!process.argv.includes('--check')) {
    writeFileSync(file, text);
    console.log(`wrote ${file}${suffix}`);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    // a missing file is stale too
  }
  if (committed !== text) {
    console.error(`${name} is stale: run \`npm run schema:print\` and commit it.`);
    process.exit(1);
  }
  console.log(`${name} is up to date${suffix}.`);
}
