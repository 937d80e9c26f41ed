/**
 * The entitlement ledger as readers see it: the engine's results stored one row per entitlement
 * (LedgerEntry), kept by src/evaluation/ledger.ts. A reader uses it only for the day it holds
 * (LedgerState.asOf) and the corpus it was computed with, or the corpus a rebuild under way is computing
 * (answers come from the previous generation until the new one is complete); any other day is
 * computed by the engine.
 */
import { changeVersion, keptUnder } from '../db/changes.js';
import type { Db } from '../db/client.js';
import { Prisma } from '../generated/prisma/client.js';
import type {
  AmountNature,
  Disposition,
  Eligibility,
  Entitlement,
  IneligibleReason,
  IncentiveInput,
  Payer,
  TraceStep,
} from '../engines/entitlement/types.js';
import type { EnginePolicies } from './engine-inputs.js';

/** A ledger row as readers select it (LEDGER_COLUMNS). */
export interface LedgerRow {
  enterpriseId: number;
  policyKey: string;
  incentiveKey: string;
  clausePath: string;
  achievementId: number;
  year: number | null;
  eligibility: string;
  reason: string | null;
  missing: string[];
  disposition: string;
  nature: string;
  amountYuan: number | null;
  payer: string | null;
  provincialPartYuan: number | null;
  relatedIncentiveKey: string | null;
  relatedAchievementId: number | null;
  steps: TraceStep[];
}

/**
 * The generation that holds `asOf` for the corpus `fingerprint`, or null when none does: as one
 * condition on "LedgerState" s, for statements that read the state and the rows at once.
 */
export const servesSql = (asOf: string, fingerprint: string) => Prisma.sql`
  s.id = 1 AND s.generation > 0 AND s."asOf" = ${asOf}::date
  AND (s.fingerprint = ${fingerprint} OR s."buildingFingerprint" = ${fingerprint})`;

interface ServingState {
  generation: number;
  asOf: string;
  fingerprint: string;
  buildingFingerprint: string | null;
}

/** The state row as last read, per database, valid while no change of it was noticed (src/db/changes.ts). */
const keptState = keptUnder<ServingState | null>(['ledger']);

async function readState(db: Db): Promise<ServingState | null> {
  const [row] = await db.$queryRaw<ServingState[]>`
    SELECT generation, to_char("asOf", 'YYYY-MM-DD') AS "asOf", fingerprint, "buildingFingerprint"
    FROM "LedgerState" WHERE id = 1 AND generation > 0`;
  return row ?? null;
}

/**
 * The generation readers may use for `asOf` under the corpus `fingerprint`, from the state kept under
 * change notices (no statement while nothing changed); undefined when nothing is kept (no notices can
 * be trusted), for the caller to ask the database in its own statement (servesSql).
 */
async function keptGeneration(db: Db, asOf: string, fingerprint: string): Promise<number | null | undefined> {
  // Nothing is kept: one statement of the caller's reads the state with what it needs.
  if (changeVersion(db, 'ledger') === null) return undefined;
  const state = await keptState(db, () => readState(db));
  const serves =
    state !== null &&
    state.asOf === asOf &&
    (state.fingerprint === fingerprint || state.buildingFingerprint === fingerprint);
  return serves ? state.generation : null;
}

/** The generation readers may use for `asOf` under the corpus `fingerprint`; null: compute with the engine. */
export async function servingGeneration(db: Db, asOf: string, fingerprint: string): Promise<number | null> {
  const kept = await keptGeneration(db, asOf, fingerprint);
  if (kept !== undefined) return kept;
  const [row] = await db.$queryRaw<{ generation: number }[]>`
    SELECT s.generation FROM "LedgerState" s WHERE ${servesSql(asOf, fingerprint)}`;
  return row?.generation ?? null;
}

/** The columns of LedgerRow, of "LedgerEntry" e. */
export const LEDGER_COLUMNS = Prisma.sql`e."enterpriseId", e."policyKey", e."incentiveKey", e."clausePath",
  e."achievementId", e.year, e.eligibility, e.reason, e.missing, e.disposition, e.nature, e."amountYuan",
  e.payer, e."provincialPartYuan", e."relatedIncentiveKey", e."relatedAchievementId", e.steps`;

const incentivesOf = new WeakMap<EnginePolicies, Map<string, IncentiveInput>>();

/** `${policyKey}/${incentiveKey}` → the incentive, for the texts a row does not repeat. */
function incentiveByKey(policies: EnginePolicies) {
  let found = incentivesOf.get(policies);
  if (!found) {
    found = new Map([...policies.incentiveIdByKey].map(([key, id]) => [key, policies.incentiveById.get(id)!]));
    incentivesOf.set(policies, found);
  }
  return found;
}

/**
 * The entitlement a row stores, as the engine gave it: the clause's text and the promise's sentence
 * come from the corpus (they are the incentive's). Null when the corpus no longer has the incentive
 * (a reload under way removed it): the caller computes that enterprise with the engine.
 */
export function entitlementOf(row: LedgerRow, policies: EnginePolicies): Entitlement | null {
  const incentive = incentiveByKey(policies).get(`${row.policyKey}/${row.incentiveKey}`);
  if (!incentive) return null;
  return {
    policyKey: row.policyKey,
    incentiveKey: row.incentiveKey,
    clausePath: row.clausePath,
    clauseText: incentive.clauseText,
    quote: incentive.quote,
    achievementId: String(row.achievementId),
    year: row.year,
    eligibility: row.eligibility as Eligibility,
    ...(row.reason === null ? {} : { reason: row.reason as IneligibleReason }),
    missing: row.missing,
    nature: row.nature as AmountNature,
    amountYuan: row.amountYuan,
    payer: row.payer as Payer | null,
    provincialPartYuan: row.provincialPartYuan,
    disposition: row.disposition as Disposition,
    ...(row.relatedIncentiveKey === null
      ? {}
      : { relatedTo: { incentiveKey: row.relatedIncentiveKey, achievementId: String(row.relatedAchievementId) } }),
    steps: row.steps,
  };
}

/** Rows of many enterprises as entitlements, grouped by enterprise; null where one needs the engine. */
export function entitlementsByEnterprise(rows: LedgerRow[], policies: EnginePolicies) {
  const found = new Map<number, Entitlement[] | null>();
  for (const row of rows) {
    const list = found.get(row.enterpriseId);
    if (list === null) continue;
    const entitlement = entitlementOf(row, policies);
    if (entitlement === null) found.set(row.enterpriseId, null);
    else if (list) list.push(entitlement);
    else found.set(row.enterpriseId, [entitlement]);
  }
  return found;
}

/**
 * The entitlements of enterprises as of `asOf` from the ledger, in one statement with its state:
 * null when the ledger does not hold that day for this corpus; an enterprise without rows has none.
 */
export async function ledgerEntitlements(
  db: Db,
  enterpriseIds: readonly number[],
  asOf: string,
  fingerprint: string,
  policies: EnginePolicies,
): Promise<Map<number, Entitlement[] | null> | null> {
  // The statement still checks the state: it may have changed since it was kept.
  if ((await keptGeneration(db, asOf, fingerprint)) === null) return null;
  const rows = await db.$queryRaw<Array<LedgerRow | { enterpriseId: null }>>`
    SELECT ${LEDGER_COLUMNS}
    FROM "LedgerState" s
    LEFT JOIN "LedgerEntry" e ON e.generation = s.generation AND e."enterpriseId" = ANY(${[...enterpriseIds]})
    WHERE ${servesSql(asOf, fingerprint)}
    ORDER BY e."enterpriseId", e.position`;
  if (!rows.length) return null;
  return entitlementsByEnterprise(
    rows.filter((row): row is LedgerRow => row.enterpriseId !== null),
    policies,
  );
}
