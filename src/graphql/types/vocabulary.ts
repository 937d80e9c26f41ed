import { builder, connectionOf } from '../builder.js';
import { userError } from '../errors.js';
import { phrase } from '../../engines/message.js';
import { IndicatorUnitEnum } from './enums.js';

builder.prismaObject('AchievementLevel', {
  description: 'A level or tier of an achievement kind (国家级, 提名奖, AAAA级 …).',
  fields: (t) => ({
    code: t.exposeString('code'),
    zh: t.exposeString('zh'),
    en: t.exposeString('en'),
  }),
});

builder.prismaNode('AchievementKind', {
  id: { field: 'id' },
  description:
    'A kind of achievement rewarded by policies (中国质量奖, 浙江制造认证 …); shared across policies so they can be compared.',
  fields: (t) => ({
    code: t.exposeString('code'),
    zh: t.exposeString('zh', { description: 'Chinese label.' }),
    en: t.exposeString('en', { description: 'English name.' }),
    description: t.exposeString('description', { nullable: true }),
    levels: t.relation('levels', { query: { orderBy: { position: 'asc' } } }),
  }),
});

builder.prismaNode('Indicator', {
  id: { field: 'id' },
  description: 'What a target measures (制造业产品质量合格率 …) and its unit.',
  fields: (t) => ({
    code: t.exposeString('code'),
    zh: t.exposeString('zh'),
    en: t.exposeString('en'),
    unit: t.expose('unit', { type: IndicatorUnitEnum }),
    targets: t.relation('targets', { query: { orderBy: { id: 'asc' } } }),
  }),
});

builder.queryFields((t) => ({
  achievementKind: t.prismaField({
    type: 'AchievementKind',
    description: 'An achievement kind by its code, e.g. CHINA_QUALITY_AWARD.',
    args: { code: t.arg.string({ required: true }) },
    resolve: async (query, _root, { code }, { db }) => {
      const found = await db.achievementKind.findUnique({ ...query, where: { code } });
      if (!found) throw userError('NOT_FOUND', 'code', phrase('error.NO_KIND', { code }));
      return found;
    },
  }),
  achievementKinds: t.prismaConnection(
    {
      type: 'AchievementKind',
      cursor: 'id',
      description: 'The achievement-kind vocabulary, with Chinese labels.',
      totalCount: (_p, _a, { db }) => db.achievementKind.count(),
      resolve: (query, _root, _args, { db }) => db.achievementKind.findMany({ ...query, orderBy: { id: 'asc' } }),
    },
    connectionOf('AchievementKind'),
  ),
  indicators: t.prismaConnection(
    {
      type: 'Indicator',
      cursor: 'id',
      description: 'The indicator vocabulary: what targets measure (指标), with Chinese names and units.',
      totalCount: (_p, _a, { db }) => db.indicator.count(),
      resolve: (query, _root, _args, { db }) => db.indicator.findMany({ ...query, orderBy: { id: 'asc' } }),
    },
    connectionOf('Indicator'),
  ),
}));
