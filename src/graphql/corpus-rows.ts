/**
 * Fields returning a policy, an incentive, a jurisdiction or an achievement kind, answered from the corpus kept in
 * memory (src/scope/corpus-snapshot.ts) when the selection asks for their columns only: no statement
 * (an enterprise's dashboard asks for its jurisdiction's name, its achievements' kinds and each
 * entitlement's policy and incentive). A selection that asks for a relation of theirs (a jurisdiction's parent, a
 * kind's levels) is read with its Prisma query, as before.
 */
import type { Scope } from '../scope/scope.js';

interface Query {
  include?: object;
  select?: object;
}

/** Whether the query Pothos built for a field asks for columns only: no relation, no count. */
const columnsOnly = ({ include, select }: Query) =>
  (!include || Object.keys(include).length === 0) && (!select || Object.values(select).every((v) => v === true));

type Rows = Awaited<ReturnType<Scope['loaders']['corpusRows']>>;
type Row<T extends keyof Rows> = Rows[T] extends Map<number, infer R> ? R : never;

/** The Prisma model of each table the corpus keeps. */
const MODELS = {
  policies: 'policy',
  incentives: 'incentive',
  jurisdictions: 'jurisdiction',
  kinds: 'achievementKind',
} as const;

/** The reader of one table's rows by id: kept in memory for columns only, else its Prisma query. */
function rowOf<T extends keyof Rows>(table: T) {
  return async (ctx: Scope, query: Query, id: number): Promise<Row<T>> => {
    const row = columnsOnly(query)
      ? ((await ctx.loaders.corpusRows())[table].get(id) as Row<T> | undefined)
      : undefined;
    const delegate = ctx.db[MODELS[table]] as unknown as { findUniqueOrThrow(args: object): Promise<Row<T>> };
    return row ?? delegate.findUniqueOrThrow({ ...query, where: { id } });
  };
}

export const policyRow = rowOf('policies');
export const incentiveRow = rowOf('incentives');
export const jurisdictionRow = rowOf('jurisdictions');
export const kindRow = rowOf('kinds');
