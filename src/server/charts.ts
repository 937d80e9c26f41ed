/** GET /charts/targets/<Target id>.svg?jurisdiction=<code>&asOf=<YYYY-MM-DD>: a target's progress as SVG. */
import { progressChartSvg } from '../charts/progress-chart.js';
import type { Db } from '../db/client.js';
import { userError } from '../graphql/errors.js';
import { decodeIdOf } from '../graphql/ids.js';
import { isoDay } from '../loaders/engine-inputs.js';
import { createLoaders } from '../loaders/index.js';
import { targetProgress } from '../loaders/progress.js';

export async function targetChart(db: Db, file: string, query: Record<string, unknown>): Promise<string> {
  if (!file.endsWith('.svg')) throw userError('NOT_FOUND', 'path', 'charts are served as <id>.svg');
  const targetId = decodeIdOf('Target', file.slice(0, -'.svg'.length), 'id');
  const asOf = typeof query.asOf === 'string' ? query.asOf : isoDay(new Date());
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf)))
    throw userError('INVALID_ARGUMENT', 'asOf', `"${asOf}" is not a date (YYYY-MM-DD)`);
  const jurisdiction = typeof query.jurisdiction === 'string' ? query.jurisdiction : null;
  const loaders = createLoaders(db);
  if (jurisdiction && !(await loaders.jurisdictions()).some((j) => j.code === jurisdiction))
    throw userError('NOT_FOUND', 'jurisdiction', `unknown jurisdiction "${jurisdiction}"`);
  if (!(await db.target.findUnique({ where: { id: targetId }, select: { id: true } })))
    throw userError('NOT_FOUND', 'id', `no target ${targetId}`);
  const { target, progress } = await targetProgress(loaders, targetId, { asOf, jurisdiction });
  const unit = {
    PERCENT: '%',
    COUNT: 'count',
    PERSON_TIMES: 'person-times',
    YUAN: '元',
    SCORE: 'score',
    RATIO: 'ratio',
    DAYS: 'days',
  }[target.indicator.unit];
  return progressChartSvg(target, progress, `${target.indicator.code} (${unit})`);
}
