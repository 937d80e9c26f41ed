/**
 * Bulk import of enterprises or achievements (an agency's spreadsheet export), streamed: rows are
 * read one batch at a time, each batch is checked whole and written in one transaction with its
 * audit entries, then acknowledged. A batch with any bad row writes nothing and stops the import
 * with every problem (row, column, what was wrong); batches acknowledged before it stay.
 */
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { Prisma } from '../generated/prisma/client.js';
import { achievementCreate, checkAchievement } from './achievement-input.js';
import { insertAchievementRows, type AchievementRow } from './achievements.js';
import { refreshLedger } from '../evaluation/ledger.js';
import type { Actor } from '../scope/caller.js';
import type { Tx } from './common.js';
import { enterpriseCreate } from './enterprises.js';
import {
  CELL_PARSE,
  cellIssuePhrase,
  columnsOf,
  MAX_ROW_BYTES,
  UnreadableInput,
  type Columns,
} from './import-stream.js';
import { phrase, type MessageValues } from '../engines/message.js';
import { refusal } from '../i18n/refusal.js';
import { corpusSnapshot, type KindEntry } from '../scope/corpus-snapshot.js';
import { Refused, type RefusalCode, type RowRefusal } from '../validation/refusal.js';

export type ImportKind = 'enterprises' | 'achievements';

/** The columns each import reads: the fields of the write schemas (achievements name their enterprise by credit code). */
export const IMPORT_COLUMNS: Record<ImportKind, Columns> = {
  enterprises: columnsOf(enterpriseCreate.shape),
  achievements: columnsOf(
    achievementCreate.omit({ enterpriseId: true }).extend({ enterpriseCreditCode: z.string() }).shape,
  ),
};

/**
 * The text a batch may hold before it is checked (keys and values, in characters): rows are held
 * until their batch is checked, and 10,000 rows of MAX_ROW_BYTES would be 10 GiB. Rows that could
 * be valid are under 2 KiB, so a full batch of them stays far below it.
 */
export const MAX_BATCH_TEXT = 16 * MAX_ROW_BYTES;

/** A batch refused whole: it wrote nothing; batches committed before it stay. */
export class ImportRefused extends Refused {
  constructor(
    readonly batch: number,
    override readonly refusals: RowRefusal[],
  ) {
    super(refusals);
    this.message = `batch ${batch} refused (${refusals.length} problem(s)); it wrote nothing`;
  }
}

export interface BatchCommitted {
  batch: number;
  firstRow: number;
  lastRow: number;
}

interface Lookups {
  jurisdictions: Map<string, number>;
  kinds: ReadonlyMap<string, KindEntry>;
  /** Whether the importer may write in a jurisdiction (an agency: its own; src/scope/access.ts). */
  may: (jurisdictionId: number) => boolean;
}

/** A row's refusal in the catalogue's words (`error.import.<id>`). */
const rowRefusal = (
  row: number,
  field: string,
  code: RefusalCode,
  id: string,
  values: MessageValues = {},
): RowRefusal => ({
  ...refusal(field, code, phrase(`error.import.${id}`, values)),
  row,
});

const forbidden = (row: number, field: string) => rowRefusal(row, field, 'FORBIDDEN', 'FORBIDDEN');

type Checked = { rows: Prisma.EnterpriseCreateManyInput[] } | { rows: AchievementRow[] };

function zodIssues(row: number, error: z.ZodError): RowRefusal[] {
  return error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((key) => rowRefusal(row, key, 'INVALID_ARGUMENT', 'UNKNOWN_FIELD'))
      : [{ ...refusal(String(i.path[0] ?? 'row'), 'INVALID_ARGUMENT', cellIssuePhrase(i)), row }],
  );
}

async function checkEnterprises(
  tx: Tx,
  lookups: Lookups,
  first: number,
  raw: Array<Record<string, unknown>>,
  issues: RowRefusal[],
) {
  const rows: Prisma.EnterpriseCreateManyInput[] = [];
  const codes = new Map<string, number>();
  raw.forEach((input, i) => {
    const row = first + i;
    const parsed = enterpriseCreate.safeParse(input, CELL_PARSE);
    if (!parsed.success) return void issues.push(...zodIssues(row, parsed.error));
    const { jurisdiction, ...fields } = parsed.data;
    const jurisdictionId = lookups.jurisdictions.get(jurisdiction);
    if (jurisdictionId === undefined)
      issues.push({
        ...refusal('jurisdiction', 'NOT_FOUND', phrase('error.UNKNOWN_JURISDICTION', { code: jurisdiction })),
        row,
      });
    if (fields.creditCode) {
      const seen = codes.get(fields.creditCode);
      if (seen !== undefined) issues.push(rowRefusal(row, 'creditCode', 'DUPLICATE', 'ALSO_ON_ROW', { seen }));
      codes.set(fields.creditCode, row);
    }
    if (jurisdictionId !== undefined && !lookups.may(jurisdictionId)) issues.push(forbidden(row, 'jurisdiction'));
    if (jurisdictionId !== undefined) rows.push({ ...fields, jurisdictionId });
  });
  const taken = await tx.enterprise.findMany({
    where: { creditCode: { in: [...codes.keys()] } },
    select: { creditCode: true, id: true },
  });
  for (const t of taken)
    issues.push(rowRefusal(codes.get(t.creditCode!)!, 'creditCode', 'DUPLICATE', 'CODE_TAKEN', { enterprise: t.id }));
  return rows;
}

async function checkAchievements(
  tx: Tx,
  lookups: Lookups,
  first: number,
  raw: Array<Record<string, unknown>>,
  issues: RowRefusal[],
) {
  const codes = [...new Set(raw.map((r) => r.enterpriseCreditCode).filter((c): c is string => typeof c === 'string'))];
  const owners = new Map(
    (
      await tx.enterprise.findMany({
        where: { creditCode: { in: codes }, retiredAt: null },
        select: { id: true, creditCode: true, jurisdictionId: true },
      })
    ).map((e) => [e.creditCode!, e]),
  );
  const rows: AchievementRow[] = [];
  raw.forEach(({ enterpriseCreditCode, ...input }, i) => {
    const row = first + i;
    const owner = owners.get(String(enterpriseCreditCode));
    if (owner === undefined)
      return void issues.push(
        rowRefusal(row, 'enterpriseCreditCode', 'NOT_FOUND', 'NO_ENTERPRISE', {
          code: String(enterpriseCreditCode ?? ''),
        }),
      );
    if (!lookups.may(owner.jurisdictionId)) return void issues.push(forbidden(row, 'enterpriseCreditCode'));
    const checked = checkAchievement(
      achievementCreate,
      { ...input, enterpriseId: owner.id },
      lookups.kinds,
      CELL_PARSE,
    );
    if ('issues' in checked)
      return void issues.push(
        ...checked.issues.map(({ field, ...issue }) => ({ row, field: field || 'row', ...issue })),
      );
    const { kind: _kind, ...fields } = checked.value;
    rows.push({ ...fields, kindId: checked.kindId });
  });
  return rows;
}

/**
 * A batch of achievements and their audit entries in one statement: the volume path of an import,
 * where Prisma's createManyAndReturn of 2,000 rows allocated several KiB a row.
 */
async function insertAchievements(tx: Tx, actor: Actor, batch: number, rows: AchievementRow[]) {
  await tx.$executeRaw`
    WITH created AS (${insertAchievementRows(rows)} RETURNING id)
    INSERT INTO "AuditEntry" (actor, action, entity, "entityId", after)
    SELECT ${actor.name}, 'import', 'Achievement', id, ${JSON.stringify({ batch })}::jsonb FROM created`;
}

/** Writes one batch in one transaction, or refuses it whole. */
async function writeBatch(
  db: Db,
  actor: Actor,
  kind: ImportKind,
  lookups: Lookups,
  batch: number,
  first: number,
  raw: Array<Record<string, unknown>>,
) {
  const snapshot = await corpusSnapshot(db); // before the transaction, which the ledger's upkeep reads it in
  await db.$transaction(
    async (tx) => {
      const issues: RowRefusal[] = [];
      const checked: Checked =
        kind === 'enterprises'
          ? { rows: await checkEnterprises(tx, lookups, first, raw, issues) }
          : { rows: await checkAchievements(tx, lookups, first, raw, issues) };
      if (issues.length)
        throw new ImportRefused(
          batch,
          issues.sort((a, b) => a.row - b.row),
        );
      if (kind === 'achievements') {
        const rows = checked.rows as AchievementRow[];
        await insertAchievements(tx, actor, batch, rows);
        return refreshLedger(
          db,
          tx,
          snapshot,
          rows.map((row) => row.enterpriseId),
        );
      }
      const created = await tx.enterprise.createManyAndReturn({
        data: checked.rows as Prisma.EnterpriseCreateManyInput[],
        select: { id: true },
      });
      await tx.auditEntry.createMany({
        data: created.map(({ id }) => ({
          actor: actor.name,
          action: 'import',
          entity: 'Enterprise',
          entityId: id,
          after: { batch },
        })),
      });
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

/** The characters a row holds, keys and values, as MAX_BATCH_TEXT counts them. */
function textOf(row: Record<string, unknown>) {
  let size = 0;
  for (const [key, value] of Object.entries(row))
    size += key.length + (typeof value === 'string' ? value.length : (JSON.stringify(value)?.length ?? 0));
  return size;
}

/**
 * Imports rows batch by batch, yielding each batch once it is committed. Input the reader cannot
 * read (src/writes/import-stream.ts) refuses the batch it falls in, as a bad row does.
 */
export async function* importRows(
  db: Db,
  actor: Actor,
  kind: ImportKind,
  rows: AsyncIterable<Record<string, unknown>>,
  batchSize = 2000,
  may: (jurisdictionId: number) => boolean = () => true,
): AsyncGenerator<BatchCommitted> {
  const lookups: Lookups = {
    may,
    jurisdictions: new Map(
      (await db.jurisdiction.findMany({ select: { id: true, code: true } })).map((j) => [j.code, j.id]),
    ),
    kinds: (await corpusSnapshot(db)).kinds,
  };
  let batch = 0;
  let first = 1;
  let pending: Array<Record<string, unknown>> = [];
  let text = 0;
  const flush = async () => {
    batch += 1;
    await writeBatch(db, actor, kind, lookups, batch, first, pending);
    const committed = { batch, firstRow: first, lastRow: first + pending.length - 1 };
    first += pending.length;
    pending = [];
    text = 0;
    return committed;
  };
  async function* read() {
    try {
      yield* rows;
    } catch (error) {
      if (error instanceof UnreadableInput) throw new ImportRefused(batch + 1, error.refusals);
      throw error;
    }
  }
  for await (const row of read()) {
    text += textOf(row);
    if (text > MAX_BATCH_TEXT)
      throw new ImportRefused(batch + 1, [
        rowRefusal(first + pending.length, 'row', 'TOO_LARGE', 'BATCH_TOO_LARGE', {
          batch: batch + 1,
          mib: MAX_BATCH_TEXT / MAX_ROW_BYTES,
        }),
      ]);
    pending.push(row);
    if (pending.length === batchSize) yield await flush();
  }
  if (pending.length) yield await flush();
}
