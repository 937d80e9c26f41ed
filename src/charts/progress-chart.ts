/**
 * A target's progress as a Vega-Lite chart: the observed series, the target path (the figure of
 * each period, or the straight line from the baseline to the figure), the baseline where there is
 * one (基期: a diamond of its own colour at its year, labelled "2016年基期 89%") and the deadline,
 * titled in Chinese (the indicator, the jurisdiction, the policy and its clause), the value axis in
 * the indicator's unit. Rendered to SVG on the server (vega.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { yearOf } from '../dates/index.js';
import type { TargetInput, TargetProgress } from '../engines/progress/types.js';
import type { Messages } from '../i18n/index.js';
import { CONFIG, renderSvg } from './vega.js';

/** The names a chart shows, read beside the engine's inputs (which carry codes only). */
export interface ChartNames {
  /** The indicator's Chinese name (制造业产品质量合格率). */
  indicator: string;
  /** The policy's title. */
  policy: string;
  /** Jurisdiction code → its name (台州市, 椒江区). */
  jurisdictions: ReadonlyMap<string, string>;
}

export const STATUS_COLOR: Record<string, string> = {
  ACHIEVED: '#1a7f37',
  ON_TRACK: '#2da44e',
  AT_RISK: '#bf8700',
  MISSED: '#cf222e',
  BREACHED: '#a40e26',
  NO_DATA: '#8c959f',
};
const TARGET_COLOR = '#0969da';
const DEADLINE_COLOR = '#cf222e';
/** The baseline is no observed year: a colour of its own, and a diamond. */
const BASELINE_COLOR = '#8250df';
export const WIDTH = 600;
const HEIGHT = 300;

/** A figure as people write it: at most four decimals, thousands grouped (1,234,567). */
export const figure = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 4 });

/**
 * The path the document sets: one point per period figure, preceded for a single goal by where the
 * engine's straight path starts (zero for a cumulative goal, the baseline, else the first observed).
 */
export function targetPath(target: TargetInput, progress: TargetProgress): Array<{ year: number; value: number }> {
  const figures = progress.periods
    .filter((p) => p.targetValue !== null && Number.isFinite(p.year))
    .map((p) => ({ year: p.year, value: p.targetValue! }));
  const single = figures.length === 1 && (target.kind === 'REACH' || target.kind === 'CUMULATIVE');
  if (!single) return figures;
  const start =
    target.kind === 'CUMULATIVE'
      ? { year: (target.from ?? yearOf(target.policyEffectiveFrom)) - 1, value: 0 }
      : (progress.baseline ?? progress.series[0] ?? null);
  return start && start.year < figures[0]!.year ? [start, ...figures] : figures;
}

export function progressChartSpec(
  target: TargetInput,
  progress: TargetProgress,
  names: ChartNames,
  asOf: string,
  m: Messages,
): TopLevelSpec {
  const unit = m.t(`unit.${target.indicator.unit}`);
  const observed = m.t('chart.series.observed');
  const path = m.t('chart.series.target');
  const deadlineYear = target.deadline ? yearOf(target.deadline) : null;
  const deadline = target.deadline ? m.t('chart.series.deadline', { date: target.deadline }) : null;
  const point = (series: string) => (p: { year: number; value: number }) => ({
    series,
    year: p.year,
    value: p.value,
    label: figure(p.value),
    description: m.t('chart.point', { series, year: p.year, value: figure(p.value), unit }),
  });
  const { baseline } = progress;
  const basePoint = baseline && {
    ...point(m.t('chart.series.baseline'))(baseline),
    label: m.t('chart.baseline', { year: baseline.year, value: figure(baseline.value), unit }),
  };
  const lines = [...targetPath(target, progress).map(point(path)), ...progress.series.map(point(observed))];
  // The path starts at the baseline: its point there is the baseline's, labelled once.
  const atBase = (p: { year: number }) => p.year === baseline?.year;
  const points = basePoint ? [basePoint, ...lines.filter((p) => p.series !== path || !atBase(p))] : lines;
  const years = [
    ...points.map((p) => p.year),
    ...(deadlineYear ? [deadlineYear] : []),
    yearOf(target.policyEffectiveFrom),
  ];
  // Each series with its colour and dash; the baseline only where there is one.
  const styles: Array<[string, string, number[]]> = [
    [observed, STATUS_COLOR[progress.status]!, [1, 0]],
    [path, TARGET_COLOR, [6, 4]],
    ...(basePoint ? [[basePoint.series, BASELINE_COLOR, [1, 0]] as [string, string, number[]]] : []),
    ...(deadline ? [[deadline, DEADLINE_COLOR, [4, 3]] as [string, string, number[]]] : []),
  ];
  const series = styles.map(([name]) => name);
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: series, range: styles.map(([, colour]) => colour) },
  } as const;
  const strokeDash = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: series, range: styles.map(([, , dash]) => dash) },
  } as const;
  const x = {
    field: 'year',
    type: 'quantitative',
    title: m.t('chart.axis.year'),
    scale: { domain: [Math.min(...years), Math.max(Math.min(...years) + 1, ...years)], nice: false },
    axis: { format: 'd', tickMinStep: 1, labelFlush: true },
  } as const;
  const y = {
    field: 'value',
    type: 'quantitative',
    title: m.t('chart.axis.value', { indicator: names.indicator, unit }),
    // Nothing to scale (a district with neither figure nor observation): an empty frame, no ticks.
    ...(points.length
      ? { scale: { zero: false, nice: true, padding: 16 } }
      : { scale: { domain: [0, 1] }, axis: { labels: false, ticks: false, grid: false } }),
  } as const;
  const status = m.t(`progressStatus.${progress.status}`);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: CONFIG,
    width: WIDTH,
    height: HEIGHT,
    title: {
      text: m.t('chart.title', {
        indicator: names.indicator,
        jurisdiction: names.jurisdictions.get(progress.jurisdiction) ?? progress.jurisdiction,
      }),
      subtitle: [
        m.t('chart.subtitle', { asOf, status }),
        m.t('chart.clause', { policy: names.policy, clause: target.clausePath }),
        `“${target.quote}”`,
      ],
      limit: WIDTH,
      color: '#24292f',
      subtitleColor: '#57606a',
    },
    description: `${names.indicator}: ${status}`,
    layer: [
      {
        data: { values: lines },
        mark: { type: 'line', strokeWidth: 2.5 },
        encoding: { x, y, color, strokeDash, detail: { field: 'series' } },
      },
      {
        name: 'points',
        data: { values: points },
        mark: { type: 'point', filled: true, size: 60, opacity: 1 },
        encoding: {
          x,
          y,
          color,
          description: { field: 'description' },
          ...(basePoint && {
            shape: {
              condition: { test: `datum.series === ${JSON.stringify(basePoint.series)}`, value: 'diamond' },
              value: 'circle',
            },
            size: {
              condition: { test: `datum.series === ${JSON.stringify(basePoint.series)}`, value: 110 },
              value: 60,
            },
          }),
        },
      },
      ...(deadline
        ? [
            {
              data: { values: [{ year: deadlineYear, series: deadline, description: deadline }] },
              mark: { type: 'rule' as const, strokeWidth: 1.5 },
              encoding: { x, color, strokeDash, description: { field: 'description' } },
            },
          ]
        : []),
      ...(progress.series.length
        ? []
        : [
            {
              data: { values: [{ text: m.t('chart.empty') }] },
              mark: {
                type: 'text' as const,
                fontSize: 20,
                fontWeight: 'bold' as const,
                color: STATUS_COLOR.NO_DATA,
                x: WIDTH / 2,
                y: HEIGHT / 2,
              },
              encoding: { text: { field: 'text' } },
            },
          ]),
    ],
  } as TopLevelSpec;
}

export const progressChartSvg = (...args: Parameters<typeof progressChartSpec>) =>
  renderSvg(progressChartSpec(...args), {
    layer: 'points',
    field: 'label',
    anchor: ['top', 'bottom', 'right', 'left', 'top-right', 'top-left', 'bottom-right', 'bottom-left'],
    offset: [5],
  });
