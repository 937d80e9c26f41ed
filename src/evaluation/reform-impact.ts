/**
 * A reform's impact over the population a policy covers (reformImpact, and its export): each
 * enterprise's baseline (the ledger where it holds the day, else the engine) beside the engine's answer
 * under the reformed policy, read in the chunks reports read (evaluatePopulation: the request's
 * deadline observed, the event loop handed back between slices of work).
 */
import type { Db } from '../db/client.js';
import type { GroupDimension } from '../engines/entitlement/aggregate.js';
import { evaluatePolicy } from '../engines/entitlement/evaluate.js';
import { ImpactAggregator, type Impact } from '../engines/entitlement/impact.js';
import type { Entitlement } from '../engines/entitlement/types.js';
import { fundOfYear, yearsOf } from '../engines/entitlement/versions.js';
import type { Loaders } from '../scope/loaders.js';
import { evaluatePopulation, populationFilter, visiblePopulation, type PopulationFilter } from './population.js';

export interface ReformImpactQuery {
  policyKey: string;
  groupBy: readonly GroupDimension[];
  /** Only entitlements of these years (by the year obtained); null: every year. */
  years: readonly number[] | null;
  asOf: string;
  /** The jurisdictions the caller sees (null: all). */
  sees: ReadonlySet<number> | null;
  signal?: AbortSignal;
  largest?: number;
}

/**
 * The enterprises a reform's impact evaluates: those the policy covers as served or as reformed (a
 * reform widening its scope reaches enterprises the baseline does not), among those `sees` holds.
 * What reformImpact reads, and what its export counts as its work.
 */
export async function impactPopulation(
  baseline: Loaders,
  reformed: Loaders,
  policyKey: string,
  sees: ReadonlySet<number> | null,
): Promise<PopulationFilter> {
  const scopes = await Promise.all([baseline, reformed].map((l) => populationFilter(l, policyKey, null)));
  const jurisdictionIds = scopes.some((s) => s.jurisdictionIds === null)
    ? null
    : [...new Set(scopes.flatMap((s) => s.jurisdictionIds!))];
  return visiblePopulation({ jurisdictionIds }, sees);
}

/** Enterprises evaluated between two reports of progress (reformImpactScan's yields). */
const IMPACT_PROGRESS_EVERY = 2000;

/**
 * The impact, yielding how many enterprises were evaluated since the previous yield (every
 * IMPACT_PROGRESS_EVERY, so an export job reports its progress), and returning it once all are.
 */
export async function* reformImpactScan(
  db: Db,
  baseline: Loaders,
  reformed: Loaders,
  query: ReformImpactQuery,
): AsyncGenerator<number, Impact> {
  const { policyKey, asOf, years } = query;
  const [served, reform] = await Promise.all(
    [baseline, reformed].map(async (l) => (await l.enginePolicies()).policies.find((p) => p.key === policyKey)!),
  );
  const aggregator = new ImpactAggregator(query.groupBy, query.largest);
  const inYears = (list: Entitlement[]) =>
    years === null ? list : list.filter((e) => e.year !== null && years.includes(e.year));
  const population = evaluatePopulation(db, baseline, {
    filter: await impactPopulation(baseline, reformed, policyKey, query.sees),
    asOf,
    policyKeys: [policyKey],
    signal: query.signal,
    withAchievements: true,
  });
  let scanned = 0;
  for await (const member of population) {
    const under = evaluatePolicy(
      reform!,
      { id: member.enterpriseId, kind: member.enterprise.kind, jurisdictionPath: member.jurisdictionPath },
      member.achievements,
      asOf,
    );
    aggregator.add(member.enterpriseId, member.jurisdiction, inYears(member.entitlements), inYears(under));
    if (++scanned === IMPACT_PROGRESS_EVERY) {
      yield scanned;
      scanned = 0;
    }
  }
  if (scanned) yield scanned;
  const funded = [...new Set([...yearsOf(served!, asOf), ...yearsOf(reform!, asOf)])]
    .filter((y) => years === null || years.includes(y))
    .sort((a, b) => a - b);
  return aggregator.result(funded, {
    baseline: (year) => fundOfYear(served!, year),
    reform: (year) => fundOfYear(reform!, year),
  });
}

/** The impact whole (reformImpact over GraphQL): reformImpactScan run to its end. */
export async function reformImpact(
  db: Db,
  baseline: Loaders,
  reformed: Loaders,
  query: ReformImpactQuery,
): Promise<Impact> {
  const scan = reformImpactScan(db, baseline, reformed, query);
  for (;;) {
    const step = await scan.next();
    if (step.done) return step.value;
  }
}
