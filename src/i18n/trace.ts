/**
 * The engines' traces in words: steps, reasons and explanations rendered from the catalogue in the
 * reader's language. The engines write codes and values (src/engines/message.ts says how each kind
 * of value reads); every word is here or in the catalogues.
 */
import type { Opportunity } from '../engines/entitlement/opportunities.js';
import type { Entitlement, TraceStep } from '../engines/entitlement/types.js';
import {
  incentiveName,
  isNamed,
  jurisdictionName,
  kindName,
  levelName,
  term,
  type MessageValue,
  type Phrase,
} from '../engines/message.js';
import { SEVERITY, type ProgressStep, type TargetProgress } from '../engines/progress/types.js';
import type { MessageId, Messages } from './index.js';

function valueOf(name: string, value: MessageValue, messages: Messages): string | number {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return name.endsWith('Yuan') ? messages.money(value) : value;
  if (typeof value === 'string') return value;
  if (isNamed(value)) return messages.name(value);
  if (Array.isArray(value))
    return value
      .map((item: MessageValue) => valueOf(name, item, messages))
      .join(messages.t(`join.${name}` as MessageId));
  return renderPhrase(value as Phrase, messages);
}

/** A phrase through its message; its values first (money, nested phrases, lists). */
export function renderPhrase(phrase: Phrase, messages: Messages): string {
  const values = Object.fromEntries(
    Object.entries(phrase.values).map(([name, value]) => [name, valueOf(name, value, messages)]),
  );
  return messages.t(phrase.id as MessageId, values);
}

/** An entitlement step: the message `step.<code>`. */
export const renderStep = (step: TraceStep, messages: Messages) =>
  renderPhrase({ id: `step.${step.code}`, values: step.values }, messages);

const periodCodes: ReadonlySet<string> = new Set(SEVERITY);

/** A progress step: `progressStep.<code>`, a period's (its code is its status) `progressStep.PERIOD`. */
export const renderProgressStep = (step: ProgressStep, messages: Messages) =>
  renderPhrase(
    { id: `progressStep.${periodCodes.has(step.code) ? 'PERIOD' : step.code}`, values: step.values },
    messages,
  );

/** The whole trace of an entitlement as text an officer can read beside the clause. */
export function explainEntitlement(e: Entitlement, messages: Messages): string {
  const line = (id: string, values: Phrase['values']) => renderPhrase({ id, values }, messages);
  const lines = [
    line('explain.head', {
      policy: e.policyKey,
      clause: e.clausePath,
      incentive: incentiveName(e.policyKey, e.incentiveKey),
      achievement: e.achievementId,
      eligibility: term(`explain.eligibility.${e.eligibility}`),
      reason: e.reason ? term(`ineligible.${e.reason}`) : null,
    }),
    line('explain.quote', { quote: e.quote }),
    ...e.steps.map((s) => line('explain.step', { step: renderStep(s, messages) })),
  ];
  if (e.missing.length) lines.push(line('explain.missing', { missing: e.missing }));
  if (e.eligibility === 'ELIGIBLE')
    lines.push(
      line('explain.total', {
        amount:
          e.amountYuan === null
            ? term(`explain.nature.${e.nature}`)
            : { id: 'explain.amount', values: { upTo: e.nature === 'UP_TO', amountYuan: e.amountYuan } },
        disposition: e.disposition === 'COUNTED' ? null : term(`explain.disposition.${e.disposition}`),
        payer: e.payer ? term(`explain.payer.${e.payer}`) : null,
      }),
    );
  return lines.join('\n');
}

/** An opportunity as text: what it adds and how long it is open, then its entitlement's trace. */
export function explainOpportunity(o: Opportunity, messages: Messages): string {
  const line = (id: string, values: Phrase['values']) => renderPhrase({ id, values }, messages);
  const { achievement: a, gain } = o;
  const own = o.entitlements[0]!;
  const benefits = gain.unspecifiedCount + gain.nonMonetaryCount;
  const amount: Phrase =
    gain.exactYuan !== 0
      ? { id: 'opportunity.gain.money', values: { amountYuan: gain.exactYuan } }
      : gain.upToYuan !== 0
        ? { id: 'opportunity.gain.upTo', values: { amountYuan: gain.upToYuan } }
        : { id: 'opportunity.gain.none', values: { benefits: String(benefits) } };
  const conditions = Object.keys(a.facts ?? {});
  const lines = [
    line('opportunity.head', {
      kind: kindName(a.kind),
      level: a.level ? levelName(a.kind, a.level) : null,
      units: a.units == null ? null : String(a.units),
      rank: a.rank == null ? null : String(a.rank),
      policy: o.policyKey,
      clause: own.clausePath,
      gain: amount,
    }),
    ...(o.upgrades === null ? [] : [line('opportunity.upgrade', { id: o.upgrades })]),
    ...(o.furtherUnitYuan === null ? [] : [line('opportunity.further', { furtherUnitYuan: o.furtherUnitYuan })]),
    line('opportunity.window', {
      window: { id: 'phrase.window', values: { from: o.window.from, until: o.window.until } },
      daysLeft: o.window.daysLeft === null ? null : String(o.window.daysLeft),
      asOf: a.obtainedOn ?? null,
    }),
    ...(o.payableOn === a.obtainedOn ? [] : [line('opportunity.payable', { payableOn: o.payableOn })]),
    ...(conditions.length ? [line('opportunity.assumes', { conditions })] : []),
  ];
  return [...lines, explainEntitlement(own, messages)].join('\n');
}

/** A target's progress as text: where it stands, then every step. */
export function explainProgress(progress: TargetProgress, messages: Messages): string {
  const head = renderPhrase(
    {
      id: 'explainProgress.head',
      values: {
        target: progress.targetKey,
        jurisdiction: jurisdictionName(progress.jurisdiction),
        status: term(`status.${progress.status}`),
      },
    },
    messages,
  );
  const steps = progress.steps.map((s) =>
    renderPhrase({ id: 'explain.step', values: { step: renderProgressStep(s, messages) } }, messages),
  );
  return [head, ...steps].join('\n');
}
