/**
 * The charts in a real browser (Debian's Chromium through puppeteer-core): each kind — a progress
 * chart with data, one with a base year, one with nothing observed, a district comparison — served
 * by a live server, and generated charts (fast-check: close values, long Chinese names, every unit,
 * with and without a base year) rendered by the same functions. From the page: no two text boxes overlap, and the Chinese glyphs are drawn with
 * fonts-noto-cjk (the platform font Chromium used for them), each a full em wide, as the server's
 * layout assumed. Screenshots go to test-results/browser/.
 */
import { mkdirSync } from 'node:fs';
import fc from 'fast-check';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { districtChartSvg } from '../../src/charts/district-chart.js';
import { progressChartSvg } from '../../src/charts/progress-chart.js';
import type { ProgressStatus, TargetInput, TargetProgress } from '../../src/engines/progress/types.js';
import { SEVERITY } from '../../src/engines/progress/types.js';
import { RecordObservationsDocument, TargetProgressDocument } from '../../src/generated/operations.js';
import { messagesFor } from '../../src/i18n/index.js';
import { startTestServer, type TestServer } from '../support/server.js';

const ARTIFACTS = 'test-results/browser';
const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');

interface Box {
  text: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * Every visible text element's box, in page pixels: the advance the browser laid out, and the em
 * square around each line's baseline (0.88 em above, 0.12 below: where Noto CJK draws its glyphs).
 * The font's line box (1.45 em tall) would make a title and the subtitle under it "overlap" where
 * nothing touches. Rotated text (the y axis title) keeps its whole bounding box.
 */
const textBoxes = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('text')].flatMap((text) => {
      const style = getComputedStyle(text);
      let opacity = 1;
      for (let node: Element | null = text; node; node = node.parentElement)
        opacity *= Number(node.getAttribute('opacity') ?? 1);
      const content = text.textContent?.trim() ?? '';
      if (!content || opacity === 0 || style.display === 'none' || style.visibility === 'hidden') return [];
      const rect = text.getBoundingClientRect();
      const ctm = text.getScreenCTM()!;
      const size = parseFloat(style.fontSize);
      if (Math.abs(ctm.b) > 1e-6 || text.getNumberOfChars() === 0)
        return [{ text: content, left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom }];
      const baseline = (i: number) => text.getStartPositionOfChar(i).matrixTransform(ctm).y;
      return [
        {
          text: content,
          left: rect.left,
          right: rect.right,
          top: baseline(0) - 0.88 * size * ctm.d,
          bottom: baseline(text.getNumberOfChars() - 1) + 0.12 * size * ctm.d,
        },
      ];
    }),
  );

function overlaps(boxes: Box[]): string[] {
  const found = [];
  for (const [i, a] of boxes.entries())
    for (const b of boxes.slice(i + 1)) {
      const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (dx > 0.5 && dy > 0.5) found.push(`"${a.text}" × "${b.text}" (${dx.toFixed(1)} × ${dy.toFixed(1)} px)`);
    }
  return found;
}

/** The platform fonts Chromium drew an element's text with (DevTools' "Rendered fonts"). */
async function renderedFonts(page: Page, selector: string) {
  const cdp = await page.createCDPSession();
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  await cdp.detach();
  return fonts;
}

describe('charts in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let passRate = '';
  let leaders = '';
  let officers = '';

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer('embedded');
    const id = async (policy: string, key: string) =>
      globalId('Target', (await server.db.target.findFirstOrThrow({ where: { key, policy: { key: policy } } })).id);
    passRate = await id('taizhou-2017-quality', 'manufacturing-pass-rate-2020');
    leaders = await id('foshan-2017-industrial-quality', 'segment-leading-enterprises-districts-yearly');
    officers = await id('foshan-2017-industrial-quality', 'chief-quality-officer-enterprises-2019');
    const quotas: Record<string, [number, number]> = {
      'gd-foshan-chancheng': [25, 25],
      'gd-foshan-nanhai': [40, 40],
      'gd-foshan-shunde': [36, 35],
      'gd-foshan-gaoming': [15, 10],
      'gd-foshan-sanshui': [16, 16],
    };
    const { data, errors } = await server.request(RecordObservationsDocument, {
      input: [
        ...[92, 93, 93.4].map((value, i) => ({
          indicator: 'MANUFACTURING_PRODUCT_PASS_RATE',
          jurisdiction: 'zj-taizhou',
          year: 2017 + i,
          value,
          source: '台州市统计公报',
        })),
        ...Object.entries(quotas).flatMap(([jurisdiction, values]) =>
          values.map((value, i) => ({
            indicator: 'SEGMENT_LEADING_ENTERPRISES',
            jurisdiction,
            year: 2017 + i,
            value,
            source: '区市场监管局',
          })),
        ),
        // 翻一番 to 450 by 2019: the base year 2016's 225 (the document states no baseline), then 290 and 360.
        ...[225, 290, 360].map((value, i) => ({
          indicator: 'CHIEF_QUALITY_OFFICER_ENTERPRISES',
          jurisdiction: 'gd-foshan',
          year: 2016 + i,
          value,
          source: '佛山市市场监管局',
        })),
      ],
    });
    expect([errors, data!.recordObservations.__typename]).toEqual([undefined, 'RecordObservationsPayload']);
    browser = await puppeteer.launch({
      executablePath: inject('chromiumPath'),
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 700 });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Opens a chart URL of the server, checks it from the page, and saves a screenshot. */
  async function open(path: string, screenshot: string) {
    const response = await page.goto(`${server.url}${path}`);
    expect([response?.status(), response?.headers()['content-type']]).toEqual([200, 'image/svg+xml; charset=utf-8']);
    const boxes = await textBoxes(page);
    expect(overlaps(boxes), path).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/${screenshot}` });
    return boxes.map((b) => b.text);
  }

  it('draws the pass-rate chart with data: Chinese titles, values labelled, nothing overlapping', async () => {
    const { data } = await server.request(TargetProgressDocument, { id: passRate, asOf: '2019-12-31' });
    if (data!.node?.__typename !== 'Target') throw new Error('expected a Target');
    const texts = await open(data!.node.progress.chartUrl, 'chart-progress.png');
    expect(texts).toEqual(
      expect.arrayContaining(['制造业产品质量合格率 · 台州市', '93.4', '95', '观测值', '目标路径', '截止 2020-12-31']),
    );
    expect(texts).toContain('制造业产品质量合格率（%）');
  });

  it('draws the Chinese with fonts-noto-cjk, a full em per character', async () => {
    await page.goto(`${server.url}/charts/targets/${passRate}.svg?asOf=2019-12-31`);
    const fonts = await renderedFonts(page, '.role-title-text text');
    const title = '制造业产品质量合格率 · 台州市';
    const cjk = [...title].filter((c) => /\p{Script=Han}/u.test(c)).length;
    expect(fonts.find((f) => /Noto Sans CJK/.test(f.familyName))?.glyphCount).toBeGreaterThanOrEqual(cjk);
    // A tofu box would be drawn by no font at all (or by a fallback's .notdef): every glyph is in Noto.
    expect(fonts.map((f) => f.familyName).every((name) => /Noto Sans CJK/.test(name))).toBe(true);
    const width = await page.$eval('.role-title-text text', (text) => ({
      advance: (text as SVGTextElement).getSubStringLength(0, 10),
      size: parseFloat(getComputedStyle(text).fontSize),
    }));
    expect(width.advance / (10 * width.size)).toBeCloseTo(1, 2); // 制造业产品质量合格率: ten full ems
  });

  it('draws the base year before the path, as the baseline (基期), its label apart from the others', async () => {
    const { data } = await server.request(TargetProgressDocument, { id: officers, asOf: '2018-12-31' });
    if (data!.node?.__typename !== 'Target') throw new Error('expected a Target');
    const texts = await open(data!.node.progress.chartUrl, 'chart-baseline.png');
    expect(texts).toEqual(expect.arrayContaining(['2016年基期 225个', '基期', '290', '360', '450', '目标路径']));
    // A diamond of its own colour at 2016, left of every observed year and of the path's figure.
    const marks = await page.$$eval('.points_marks path', (paths) =>
      paths.map((p) => ({
        label: p.getAttribute('aria-label'),
        fill: p.getAttribute('fill'),
        x: p.getBoundingClientRect().left,
      })),
    );
    const base = marks.find((mark) => mark.label === '基期 2016年：225个')!;
    expect(base.fill).toBe('#8250df');
    const others = marks.filter((mark) => mark !== base);
    expect(others.map((mark) => mark.label).sort()).toEqual([
      '目标路径 2019年：450个',
      '观测值 2017年：290个',
      '观测值 2018年：360个',
    ]);
    expect(others.every((mark) => mark.x > base.x && mark.fill !== base.fill)).toBe(true);
  });

  it('draws the empty state for a district with nothing observed', async () => {
    const texts = await open(
      `/charts/targets/${passRate}.svg?jurisdiction=zj-taizhou-jiaojiang&asOf=2019-12-31`,
      'chart-empty.png',
    );
    expect(texts).toEqual(expect.arrayContaining(['制造业产品质量合格率 · 椒江区', '无观测数据']));
  });

  it('draws the district comparison of 004 with 高明 behind', async () => {
    const { data } = await server.request(TargetProgressDocument, { id: leaders, asOf: '2018-12-31' });
    if (data!.node?.__typename !== 'Target') throw new Error('expected a Target');
    const texts = await open(data!.node.progress.districtsChartUrl, 'chart-districts.png');
    // Two-line axis labels (name, then status) are one text element each.
    expect(texts).toEqual(expect.arrayContaining(['高明区进度滞后', '15', '10']));
    const gaoming = await page.$$eval('.role-axis-label text', (labels) =>
      labels
        .filter((l) => l.textContent?.startsWith('高明区'))
        .map((l) => [l.getAttribute('fill'), l.getAttribute('font-weight')]),
    );
    expect(gaoming).toEqual([['#cf222e', 'bold']]);
  });

  it('keeps text apart in generated charts: close values, long names, every unit and status', async () => {
    const m = messagesFor('zh-CN');
    const name = fc.string({
      unit: fc.constantFrom(...'制造业产品质量合格率椒江区台州市人民政府关于推进品牌标准化'),
      minLength: 2,
      maxLength: 24,
    });
    const status = fc.constantFrom<ProgressStatus>(...SEVERITY);
    const unit = fc.constantFrom<TargetInput['indicator']['unit']>(
      'PERCENT',
      'COUNT',
      'YUAN',
      'PERSON_TIMES',
      'SCORE',
      'RATIO',
      'DAYS',
    );
    const value = fc.double({ min: 90, max: 100, noNaN: true }).map((v) => Math.round(v * 100) / 100);
    const chart = fc.record({
      indicator: name,
      policy: name,
      quote: name,
      unit,
      status,
      figure: value,
      series: fc.array(value, { minLength: 0, maxLength: 6 }),
      baseline: fc.option(value, { nil: null }),
      districts: fc.array(
        fc.record({
          name: fc.string({
            unit: fc.constantFrom(...'椒江黄岩路桥临海温岭玉环天台仙居三门'),
            minLength: 2,
            maxLength: 6,
          }),
          status,
          figure: value,
          observed: fc.option(value),
        }),
        { minLength: 1, maxLength: 9 },
      ),
    });
    const samples = fc.sample(chart, { seed: 2026_12_01, numRuns: 12 });
    await page.goto('about:blank');
    // The check itself sees an overlap where there is one.
    await page.setContent(
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><text x="10" y="30" font-size="14">制造业</text><text x="30" y="36" font-size="14">合格率</text></svg>',
    );
    expect(overlaps(await textBoxes(page))).toHaveLength(1);
    for (const [i, c] of samples.entries()) {
      const target: TargetInput = {
        key: 't',
        policyKey: 'p',
        clausePath: '一/(二)',
        quote: c.quote,
        summary: 's',
        indicator: { code: 'X', unit: c.unit },
        kind: 'ANNUAL_ADDITIONS',
        comparator: 'GTE',
        per: 'SCOPE',
        appliesTo: [],
        value: c.figure,
        benchmark: null,
        jurisdiction: 'city',
        baseline: null,
        from: 2017,
        to: 2022,
        deadline: '2022-12-31',
        schedule: [],
        policyEffectiveFrom: '2017-01-01',
        versions: [],
      };
      const period = (year: number, targetValue: number, observed: number | null, s: ProgressStatus) => ({
        year,
        start: `${year}-01-01`,
        end: `${year}-12-31`,
        targetValue,
        targetSource: null,
        observed,
        observedThrough: observed === null ? null : year,
        derivedFromDistricts: false,
        expected: null,
        share: null,
        projection: null,
        status: s,
        reason: { id: 'reason.NO_FIGURE', values: { jurisdiction: 'city' } },
      });
      const progress: TargetProgress = {
        targetKey: 't',
        policyKey: 'p',
        jurisdiction: 'city',
        status: c.status,
        periods: c.series.map((v, y) => period(2017 + y, c.figure, v, c.status)),
        series: c.series.map((v, y) => ({ year: 2017 + y, value: v })),
        baseline: c.baseline === null ? null : { year: 2016, value: c.baseline },
        steps: [],
      };
      const districts = c.districts.map((d, j) => ({
        ...progress,
        jurisdiction: `d${j}`,
        status: d.status,
        periods: [period(2018, d.figure, d.observed, d.status)],
      }));
      const names = {
        indicator: c.indicator,
        policy: c.policy,
        jurisdictions: new Map([
          ['city', '台州市'],
          ...c.districts.map((d, j): [string, string] => [`d${j}`, `${d.name}${j}区`]),
        ]),
      };
      for (const [kind, svg] of [
        ['progress', await progressChartSvg(target, progress, names, '2019-12-31', m)],
        ['districts', await districtChartSvg(target, districts, names, '2019-12-31', m)],
      ] as const) {
        await page.setContent(`<!doctype html><meta charset="utf-8"><body style="margin:0">${svg}</body>`);
        const boxes = await textBoxes(page);
        expect(boxes.length, `${kind} ${i}`).toBeGreaterThan(5);
        expect(overlaps(boxes), `${kind} ${i}: ${JSON.stringify(c)}`).toEqual([]);
        if (i === 0) await page.screenshot({ path: `${ARTIFACTS}/chart-generated-${kind}.png` });
      }
    }
  }, 120_000);
});
