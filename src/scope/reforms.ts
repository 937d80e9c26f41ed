/**
 * A request's reforms (src/engines/entitlement/reforms.ts) as loaders: the same loaders over the
 * reformed policies, for that request only. The corpus kept per process and the entitlement ledger
 * are never touched; since the ledger holds the served policies' results, every entitlement and
 * report read through these is computed by the engine.
 */
import type { Db } from '../db/client.js';
import { applyReforms, type ReformDef, type ReformIssue } from '../engines/entitlement/reforms.js';
import type { PolicyInput } from '../engines/entitlement/types.js';
import type { EnginePolicies } from './engine-inputs.js';
import { entitlementsOfEnterprise } from './entitlements.js';
import type { Loaders } from './loaders.js';

function reformedLoaders(db: Db, loaders: Loaders, policies: PolicyInput[]): Loaders {
  let reformed: Promise<EnginePolicies> | undefined;
  const enginePolicies = () =>
    (reformed ??= loaders.enginePolicies().then((served) => {
      const byKey = new Map(policies.map((p) => [p.key, p]));
      return {
        ...served,
        policies,
        policyById: new Map([...served.policyById].map(([id, p]) => [id, byKey.get(p.key) ?? p])),
      };
    }));
  return {
    ...loaders,
    enginePolicies,
    entitlements: entitlementsOfEnterprise(loaders.enterprise, {
      db,
      fingerprint: loaders.fingerprint,
      enginePolicies,
      achievementsOfEnterprise: loaders.achievementsOfEnterprise,
      jurisdictionPath: loaders.jurisdictionPath,
      engineOnly: true,
    }),
    engineOnly: true,
  };
}

/** The loaders with the reforms applied to the served corpus and its vocabulary, or the first refused change. */
export async function withReformsApplied(
  db: Db,
  loaders: Loaders,
  reforms: readonly ReformDef[],
): Promise<{ ok: true; loaders: Loaders } | { ok: false; issue: ReformIssue }> {
  const [{ policies }, kinds, jurisdictions] = await Promise.all([
    loaders.enginePolicies(),
    loaders.kinds(),
    loaders.jurisdictions(),
  ]);
  const result = applyReforms(policies, reforms, {
    levelsOfKind: new Map([...kinds].map(([code, kind]) => [code, kind.levels])),
    jurisdictions: new Set(jurisdictions.map((j) => j.code)),
  });
  return result.ok ? { ok: true, loaders: reformedLoaders(db, loaders, result.policies) } : result;
}
