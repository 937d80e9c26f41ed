/**
 * The names people read where the engines write codes (椒江区 for zj-taizhou-jiaojiang, 国家级 for a
 * kind's NATIONAL level): one lookup built from the corpus a request already holds in memory
 * (src/scope/corpus-snapshot.ts) or a test has read from the policy files.
 */
import { incentiveName, indicatorName, jurisdictionName, kindName, levelName, type Named } from '../engines/message.js';

interface Entry {
  zh: string;
  en: string;
}

/** What the names are read from: the vocabulary's rows, or the policy files' declarations. */
export interface NameSource {
  jurisdictions: Iterable<{ code: string; name: string; nameEn: string }>;
  kinds: Iterable<{
    code: string;
    zh: string;
    en: string;
    levels: readonly { code: string; zh: string; en: string }[];
  }>;
  indicators: Iterable<{ code: string; zh: string; en: string }>;
  /** Each policy's incentives with the kind they reward: an incentive reads as its kind's name, as exports name it. */
  incentives: Iterable<{ policy: string; key: string; kind: string }>;
}

export interface Names {
  /** The name of a code in a language; undefined where the corpus names none. */
  of(value: Named, locale: 'zh-CN' | 'en'): string | undefined;
}

const keyOf = (value: Named) =>
  value.of === undefined ? `${value.named}:${value.code}` : `${value.named}:${value.of}|${value.code}`;

export function corpusNames(source: NameSource): Names {
  const entries = new Map<string, Entry>();
  const put = (value: Named, entry: Entry) => entries.set(keyOf(value), entry);
  for (const j of source.jurisdictions) put(jurisdictionName(j.code), { zh: j.name, en: j.nameEn });
  const kinds = new Map<string, Entry>();
  for (const k of source.kinds) {
    kinds.set(k.code, k);
    put(kindName(k.code), k);
    for (const l of k.levels) put(levelName(k.code, l.code), l);
  }
  for (const i of source.indicators) put(indicatorName(i.code), i);
  for (const i of source.incentives) {
    const kind = kinds.get(i.kind);
    if (kind) put(incentiveName(i.policy, i.key), kind);
  }
  return {
    of: (value, locale) => {
      const entry = entries.get(keyOf(value));
      return entry && (locale === 'zh-CN' ? entry.zh : entry.en);
    },
  };
}
