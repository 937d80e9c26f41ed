/**
 * What the engine needs to answer "what if" about one enterprise beyond its entitlements: its
 * policies, itself and its achievements, read through the request's loaders (so asking both its
 * entitlements and its opportunities reads each once).
 */
import { onlyPolicy } from '../engines/entitlement/evaluate.js';
import type { AchievementInput, EnterpriseInput, PolicyInput } from '../engines/entitlement/types.js';
import type { Loaders } from './loaders.js';

export interface Subject {
  policies: PolicyInput[];
  enterprise: EnterpriseInput;
  achievements: AchievementInput[];
  asOf: string;
}

/** A stored enterprise as the engine sees it, under one policy or all (null: it does not exist). */
export async function enterpriseSubject(
  loaders: Loaders,
  enterpriseId: number,
  asOf: string,
  policyKey: string | null,
): Promise<Subject | null> {
  const enterprise = await loaders.enterprise.load(enterpriseId);
  if (!enterprise) return null;
  const [{ policies }, achievements, jurisdictionPath] = await Promise.all([
    loaders.enginePolicies(),
    loaders.achievementsOfEnterprise.load(enterpriseId),
    loaders.jurisdictionPath.load(enterprise.jurisdictionId),
  ]);
  return {
    policies: onlyPolicy(policies, policyKey),
    enterprise: { id: String(enterpriseId), kind: enterprise.kind, jurisdictionPath },
    achievements,
    asOf,
  };
}
