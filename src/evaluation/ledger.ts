/**
 * Keeping the entitlement ledger (LedgerEntry, read by src/scope/ledger.ts): the engine's results for
 * every live enterprise as of one day, one row per entitlement.
 *
 * - Every write that changes an enterprise's inputs calls refreshLedger in its own transaction: the
 *   enterprises it touched are recomputed and their rows replaced, in the current generation and in
 *   the one a rebuild is writing.
 * - A rebuild (rebuildLedger) writes a whole new generation in the background while readers keep using
 *   the current one, then switches with one UPDATE of the state row. It runs when the corpus changes
 *   (at start and after reloadPolicies) and at the first request of a new day (LedgerKeeper.nudge).
 *
 * Writes and a rebuild meet on the state row: a write reads it FOR SHARE, and the rebuild updates it
 * (its lease) in the transaction that inserts each batch, so a batch waits for the writes in flight to
 * commit. A write during a rebuild marks its enterprises (LedgerTouch); the rebuild, which may have read
 * them before the write, then leaves their rows, already written by the write, alone.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers/promises';
import { Prisma } from '../generated/prisma/client.js';
import { noteChange } from '../db/changes.js';
import {
  checkpointEmbedded,
  driverTransaction,
  isEmbedded,
  joinedDriver,
  refreshStatistics,
  type Db,
} from '../db/client.js';
import { isoDay, today } from '../dates/index.js';
import { evaluateEnterprise } from '../engines/entitlement/evaluate.js';
import type { Entitlement, RecipientKind } from '../engines/entitlement/types.js';
import { corpusSnapshot, type CorpusSnapshot } from '../scope/corpus-snapshot.js';
import { ACHIEVEMENTS_JSON, toAchievementInputs, type StoredAchievement } from '../scope/engine-inputs.js';
import { treeOf } from '../scope/jurisdiction-tree.js';
import { createLoaders } from '../scope/loaders.js';
import { pacedJson } from '../scope/pace.js';
import type { LedgerRow } from '../scope/ledger.js';
import { evaluatePopulation } from './population.js';

type Tx = Prisma.TransactionClient;

/** A row of LedgerEntry as written, its generation apart: what readers select, and where it belongs. */
export interface EntryRow extends LedgerRow {
  position: number;
  jurisdictionId: number;
  jurisdiction: string;
  district: string;
  policyVersion: string;
  versionLabel: string | null;
}

/** The rows of one enterprise's entitlements, in the engine's order. */
export function entryRows(
  enterprise: { id: number; jurisdictionId: number },
  jurisdictionPath: string[],
  entitlements: Entitlement[],
  versionByKey: ReadonlyMap<string, string>,
): EntryRow[] {
  // [own, …, city, province]: the district is the level under the city.
  const district = jurisdictionPath[Math.max(0, jurisdictionPath.length - 3)]!;
  return entitlements.map((e, position) => ({
    enterpriseId: enterprise.id,
    position,
    jurisdictionId: enterprise.jurisdictionId,
    jurisdiction: jurisdictionPath[0]!,
    district,
    policyKey: e.policyKey,
    policyVersion: versionByKey.get(e.policyKey)!,
    versionLabel: null,
    incentiveKey: e.incentiveKey,
    clausePath: e.clausePath,
    achievementId: Number(e.achievementId),
    year: e.year,
    eligibility: e.eligibility,
    reason: e.reason ?? null,
    missing: e.missing,
    disposition: e.disposition,
    nature: e.nature,
    amountYuan: e.amountYuan,
    payer: e.payer,
    provincialPartYuan: e.provincialPartYuan,
    relatedIncentiveKey: e.relatedTo?.incentiveKey ?? null,
    relatedAchievementId: e.relatedTo ? Number(e.relatedTo.achievementId) : null,
    steps: e.steps,
  }));
}

const COLUMNS = Prisma.sql`"enterpriseId", position, "jurisdictionId", jurisdiction, district, "policyKey",
  "policyVersion", "versionLabel", "incentiveKey", "clausePath", "achievementId", year, eligibility, reason,
  missing, disposition, nature, "amountYuan", payer, "provincialPartYuan", "relatedIncentiveKey",
  "relatedAchievementId", steps`;

/**
 * Rows an INSERT carries in its one JSON parameter, built in paced slices (pacedJson). PostgreSQL: 1,000 (the
 * driver copies the text on the event loop). An embedded statement holds the event loop from start to end, and what a
 * row costs there varies threefold with the machine's load: each statement's rows follow how long the last
 * took, aiming at EMBEDDED_STATEMENT_MS.
 */
const POSTGRES_ROWS = 1000;
const EMBEDDED_STATEMENT_MS = 30;
let embeddedRows = 50;

/** The rows a total counts (src/evaluation/totals.ts), which LedgerFigure holds apart as well. */
const COUNTS_IN_TOTALS = Prisma.sql`(eligibility = 'NEEDS_INFO' OR (eligibility = 'ELIGIBLE' AND disposition IN ('COUNTED', 'CONFLICT')))`;

const FIGURE_COLUMNS = Prisma.sql`"enterpriseId", position, "jurisdictionId", "policyKey", "incentiveKey", year, payer,
  eligibility, disposition, nature, "amountYuan", "provincialPartYuan"`;

/**
 * Inserts rows into a generation, in statements sized as above (`run` executes one, in a Prisma transaction or
 * on the driver): the wide rows, and those a total counts into LedgerFigure; `fresh`: not for enterprises a
 * write touched.
 */
async function insertEntries(
  db: Db,
  run: (statement: Prisma.Sql) => Promise<number>,
  generation: number,
  rows: EntryRow[],
  fresh = false,
) {
  const embedded = isEmbedded(db);
  for (let at = 0; at < rows.length;) {
    const batch = rows.slice(at, at + (embedded ? embeddedRows : POSTGRES_ROWS));
    at += batch.length;
    const json = await pacedJson(batch); // before the clock: its yields are not the statement's time
    const started = performance.now();
    await run(Prisma.sql`
      WITH batch AS (
        SELECT * FROM jsonb_to_recordset(${json}::jsonb) AS t("enterpriseId" int,
          position int, "jurisdictionId" int, jurisdiction text, district text, "policyKey" text, "policyVersion" text,
          "versionLabel" text, "incentiveKey" text, "clausePath" text, "achievementId" int, year int, eligibility text,
          reason text, missing text[], disposition text, nature text, "amountYuan" int, payer text,
          "provincialPartYuan" int, "relatedIncentiveKey" text, "relatedAchievementId" int, steps jsonb)
        ${
          fresh
            ? Prisma.sql`WHERE NOT EXISTS (SELECT 1 FROM "LedgerTouch" x
                WHERE x.generation = ${generation} AND x."enterpriseId" = t."enterpriseId")`
            : Prisma.empty
        }
      ), entries AS (
        INSERT INTO "LedgerEntry" (generation, ${COLUMNS}) SELECT ${generation}, ${COLUMNS} FROM batch
      )
      INSERT INTO "LedgerFigure" (generation, ${FIGURE_COLUMNS})
      SELECT ${generation}, ${FIGURE_COLUMNS} FROM batch WHERE ${COUNTS_IN_TOTALS}`);
    // At most doubled or halved a statement: one slow turn (a collection, another process) does not swing it.
    const fit = (batch.length * EMBEDDED_STATEMENT_MS) / Math.max(1, performance.now() - started);
    if (embedded) embeddedRows = Math.round(Math.min(2 * embeddedRows, Math.max(embeddedRows / 2, fit, 10), 2000));
  }
}

/** Removes the rows `where` selects (a condition on generation and "enterpriseId") from both tables, in one statement. */
const deleteRows = (tx: Tx | Db, where: Prisma.Sql) => tx.$executeRaw`
  WITH figures AS (DELETE FROM "LedgerFigure" WHERE ${where}) DELETE FROM "LedgerEntry" WHERE ${where}`;

/**
 * Enterprises whose rows one DELETE of an old generation removes: an embedded statement holds the event
 * loop, and one DELETE of a whole generation (313,789 rows) held it for about 25 s.
 */
const DELETE_ENTERPRISES = { embedded: 25, postgres: 5_000 };

/** Deletes every generation but `keep`, a range of enterprises a statement, by the (generation, enterprise) indexes. */
async function deleteGenerations(db: Db, keep: number[]) {
  // The generations present, by a skip scan of the index: a few, found without reading the rows.
  const present = await db.$queryRaw<{ generation: number }[]>`
    WITH RECURSIVE present AS (
      SELECT min(generation) AS generation FROM "LedgerEntry"
      UNION ALL
      SELECT (SELECT min(generation) FROM "LedgerEntry" WHERE generation > present.generation)
      FROM present WHERE present.generation IS NOT NULL
    ) SELECT generation FROM present WHERE generation IS NOT NULL`;
  const old = present.map((p) => p.generation).filter((g) => !keep.includes(g));
  if (!old.length) return;
  const [{ last }] = await db.$queryRaw<{ last: number | null }[]>`SELECT max(id) AS last FROM "Enterprise"`;
  const step = isEmbedded(db) ? DELETE_ENTERPRISES.embedded : DELETE_ENTERPRISES.postgres;
  for (const generation of old)
    for (let from = 0; from <= (last ?? 0); from += step) {
      await deleteRows(
        db,
        Prisma.sql`generation = ${generation} AND "enterpriseId" >= ${from} AND "enterpriseId" < ${from + step}`,
      );
      await setImmediate(); // a turn for the requests waiting between two statements
    }
}

interface StateRow {
  generation: number;
  asOf: Date | null;
  fingerprint: string | null;
  building: number | null;
  buildingAsOf: Date | null;
}

/**
 * Enterprises a step of the upkeep covers (their rows deleted, their inputs read and evaluated, their rows
 * inserted) before it yields to the requests waiting: an embedded statement holds the event loop, and so
 * does evaluating (about 1 ms an enterprise on a loaded machine).
 */
const REFRESH_ENTERPRISES = { embedded: 25, postgres: 250 };

/**
 * Recomputes enterprises whose inputs a write changed, inside the write's transaction: their rows are
 * replaced in every generation a reader may use or a rebuild is writing, each as of its own day.
 * A retired enterprise's rows are removed. The rows are read and written on the transaction's own driver
 * connection, past Prisma's handling of parameters and results (see DriverTransaction), a range of
 * enterprises a step (an import batch's 2,000 enterprises are about 35,000 rows).
 * The corpus is read before the transaction (`db`, whose kind sets the statements' size, is not used
 * inside it): on the embedded database's one connection a statement outside it would wait for it to end.
 */
export async function refreshLedger(
  db: Db,
  tx: Tx,
  snapshot: CorpusSnapshot,
  enterpriseIds: readonly number[],
): Promise<void> {
  const ids = [...new Set(enterpriseIds)].sort((a, b) => a - b);
  if (!ids.length) return;
  const [state] = await tx.$queryRaw<StateRow[]>`
    SELECT generation, "asOf", fingerprint, building, "buildingAsOf" FROM "LedgerState" WHERE id = 1 FOR SHARE`;
  const held = [
    ...(state && state.generation > 0 && state.asOf
      ? [{ generation: state.generation, asOf: isoDay(state.asOf) }]
      : []),
    ...(state?.building && state.buildingAsOf
      ? [{ generation: state.building, asOf: isoDay(state.buildingAsOf) }]
      : []),
  ];
  if (!held.length) return;
  // Two writes recomputing one enterprise at once (PostgreSQL) take turns: else the second's DELETE missed
  // the rows the first inserted, and its own rows met them (LedgerFigure's key). In id order, so no two wait
  // on each other; KEY SHARE, which inserting an achievement takes on its enterprise, does not conflict.
  await tx.$executeRaw`SELECT FROM "Enterprise" WHERE id = ANY(${ids}::int[]) ORDER BY id FOR NO KEY UPDATE`;
  if (state!.building)
    await tx.$executeRaw`
      INSERT INTO "LedgerTouch" (generation, "enterpriseId") SELECT ${state!.building}, unnest(${ids}::int[])
      ON CONFLICT DO NOTHING`;
  const driver = await joinedDriver(db, tx);
  const tree = treeOf(snapshot.jurisdictions);
  const codeOf = new Map(snapshot.jurisdictions.map((j) => [j.id, j.code]));
  const { policies, versionByKey } = snapshot.enginePolicies;
  const step = isEmbedded(db) ? REFRESH_ENTERPRISES.embedded : REFRESH_ENTERPRISES.postgres;
  for (let at = 0; at < ids.length; at += step) {
    const some = ids.slice(at, at + step);
    await deleteRows(
      tx,
      Prisma.sql`generation = ANY(${held.map((h) => h.generation)}) AND "enterpriseId" = ANY(${some})`,
    );
    const inputs = await driver.query<{
      id: number;
      kind: RecipientKind;
      jurisdictionId: number;
      achievements: StoredAchievement[] | null;
    }>(Prisma.sql`
      SELECT e.id, e.kind::text AS kind, e."jurisdictionId",
        (SELECT ${ACHIEVEMENTS_JSON} FROM "Achievement" a WHERE a."enterpriseId" = e.id AND a."retiredAt" IS NULL) AS achievements
      FROM "Enterprise" e WHERE e.id = ANY(${some}::int[]) AND e."retiredAt" IS NULL`);
    for (const { generation, asOf } of held) {
      const rows = inputs.flatMap((input) => {
        const path = tree.ancestry(input.jurisdictionId).map((id) => codeOf.get(id)!);
        const entitlements = evaluateEnterprise(
          policies,
          { id: String(input.id), kind: input.kind, jurisdictionPath: path },
          toAchievementInputs(input.achievements, snapshot.kindCodes),
          asOf,
        );
        return entryRows(input, path, entitlements, versionByKey);
      });
      await insertEntries(db, driver.execute, generation, rows);
    }
    await setImmediate(); // a turn for the requests waiting, between two ranges of enterprises
  }
}

/** Rows an embedded rebuild writes between two checkpoints of its own: about 17 MB of WAL (see checkpointEmbedded). */
const CHECKPOINT_ROWS = 20_000;

/** Another rebuild took the lease over: this one stops writing. */
class RebuildLost extends Error {}

/** A rebuild lapses when its lease has not been renewed for this long (a process that died mid-build). */
const LEASE = '60 seconds';

export interface LedgerBuild {
  generation: number;
  asOf: string;
  fingerprint: string;
  enterprises: number;
  rows: number;
  ms: number;
}

/**
 * Writes a new generation of the whole population as of today under the corpus as it is now, then
 * switches readers to it at once. Null when another rebuild holds the lease.
 */
export async function rebuildLedger(db: Db, signal?: AbortSignal): Promise<LedgerBuild | null> {
  const started = performance.now();
  const loaders = createLoaders(db);
  const fingerprint = await loaders.fingerprint();
  const { versionByKey } = await loaders.enginePolicies();
  const asOf = today();
  const [claim] = await db.$queryRaw<{ building: number; generation: number }[]>`
    UPDATE "LedgerState" SET building = greatest(generation, coalesce(building, 0)) + 1, "buildingAsOf" = ${asOf}::date,
      "buildingFingerprint" = ${fingerprint}, "buildingSince" = now()
    WHERE id = 1 AND (building IS NULL OR "buildingSince" < now() - ${LEASE}::interval)
    RETURNING building, generation`;
  if (!claim) return null;
  const { building: generation, generation: current } = claim;
  // Generations no reader can use any longer: older ones (kept until now for reports still reading them) and abandoned builds.
  await deleteGenerations(db, [current, generation]);
  await db.$executeRaw`DELETE FROM "LedgerTouch" WHERE generation <> ${generation}`;
  // On the driver, past Prisma (see DriverTransaction): these are the rebuild's bulk.
  const flush = (rows: EntryRow[]) =>
    driverTransaction(db, async (execute) => {
      // The lease renewed, and the state row locked: writes in flight commit first, later ones wait.
      const renewed = await execute(Prisma.sql`
        UPDATE "LedgerState" SET "buildingSince" = now() WHERE id = 1 AND building = ${generation}`);
      if (!renewed) throw new RebuildLost(`ledger generation ${generation} was taken over`);
      await insertEntries(db, execute, generation, rows, true);
    });
  let pending: EntryRow[] = [];
  let enterprises = 0;
  let rows = 0;
  let checkpointed = 0;
  // Rows a transaction writes: a few statements' worth, so that writes waiting on the state row wait little.
  const batch = isEmbedded(db) ? 500 : 5 * POSTGRES_ROWS;
  try {
    for await (const member of evaluatePopulation(db, loaders, {
      filter: { jurisdictionIds: null },
      asOf,
      policyKeys: null,
      engineOnly: true,
      signal,
    })) {
      enterprises += 1;
      for (const row of entryRows(member.enterprise, member.jurisdictionPath, member.entitlements, versionByKey))
        pending.push(row);
      if (pending.length >= batch) {
        await flush(pending);
        rows += pending.length;
        pending = [];
        if (rows - checkpointed >= CHECKPOINT_ROWS) {
          await checkpointEmbedded(db);
          checkpointed = rows;
        }
      }
    }
    await flush(pending);
    rows += pending.length;
  } catch (error) {
    if (error instanceof RebuildLost) return null;
    throw error;
  }
  const switched = await db.$executeRaw`
    UPDATE "LedgerState" SET generation = building, "asOf" = "buildingAsOf", fingerprint = "buildingFingerprint",
      building = NULL, "buildingAsOf" = NULL, "buildingFingerprint" = NULL, "buildingSince" = NULL, "switchedAt" = now()
    WHERE id = 1 AND building = ${generation}`;
  if (!switched) return null;
  noteChange(db, 'ledger'); // this process's next reader switches at once, without waiting for the notice
  await db.$executeRaw`DELETE FROM "LedgerTouch" WHERE generation = ${generation}`;
  await refreshStatistics(db); // the planner's view of a table that just doubled
  return { generation, asOf, fingerprint, enterprises, rows, ms: Math.round(performance.now() - started) };
}

/** A nudge tries again at most this often while another process holds the rebuild. */
const NUDGE_MS = 5_000;

/**
 * One per database and process: runs rebuilds in the background, one at a time, until the ledger
 * holds today under the current corpus.
 */
export class LedgerKeeper {
  private running: Promise<void> | undefined;
  private again = false;
  private heldDay: string | undefined;
  private lastNudge = 0;
  private readonly stopping = new AbortController();
  /** The latest rebuild this process completed. */
  last: LedgerBuild | undefined;
  /** Whether this process keeps the ledger: set by the first refresh (a server's start). */
  kept = false;

  constructor(private readonly db: Db) {}

  /** Brings the ledger up to date (rebuilding if it does not hold today under the current corpus); resolves when done. */
  refresh(): Promise<void> {
    this.kept = true;
    if (this.stopping.signal.aborted) return Promise.resolve();
    if (this.running) {
      this.again = true; // e.g. a reload while a rebuild runs: check again once it is done
      return this.running;
    }
    const running = this.run().finally(() => {
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
    return running;
  }

  /** At a request, or a report the ledger could not answer: the first of a new day starts its rebuild. */
  nudge(): void {
    const now = Date.now();
    if (!this.kept || this.heldDay === today() || this.running || now - this.lastNudge < NUDGE_MS) return;
    this.lastNudge = now;
    void this.refresh();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async run() {
    try {
      do {
        this.again = false;
        while (await this.step()); // a rebuild done: check that nothing changed meanwhile
      } while (this.again && !this.stopping.signal.aborted);
    } catch (error) {
      if (!this.stopping.signal.aborted)
        console.error(`entitlement ledger: rebuild failed: ${(error as Error).message}`);
    }
  }

  /** True when it rebuilt (so the caller checks again). */
  private async step(): Promise<boolean> {
    if (this.stopping.signal.aborted) return false;
    const { fingerprint } = await corpusSnapshot(this.db);
    const [state] = await this.db.$queryRaw<StateRow[]>`
      SELECT generation, "asOf", fingerprint, building, "buildingAsOf" FROM "LedgerState" WHERE id = 1`;
    const day = today();
    if (
      state &&
      state.generation > 0 &&
      state.asOf &&
      isoDay(state.asOf) === day &&
      state.fingerprint === fingerprint
    ) {
      this.heldDay = day;
      return false;
    }
    const built = await rebuildLedger(this.db, this.stopping.signal);
    if (!built) return false; // another process is rebuilding
    this.last = built;
    console.log(
      `entitlement ledger: generation ${built.generation} as of ${built.asOf}, ${built.rows} rows for ${built.enterprises} enterprises in ${built.ms} ms`,
    );
    return true;
  }
}

const keepers = new WeakMap<Db, LedgerKeeper>();

/** The process's keeper of a database's ledger. */
export function ledgerKeeper(db: Db): LedgerKeeper {
  let keeper = keepers.get(db);
  if (!keeper) {
    keeper = new LedgerKeeper(db);
    keepers.set(db, keeper);
  }
  return keeper;
}
