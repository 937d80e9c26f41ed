import { builder } from '../builder.js';

builder.prismaNode('Clause', {
  id: { field: 'id' },
  description: 'A numbered clause of a policy (一、/(四)/1.) with its original text.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'Numbers from the top, joined by "/": "二/(四)".' }),
    number: t.exposeString('number', { description: 'The number as the document prints it.' }),
    heading: t.exposeString('heading', { nullable: true }),
    text: t.exposeString('text', { description: 'The original text (原文).' }),
    policy: t.relation('policy'),
    parent: t.relation('parent', { nullable: true }),
    children: t.relation('children', { query: { orderBy: { position: 'asc' } } }),
    incentives: t.relation('incentives', { query: { orderBy: { position: 'asc' } } }),
    targets: t.relation('targets', { query: { orderBy: { position: 'asc' } } }),
  }),
});
