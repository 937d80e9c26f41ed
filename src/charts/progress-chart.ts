/**
 * A target's progress as an SVG line chart: the observed series, the target path (the figure of
 * each period, or the straight line from the baseline to the figure), and the deadline. Plain
 * string output, no browser: officers open it as an image, the README embeds one.
 */
import type { TargetInput, TargetProgress } from '../engines/progress/types.js';

const WIDTH = 640;
const HEIGHT = 360;
const MARGIN = { top: 48, right: 24, bottom: 40, left: 64 };
const STATUS_COLOR: Record<string, string> = {
  ACHIEVED: '#1a7f37',
  ON_TRACK: '#1a7f37',
  AT_RISK: '#bf8700',
  MISSED: '#cf222e',
  BREACHED: '#cf222e',
  NO_DATA: '#6e7781',
};

const escapeXml = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
const fmt = (x: number) => String(Math.round(x * 100) / 100);

/** The path the document sets: one point per period figure, preceded by the baseline when known. */
export function targetPath(target: TargetInput, progress: TargetProgress): Array<{ year: number; value: number }> {
  const figures = progress.periods
    .filter((p) => p.targetValue !== null && Number.isFinite(p.year))
    .map((p) => ({ year: p.year, value: p.targetValue! }));
  const single = figures.length === 1 && (target.kind === 'REACH' || target.kind === 'CUMULATIVE');
  if (!single) return figures;
  const start =
    target.kind === 'CUMULATIVE'
      ? { year: (target.from ?? Number(target.policyEffectiveFrom.slice(0, 4))) - 1, value: 0 }
      : (target.baseline ?? progress.series[0] ?? null);
  return start && start.year < figures[0]!.year ? [start, ...figures] : figures;
}

export function progressChartSvg(target: TargetInput, progress: TargetProgress, unitLabel: string): string {
  const path = targetPath(target, progress);
  const deadlineYear = target.deadline ? Number(target.deadline.slice(0, 4)) : null;
  const years = [
    ...progress.series.map((p) => p.year),
    ...path.map((p) => p.year),
    ...(deadlineYear ? [deadlineYear] : []),
  ];
  const values = [...progress.series.map((p) => p.value), ...path.map((p) => p.value)];
  const minYear = Math.min(...years, Infinity) === Infinity ? new Date().getUTCFullYear() : Math.min(...years);
  const maxYear = Math.max(minYear + 1, ...years);
  const low = values.length ? Math.min(...values) : 0;
  const high = values.length ? Math.max(...values) : 1;
  const pad = (high - low) * 0.1 || Math.abs(high) * 0.05 || 1;
  const [yMin, yMax] = [low - pad, high + pad];
  const x = (year: number) =>
    MARGIN.left + ((year - minYear) / (maxYear - minYear)) * (WIDTH - MARGIN.left - MARGIN.right);
  const y = (value: number) =>
    HEIGHT - MARGIN.bottom - ((value - yMin) / (yMax - yMin)) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  const line = (points: Array<{ year: number; value: number }>) =>
    points.map((p) => `${fmt(x(p.year))},${fmt(y(p.value))}`).join(' ');

  const yTicks = Array.from({ length: 5 }, (_, i) => yMin + ((yMax - yMin) * i) / 4);
  const xTicks = Array.from({ length: maxYear - minYear + 1 }, (_, i) => minYear + i);
  const color = STATUS_COLOR[progress.status] ?? '#6e7781';
  const title = `${target.summary} — ${progress.jurisdiction}: ${progress.status}`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="18" font-size="13" font-weight="bold">${escapeXml(target.summary)}</text>`,
    `<text x="${MARGIN.left}" y="34" fill="${color}">${escapeXml(`${progress.jurisdiction} · ${progress.status} · ${target.policyKey} ${target.clausePath}`)}</text>`,
    ...yTicks.map(
      (v) =>
        `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" stroke="#eaeef2"/><text x="${MARGIN.left - 6}" y="${fmt(y(v) + 4)}" text-anchor="end">${fmt(v)}</text>`,
    ),
    ...xTicks.map(
      (yr) => `<text x="${fmt(x(yr))}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${yr}</text>`,
    ),
    `<text x="12" y="${MARGIN.top - 8}">${escapeXml(unitLabel)}</text>`,
  ];
  if (deadlineYear !== null)
    parts.push(
      `<g class="deadline"><line x1="${fmt(x(deadlineYear))}" x2="${fmt(x(deadlineYear))}" y1="${MARGIN.top}" y2="${HEIGHT - MARGIN.bottom}" stroke="#cf222e" stroke-dasharray="4 3"/><text x="${fmt(x(deadlineYear) - 4)}" y="${MARGIN.top + 10}" text-anchor="end" fill="#cf222e">deadline ${escapeXml(target.deadline!)}</text></g>`,
    );
  if (path.length)
    parts.push(
      `<g class="target"><polyline points="${line(path)}" fill="none" stroke="#0969da" stroke-width="2" stroke-dasharray="6 4"/>${path.map((p) => `<circle cx="${fmt(x(p.year))}" cy="${fmt(y(p.value))}" r="3" fill="#0969da"><title>target ${p.year}: ${fmt(p.value)}</title></circle>`).join('')}</g>`,
    );
  if (progress.series.length)
    parts.push(
      `<g class="observed"><polyline points="${line(progress.series)}" fill="none" stroke="${color}" stroke-width="2.5"/>${progress.series.map((p) => `<circle cx="${fmt(x(p.year))}" cy="${fmt(y(p.value))}" r="4" fill="${color}"><title>observed ${p.year}: ${fmt(p.value)}</title></circle>`).join('')}</g>`,
    );
  else
    parts.push(
      `<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle" fill="#6e7781">no observations yet</text>`,
    );
  parts.push(
    `<g class="legend" transform="translate(${WIDTH - MARGIN.right - 180},${MARGIN.top})"><line x1="0" x2="24" y1="0" y2="0" stroke="${color}" stroke-width="2.5"/><text x="30" y="4">observed</text><line x1="0" x2="24" y1="16" y2="16" stroke="#0969da" stroke-width="2" stroke-dasharray="6 4"/><text x="30" y="20">target path</text></g>`,
    '</svg>',
  );
  return parts.join('\n');
}
