import { builder, connectionOf } from '../builder.js';
import { userError } from '../errors.js';
import { phrase } from '../../engines/message.js';
import { JurisdictionKindEnum } from './enums.js';

builder.prismaNode('Jurisdiction', {
  id: { field: 'id' },
  description: 'A province, city, district, county or zone (省/市/区/县/园区); a tree.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'Stable code, e.g. "zj-taizhou-jiaojiang".' }),
    name: t.exposeString('name', { description: 'Chinese name, e.g. 椒江区.' }),
    nameEn: t.exposeString('nameEn'),
    kind: t.expose('kind', { type: JurisdictionKindEnum }),
    parent: t.relation('parent', { nullable: true }),
    children: t.relation('children', { query: { orderBy: { id: 'asc' } } }),
  }),
});

builder.queryFields((t) => ({
  jurisdiction: t.prismaField({
    type: 'Jurisdiction',
    description: 'A jurisdiction by its code.',
    args: { code: t.arg.string({ required: true }) },
    resolve: async (query, _root, { code }, { db }) => {
      const found = await db.jurisdiction.findUnique({ ...query, where: { code } });
      if (!found) throw userError('NOT_FOUND', 'code', phrase('error.NO_JURISDICTION', { code }));
      return found;
    },
  }),
  jurisdictions: t.prismaConnection(
    {
      type: 'Jurisdiction',
      cursor: 'id',
      description: 'All jurisdictions, optionally of one kind.',
      args: { kind: t.arg({ type: JurisdictionKindEnum }) },
      totalCount: (_parent, { kind }, { db }) => db.jurisdiction.count({ where: { kind: kind ?? undefined } }),
      resolve: (query, _root, { kind }, { db }) =>
        db.jurisdiction.findMany({ ...query, where: { kind: kind ?? undefined }, orderBy: { id: 'asc' } }),
    },
    connectionOf('Jurisdiction'),
  ),
}));
