/**
 * Mutations for enterprises and achievements. Each returns the object or a typed refusal naming
 * every field at fault (nothing stored), accepts an idempotency key, and is written to the audit log.
 */
import type { Prisma } from '../../generated/prisma/client.js';
import { loadPolicyFiles } from '../../corpus/load.js';
import { CorpusError, describeRefusal, type RefusalCode } from '../../corpus/read.js';
import { isoDay } from '../../dates/index.js';
import { refuse, WRITE_ERROR_CODES, WriteRefused, type FieldIssue } from '../../writes/common.js';
import { recordAchievement, retireAchievement, updateAchievement } from '../../writes/achievements.js';
import { createEnterprise, retireEnterprise, updateEnterprise } from '../../writes/enterprises.js';
import { builder, connectionOf, withId } from '../builder.js';
import type { Scope as Context } from '../../scope/scope.js';
import { decodeIdOf } from '../ids.js';
import { userError } from '../errors.js';
import { auditEntryFilter, AuditEntryFilter, whereOf } from '../filters.js';
import { AuditEntryOrderBy, orderOf } from '../ordering.js';
import { achievementMeasureFields } from './entitlement.js';
import { RecipientKindEnum } from './enums.js';
import { actorOf, assertSees } from '../../scope/access.js';
import { sees } from '../../scope/caller.js';

/**
 * Access checks before a write: the jurisdictions it touches must be the caller's (src/scope/access.ts).
 * A row the caller may not see is refused as the write refuses a missing one, so that an agency
 * cannot tell another district's IDs from unused ones.
 */
async function checkJurisdictionCode(ctx: Context, code: string | null | undefined, field: string) {
  const row = code ? (await ctx.loaders.jurisdictions()).find((j) => j.code === code) : undefined;
  if (row) assertSees(ctx, row.id, field); // an unknown code is the write's own NOT_FOUND refusal
}
async function checkEnterprise(ctx: Context, enterpriseId: number | undefined, field: string) {
  const row = enterpriseId === undefined ? null : await ctx.loaders.enterprise.load(enterpriseId);
  if (row && !sees(ctx.caller, row.jurisdictionId)) throw refuse(field, 'NOT_FOUND', `no enterprise ${enterpriseId}`);
}
async function checkAchievement(ctx: Context, achievementId: number) {
  const jurisdictionId = await ctx.loaders.achievementJurisdiction.load(achievementId);
  if (jurisdictionId !== null && !sees(ctx.caller, jurisdictionId))
    throw refuse('id', 'NOT_FOUND', `no achievement ${achievementId}`);
}

const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description: 'A refusal a client can act on.',
  fields: (t) => ({ message: t.exposeString('message', { description: 'What was wrong, in words.' }) }),
});

const FieldIssueRef = builder.objectRef<FieldIssue>('FieldIssue').implement({
  description: 'One thing wrong with the input: the field (input.creditCode), a code, and what was wrong.',
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The input path at fault, e.g. input.creditCode.' }),
    code: t.exposeString('code', {
      description: `${WRITE_ERROR_CODES.slice(0, -1).join(', ')} or ${WRITE_ERROR_CODES.at(-1)}.`,
    }),
    message: t.exposeString('message', { description: 'What was wrong with it, in words.' }),
  }),
});

builder.objectType(WriteRefused, {
  name: 'WriteRefused',
  description: `The write was refused and nothing was stored. Codes: ${WRITE_ERROR_CODES.join(', ')}.`,
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof WriteRefused,
  fields: (t) => ({
    code: t.string({ description: 'The code of the first issue.', resolve: (e) => e.code }),
    issues: t.field({ type: [FieldIssueRef], description: 'Every field at fault.', resolve: (e) => e.issues }),
  }),
});

export const IDEMPOTENCY = 'A retried request with the same key and input is applied once and answered the same.';

/** The errors-plugin options of a write that may be refused: its result union, success type and data field, described. */
export const refusable = (done: string) => ({
  types: [WriteRefused],
  union: { description: `${done}, or WriteRefused (nothing stored).` },
  result: { description: `The write was applied: ${done.toLowerCase()}.` },
  dataField: { description: `${done}.` },
});

// Nulls from GraphQL mean "clear" in a patch; absent fields mean "keep". Zod sees exactly that.
export const definedOnly = <T extends object>(input: T) =>
  Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));

// ---------------------------------------------------------------- enterprises

const EnterpriseInput = builder.inputType('EnterpriseInput', {
  description: 'An enterprise. On update, an absent field is kept and a null one cleared.',
  fields: (t) => ({
    name: t.string({ description: 'The name (名称), up to 200 characters; required when creating.' }),
    creditCode: t.string({ description: '统一社会信用代码, checked against GB 32100-2015.' }),
    jurisdiction: t.string({ description: 'A jurisdiction code, e.g. gd-foshan-nanhai.' }),
    industry: t.string({ description: 'Its industry (行业), free text up to 50 characters.' }),
    kind: t.field({
      type: RecipientKindEnum,
      description: 'What kind of recipient it is; ENTERPRISE when not given on creation.',
    }),
  }),
});

const loadEnterprise = (
  ctx: Context,
  query: { include?: Prisma.EnterpriseInclude; select?: Prisma.EnterpriseSelect },
  id: number,
) => ctx.db.enterprise.findUniqueOrThrow({ ...withId(query), where: { id } });

builder.mutationFields((t) => ({
  createEnterprise: t.prismaField({
    type: 'Enterprise',
    description: 'Records an enterprise (or other recipient) in a jurisdiction you may write.',
    authScopes: { agency: true },
    errors: refusable('The enterprise as created'),
    args: {
      input: t.arg({ type: EnterpriseInput, required: true }),
      idempotencyKey: t.arg.string({ description: IDEMPOTENCY }),
    },
    resolve: async (query, _root, { input, idempotencyKey }, ctx) => {
      await checkJurisdictionCode(ctx, input.jurisdiction, 'input.jurisdiction');
      return loadEnterprise(
        ctx,
        query,
        (await createEnterprise(ctx.db, actorOf(ctx), definedOnly(input), idempotencyKey)).id,
      );
    },
  }),
  updateEnterprise: t.prismaField({
    type: 'Enterprise',
    description: 'Changes an enterprise you may write: an absent field is kept, a null one cleared.',
    authScopes: { agency: true },
    errors: refusable('The enterprise as changed'),
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: EnterpriseInput, required: true }),
      idempotencyKey: t.arg.string({ description: IDEMPOTENCY }),
    },
    resolve: async (query, _root, { id, input, idempotencyKey }, ctx) => {
      const enterpriseId = decodeIdOf('Enterprise', id, 'id');
      await checkEnterprise(ctx, enterpriseId, 'id');
      await checkJurisdictionCode(ctx, input.jurisdiction, 'input.jurisdiction');
      await updateEnterprise(ctx.db, actorOf(ctx), enterpriseId, definedOnly(input), idempotencyKey);
      return loadEnterprise(ctx, query, enterpriseId);
    },
  }),
  retireEnterprise: t.prismaField({
    type: 'Enterprise',
    description: 'Retires an enterprise: it leaves lists and reports, its history stays.',
    authScopes: { agency: true },
    errors: refusable('The enterprise as retired'),
    args: { id: t.arg.id({ required: true }), idempotencyKey: t.arg.string({ description: IDEMPOTENCY }) },
    resolve: async (query, _root, { id, idempotencyKey }, ctx) => {
      const enterpriseId = decodeIdOf('Enterprise', id, 'id');
      await checkEnterprise(ctx, enterpriseId, 'id');
      await retireEnterprise(ctx.db, actorOf(ctx), enterpriseId, idempotencyKey);
      return loadEnterprise(ctx, query, enterpriseId);
    },
  }),
}));

// ---------------------------------------------------------------- achievements

const FactInput = builder.inputType('FactInput', {
  description: 'A fact about an achievement that a condition may need (e.g. 通过验收), attested true or false.',
  fields: (t) => ({
    fact: t.string({ required: true, description: 'A fact code, e.g. ACCEPTANCE_PASSED.' }),
    value: t.boolean({ required: true, description: 'True when attested; false when known not to hold.' }),
  }),
});

const AchievementInput = builder.inputType('AchievementInput', {
  description: 'An achievement. On update, an absent field is kept and a null one cleared.',
  fields: (t) => ({
    enterprise: t.id({ description: 'Required when recording.' }),
    kind: t.string({ description: 'An achievement kind code, e.g. CHINA_QUALITY_AWARD.' }),
    level: t.string({ description: 'A level code of its kind, e.g. WINNER.' }),
    obtainedOn: t.field({
      type: 'Date',
      description: 'The day it was obtained (获得), from 1990 to today; required when recording.',
    }),
    ...achievementMeasureFields(t),
    facts: t.field({
      type: [FactInput],
      description: 'Attested facts, e.g. {fact: "ACCEPTANCE_PASSED", value: true}.',
    }),
    evidence: t.string({ description: 'What attests it (e.g. a certificate or notice number), up to 500 characters.' }),
  }),
});

type AchievementArgs = typeof AchievementInput.$inferInput;

function achievementFields({ enterprise, obtainedOn, facts, ...rest }: AchievementArgs) {
  return definedOnly({
    ...rest,
    enterpriseId: enterprise == null ? undefined : decodeIdOf('Enterprise', enterprise, 'input.enterprise'),
    obtainedOn: obtainedOn ? isoDay(obtainedOn) : obtainedOn,
    facts: facts ? Object.fromEntries(facts.map((f) => [f.fact, f.value])) : facts === null ? {} : undefined,
  });
}

const loadAchievement = (
  ctx: Context,
  query: { include?: Prisma.AchievementInclude; select?: Prisma.AchievementSelect },
  id: number,
) => ctx.db.achievement.findUniqueOrThrow({ ...withId(query), where: { id } });

builder.mutationFields((t) => ({
  recordAchievement: t.prismaField({
    type: 'Achievement',
    description: 'Records an achievement of an enterprise you may write.',
    authScopes: { agency: true },
    errors: refusable('The achievement as recorded'),
    args: {
      input: t.arg({ type: AchievementInput, required: true }),
      idempotencyKey: t.arg.string({ description: IDEMPOTENCY }),
    },
    resolve: async (query, _root, { input, idempotencyKey }, ctx) => {
      const fields = achievementFields(input);
      if (fields.enterpriseId === undefined)
        throw refuse('input.enterprise', 'INVALID_ARGUMENT', 'the enterprise is required when recording');
      await checkEnterprise(ctx, fields.enterpriseId as number | undefined, 'input.enterprise');
      return loadAchievement(ctx, query, (await recordAchievement(ctx.db, actorOf(ctx), fields, idempotencyKey)).id);
    },
  }),
  updateAchievement: t.prismaField({
    type: 'Achievement',
    description:
      'Changes an achievement you may write: an absent field is kept, a null one cleared; its enterprise stays.',
    authScopes: { agency: true },
    errors: refusable('The achievement as changed'),
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: AchievementInput, required: true }),
      idempotencyKey: t.arg.string({ description: IDEMPOTENCY }),
    },
    resolve: async (query, _root, { id, input, idempotencyKey }, ctx) => {
      const achievementId = decodeIdOf('Achievement', id, 'id');
      await checkAchievement(ctx, achievementId);
      const { enterpriseId: _moved, ...patch } = achievementFields(input) as { enterpriseId?: number };
      await updateAchievement(ctx.db, actorOf(ctx), achievementId, patch, idempotencyKey);
      return loadAchievement(ctx, query, achievementId);
    },
  }),
  retireAchievement: t.prismaField({
    type: 'Achievement',
    description: 'Retires an achievement: it no longer counts, its history stays.',
    authScopes: { agency: true },
    errors: refusable('The achievement as retired'),
    args: { id: t.arg.id({ required: true }), idempotencyKey: t.arg.string({ description: IDEMPOTENCY }) },
    resolve: async (query, _root, { id, idempotencyKey }, ctx) => {
      const achievementId = decodeIdOf('Achievement', id, 'id');
      await checkAchievement(ctx, achievementId);
      await retireAchievement(ctx.db, actorOf(ctx), achievementId, idempotencyKey);
      return loadAchievement(ctx, query, achievementId);
    },
  }),
}));

// ---------------------------------------------------------------- audit log

builder.prismaObject('AuditEntry', {
  description: 'One write: who, when, what, and the row before and after.',
  authScopes: { admin: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    at: t.expose('at', { type: 'Date', description: 'The day of the write (UTC).' }),
    actor: t.exposeString('actor'),
    action: t.exposeString('action'),
    entity: t.exposeString('entity'),
    entityId: t.exposeInt('entityId'),
    before: t.expose('before', { type: 'JSON', nullable: true }),
    after: t.expose('after', { type: 'JSON', nullable: true }),
  }),
});

/** The entries the filter (and the older `entity` and `entityId` arguments) names. */
const auditWhere = async (
  ctx: Context,
  entity: string | null | undefined,
  entityId: number | null | undefined,
  filter: object | null | undefined,
) => ({
  AND: [
    await whereOf(auditEntryFilter, filter, ctx),
    { ...(entity ? { entity } : {}), ...(entityId ? { entityId } : {}) },
  ],
});

builder.queryField('auditLog', (t) =>
  t.prismaConnection(
    {
      type: 'AuditEntry',
      cursor: 'id',
      description:
        'Every write, newest first; filter by entity (Enterprise, Achievement, Observation, Policy, ApiKey) and its id. Administrators only.',
      authScopes: { admin: true },
      args: {
        entity: t.arg.string({ description: 'Only writes of this type (as filter: {entity: {equals}}).' }),
        entityId: t.arg.int({ description: 'Only writes of the row with this id.' }),
        filter: t.arg({ type: AuditEntryFilter }),
        orderBy: t.arg({
          type: [AuditEntryOrderBy],
          description: 'Keys to order by; the id breaks ties (default: newest first).',
        }),
      },
      totalCount: async (_p, { entity, entityId, filter }, ctx) =>
        ctx.db.auditEntry.count({ where: await auditWhere(ctx, entity, entityId, filter) }),
      resolve: async (query, _root, { entity, entityId, filter, orderBy }, ctx) =>
        ctx.db.auditEntry.findMany({
          ...query,
          where: await auditWhere(ctx, entity, entityId, filter),
          orderBy: orderOf(orderBy, [{ id: 'desc' }]),
        }),
    },
    connectionOf('AuditEntry'),
  ),
);

// ---------------------------------------------------------------- policy data

const PolicyRefusalCode = builder.enumType('PolicyRefusalCode', {
  description: 'Why a policy file was not loaded.',
  values: {
    NOT_YAML: { description: 'The file is not valid YAML.' },
    INVALID_FORMAT: {
      description: 'The file does not follow the format (policies/README.md): a field, a date, a window.',
    },
    INVALID_REFERENCE: { description: 'The file names a clause, code or key that does not exist, or one taken.' },
    UNFAITHFUL: {
      description:
        'The file does not say what its source document says: a quote not verbatim, or an amount in a quote the rule citing it disagrees with.',
    },
  } satisfies Record<RefusalCode, { description: string }>,
});

const PolicyRefusal = builder.simpleObject('PolicyRefusal', {
  description: 'One problem of a policy file that was not loaded; nothing of that file was stored.',
  fields: (t) => ({
    file: t.string({ description: 'The file under policies/, e.g. "000-taizhou-2017.yaml".' }),
    path: t.string({
      description: 'Where in the file, as a dotted path ("incentives.3.rule"); empty for the whole file.',
    }),
    clause: t.string({ nullable: true, description: 'The clause the item at fault cites, e.g. "二/(一)".' }),
    code: t.field({ type: PolicyRefusalCode, description: 'Which check refused the file.' }),
    message: t.string({ description: 'What is wrong and what to change.' }),
  }),
});

const PolicyReload = builder.simpleObject('PolicyReload', {
  description:
    'What a reload did: policy files loaded anew, those unchanged since the last load, and the problems of the files refused.',
  fields: (t) => ({
    loaded: t.stringList({ description: 'Keys of the policies loaded anew.' }),
    unchanged: t.stringList({ description: 'Keys of the policies whose files had not changed since the last load.' }),
    refused: t.field({
      type: [PolicyRefusal],
      description:
        'Problems of the files not loaded: the version loaded before (if any) keeps serving. Also on /readyz until the next load.',
    }),
  }),
});

builder.mutationField('reloadPolicies', (t) =>
  t.field({
    type: PolicyReload,
    description:
      'Reloads the policy files, each validated completely (format, dates, references, faithfulness to its source) and stored in one transaction; a refused file stores nothing and is listed in `refused`, the others load. Only an invalid shared vocabulary refuses the whole reload. Administrators only.',
    authScopes: { admin: true },
    resolve: async (_root, _args, ctx) => {
      let report;
      try {
        report = await loadPolicyFiles(ctx.db, ctx.policies);
      } catch (error) {
        if (!(error instanceof CorpusError)) throw error;
        throw userError('INVALID_ARGUMENT', 'policies', error.message);
      }
      for (const refusal of report.refused)
        console.warn(`policy file refused (not loaded): ${describeRefusal(refusal)}`);
      await ctx.db.auditEntry.create({
        data: { actor: actorOf(ctx).name, action: 'reload', entity: 'Policy', entityId: 0, after: { ...report } },
      });
      return report;
    },
  }),
);
