/**
 * Entitlements computed once per enterprise, date and policy within a request, however many fields
 * ask for them (Enterprise.entitlements, Achievement.entitlements): read from the entitlement ledger
 * when it holds the day asked for (src/scope/ledger.ts), else computed by the engine.
 */
import DataLoader from 'dataloader';
import type { Db } from '../db/client.js';
import { evaluateEnterprise, onlyPolicy } from '../engines/entitlement/evaluate.js';
import type { AchievementInput, Entitlement, RecipientKind } from '../engines/entitlement/types.js';
import { BATCH, type EnginePolicies } from './engine-inputs.js';
import { ledgerEntitlements } from './ledger.js';
import { observing, pacer } from './pace.js';

export interface EntitlementQuery {
  enterpriseId: number;
  asOf: string;
  /** Only this policy; null for every policy. */
  policyKey: string | null;
}

export interface EnterpriseRow {
  id: number;
  kind: RecipientKind;
  jurisdictionId: number;
  retiredAt: Date | null;
}

export const ENTERPRISE_ROW = { id: true, kind: true, jurisdictionId: true, retiredAt: true } as const;

/** The request's loaders this one reads through (src/scope/loaders.ts, which builds it). */
interface Sources {
  db: Db;
  /** The corpus fingerprint the policies are kept under: the ledger serves only what it was computed with. */
  fingerprint: () => Promise<string>;
  enginePolicies: () => Promise<EnginePolicies>;
  achievementsOfEnterprise: DataLoader<number, AchievementInput[]>;
  jurisdictionPath: DataLoader<number, string[]>;
  /** The request's deadline. */
  signal?: AbortSignal;
  /** The ledger holds the corpus as served: with a request's reforms the engine answers (src/scope/reforms.ts). */
  engineOnly: boolean;
}

export function enterpriseById(db: Db, signal?: AbortSignal) {
  return new DataLoader<number, EnterpriseRow | null>(
    observing(signal, async (ids: readonly number[]) => {
      const rows = await db.enterprise.findMany({ where: { id: { in: [...ids] } }, select: ENTERPRISE_ROW });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    BATCH,
  );
}

export function entitlementsOfEnterprise(enterprises: DataLoader<number, EnterpriseRow | null>, sources: Sources) {
  return new DataLoader<EntitlementQuery, Entitlement[], string>(
    observing(sources.signal, async (queries: readonly EntitlementQuery[]) => {
      // The engine is synchronous: a batch of many enterprises hands the loop back as a population does.
      const pace = pacer(sources.signal);
      const [enginePolicies, fingerprint] = await Promise.all([sources.enginePolicies(), sources.fingerprint()]);
      const { policies } = enginePolicies;
      // One ledger statement per day asked (almost always one); retired enterprises are not in it.
      const ledgers = new Map<string, ReturnType<typeof ledgerEntitlements>>();
      const fromLedger = (asOf: string) => {
        let found = ledgers.get(asOf);
        if (!found) {
          const ids = queries.filter((q) => q.asOf === asOf).map((q) => q.enterpriseId);
          found = ledgerEntitlements(sources.db, ids, asOf, fingerprint, enginePolicies);
          ledgers.set(asOf, found);
        }
        return found;
      };
      return Promise.all(
        queries.map(async ({ enterpriseId, asOf, policyKey }) => {
          const enterprise = await enterprises.load(enterpriseId);
          if (!enterprise) return [];
          if (!enterprise.retiredAt && !sources.engineOnly) {
            const ledger = await fromLedger(asOf);
            // No rows: no entitlements; null: a row's incentive is gone from the corpus, so the engine answers.
            const stored = ledger?.get(enterpriseId) ?? (ledger ? [] : null);
            if (stored) return policyKey === null ? stored : stored.filter((e) => e.policyKey === policyKey);
          }
          const [achievements, jurisdictionPath] = await Promise.all([
            sources.achievementsOfEnterprise.load(enterpriseId),
            sources.jurisdictionPath.load(enterprise.jurisdictionId),
          ]);
          await pace();
          return evaluateEnterprise(
            onlyPolicy(policies, policyKey),
            { id: String(enterpriseId), kind: enterprise.kind, jurisdictionPath },
            achievements,
            asOf,
          );
        }),
      );
    }),
    { cacheKeyFn: (q) => `${q.enterpriseId}|${q.asOf}|${q.policyKey ?? ''}` },
  );
}
