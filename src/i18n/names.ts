/**
 * The names people read where the engines write codes (椒江区 for zj-taizhou-jiaojiang, 国家级 for a
 * kind's NATIONAL level): one lookup built from the corpus a request already holds in memory
 * (src/scope/corpus-snapshot.ts) or a test has read from the policy files.
 */
import type { Named } from '../engines/message.js';

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
  for (const j of source.jurisdictions) put({ named: 'jurisdiction', code: j.code }, { zh: j.name, en: j.nameEn });
  const kinds = new Map<string, Entry>();
  for (const k of source.kinds) {
    kinds.set(k.code, k);
    put({ named: 'kind', code: k.code }, k);
    for (const l of k.levels) put({ named: 'level', code: l.code, of: k.code }, l);
  }
  for (const i of source.indicators) put({ named: 'indicator', code: i.code }, i);
  for (const i of source.incentives) {
    const kind = kinds.get(i.kind);
    if (kind) put({ named: 'incentive', code: i.key, of: i.policy }, kind);
  }
  return {
    of: (value, locale) => {
      const entry = entries.get(keyOf(value));
      return entry && (locale === 'zh-CN' ? entry.zh : entry.en);
    },
  };
}
