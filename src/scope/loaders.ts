/**
 * Per-request DataLoaders: every list field that needs more than its own row goes through one
 * of these, so a page of N rows costs a fixed number of SQL statements, not N.
 */
import DataLoader from 'dataloader';
import type { Db } from '../db/client.js';
import type { AchievementInput } from '../engines/entitlement/types.js';
import type { Entitlement } from '../engines/entitlement/types.js';
import type { ObservationInput, TargetInput } from '../engines/progress/types.js';
import { observationsOfIndicator, targetInputs } from './progress-inputs.js';
import { treeOf } from './jurisdiction-tree.js';
import { corpusSnapshot, type CorpusSnapshot, type JurisdictionRow, type KindEntry } from './corpus-snapshot.js';
import { achievementsByEnterprise, type EnginePolicies } from './engine-inputs.js';
import { enterpriseById, entitlementsOfEnterprise, type EnterpriseRow, type EntitlementQuery } from './entitlements.js';
import { observing } from './pace.js';
import type { Names } from '../i18n/names.js';

export interface Loaders {
  /** A jurisdiction's id with the ids of everything under it (a city with its districts). */
  jurisdictionSubtree: DataLoader<number, number[]>;
  /** A jurisdiction's id with the ids of everything above it (a district, its city, its province). */
  jurisdictionAncestry: DataLoader<number, number[]>;
  /** Jurisdiction codes from a jurisdiction up to the root, as the engine matches scopes by code. */
  jurisdictionPath: DataLoader<number, string[]>;
  /** The corpus snapshot's fingerprint: what the entitlement ledger must have been computed with. */
  fingerprint: () => Promise<string>;
  /** The policies and incentives as engine inputs (from the corpus snapshot). */
  enginePolicies: () => Promise<EnginePolicies>;
  /** Achievement kind id → code (from the corpus snapshot). */
  kindCodes: () => Promise<Map<number, string>>;
  /** Achievement kind code → id, levels and the facts its rules ask for (from the corpus snapshot). */
  kinds: () => Promise<Map<string, KindEntry>>;
  achievementsOfEnterprise: DataLoader<number, AchievementInput[]>;
  /** The few columns the engine needs of an enterprise. */
  enterprise: DataLoader<number, EnterpriseRow | null>;
  /** An enterprise's entitlements on a date, under one policy or all: computed once a request. */
  entitlements: DataLoader<EntitlementQuery, Entitlement[], string>;
  /** The names of codes for the texts people read (from the corpus snapshot). */
  names: () => Promise<Names>;
  /** The jurisdiction tree (from the corpus snapshot). */
  jurisdictions: () => Promise<JurisdictionRow[]>;
  /** Policies, jurisdictions and achievement kinds by id, every column (from the corpus snapshot). */
  corpusRows: () => Promise<CorpusSnapshot['rows']>;
  /**
   * The enterprise's engine columns from a row a query already read (the enterprise is read once),
   * else through the `enterprise` loader.
   */
  enterpriseRow: (row: { id: number } & Partial<EnterpriseRow>) => Promise<EnterpriseRow | null>;
  targetInput: DataLoader<number, TargetInput>;
  /** The jurisdiction of an achievement's enterprise, for access checks. */
  achievementJurisdiction: DataLoader<number, number | null>;
  observationsOfIndicator: DataLoader<string, ObservationInput[]>;
  /**
   * True when a request's reforms changed the policies these loaders serve (src/scope/reforms.ts):
   * the entitlement ledger holds the served corpus only, so entitlements and reports are computed.
   */
  engineOnly: boolean;
}

export type { JurisdictionRow };

/** `signal`: the request's deadline, which every batch that reads the database observes (a script's loaders have none). */
export function createLoaders(db: Db, signal?: AbortSignal): Loaders {
  // Taken once a request, so a reload shows from the next request on.
  let snapshot: Promise<CorpusSnapshot> | undefined;
  const corpus = () => (snapshot ??= corpusSnapshot(db));
  const rows = async () => (await corpus()).jurisdictions;
  const enginePolicies = async () => (await corpus()).enginePolicies;
  const fingerprint = async () => (await corpus()).fingerprint;
  const kindCodes = async () => (await corpus()).kindCodes;
  const ancestry = new DataLoader<number, number[]>(async (ids) => {
    const tree = treeOf(await rows());
    return ids.map((id) => tree.ancestry(id));
  });
  const jurisdictionPath = new DataLoader<number, string[]>(async (ids) => {
    const code = new Map((await rows()).map((row) => [row.id, row.code]));
    const chains = await ancestry.loadMany(ids);
    return chains.map((chain) => (chain instanceof Error ? chain : chain.map((id) => code.get(id)!)));
  });
  const achievementsOfEnterprise = achievementsByEnterprise(db, kindCodes, signal);
  const enterprise = enterpriseById(db, signal);
  return {
    jurisdictionAncestry: ancestry,
    jurisdictionPath,
    fingerprint,
    enginePolicies,
    kindCodes,
    kinds: async () => (await corpus()).kinds,
    achievementsOfEnterprise,
    enterprise,
    entitlements: entitlementsOfEnterprise(enterprise, {
      db,
      fingerprint,
      enginePolicies,
      achievementsOfEnterprise,
      jurisdictionPath,
      signal,
      engineOnly: false,
    }),
    names: async () => (await corpus()).names,
    jurisdictions: rows,
    corpusRows: async () => (await corpus()).rows,
    enterpriseRow: ({ id, kind, jurisdictionId, retiredAt }) => {
      if (kind !== undefined && jurisdictionId !== undefined && retiredAt !== undefined)
        enterprise.prime(id, { id, kind, jurisdictionId, retiredAt });
      return enterprise.load(id);
    },
    targetInput: targetInputs(db, signal),
    achievementJurisdiction: new DataLoader(
      observing(signal, async (ids: readonly number[]) => {
        const rows = await db.achievement.findMany({
          where: { id: { in: [...ids] } },
          select: { id: true, enterprise: { select: { jurisdictionId: true } } },
        });
        const byId = new Map(rows.map((r) => [r.id, r.enterprise.jurisdictionId]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
    ),
    observationsOfIndicator: observationsOfIndicator(db, rows, signal),
    jurisdictionSubtree: new DataLoader(async (ids) => {
      const tree = treeOf(await rows());
      return ids.map((root) => tree.subtree([root]));
    }),
    engineOnly: false,
  };
}
