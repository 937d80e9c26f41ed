/**
 * All districts of a target side by side: for each, its figure and its observed value for the
 * latest period that has started (the latest one observed, if any), the observed bar coloured by
 * the district's status; districts behind (AT_RISK, MISSED, BREACHED, as Target.districtsBehind)
 * have their name in red and bold, with the status under it.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { PeriodProgress, TargetInput, TargetProgress } from '../engines/progress/types.js';
import { SEVERITY } from '../engines/progress/types.js';
import type { Messages } from '../i18n/index.js';
import { figure, STATUS_COLOR, type ChartNames } from './progress-chart.js';
import { CONFIG, renderSvg } from './vega.js';

export const BEHIND = new Set(['AT_RISK', 'MISSED', 'BREACHED']);
const FIGURE_COLOR = '#9ec5fe';
const STEP = 96;
const HEIGHT = 280;

/** The period a district is compared on: the latest started one with an observation, else the latest started. */
function shownPeriod(progress: TargetProgress, asOf: string): PeriodProgress | undefined {
  const started = progress.periods.filter((p) => p.start <= asOf);
  return started.findLast((p) => p.observed !== null) ?? started.at(-1) ?? progress.periods[0];
}

export function districtChartSpec(
  target: TargetInput,
  districts: TargetProgress[],
  names: ChartNames,
  asOf: string,
  m: Messages,
): TopLevelSpec {
  const unit = m.t(`unit.${target.indicator.unit}`);
  const figureSeries = m.t('chart.districts.figure');
  const observedSeries = m.t('chart.districts.observed');
  const statusName = (s: string) => m.t(`progressStatus.${s}` as Parameters<Messages['t']>[0]);
  const name = (code: string) => names.jurisdictions.get(code) ?? code;
  const bars = districts.flatMap((d) => {
    const period = shownPeriod(d, asOf);
    if (!period) return [];
    const status = statusName(d.status);
    const bar = (series: string, value: number | null, key: string) =>
      value === null
        ? []
        : [
            {
              district: name(d.jurisdiction),
              series,
              key,
              value,
              label: figure(value),
              description: m.t('chart.districts.bar', {
                district: name(d.jurisdiction),
                year: period.year,
                series,
                value: figure(value),
                unit,
                status,
              }),
            },
          ];
    return [...bar(figureSeries, period.targetValue, figureSeries), ...bar(observedSeries, period.observed, status)];
  });
  const behind = districts.filter((d) => BEHIND.has(d.status)).map((d) => name(d.jurisdiction));
  const statusLine = Object.fromEntries(districts.map((d) => [name(d.jurisdiction), statusName(d.status)]));
  const keys = [figureSeries, ...SEVERITY.map(statusName)];
  const isBehind = `indexof(${JSON.stringify(behind)}, datum.value) >= 0`;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: CONFIG,
    width: Math.max(360, STEP * districts.length),
    height: HEIGHT,
    title: {
      text: m.t('chart.districts.title', { indicator: names.indicator }),
      subtitle: [
        m.t('chart.districts.subtitle', { asOf, behind: behind.length }),
        m.t('chart.clause', { policy: names.policy, clause: target.clausePath }),
        `“${target.quote}”`,
      ],
      limit: Math.max(360, STEP * districts.length),
      color: '#24292f',
    },
    data: { values: bars },
    layer: [
      {
        name: 'bars',
        mark: { type: 'bar', opacity: 1 },
        encoding: {
          x: {
            field: 'district',
            type: 'nominal',
            sort: districts.map((d) => name(d.jurisdiction)),
            scale: { domain: districts.map((d) => name(d.jurisdiction)) },
            title: m.t('chart.districts.axis'),
            axis: {
              labelAngle: 0,
              labelExpr: `[datum.value, ${JSON.stringify(statusLine)}[datum.value]]`,
              labelColor: { condition: { test: isBehind, value: STATUS_COLOR.MISSED }, value: '#24292f' },
              labelFontWeight: { condition: { test: isBehind, value: 'bold' }, value: 'normal' },
              labelOverlap: false,
              labelLimit: STEP - 8,
            },
          },
          xOffset: { field: 'series', type: 'nominal', sort: [figureSeries, observedSeries] },
          y: {
            field: 'value',
            type: 'quantitative',
            title: `${names.indicator}（${unit}）`,
            // Room above the tallest bar for its label.
            scale: { domainMax: Math.max(0, ...bars.map((b) => b.value)) * 1.12 || 1 },
          },
          color: {
            field: 'key',
            type: 'nominal',
            title: null,
            legend: { values: keys.filter((k) => bars.some((b) => b.key === k)) },
            scale: {
              domain: keys,
              range: [FIGURE_COLOR, ...SEVERITY.map((s) => STATUS_COLOR[s]!)],
            },
          },
          description: { field: 'description' },
        },
      },
      ...(bars.length
        ? []
        : [
            {
              data: { values: [{ text: m.t('chart.districts.empty') }] },
              mark: {
                type: 'text' as const,
                fontSize: 16,
                fontWeight: 'bold' as const,
                color: STATUS_COLOR.NO_DATA,
                x: Math.max(360, STEP * districts.length) / 2,
                y: HEIGHT / 2,
              },
              encoding: { text: { field: 'text' } },
            },
          ]),
    ],
  };
  return spec as TopLevelSpec;
}

export const districtChartSvg = (...args: Parameters<typeof districtChartSpec>) =>
  renderSvg(districtChartSpec(...args), { layer: 'bars', field: 'label', anchor: ['top'], offset: [3] });
