/**
 * GET /charts/targets/<Target id>.svg?jurisdiction=<code>&asOf=<YYYY-MM-DD>: a target's progress for
 * its scope or one district; GET /charts/targets/<Target id>/districts.svg?asOf=: all its districts
 * side by side. SVG rendered on the server, in Chinese.
 */
import { districtChartSvg } from '../charts/district-chart.js';
import { progressChartSvg, type ChartNames } from '../charts/progress-chart.js';
import { isCalendarDay, today } from '../dates/index.js';
import type { Db } from '../db/client.js';
import { userError } from '../graphql/errors.js';
import { decodeIdOf } from '../graphql/ids.js';
import { phrase } from '../engines/message.js';
import { messagesFor } from '../i18n/index.js';
import { PUBLIC_CALLER } from '../scope/caller.js';
import type { Loaders } from '../scope/loaders.js';
import { createScope } from '../scope/scope.js';
import { districtsOf, targetProgress } from '../evaluation/progress.js';

function asOfOf(query: Record<string, unknown>): string {
  const asOf = typeof query.asOf === 'string' ? query.asOf : today();
  if (!isCalendarDay(asOf))
    throw userError('INVALID_ARGUMENT', 'asOf', phrase('error.NOT_CALENDAR_DAY', { day: asOf }));
  return asOf;
}

/** The target's names (indicator, policy) and its jurisdictions' names; NOT_FOUND for an unknown target. */
async function chartNames(db: Db, targetId: number): Promise<ChartNames> {
  const [row, jurisdictions] = await Promise.all([
    db.target.findUnique({
      where: { id: targetId },
      select: { indicator: { select: { zh: true } }, policy: { select: { title: true } } },
    }),
    db.jurisdiction.findMany({ select: { code: true, name: true } }),
  ]);
  if (!row) throw userError('NOT_FOUND', 'id', phrase('error.NO_TARGET', { id: targetId }));
  return {
    indicator: row.indicator.zh,
    policy: row.policy.title,
    jurisdictions: new Map(jurisdictions.map((j) => [j.code, j.name])),
  };
}

async function checkedJurisdiction(loaders: Loaders, query: Record<string, unknown>): Promise<string | null> {
  const jurisdiction = typeof query.jurisdiction === 'string' ? query.jurisdiction : null;
  if (jurisdiction && !(await loaders.jurisdictions()).some((j) => j.code === jurisdiction))
    throw userError('NOT_FOUND', 'jurisdiction', phrase('error.UNKNOWN_JURISDICTION', { code: jurisdiction }));
  return jurisdiction;
}

export async function targetChart(db: Db, file: string, query: Record<string, unknown>): Promise<string> {
  if (!file.endsWith('.svg')) throw userError('NOT_FOUND', 'path', phrase('error.CHART_FILE'));
  const targetId = decodeIdOf('Target', file.slice(0, -'.svg'.length), 'id');
  const asOf = asOfOf(query);
  const { loaders } = createScope(db, PUBLIC_CALLER);
  const jurisdiction = await checkedJurisdiction(loaders, query);
  const names = await chartNames(db, targetId);
  const { target, progress } = await targetProgress(loaders, targetId, { asOf, jurisdiction });
  return progressChartSvg(target, progress, names, asOf, messagesFor('zh-CN'));
}

export async function districtsChart(db: Db, id: string, query: Record<string, unknown>): Promise<string> {
  const targetId = decodeIdOf('Target', id, 'id');
  const asOf = asOfOf(query);
  const { loaders } = createScope(db, PUBLIC_CALLER);
  const names = await chartNames(db, targetId);
  const target = await loaders.targetInput.load(targetId);
  const districts = await Promise.all(
    (await districtsOf(loaders, target)).map(
      async (jurisdiction) => (await targetProgress(loaders, targetId, { asOf, jurisdiction })).progress,
    ),
  );
  return districtChartSvg(target, districts, names, asOf, messagesFor('zh-CN'));
}
