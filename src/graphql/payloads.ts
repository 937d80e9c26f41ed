/**
 * What every mutation answers: <Name>Result = <Name>Payload | WriteRefused (names given by the
 * errors plugin, src/graphql/builder.ts). WriteRefused lists every refusal in the one shape all
 * producers share (src/validation/refusal.ts), the shape imports and /readyz answer over HTTP too.
 */
import { REFUSAL_CODES, Refused, type Refusal, type RefusalCode } from '../validation/refusal.js';
import { builder } from './builder.js';
import { renderPhrase } from '../i18n/trace.js';
import { describeRefusal } from '../i18n/refusal.js';

const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description: 'A refusal a client can act on.',
  fields: (t) => ({ message: t.exposeString('message', { description: 'What was wrong, in words.' }) }),
});

const RefusalCodeEnum = builder.enumType('RefusalCode', {
  description: 'Why something was refused; the same codes over GraphQL, imports and /readyz.',
  values: Object.fromEntries(
    Object.entries(REFUSAL_CODES).map(([code, description]) => [code, { description }]),
  ) as Record<RefusalCode, { description: string }>,
});

export const RefusalRef = builder.objectRef<Refusal>('Refusal').implement({
  description:
    'One thing refused: the field at fault, a code, what to change, and where the input has rows or files, which row or file.',
  fields: (t) => ({
    row: t.exposeInt('row', {
      nullable: true,
      description: 'The row of a batch at fault, counted from 1 (input[0] is row 1); null for a single input.',
    }),
    field: t.exposeString('field', {
      description:
        'The input path at fault, e.g. input.creditCode or input[1].value; in a policy file, the dotted path inside it ("incentives.3.rule", empty for the whole file).',
    }),
    code: t.expose('code', { type: RefusalCodeEnum, description: 'What kind of refusal it is.' }),
    message: t.string({
      description: 'What was wrong with it and what to change, in words, in the language of the answer.',
      resolve: (r, _args, ctx) => renderPhrase(r.phrase, ctx.messages),
    }),
    file: t.exposeString('file', {
      nullable: true,
      description: 'The policy file at fault, e.g. "000-taizhou-2017.yaml"; null for other input.',
    }),
    clause: t.exposeString('clause', {
      nullable: true,
      description: 'The clause the item at fault in a policy file cites, e.g. "二/(一)"; null when it cites none.',
    }),
    policy: t.exposeString('policy', {
      nullable: true,
      description:
        'For AMENDMENT_REFUSED: the key of the policy the refused file would have amended, served without the amendment.',
    }),
  }),
});

builder.objectType(Refused, {
  name: 'WriteRefused',
  description: 'The write was refused and nothing was stored; issues lists every refusal.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof Refused,
  fields: (t) => ({
    code: t.field({ type: RefusalCodeEnum, description: 'The code of the first issue.', resolve: (e) => e.code }),
    message: t.string({
      description: 'Every issue in one line, in the language of the answer.',
      resolve: (e, _args, ctx) =>
        e.refusals.map((r) => describeRefusal(r, ctx.messages)).join(ctx.messages.t('join.refusals')),
    }),
    issues: t.field({ type: [RefusalRef], description: 'Every refusal.', resolve: (e) => e.refusals }),
  }),
});

/** The errors-plugin options of a write that may be refused: its result union, success type and data field, described. */
export const refusable = (done: string) => ({
  types: [Refused],
  union: { description: `${done}, or WriteRefused (nothing stored).` },
  result: { description: `The write was applied: ${done.toLowerCase()}.` },
  dataField: { description: `${done}.` },
});
