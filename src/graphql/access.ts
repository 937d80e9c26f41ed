/**
 * The access refusals GraphQL raises, as typed errors of the one shape (src/graphql/errors.ts):
 * UNAUTHENTICATED without a key, FORBIDDEN for a key outside its jurisdictions. Who may see what is
 * decided in src/scope/access.ts.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { phrase } from '../engines/message.js';
import { sees } from '../scope/caller.js';
import type { Scope } from '../scope/scope.js';
import { userError } from './errors.js';

/** Pothos scope-auth's unauthorizedError: a field the caller's key (or its absence) does not reach. */
export const forbidden = (_parent: unknown, ctx: Scope, info: GraphQLResolveInfo) =>
  ctx.caller.role === 'PUBLIC'
    ? userError(
        'UNAUTHENTICATED',
        info.fieldName,
        phrase('error.NEEDS_KEY', { type: info.parentType.name, field: info.fieldName }),
      )
    : userError(
        'FORBIDDEN',
        info.fieldName,
        phrase('error.MAY_NOT_SEE', { caller: ctx.caller.name, type: info.parentType.name, field: info.fieldName }),
      );

/** Refuses a write outside the caller's jurisdictions, naming the field. */
export function assertSees(ctx: Scope, jurisdictionId: number, field: string) {
  if (sees(ctx.caller, jurisdictionId)) return;
  throw userError(
    ctx.caller.role === 'PUBLIC' ? 'UNAUTHENTICATED' : 'FORBIDDEN',
    field,
    phrase('error.MAY_NOT_WRITE', { caller: ctx.caller.name }),
  );
}

/** A write naming a jurisdiction by code: it must be the caller's (an unknown code is the write's own NOT_FOUND). */
export async function checkJurisdictionCode(ctx: Scope, code: string | null | undefined, field: string) {
  const row = code ? (await ctx.loaders.jurisdictions()).find((j) => j.code === code) : undefined;
  if (row) assertSees(ctx, row.id, field);
}
