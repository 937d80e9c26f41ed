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
import { achievementsByEnterprise, readEnginePolicies, type EnginePolicies } from './engine-inputs.js';
import { enterpriseById, entitlementsOfEnterprise, type EnterpriseRow, type EntitlementQuery } from './entitlements.js';

export interface Loaders {
  /** A jurisdiction's id with the ids of everything under it (a city with its districts). */
  jurisdictionSubtree: DataLoader<number, number[]>;
  /** A jurisdiction's id with the ids of everything above it (a district, its city, its province). */
  jurisdictionAncestry: DataLoader<number, number[]>;
  /** Jurisdiction codes from a jurisdiction up to the root, as the engine matches scopes by code. */
  jurisdictionPath: DataLoader<number, string[]>;
  /** The policies and incentives as engine inputs, read once per request. */
  enginePolicies: () => Promise<EnginePolicies>;
  achievementsOfEnterprise: DataLoader<number, AchievementInput[]>;
  /** The few columns the engine needs of an enterprise. */
  enterprise: DataLoader<number, EnterpriseRow | null>;
  /** An enterprise's entitlements on a date, under one policy or all: computed once a request. */
  entitlements: DataLoader<EntitlementQuery, Entitlement[], string>;
  /** The jurisdiction tree, read once a request. */
  jurisdictions: () => Promise<JurisdictionRow[]>;
  targetInput: DataLoader<number, TargetInput>;
  /** The jurisdiction of an achievement's enterprise, for access checks. */
  achievementJurisdiction: DataLoader<number, number | null>;
  observationsOfIndicator: DataLoader<string, ObservationInput[]>;
}

export interface JurisdictionRow {
  id: number;
  parentId: number | null;
  code: string;
  kind: string;
}

export function createLoaders(db: Db): Loaders {
  // The jurisdiction tree is small (hundreds of rows): one statement a request reads it whole.
  let tree: Promise<JurisdictionRow[]> | undefined;
  const rows = () =>
    (tree ??= db.jurisdiction.findMany({ select: { id: true, parentId: true, code: true, kind: true } }));
  let policies: Promise<EnginePolicies> | undefined;
  const ancestry = new DataLoader<number, number[]>(async (ids) => {
    const tree = treeOf(await rows());
    return ids.map((id) => tree.ancestry(id));
  });
  const jurisdictionPath = new DataLoader<number, string[]>(async (ids) => {
    const code = new Map((await rows()).map((row) => [row.id, row.code]));
    const chains = await ancestry.loadMany(ids);
    return chains.map((chain) => (chain instanceof Error ? chain : chain.map((id) => code.get(id)!)));
  });
  const enginePolicies = () => (policies ??= readEnginePolicies(db));
  const achievementsOfEnterprise = achievementsByEnterprise(db);
  const enterprise = enterpriseById(db);
  return {
    jurisdictionAncestry: ancestry,
    jurisdictionPath,
    enginePolicies,
    achievementsOfEnterprise,
    enterprise,
    entitlements: entitlementsOfEnterprise(enterprise, { enginePolicies, achievementsOfEnterprise, jurisdictionPath }),
    jurisdictions: rows,
    targetInput: targetInputs(db),
    achievementJurisdiction: new DataLoader(async (ids) => {
      const rows = await db.achievement.findMany({
        where: { id: { in: [...ids] } },
        select: { id: true, enterprise: { select: { jurisdictionId: true } } },
      });
      const byId = new Map(rows.map((r) => [r.id, r.enterprise.jurisdictionId]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    observationsOfIndicator: observationsOfIndicator(db, rows),
    jurisdictionSubtree: new DataLoader(async (ids) => {
      const tree = treeOf(await rows());
      return ids.map((root) => tree.subtree([root]));
    }),
  };
}
