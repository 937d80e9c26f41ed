/**
 * Loads the validated corpus into the database. Idempotent: records are matched by their
 * natural keys (jurisdiction code, policy key, clause path, incentive and target key), so IDs stay
 * stable across reloads, and a policy file whose content has not changed is not touched.
 * Each policy file is one transaction: a file loads whole or not at all, and loadPolicyFiles stores
 * only files that passed every check (src/corpus/read.ts readPolicies). A policy whose file is gone
 * from the directory is retired (kept, no longer served) and served again when its file returns.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/client.js';
import { noteChange } from '../db/changes.js';
import { dateOf } from '../dates/index.js';
import type { PolicyInput } from '../engines/entitlement/types.js';
import type { TargetVersion } from '../engines/progress/types.js';
import { Prisma } from '../generated/prisma/client.js';
import type { ClauseDef, PolicyFile } from '../format/policy.js';
import { changesOf, storedMeaning, type PolicyChange } from './changes.js';
import { amendmentsOf, policyInputDef, policyInputsOf, targetVersionsDef, targetVersionsOf } from './engine-input.js';
import { CORPUS_DIR, SEEDS_DIR } from './paths.js';
import { readPolicies, type Corpus, type PoliciesRead, type PolicyRefusal } from './read.js';
import { describeRefusal } from '../i18n/refusal.js';

type Tx = Prisma.TransactionClient;

export interface LoadReport {
  /** Loaded anew, or served again after being retired. */
  loaded: string[];
  unchanged: string[];
  /** Policies whose file is gone: kept for history, no longer served. */
  retired: string[];
  /** Problems of the files left out: nothing of them was stored, the version loaded before keeps serving. */
  refused: PolicyRefusal[];
  /** What each policy loaded changed, rule by rule (the reload's audit entry keeps it). */
  changes: PolicyChange[];
}

/** Where a server reads its policy files, and what its last load refused (shown on /readyz). */
export interface PolicySource {
  dir: string;
  /** Where the source documents are, to check faithfulness against (default SEEDS_DIR). */
  seedsDir?: string;
  refused: PolicyRefusal[];
}

export const defaultPolicySource = (dir = CORPUS_DIR): PolicySource => ({ dir, refused: [] });

async function loadVocabulary(tx: Tx, corpus: Corpus) {
  // Parents before children: sort by depth in the tree.
  const depth = (code: string): number => {
    const parent = corpus.jurisdictions.get(code)?.parent;
    return parent ? 1 + depth(parent) : 0;
  };
  const jurisdictions = [...corpus.jurisdictions.values()].sort((a, b) => depth(a.code) - depth(b.code));
  const ids = new Map<string, number>();
  for (const j of jurisdictions) {
    const data = { name: j.name, nameEn: j.nameEn, kind: j.kind, parentId: j.parent ? ids.get(j.parent)! : null };
    const row = await tx.jurisdiction.upsert({
      where: { code: j.code },
      create: { code: j.code, ...data },
      update: data,
    });
    ids.set(j.code, row.id);
  }
  for (const kind of corpus.achievementKinds.values()) {
    const data = { zh: kind.zh, en: kind.en, description: kind.description ?? null };
    const row = await tx.achievementKind.upsert({
      where: { code: kind.code },
      create: { code: kind.code, ...data },
      update: data,
    });
    for (const [position, level] of kind.levels.entries()) {
      const levelData = { zh: level.zh, en: level.en, position };
      await tx.achievementLevel.upsert({
        where: { kindId_code: { kindId: row.id, code: level.code } },
        create: { kindId: row.id, code: level.code, ...levelData },
        update: levelData,
      });
    }
  }
  for (const indicator of corpus.indicators.values()) {
    const data = {
      zh: indicator.zh,
      en: indicator.en,
      unit: indicator.unit,
      countsAchievements: indicator.countsAchievements ?? Prisma.DbNull,
    };
    await tx.indicator.upsert({
      where: { code: indicator.code },
      create: { code: indicator.code, ...data },
      update: data,
    });
  }
}

async function loadClauses(tx: Tx, policyId: number, clauses: ClauseDef[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  let position = 0;
  const visit = async (list: ClauseDef[], parentPath: string | null) => {
    for (const clause of list) {
      const path = parentPath ? `${parentPath}/${clause.number}` : clause.number;
      const data = {
        parentId: parentPath ? ids.get(parentPath)! : null,
        number: clause.number,
        heading: clause.heading ?? null,
        text: clause.text,
        position: position++,
      };
      const row = await tx.clause.upsert({
        where: { policyId_path: { policyId, path } },
        create: { policyId, path, ...data },
        update: data,
      });
      ids.set(path, row.id);
      await visit(clause.children ?? [], path);
    }
  };
  await visit(clauses, null);
  await tx.clause.deleteMany({ where: { policyId, id: { notIn: [...ids.values()] } } });
  return ids;
}

/** What a policy file is loaded as: the file, its engine input and its targets' versions, amendments included. */
interface Built {
  policy: PolicyFile;
  engineInput: PolicyInput;
  targetVersions: TargetVersion[][];
}

async function loadPolicy(
  tx: Tx,
  { policy, engineInput, targetVersions }: Built,
  contentHash: string,
  file: string | null,
) {
  const jurisdictionIds = new Map(
    (await tx.jurisdiction.findMany({ select: { id: true, code: true } })).map((j) => [j.code, j.id]),
  );
  const kindIds = new Map(
    (await tx.achievementKind.findMany({ select: { id: true, code: true } })).map((k) => [k.code, k.id]),
  );
  const indicatorIds = new Map(
    (await tx.indicator.findMany({ select: { id: true, code: true } })).map((i) => [i.code, i.id]),
  );

  const data = {
    source: policy.source,
    title: policy.title,
    titleEn: policy.titleEn,
    documentNumber: policy.documentNumber ?? null,
    issuer: policy.issuer,
    jurisdictionId: jurisdictionIds.get(policy.jurisdiction)!,
    issuedOn: policy.issuedOn ? dateOf(policy.issuedOn) : null,
    effectiveFrom: dateOf(policy.effectiveFrom),
    effectiveUntil: policy.effectiveUntil ? dateOf(policy.effectiveUntil) : null,
    stackingRule: policy.stacking.rule,
    stackingClause: policy.stacking.clause ?? null,
    stackingQuote: policy.stacking.quote ?? null,
    fundYuan: policy.fund?.amount ?? null,
    fundPeriod: policy.fund?.period ?? null,
    fundClause: policy.fund?.clause ?? null,
    supersession: policy.supersession ?? null,
    notes: policy.notes,
    contentHash,
    file,
    retiredAt: null,
    // Written only as policyInputDef reads it back (the corpus snapshot).
    engineInput: policyInputDef.parse(engineInput),
  };
  const { id: policyId } = await tx.policy.upsert({
    where: { key: policy.key },
    create: { key: policy.key, ...data },
    update: data,
  });

  await tx.policyCoverage.deleteMany({ where: { policyId } });
  await tx.policyCoverage.createMany({
    data: [
      ...policy.appliesTo.map((code) => ({
        policyId,
        jurisdictionId: jurisdictionIds.get(code)!,
        mode: 'APPLIES' as const,
      })),
      ...policy.mayReferTo.map((code) => ({
        policyId,
        jurisdictionId: jurisdictionIds.get(code)!,
        mode: 'MAY_REFER' as const,
      })),
    ],
  });

  const clauseIds = await loadClauses(tx, policyId, policy.clauses);

  for (const [position, incentive] of policy.incentives.entries()) {
    const row = {
      clauseId: clauseIds.get(incentive.clause)!,
      quote: incentive.quote,
      summary: incentive.summary,
      achievementKindId: kindIds.get(incentive.achievement)!,
      levels: incentive.levels ?? [],
      recipientKinds: incentive.recipients,
      ruleKind: incentive.rule.kind,
      capYuan: incentive.cap?.amount ?? null,
      capPer: incentive.cap?.per ?? null,
      payer: incentive.payer ?? null,
      obtained: incentive.obtained,
      stageByLevel: incentive.stageByLevel,
      note: incentive.note ?? null,
      position,
    };
    await tx.incentive.upsert({
      where: { policyId_key: { policyId, key: incentive.key } },
      create: { policyId, key: incentive.key, ...row },
      update: row,
    });
  }
  await tx.incentive.deleteMany({ where: { policyId, key: { notIn: policy.incentives.map((i) => i.key) } } });

  for (const [position, target] of policy.targets.entries()) {
    const row = {
      clauseId: clauseIds.get(target.clause)!,
      quote: target.quote,
      summary: target.summary,
      indicatorId: indicatorIds.get(target.indicator)!,
      kind: target.kind,
      comparator: target.comparator,
      per: target.per,
      value: target.value ?? null,
      benchmark: target.benchmark ?? null,
      jurisdictionId: jurisdictionIds.get(target.jurisdiction ?? policy.jurisdiction)!,
      baselineValue: target.baseline?.value ?? null,
      baselineYear: target.baseline?.year ?? null,
      fromYear: target.from ?? null,
      toYear: target.to ?? null,
      deadline: target.deadline ? dateOf(target.deadline) : null,
      versions: targetVersionsDef.parse(targetVersions[position]), // as the loaders read it back
      note: target.note ?? null,
      position,
    };
    const appliesTo = target.appliesTo.map((code) => ({ id: jurisdictionIds.get(code)! }));
    const { id: targetId } = await tx.target.upsert({
      where: { policyId_key: { policyId, key: target.key } },
      create: { policyId, key: target.key, ...row, appliesTo: { connect: appliesTo } },
      update: { ...row, appliesTo: { set: appliesTo } },
    });
    await tx.targetScheduleEntry.deleteMany({ where: { targetId } });
    await tx.targetScheduleEntry.createMany({
      data: target.schedule.map((entry) => ({
        targetId,
        year: entry.year,
        value: entry.value,
        comparator: entry.comparator ?? null,
        jurisdictionId: entry.jurisdiction ? jurisdictionIds.get(entry.jurisdiction)! : null,
      })),
    });
  }
  await tx.target.deleteMany({ where: { policyId, key: { notIn: policy.targets.map((t) => t.key) } } });
}

/**
 * The hash covers the policy, the vocabulary and what is built from them (the engine input, the
 * targets' versions), so a vocabulary change reloads every policy, and so does an amending document's
 * change or a change to how the engine input is built.
 */
function hashOf({ policy, engineInput, targetVersions }: Built, corpus: Corpus): string {
  const vocabulary = [corpus.jurisdictions, corpus.achievementKinds, corpus.indicators].map((m) => [...m.entries()]);
  return createHash('sha256')
    .update(JSON.stringify([policy, vocabulary, engineInput, targetVersions]))
    .digest('hex');
}

const TRANSACTION = { maxWait: 30_000, timeout: 120_000 };

/**
 * Loads the corpus. Given the files it was read from (loadPolicyFiles), the policies stored before
 * whose file is gone are retired; without them (scripts and tests loading a corpus) none is.
 */
export async function loadCorpus(
  db: Db,
  corpus: Corpus,
  files?: Pick<PoliciesRead, 'refused' | 'fileOf'>,
): Promise<LoadReport> {
  const report: LoadReport = { loaded: [], unchanged: [], retired: [], refused: files?.refused ?? [], changes: [] };
  const existing = new Map(
    (await db.policy.findMany({ select: { key: true, contentHash: true, file: true, retiredAt: true } })).map((p) => [
      p.key,
      p,
    ]),
  );
  // An amended policy's input carries the amending documents' changes, so its hash changes with them.
  const inputs = policyInputsOf(corpus.policies);
  const pending = corpus.policies.map((policy, i) => {
    const amendments = amendmentsOf(corpus.policies, policy.key);
    const built: Built = {
      policy,
      engineInput: inputs[i]!,
      targetVersions: policy.targets.map((t) => targetVersionsOf(policy, t, amendments)),
    };
    return { built, hash: hashOf(built, corpus) };
  });
  // Upserts of unchanged vocabulary rewrite the same values: loading twice changes nothing.
  await db.$transaction((tx) => loadVocabulary(tx, corpus), TRANSACTION);
  noteChange(db, 'corpus'); // this process's next request checks at once, without waiting for the notice
  for (const { built, hash } of pending) {
    const { policy } = built;
    const stored = existing.get(policy.key);
    const file = files?.fileOf.get(policy.key) ?? stored?.file ?? null;
    if (stored?.contentHash === hash && stored.retiredAt === null) {
      if (stored.file !== file) await db.policy.update({ where: { key: policy.key }, data: { file } });
      report.unchanged.push(policy.key);
      continue;
    }
    const change = await db.$transaction(async (tx) => {
      const before = await storedMeaning(tx, policy.key);
      await loadPolicy(tx, built, hash, file);
      return changesOf(policy.key, before, (await storedMeaning(tx, policy.key))!, Boolean(stored?.retiredAt));
    }, TRANSACTION);
    noteChange(db, 'corpus');
    report.loaded.push(policy.key);
    report.changes.push(change);
  }
  if (files) report.retired = await retireMissing(db, corpus, files.refused);
  return report;
}

/**
 * Retires the served policies of no file read: their rows stay (history), the corpus snapshot stops
 * serving them. A file still there but refused keeps its last good version serving; a policy stored
 * before files were recorded could be any refused file, so it is retired only when none was refused.
 */
async function retireMissing(db: Db, corpus: Corpus, refused: PolicyRefusal[]): Promise<string[]> {
  const refusedFiles = new Set(refused.map((r) => r.file));
  const unread = await db.policy.findMany({
    where: { retiredAt: null, key: { notIn: corpus.policies.map((p) => p.key) } },
    select: { id: true, key: true, file: true },
  });
  const gone = unread.filter((p) => (p.file === null ? refusedFiles.size === 0 : !refusedFiles.has(p.file)));
  await db.policy.updateMany({ where: { id: { in: gone.map((p) => p.id) } }, data: { retiredAt: new Date() } });
  if (gone.length) noteChange(db, 'corpus');
  return gone.map((p) => p.key);
}

/**
 * What `npm start` and `reloadPolicies` do: each file is validated completely, faithfulness to its
 * source document included, before anything is stored; the good files load and the refused ones are
 * reported, and recorded on `source` for /readyz; policies whose file is gone are retired. Only a
 * broken shared vocabulary throws (CorpusError).
 */
export async function loadPolicyFiles(
  db: Db,
  source: PolicySource,
  seedsDir = source.seedsDir ?? SEEDS_DIR,
): Promise<LoadReport> {
  const read = readPolicies(source.dir, { seedsDir });
  const report = await loadCorpus(db, read.corpus, read);
  source.refused = read.refused;
  return report;
}

/** What a load did, for the log (server start and reloadPolicies). */
export function logLoad(report: LoadReport) {
  console.log(
    `policies loaded: ${report.loaded.length}, unchanged: ${report.unchanged.length}, ` +
      `retired: [${report.retired.join(', ')}], files refused: ${new Set(report.refused.map((r) => r.file)).size}`,
  );
  for (const refusal of report.refused) console.warn(`policy file refused (not loaded): ${describeRefusal(refusal)}`);
}
