/**
 * The corpus's policy files and seeds copied to temporary directories, with a fixture's files beside
 * them: `<fixture>/*.yaml` among the policies, `<fixture>/seeds/` among the seeds.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS_DIR, SEEDS_DIR } from '../../src/corpus/paths.js';

export interface FixtureCorpus {
  policiesDir: string;
  seedsDir: string;
  remove(): void;
}

export function corpusWith(fixtureDir: string): FixtureCorpus {
  const policiesDir = mkdtempSync(join(tmpdir(), 'policygraph-policies-'));
  const seedsDir = mkdtempSync(join(tmpdir(), 'policygraph-seeds-'));
  cpSync(CORPUS_DIR, policiesDir, { recursive: true });
  for (const file of readdirSync(fixtureDir).filter((f) => f.endsWith('.yaml')))
    cpSync(join(fixtureDir, file), join(policiesDir, file));
  cpSync(SEEDS_DIR, seedsDir, { recursive: true });
  cpSync(join(fixtureDir, 'seeds'), seedsDir, { recursive: true });
  return {
    policiesDir,
    seedsDir,
    remove: () => [policiesDir, seedsDir].forEach((dir) => rmSync(dir, { recursive: true, force: true })),
  };
}

const RULE =
  '    rule: { kind: TIERED, tiers: [{ level: WINNER, amount: 100万 }, { level: NOMINATION, amount: 30万 }] }\n';

/** 000 with a version of its China Quality Award from 2019 that pays `amount` for a winner, quoting the first sentence. */
export function withAwardVersion(text: string, amount: string): string {
  const version = [
    '    versions:',
    '      - from: 2019-01-01',
    '        clause: "二/(四)"',
    '        quote: "一次性给予100万元、30万元奖励"',
    `        rule: { kind: TIERED, tiers: [{ level: WINNER, amount: ${amount} }, { level: NOMINATION, amount: 30万 }] }`,
  ].join('\n');
  if (!text.includes(RULE)) throw new Error('000 no longer writes the award as this test expects');
  return text.replace(RULE, `${RULE}${version}\n`);
}
