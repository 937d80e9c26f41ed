/**
 * What the corpus loader writes (the policies with their incentives and clauses, the jurisdiction
 * tree, the achievement kinds) changes only when policy files are loaded, yet reading it for every
 * request was half of an enterprise dashboard's statements and most of its rows. So it is kept per
 * process and per database, keyed by a fingerprint that costs one small statement a request: the
 * served policies' content hashes (which cover the vocabulary too; retiring one drops it) and the
 * extent of the vocabulary tables (so a jurisdiction committed ahead of its policies' reload is not
 * missed). The fingerprint is read before the data, so the data kept is never older than the
 * fingerprint it is kept under.
 *
 * While a server listens for change notices (src/db/changes.ts), not even the fingerprint is read
 * until a notice of the corpus arrives, or this process loads policy files: then the next request
 * checks it, as every request did before.
 */
import type { Db } from '../db/client.js';
import { keptUnder } from '../db/changes.js';
import type { AchievementKind, Incentive, Jurisdiction, Policy } from '../generated/prisma/client.js';
import { allTerms } from '../engines/entitlement/versions.js';
import { readEnginePolicies, type EnginePolicies } from './engine-inputs.js';
import { corpusNames, type Names } from '../i18n/names.js';

/** A jurisdiction's row, every column: served as the Jurisdiction a field asks for without its relations. */
export type JurisdictionRow = Jurisdiction;

/** An achievement kind as an achievement is checked against it (src/writes/achievement-input.ts). */
export interface KindEntry {
  id: number;
  levels: string[];
  /** Facts some rule for this kind asks to be attested. */
  facts: Set<string>;
}

export interface CorpusSnapshot {
  /** What it is kept under: the entitlement ledger records the fingerprint it was computed with. */
  fingerprint: string;
  enginePolicies: EnginePolicies;
  /** The whole jurisdiction tree: a few hundred rows. */
  jurisdictions: JurisdictionRow[];
  /** Achievement kind id → code, as the engine matches kinds by code. */
  kindCodes: Map<number, string>;
  /** Achievement kind code → its id, levels and the facts its rules ask for. */
  kinds: Map<string, KindEntry>;
  /** The names of the codes the engines write, for the texts people read (src/i18n/names.ts). */
  names: Names;
  /** Rows by id, every column, for fields that ask for no relation of theirs (src/graphql/corpus-rows.ts). */
  rows: {
    policies: Map<number, Policy>;
    incentives: Map<number, Incentive>;
    jurisdictions: Map<number, Jurisdiction>;
    kinds: Map<number, AchievementKind>;
  };
}

/** The snapshot last read, per database: kept again when the fingerprint is unchanged. */
const lastRead = new WeakMap<Db, CorpusSnapshot>();
/** The snapshot as of the last notice of the corpus. */
const kept = keptUnder<CorpusSnapshot>(['corpus']);

async function fingerprintOf(db: Db): Promise<string> {
  const [row] = await db.$queryRaw<{ fingerprint: string }[]>`
    SELECT concat_ws('|',
      (SELECT string_agg(id || ':' || "contentHash", ',' ORDER BY id) FROM "Policy" WHERE "retiredAt" IS NULL),
      (SELECT count(*) || ':' || coalesce(max(id), 0) FROM "Jurisdiction"),
      (SELECT count(*) || ':' || coalesce(max(id), 0) FROM "AchievementKind")
    ) AS fingerprint`;
  return row!.fingerprint;
}

async function readSnapshot(db: Db, fingerprint: string): Promise<CorpusSnapshot> {
  const enginePolicies = await readEnginePolicies(db);
  const policies = await db.policy.findMany();
  const incentives = await db.incentive.findMany();
  const jurisdictions = await db.jurisdiction.findMany();
  const kinds = await db.achievementKind.findMany({
    include: { levels: { select: { code: true, zh: true, en: true }, orderBy: { position: 'asc' } } },
  });
  const indicators = await db.indicator.findMany({ select: { code: true, zh: true, en: true } });
  const facts = new Map<string, Set<string>>();
  for (const policy of enginePolicies.policies)
    for (const incentive of policy.incentives)
      for (const condition of allTerms(incentive).flatMap((terms) => terms.conditions))
        if (condition.kind === 'ATTESTED')
          facts.set(incentive.achievementKind, (facts.get(incentive.achievementKind) ?? new Set()).add(condition.fact));
  return {
    fingerprint,
    enginePolicies,
    jurisdictions,
    kindCodes: new Map(kinds.map((k) => [k.id, k.code])),
    kinds: new Map(
      kinds.map((k) => [
        k.code,
        { id: k.id, levels: k.levels.map((l) => l.code), facts: facts.get(k.code) ?? new Set() },
      ]),
    ),
    names: corpusNames({
      jurisdictions,
      kinds,
      indicators,
      incentives: [...enginePolicies.policyById.values()].flatMap((p) =>
        p.incentives.map((i) => ({ policy: p.key, key: i.key, kind: i.achievementKind })),
      ),
    }),
    rows: {
      policies: new Map(policies.map((p) => [p.id, p])),
      incentives: new Map(incentives.map((i) => [i.id, i])),
      jurisdictions: new Map(jurisdictions.map((j) => [j.id, j])),
      kinds: new Map(kinds.map(({ levels: _levels, ...k }) => [k.id, k])),
    },
  };
}

/**
 * The corpus as of now: from memory when no change was noticed since it was kept, or when the
 * fingerprint is unchanged; else read and kept.
 */
export const corpusSnapshot = (db: Db): Promise<CorpusSnapshot> =>
  kept(db, async () => {
    const fingerprint = await fingerprintOf(db);
    const last = lastRead.get(db);
    if (last?.fingerprint === fingerprint) return last;
    const snapshot = await readSnapshot(db, fingerprint);
    lastRead.set(db, snapshot); // only once read whole: a failed read is not kept
    return snapshot;
  });
