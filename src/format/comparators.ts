/**
 * The comparator a target's sentence states: 超过/突破 (strictly more) is not 以上/不少于 (at least),
 * and 以内/不超过 (at most) is not 低于 (strictly less). Read by the corpus check, which compares it
 * with the encoding, and by the progress engine, which names the word in its steps.
 */
import type { TargetDef } from './policy.js';

export type Comparator = TargetDef['comparator'];

/** In words, for steps and reasons. */
export const COMPARATOR_TEXT: Record<Comparator, string> = {
  GTE: 'at least',
  GT: 'more than',
  LTE: 'at most',
  LT: 'less than',
};

/** Whether `observed` meets `figure` by the comparator. */
export function meets(comparator: Comparator, observed: number, figure: number): boolean {
  switch (comparator) {
    case 'GTE':
      return observed >= figure;
    case 'GT':
      return observed > figure;
    case 'LTE':
      return observed <= figure;
    case 'LT':
      return observed < figure;
  }
}

/** GTE and GT goals are met from below; LTE and LT ceilings from above. */
export const isCeiling = (comparator: Comparator) => comparator === 'LTE' || comparator === 'LT';

/**
 * The words, longest first where one contains another (不超过 before 超过, 达到或高于 before 高于).
 * A null comparator marks a phrase that looks like one but is not: 规模以上 (above-scale
 * enterprises) and 省级以上 (provincial level or higher) qualify who is counted, not the figure.
 * 以上/以下/以内 count only right after a number and its unit (600家以上, 98%、99%以上).
 */
const WORDS: Array<[RegExp, Comparator | null]> = [
  [/[规規]模以上|[级級]以上/g, null],
  [/[达達]到或(?:高[于於]|超[过過])/g, 'GTE'],
  [/不超[过過]|不高[于於]|不多[于於]/g, 'LTE'],
  [/不少[于於]|不低[于於]|至少|[达達]到|[达達](?=\d)/g, 'GTE'],
  [/超[过過]|突破|多[于於]|高[于於]|超(?=\d)/g, 'GT'],
  [/低[于於]|少[于於]/g, 'LT'],
  [/杜[绝絕]|不出[现現]|不[发發]生/g, 'LTE'],
  [/(?<=\d[%％]?[^\d,，。;；、]{0,3})以上/g, 'GTE'],
  [/(?<=\d[%％]?[^\d,，。;；、]{0,3})(?:以下|以[内內])/g, 'LTE'],
];

export interface ComparatorWord {
  word: string;
  comparator: Comparator;
  at: number;
}

/** Every comparator word of a text, in order; a word inside a longer one counts once, as the longer. */
export function comparatorWords(text: string): ComparatorWord[] {
  const taken = new Uint8Array(text.length);
  const found: ComparatorWord[] = [];
  for (const [pattern, comparator] of WORDS) {
    for (const match of text.matchAll(pattern)) {
      const at = match.index;
      if (taken.subarray(at, at + match[0].length).some(Boolean)) continue;
      taken.fill(1, at, at + match[0].length);
      if (comparator) found.push({ word: match[0], comparator, at });
    }
  }
  return found.sort((a, b) => a.at - b.at);
}

const SCALES: Record<string, number> = { 亿: 1e8, 億: 1e8, 万: 1e4, 萬: 1e4 };
const NUMBER = /\d+(?:\.\d+)?(?:[万萬亿億])?/g;

/**
 * The comparator the sentence states for a target's figures: in each part of the sentence (between
 * commas and full stops) that writes one of the figures, the word nearest to it; the parts must
 * agree. A sentence whose figures stand apart from any word (5个, 全部) falls back to the words of
 * the whole sentence, when they agree. Null when the sentence states none, or states several.
 */
export function statedComparator(quote: string, figures: number[]): ComparatorWord | null {
  const text = quote.replace(/(\d),(?=\d{3}(?!\d))/g, '$1'); // 10,000人次: a thousands separator, not a comma
  const parts: Array<{ start: number; end: number }> = [];
  for (let start = 0, i = 0; i <= text.length; i++) {
    if (i === text.length || /[,，。;；!！?？]/.test(text[i]!)) {
      parts.push({ start, end: i });
      start = i + 1;
    }
  }
  const words = comparatorWords(text);
  const chosen: ComparatorWord[] = [];
  for (const part of parts) {
    const inPart = words.filter((w) => w.at >= part.start && w.at < part.end);
    const positions = [...text.slice(part.start, part.end).matchAll(NUMBER)]
      .filter((m) => {
        const scale = SCALES[m[0].slice(-1)] ?? 1;
        return figures.some((f) => Math.abs(Number.parseFloat(m[0]) * scale - f) < 1e-9);
      })
      .map((m) => part.start + m.index);
    if (positions.length === 0 || inPart.length === 0) continue;
    const distance = (w: ComparatorWord) => Math.min(...positions.map((p) => Math.abs(w.at - p)));
    chosen.push(inPart.reduce((best, w) => (distance(w) < distance(best) ? w : best)));
  }
  const pool = chosen.length ? chosen : words;
  if (pool.length === 0) return null;
  return pool.every((w) => w.comparator === pool[0]!.comparator) ? pool[0]! : null;
}

/** 每个县(市、区), 各县(市、区), 各区, 县市区: a figure each county or district owes, not the city. */
export const EACH_JURISDICTION_WORDS = /每[个個][县縣区區]|各[县縣区區]|[县縣]市[区區]|[县縣]\(市、[区區]\)/;
