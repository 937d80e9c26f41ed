/** The engines' traces in the English catalogue, for tests that read the words (src/i18n/trace.ts). */
import type { Entitlement, TraceStep } from '../../src/engines/entitlement/types.js';
import type { Phrase } from '../../src/engines/message.js';
import type { PeriodProgress, ProgressStep, TargetProgress } from '../../src/engines/progress/types.js';
import { messagesFor } from '../../src/i18n/index.js';
import * as trace from '../../src/i18n/trace.js';

const en = messagesFor('en');

export const explain = (e: Entitlement) => trace.explainEntitlement(e, en);
export const explainProgress = (p: TargetProgress) => trace.explainProgress(p, en);
export const stepText = (s: TraceStep) => trace.renderStep(s, en);
export const progressStepText = (s: ProgressStep) => trace.renderProgressStep(s, en);
export const phraseText = (p: Phrase) => trace.renderPhrase(p, en);
/** A period with its reason and the figure's source in words. */
export const periodInWords = (p: PeriodProgress | undefined) =>
  p && { ...p, reason: phraseText(p.reason), targetSource: p.targetSource && phraseText(p.targetSource) };
