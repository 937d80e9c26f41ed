/**
 * Observations: values of an indicator for a jurisdiction and year, with their source, recorded all
 * or none by recordObservations (src/observations/record.ts); corrections supersede and keep the history.
 */
import { recordObservations } from '../../observations/record.js';
import { Refused } from '../../validation/refusal.js';
import { actorOf } from '../../scope/access.js';
import { assertSees } from '../access.js';
import { builder, connectionOf, withId } from '../builder.js';
import { observationFilter, ObservationFilter, whereOf } from '../filters.js';
import { ObservationOrderBy, orderOf, pageOf } from '../ordering.js';
import { decodeIdOf, encodeId } from '../ids.js';
import { refusable } from '../payloads.js';

const ObservationInputType = builder.inputType('RecordObservationInput', {
  description: 'One value of an indicator to record, with its source.',
  fields: (t) => ({
    indicator: t.string({ required: true, description: 'An indicator code, e.g. MANUFACTURING_PRODUCT_PASS_RATE.' }),
    jurisdiction: t.string({ required: true, description: 'A jurisdiction code, e.g. gd-foshan-nanhai.' }),
    year: t.int({ required: true, description: 'The calendar year the value is for.' }),
    value: t.float({ required: true, description: 'Percentages as numbers (95 for 95%).' }),
    source: t.string({ required: true, description: 'Who reported it (统计公报, 区市场监管局 …).' }),
    supersedes: t.id({
      description: 'The ID of the observation this one corrects; both stay in history, the latest counts.',
    }),
  }),
});

builder.prismaNode('Observation', {
  // Observations are public (src/scope/access.ts), so node(id) answers one to every caller.
  id: { field: 'id' },
  description: 'A value of an indicator for a jurisdiction and year, with its source; corrections keep the history.',
  fields: (t) => ({
    indicator: t.relation('indicator'),
    jurisdiction: t.relation('jurisdiction'),
    year: t.exposeInt('year'),
    value: t.exposeFloat('value'),
    source: t.exposeString('source'),
    recordedAt: t.expose('recordedAt', { type: 'Date', description: 'The day the value was recorded (UTC).' }),
    supersedes: t.relation('supersedes', { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  observations: t.prismaConnection(
    {
      type: 'Observation',
      cursor: 'id',
      description:
        'Recorded values of every indicator (public, as the targets are), corrections and the values they replace included: by indicator, jurisdiction, year; filter by indicator, jurisdiction (and everything under it), year, value or source.',
      args: {
        filter: t.arg({ type: ObservationFilter }),
        orderBy: t.arg({
          type: [ObservationOrderBy],
          description: 'Keys to order by; the id breaks ties (default: by indicator, jurisdiction, then year).',
        }),
      },
      totalCount: async (_p, { filter }, ctx) =>
        ctx.db.observation.count({ where: await whereOf(observationFilter, filter, ctx) }),
      resolve: async (query, _root, { filter, orderBy }, ctx) =>
        ctx.db.observation.findMany(
          await pageOf(
            ctx.db,
            'Observation',
            query,
            await whereOf(observationFilter, filter, ctx),
            orderOf(orderBy, [{ indicatorId: 'asc' }, { jurisdictionId: 'asc' }, { year: 'asc' }]),
          ),
        ),
    },
    connectionOf('Observation'),
  ),
}));

builder.mutationField('recordObservations', (t) =>
  t.prismaField({
    type: ['Observation'],
    errors: refusable('The observations as recorded, in the order given'),
    description:
      'Records indicator values, all or none: an unknown indicator or jurisdiction, a year outside every target of the indicator, a percentage over 100, or a second value from the same source for the same period (unless it names the one it corrects) is refused with the row and field.',
    args: {
      input: t.arg({ type: [ObservationInputType], required: true }),
      idempotencyKey: t.arg.string({ description: 'A retried request with the same key and input is applied once.' }),
    },
    authScopes: { agency: true },
    resolve: async (query, _root, { input, idempotencyKey }, ctx) => {
      const tree = await ctx.loaders.jurisdictions();
      input.forEach((row, i) => {
        const place = tree.find((j) => j.code === row.jurisdiction);
        if (place) assertSees(ctx, place.id, `input[${i}].jurisdiction`);
      });
      const ids = await recordObservations(
        ctx.db,
        input.map(({ supersedes, ...row }, i) => ({
          ...row,
          supersedes: supersedes ? decodeIdOf('Observation', supersedes, `input[${i}].supersedes`) : undefined,
        })),
        actorOf(ctx),
        idempotencyKey,
        (id) => encodeId('Observation', id),
      ).catch((error: unknown) => {
        if (!(error instanceof Refused)) throw error;
        // The batch names rows and columns; a GraphQL client's field is the input path (input[1].value).
        throw new Refused(
          error.refusals.map((r) =>
            r.row === undefined ? r : { ...r, field: `input[${r.row - 1}]${r.field === 'row' ? '' : `.${r.field}`}` },
          ),
        );
      });
      return ctx.db.observation.findMany({ ...withId(query), where: { id: { in: ids } }, orderBy: { id: 'asc' } });
    },
  }),
);
