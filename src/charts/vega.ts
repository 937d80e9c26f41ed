/**
 * Vega-Lite specifications rendered to SVG on the server (vega's string renderer, no canvas, no
 * browser). Without a canvas vega estimates text widths at 0.8 em a character, which is too wide for
 * digits and too narrow for Chinese: the estimate here follows the font the charts name (Noto Sans
 * CJK, installed with fonts-noto-cjk), so that titles are truncated, axis labels thinned and value
 * labels placed by vega's own layout against the widths a browser will draw.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { isWide } from '../i18n/width.js';

export const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif';

/** Noto Sans CJK's advances: a full em for Chinese, about 0.6 em for Latin letters and digits. */
function estimatedWidth(item: { fontSize?: number; fontWeight?: string | number }, text: unknown): number {
  const size = item.fontSize ?? 11;
  let ems = 0;
  for (const char of String(text ?? '')) ems += isWide(char) ? 1 : 0.6;
  return ems * size * (item.fontWeight === 'bold' || Number(item.fontWeight) >= 600 ? 1.05 : 1);
}
// vega reads this object's `width` for every text measure; its typings do not declare it.
(vega as unknown as { textMetrics: { width: typeof estimatedWidth } }).textMetrics.width = estimatedWidth;

export const CONFIG = {
  font: FONT,
  background: '#ffffff',
  padding: 12,
  title: { anchor: 'start', fontSize: 15, subtitleFontSize: 12, subtitleColor: '#57606a', offset: 12 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelOverlap: 'greedy', labelBound: true },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom', direction: 'horizontal', symbolStrokeWidth: 2 },
  view: { stroke: null },
} as const;

/**
 * Value labels beside the items of a mark, placed by vega's label transform: each label takes the
 * first free anchor around its item, and one that fits nowhere is hidden (opacity 0), so no two
 * labels overlap. The items' own outlines are not avoided: that needs a canvas.
 */
export interface ValueLabels {
  /** The `name` of the Vega-Lite layer whose items are labelled (its marks are `<name>_marks`). */
  layer: string;
  /** The field of each datum holding its label. */
  field: string;
  anchor: string[];
  offset: number[];
}

export async function renderSvg(spec: TopLevelSpec, labels?: ValueLabels): Promise<string> {
  const compiled = compile(spec).spec;
  if (labels)
    compiled.marks = [
      ...(compiled.marks ?? []),
      {
        type: 'text',
        name: `${labels.layer}_labels`,
        from: { data: `${labels.layer}_marks` },
        encode: {
          enter: {
            text: { field: `datum.${labels.field}` },
            fill: { signal: 'datum.fill === "transparent" ? datum.stroke : datum.fill' },
            font: { value: FONT },
            fontSize: { value: 11 },
          },
        },
        transform: [
          {
            type: 'label',
            size: { signal: '[width, height]' },
            anchor: labels.anchor,
            offset: labels.offset,
            avoidBaseMark: false,
          },
        ],
      } as vega.Mark,
    ];
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
