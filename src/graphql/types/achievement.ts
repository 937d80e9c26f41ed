/** Achievements: the node, the list agencies page through, and the writes that record, change and retire one. */
import type { Prisma } from '../../generated/prisma/client.js';
import { isoDay } from '../../dates/index.js';
import { recordAchievement, retireAchievement, updateAchievement } from '../../writes/achievements.js';
import { refuse } from '../../validation/refusal.js';
import { builder, connectionOf, withId } from '../builder.js';
import type { Scope as Context } from '../../scope/scope.js';
import { decodeIdOf } from '../ids.js';
import {
  achievementScopes,
  actorOf,
  checkAchievement,
  checkEnterprise,
  visibleEnterprises,
} from '../../scope/access.js';
import { achievementMeasureFields, definedOnly, IDEMPOTENCY } from '../arguments.js';
import { refusable } from '../payloads.js';
import { kindRow } from '../corpus-rows.js';
import { achievementFilter, AchievementFilter, whereOf } from '../filters.js';
import { AchievementOrderBy, orderOf, pageOf } from '../ordering.js';
import { nestedList } from '../nested.js';

builder.prismaNode('Achievement', {
  id: { field: 'id' },
  authScopes: achievementScopes,
  description:
    'Something an enterprise obtained (an award, a certification, a standard drafted), with the facts rules need.',
  fields: (t) => ({
    enterprise: t.relation('enterprise'),
    kind: t.prismaField({
      type: 'AchievementKind',
      description: 'What kind of achievement it is (中国质量奖 …).',
      select: { kindId: true },
      resolve: (query, achievement, _args, ctx) => kindRow(ctx, query, achievement.kindId),
    }),
    level: t.exposeString('level', { nullable: true }),
    obtainedOn: t.expose('obtainedOn', { type: 'Date' }),
    units: t.exposeInt('units', { nullable: true }),
    costYuan: t.expose('costYuan', { type: 'SafeInt', nullable: true }),
    budgetYuan: t.expose('budgetYuan', { type: 'SafeInt', nullable: true }),
    provincialGrantYuan: t.expose('provincialGrantYuan', { type: 'SafeInt', nullable: true }),
    rank: t.exposeInt('rank', { nullable: true }),
    projectKey: t.exposeString('projectKey', { nullable: true }),
    facts: t.expose('facts', { type: 'JSON' }),
    evidence: t.exposeString('evidence', { nullable: true }),
  }),
});

/** The achievements a filter names among those the caller may see, retired ones left out. */
async function achievementWhere(
  filter: object | null | undefined,
  ctx: Context,
): Promise<Prisma.AchievementWhereInput> {
  return {
    AND: [await whereOf(achievementFilter, filter, ctx), { retiredAt: null, enterprise: visibleEnterprises(ctx, {}) }],
  };
}

builder.prismaObjectField('Enterprise', 'achievements', (t) =>
  nestedList(t, {
    relation: 'achievements',
    type: 'Achievement',
    filter: AchievementFilter,
    orderBy: AchievementOrderBy,
    where: achievementWhere,
    fallback: [{ obtainedOn: 'asc' }],
    description: 'What it has obtained, retired achievements left out, by the day obtained unless orderBy says.',
  }),
);

builder.queryFields((t) => ({
  achievements: t.prismaConnection(
    {
      type: 'Achievement',
      cursor: 'id',
      description:
        'Achievements of the enterprises you may see, retired ones left out, by the day obtained. Agencies and administrators only.',
      authScopes: { agency: true },
      args: {
        filter: t.arg({ type: AchievementFilter }),
        orderBy: t.arg({
          type: [AchievementOrderBy],
          description: 'Keys to order by; the id breaks ties (default: the day obtained).',
        }),
      },
      totalCount: async (_p, { filter }, ctx) =>
        ctx.db.achievement.count({ where: await achievementWhere(filter, ctx) }),
      resolve: async (query, _root, { filter, orderBy }, ctx) =>
        ctx.db.achievement.findMany(
          await pageOf(
            ctx.db,
            'Achievement',
            query,
            await achievementWhere(filter, ctx),
            orderOf(orderBy, [{ obtainedOn: 'asc' }]),
          ),
        ),
    },
    connectionOf('Achievement'),
  ),
}));

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
