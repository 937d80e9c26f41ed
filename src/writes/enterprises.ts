/** Creating, correcting and retiring enterprises: validated, audited, never hard-deleted. */
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { recipientKinds } from '../format/policy.js';
import { creditCodeProblem } from '../validation/credit-code.js';
import type { Actor } from '../scope/caller.js';
import { refreshLedger } from '../evaluation/ledger.js';
import { corpusSnapshot } from '../scope/corpus-snapshot.js';
import { audit, once, parseInput, type Tx } from './common.js';
import { phrase } from '../engines/message.js';
import { asWritten, refuse, wordsOf } from '../i18n/refusal.js';

const enterpriseFields = {
  name: z.string().trim().min(1).max(200),
  creditCode: z
    .string()
    .trim()
    .toUpperCase()
    .superRefine((code, ctx) => {
      const problem = creditCodeProblem(code);
      if (problem) ctx.addIssue({ code: 'custom', params: wordsOf(asWritten(`统一社会信用代码 ${problem}`)) });
    })
    .nullable(),
  jurisdiction: z.string().min(1),
  industry: z.string().trim().min(1).max(50).nullable(),
  kind: z.enum(recipientKinds),
};

export const enterpriseCreate = z.strictObject({
  ...enterpriseFields,
  creditCode: enterpriseFields.creditCode.optional(),
  industry: enterpriseFields.industry.optional(),
  kind: enterpriseFields.kind.default('ENTERPRISE'),
});
export const enterprisePatch = z.strictObject(enterpriseFields).partial();

async function jurisdictionId(tx: Tx, code: string | undefined, field: string) {
  if (code === undefined) return undefined;
  const row = await tx.jurisdiction.findUnique({ where: { code }, select: { id: true } });
  if (!row) throw refuse(field, 'NOT_FOUND', phrase('error.UNKNOWN_JURISDICTION', { code }));
  return row.id;
}

/** A credit code is one enterprise's; the refusal names that enterprise only to a caller who may see it. */
async function uniqueCreditCode(tx: Tx, actor: Actor, code: string | null | undefined, exceptId?: number) {
  if (!code) return;
  const holder = await tx.enterprise.findUnique({
    where: { creditCode: code },
    select: { id: true, jurisdictionId: true },
  });
  if (!holder || holder.id === exceptId) return;
  const visible = actor.sees?.(holder.jurisdictionId) ?? true;
  throw refuse(
    'input.creditCode',
    'DUPLICATE',
    phrase('error.CREDIT_CODE_TAKEN', { code, enterprise: visible ? holder.id : null }),
  );
}

export async function createEnterprise(db: Db, actor: Actor, raw: unknown, idempotencyKey?: string | null) {
  const input = parseInput(enterpriseCreate, raw);
  return once(db, actor, idempotencyKey, 'createEnterprise', input, async (tx) => {
    const { jurisdiction, ...fields } = input;
    await uniqueCreditCode(tx, actor, fields.creditCode);
    const row = await tx.enterprise.create({
      data: { ...fields, jurisdictionId: (await jurisdictionId(tx, jurisdiction, 'input.jurisdiction'))! },
    });
    await audit(tx, actor, { action: 'create', entity: 'Enterprise', entityId: row.id, before: null, after: row });
    return { id: row.id };
  });
}

async function current(tx: Tx, id: number) {
  const row = await tx.enterprise.findUnique({ where: { id } });
  if (!row) throw refuse('id', 'NOT_FOUND', phrase('error.NO_ENTERPRISE', { id }));
  if (row.retiredAt)
    throw refuse('id', 'RETIRED', phrase('error.ENTERPRISE_RETIRED', { id, at: row.retiredAt.toISOString() }));
  return row;
}

export async function updateEnterprise(db: Db, actor: Actor, id: number, raw: unknown, idempotencyKey?: string | null) {
  const patch = parseInput(enterprisePatch, raw);
  const snapshot = await corpusSnapshot(db);
  return once(db, actor, idempotencyKey, 'updateEnterprise', [id, patch], async (tx) => {
    const before = await current(tx, id);
    const { jurisdiction, ...fields } = patch;
    await uniqueCreditCode(tx, actor, fields.creditCode, id);
    const after = await tx.enterprise.update({
      where: { id },
      data: { ...fields, jurisdictionId: await jurisdictionId(tx, jurisdiction, 'input.jurisdiction') },
    });
    await audit(tx, actor, { action: 'update', entity: 'Enterprise', entityId: id, before, after });
    // Its kind and jurisdiction decide what the policies give it.
    await refreshLedger(db, tx, snapshot, [id]);
    return { id };
  });
}

export async function retireEnterprise(db: Db, actor: Actor, id: number, idempotencyKey?: string | null) {
  const snapshot = await corpusSnapshot(db);
  return once(db, actor, idempotencyKey, 'retireEnterprise', id, async (tx) => {
    const before = await current(tx, id);
    const after = await tx.enterprise.update({ where: { id }, data: { retiredAt: new Date() } });
    await audit(tx, actor, { action: 'retire', entity: 'Enterprise', entityId: id, before, after });
    await refreshLedger(db, tx, snapshot, [id]); // its rows leave the ledger
    return { id };
  });
}
