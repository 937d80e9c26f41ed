/**
 * Dated versions (as OpenFisca keeps parameters): an incentive's or a policy's terms as first
 * written, then complete later versions, oldest first. An achievement is judged by the version in
 * force on its day: the latest whose `from` is on or before it, else the first terms.
 */
import { addDays, yearOf } from '../../dates/index.js';
import type { Fund, IncentiveInput, IncentiveTerms, PolicyInput, PolicyTerms, Version } from './types.js';

/** What an achievement's day selects: the day, and the versions in force on it (null: the first terms). */
export interface InForce {
  day: string;
  policy: Version | null;
  incentive: Version | null;
}

/** The latest version whose `from` is on or before `day` (ISO days compare as strings), or null. */
export function versionAt<V extends Pick<Version, 'from'>>(versions: readonly V[], day: string): V | null {
  let found: V | null = null;
  for (const version of versions) if (version.from <= day) found = version;
  return found;
}

/** An incentive's terms in force on `day`, and the version they come from (null: the first terms). */
export function incentiveTermsAt(
  incentive: IncentiveInput,
  day: string,
): { terms: IncentiveTerms; version: Version | null } {
  const version = versionAt(incentive.versions, day);
  return { terms: version ?? incentive, version };
}

export function policyTermsAt(policy: PolicyInput, day: string): { terms: PolicyTerms; version: Version | null } {
  const version = versionAt(policy.versions, day);
  return { terms: version ?? policy, version };
}

/** Every set of terms the incentive has had, the first included: what a check over all versions reads. */
export const allTerms = (incentive: IncentiveInput): IncentiveTerms[] => [incentive, ...incentive.versions];

/** The fund of a year: the one in force on its last day (a change during the year sets that year's fund). */
export const fundOfYear = (policy: PolicyInput, year: number): Fund | null =>
  policyTermsAt(policy, `${year}-12-31`).terms.fund;

/** The last day the policy can pay for, by its latest version (withdrawn: the day before); null while open. */
export function lastDayOf(policy: PolicyInput): string | null {
  const latest = policy.versions.at(-1);
  if (latest?.withdrawn) return addDays(latest.from, -1);
  return (latest ?? policy).effectiveUntil ?? null;
}

/** The years a policy pays for up to `asOf`'s, as its versions set its window (an extended window adds years). */
export function yearsOf(policy: PolicyInput, asOf: string): number[] {
  const lastDay = lastDayOf(policy);
  const first = yearOf(policy.effectiveFrom);
  const last = Math.min(lastDay ? yearOf(lastDay) : yearOf(asOf), yearOf(asOf));
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
}
