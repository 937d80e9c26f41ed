import { loadPolicyFiles, logLoad } from '../../corpus/load.js';
import { ledgerKeeper } from '../../evaluation/ledger.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { actorOf } from '../../scope/access.js';
import type { Scope as Context } from '../../scope/scope.js';
import { builder, connectionOf } from '../builder.js';
import { policyFilter, PolicyFilter, whereOf } from '../filters.js';
import { orderOf, pageOf, PolicyOrderBy } from '../ordering.js';
import { userError } from '../errors.js';
import { phrase } from '../../engines/message.js';
import { documentPrefixOf } from '../arguments.js';
import { refusable, RefusalRef } from '../payloads.js';
import { FundPeriodEnum, StackingRuleEnum } from './enums.js';

const Stacking = builder.simpleObject('Stacking', {
  description: 'How several rewards for one project combine, with the sentence that says so.',
  fields: (t) => ({
    rule: t.field({
      type: StackingRuleEnum,
      description:
        'ADDITIVE, or BEST_SINGLE_PER_PROJECT: only the best single reward for a project is paid (按最优一项执行).',
    }),
    clausePath: t.string({
      nullable: true,
      description: 'Path of the clause that states the rule, e.g. "六"; null where the document states none.',
    }),
    quote: t.string({
      nullable: true,
      description: 'The sentence that states the rule, verbatim (原文); null where the document states none.',
    }),
  }),
});

export const Fund = builder.simpleObject('Fund', {
  description: 'The budget a policy sets aside for its rewards (e.g. 2000万元 a year).',
  fields: (t) => ({
    amountYuan: t.field({ type: 'SafeInt', description: 'The amount in integer yuan (2000万元 is 20000000).' }),
    period: t.field({
      type: FundPeriodEnum,
      description: 'YEAR: the amount is set aside each year (每年); TOTAL: once, for the whole policy.',
    }),
    clausePath: t.string({ nullable: true, description: 'Path of the clause that sets the fund, e.g. "五/(二十六)".' }),
  }),
});

builder.prismaNode('Policy', {
  id: { field: 'id' },
  description: 'A policy document (政策文件): its dates, scope, stacking rule, fund, clauses, incentives and targets.',
  fields: (t) => ({
    key: t.exposeString('key'),
    source: t.exposeString('source', { description: 'The source document it was encoded from.' }),
    title: t.exposeString('title'),
    titleEn: t.exposeString('titleEn'),
    documentNumber: t.exposeString('documentNumber', {
      nullable: true,
      description: '文号, e.g. 佛府办函〔2017〕388号.',
    }),
    issuer: t.exposeString('issuer'),
    jurisdiction: t.relation('jurisdiction'),
    issuedOn: t.expose('issuedOn', {
      type: 'Date',
      nullable: true,
      description: 'Date of issue; null where the published copy prints none.',
    }),
    effectiveFrom: t.expose('effectiveFrom', { type: 'Date' }),
    effectiveUntil: t.expose('effectiveUntil', { type: 'Date', nullable: true }),
    retiredAt: t.expose('retiredAt', {
      type: 'Date',
      nullable: true,
      description:
        'The day a load found its policy file gone: kept for history (its clauses, incentives and targets read on), no longer listed in `policies`, evaluated or counted. Null while served.',
    }),
    stacking: t.field({
      type: Stacking,
      description: 'How several rewards for one project combine, with the clause that says so.',
      select: { stackingRule: true, stackingClause: true, stackingQuote: true },
      resolve: (p) => ({ rule: p.stackingRule, clausePath: p.stackingClause, quote: p.stackingQuote }),
    }),
    fund: t.field({
      type: Fund,
      nullable: true,
      description: 'The fund set aside for its rewards (专项资金); null where the document sets none.',
      select: { fundYuan: true, fundPeriod: true, fundClause: true },
      resolve: (p) =>
        p.fundYuan === null || p.fundPeriod === null
          ? null
          : { amountYuan: p.fundYuan, period: p.fundPeriod, clausePath: p.fundClause },
    }),
    supersession: t.exposeString('supersession', { nullable: true }),
    notes: t.exposeStringList('notes', { description: 'How the document was read where it is ambiguous.' }),
    appliesTo: t.prismaField({
      type: ['Jurisdiction'],
      description: 'The districts and zones its rewards cover (empty: the whole issuing jurisdiction).',
      select: (_args, _ctx, nested) => ({
        coverage: { where: { mode: 'APPLIES' }, select: { jurisdiction: nested() } },
      }),
      resolve: (_query, p) => p.coverage.map((c) => c.jurisdiction),
    }),
    mayReferTo: t.prismaField({
      type: ['Jurisdiction'],
      description: '参照执行: jurisdictions that may follow the policy but are not covered by it.',
      select: (_args, _ctx, nested) => ({
        coverage: { where: { mode: 'MAY_REFER' }, select: { jurisdiction: nested() } },
      }),
      resolve: (_query, p) => p.coverage.map((c) => c.jurisdiction),
    }),
    clauses: t.relation('clauses', {
      description: 'The top-level clauses in document order; each has its children.',
      query: { where: { parentId: null }, orderBy: { position: 'asc' } },
    }),
    clause: t.prismaField({
      type: 'Clause',
      nullable: true,
      description: 'One clause by its path, e.g. "二/(四)".',
      args: { path: t.arg.string({ required: true }) },
      resolve: (query, p, { path }, { db }) =>
        db.clause.findUnique({ ...query, where: { policyId_path: { policyId: p.id, path } } }),
    }),
  }),
});

/** The policies a list shows: the served ones, or only the retired ones. */
const policiesWhere = async (ctx: Context, retired: boolean, filter: object | null | undefined) => ({
  AND: [await whereOf(policyFilter, filter, ctx), { retiredAt: retired ? { not: null } : null }],
});

builder.queryFields((t) => ({
  policy: t.prismaField({
    type: 'Policy',
    description:
      'A policy by its key, the stable name its policy file gives it (e.g. "taizhou-2017-quality"), or by the ' +
      'short document number people cite, the number of its source text in the seed index (e.g. "000").',
    args: { key: t.arg.string({ required: true }) },
    resolve: async (query, _root, { key }, { db }) => {
      const prefix = documentPrefixOf(key);
      const where = prefix ? { source: { startsWith: prefix } } : { key };
      const found = await db.policy.findFirst({ ...query, where });
      if (!found) throw userError('NOT_FOUND', 'key', phrase('error.NO_POLICY', { key }));
      return found;
    },
  }),
  policies: t.prismaConnection(
    {
      type: 'Policy',
      cursor: 'id',
      description:
        'Policy documents (政策文件), by the day they took effect; filter by jurisdiction, achievement kind or day in force.',
      args: {
        retired: t.arg.boolean({
          required: true,
          defaultValue: false,
          description: 'true: only the retired policies (their files gone), kept for history; false: those served.',
        }),
        filter: t.arg({ type: PolicyFilter }),
        orderBy: t.arg({
          type: [PolicyOrderBy],
          description: 'Keys to order by; the id breaks ties (default: the day they took effect).',
        }),
      },
      totalCount: async (_parent, { retired, filter }, ctx) =>
        ctx.db.policy.count({ where: await policiesWhere(ctx, retired, filter) }),
      resolve: async (query, _root, { retired, filter, orderBy }, ctx) =>
        ctx.db.policy.findMany(
          await pageOf(
            ctx.db,
            'Policy',
            query,
            await policiesWhere(ctx, retired, filter),
            orderOf(orderBy, [{ effectiveFrom: 'asc' }]),
          ),
        ),
    },
    connectionOf('Policy'),
  ),
}));

const PolicyReload = builder.simpleObject('PolicyReload', {
  description:
    'What a reload did: policy files loaded anew, those unchanged since the last load, the policies retired, and the problems of the files refused. What changed, rule by rule, is in its audit entry (auditLog, entity Policy, action reload).',
  fields: (t) => ({
    loaded: t.stringList({
      description: 'Keys of the policies loaded anew, or served again because their file is back.',
    }),
    unchanged: t.stringList({ description: 'Keys of the policies whose files had not changed since the last load.' }),
    retired: t.stringList({
      description:
        'Keys of the policies retired by this reload: their files are gone from the policies directory. Kept for history (policy(key), policies(retired: true)), no longer served.',
    }),
    refused: t.field({
      type: [RefusalRef],
      description:
        'Problems of the files not loaded (each naming its file, path as field, clause and code): the version loaded before (if any) keeps serving; nothing of a refused file was stored. Also on /readyz until the next load.',
    }),
  }),
});

builder.mutationField('reloadPolicies', (t) =>
  t.field({
    type: PolicyReload,
    description:
      'Reloads the policy files, each validated completely (format, dates, references, faithfulness to its source) and stored in one transaction; a refused file stores nothing and is listed in `refused`, the others load; a policy whose file is gone is retired. Only an invalid shared vocabulary refuses the whole reload (WriteRefused). Its audit entry keeps what changed, rule by rule. Administrators only.',
    authScopes: { admin: true },
    errors: refusable('What the reload did'),
    resolve: async (_root, _args, ctx) => {
      // A refused vocabulary throws CorpusError, a Refused: the errors plugin answers it as WriteRefused.
      const report = await loadPolicyFiles(ctx.db, ctx.policies);
      logLoad(report);
      // Rule by rule: each loaded policy's incentives and targets added, removed, changed (before and after).
      const after = JSON.parse(JSON.stringify(report)) as Prisma.InputJsonValue;
      await ctx.db.auditEntry.create({
        data: { actor: actorOf(ctx).name, action: 'reload', entity: 'Policy', entityId: 0, after },
      });
      // The ledger is rebuilt in the background; until then answers come from the previous generation.
      const ledger = ledgerKeeper(ctx.db);
      if (ledger.kept) void ledger.refresh();
      return report;
    },
  }),
);
