/**
 * Who may see and write what, in one place. PUBLIC reads policies, clauses, incentives, targets,
 * observations, simulations and aggregates; an AGENCY also reads and writes enterprises,
 * achievements, entitlements and observations inside its jurisdictions; an ADMIN does everything,
 * including the audit log. Enterprise-level types check the object's jurisdiction, so a 南海区
 * agency meets no 顺德区 enterprise, also not through node(id) or a nested field.
 */
import { actorName, sees, type Actor } from './caller.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { EnterpriseRow } from './entitlements.js';
import type { Scope } from './scope.js';
import { phrase } from '../engines/message.js';
import { refuse } from '../i18n/refusal.js';

export interface AuthScopes {
  /** An agency or an administrator. */
  agency: boolean;
  admin: boolean;
  /** May see and write what lies in this jurisdiction (by id). */
  sees: number;
  /** Is the API key (by id) that owns the object, e.g. an export job. */
  owns: number;
}

export const authScopesOf = (ctx: Scope) => ({
  agency: ctx.caller.role !== 'PUBLIC',
  admin: ctx.caller.role === 'ADMIN',
  sees: (jurisdictionId: number) => sees(ctx.caller, jurisdictionId),
  owns: (keyId: number) => ctx.caller.keyId === keyId,
});

/** The scope of an object in a jurisdiction; an administrator sees them all, so it is not looked up. */
async function jurisdictionScope(
  ctx: Scope,
  jurisdictionOf: () => Promise<number | null | undefined>,
): Promise<Partial<AuthScopes>> {
  return ctx.caller.role === 'ADMIN' ? { admin: true } : { sees: (await jurisdictionOf()) ?? -1 };
}

/** Type-level rule for an enterprise, whatever path reached it (its row, as read, primes the loader). */
export const enterpriseScopes = (enterprise: { id: number } & Partial<EnterpriseRow>, ctx: Scope) =>
  jurisdictionScope(ctx, async () => (await ctx.loaders.enterpriseRow(enterprise))?.jurisdictionId);

/** Type-level rule for an achievement: its enterprise's jurisdiction (no lookup when that enterprise was read). */
export const achievementScopes = (achievement: { id: number; enterpriseId?: number }, ctx: Scope) =>
  jurisdictionScope(ctx, async () =>
    achievement.enterpriseId === undefined
      ? ctx.loaders.achievementJurisdiction.load(achievement.id)
      : (await ctx.loaders.enterprise.load(achievement.enterpriseId))?.jurisdictionId,
  );

/** Type-level rule for an export job: only the key that started it. */
export const exportJobScopes = (job: { ownerId: number }): Partial<AuthScopes> => ({ owns: job.ownerId });

/** The rules of the node types some callers may not see, by type name. */
const nodeRules: Record<string, (node: never, ctx: Scope) => Promise<Partial<AuthScopes>> | Partial<AuthScopes>> = {
  Enterprise: enterpriseScopes,
  Achievement: achievementScopes,
  ExportJob: exportJobScopes,
  ApiKey: () => ({ admin: true }),
};

/**
 * Whether node(id) may answer this object: what a caller may not see is answered as null, as an
 * ID that names nothing is, so that an agency cannot tell another district's rows from missing ones.
 * The same rules as the types' (any scope granted suffices, as Pothos's default strategy).
 */
export async function nodeVisible(ctx: Scope, typename: string, node: unknown): Promise<boolean> {
  const rule = nodeRules[typename];
  if (!rule) return true;
  const wanted = await rule(node as never, ctx);
  const granted = authScopesOf(ctx);
  return (
    (wanted.admin === true && granted.admin) ||
    (wanted.agency === true && granted.agency) ||
    (wanted.sees !== undefined && granted.sees(wanted.sees)) ||
    (wanted.owns !== undefined && granted.owns(wanted.owns))
  );
}

/** Narrows an enterprise list to what the caller may see. */
export function visibleEnterprises(ctx: Scope, where: Prisma.EnterpriseWhereInput): Prisma.EnterpriseWhereInput {
  const ids = ctx.caller.jurisdictionIds;
  if (ids === null) return where;
  return { AND: [where, { jurisdictionId: { in: [...ids] } }] };
}

/**
 * Access checks before a write of an enterprise or achievement: the rows it touches must lie in the
 * caller's jurisdictions. A row the caller may not see is refused as the write refuses a missing one, so
 * that an agency cannot tell another district's IDs from unused ones. (A jurisdiction code outside them
 * is FORBIDDEN: checkJurisdictionCode, src/graphql/access.ts.)
 */
export async function checkEnterprise(ctx: Scope, enterpriseId: number | undefined, field: string) {
  const row = enterpriseId === undefined ? null : await ctx.loaders.enterprise.load(enterpriseId);
  if (row && !sees(ctx.caller, row.jurisdictionId))
    throw refuse(field, 'NOT_FOUND', phrase('error.NO_ENTERPRISE', { id: enterpriseId! }));
}
export async function checkAchievement(ctx: Scope, achievementId: number) {
  const jurisdictionId = await ctx.loaders.achievementJurisdiction.load(achievementId);
  if (jurisdictionId !== null && !sees(ctx.caller, jurisdictionId))
    throw refuse('id', 'NOT_FOUND', phrase('error.NO_ACHIEVEMENT', { id: achievementId }));
}

/** Who a write is by: the name recorded in the audit log, the key its idempotency keys belong to, what it may see. */
export const actorOf = (ctx: Scope): Actor => ({
  name: actorName(ctx.caller),
  keyId: ctx.caller.keyId,
  sees: (jurisdictionId) => sees(ctx.caller, jurisdictionId),
});
