/**
 * The one YAML style of the policy files and of the format guide's example (policies/README.md):
 * keys in the order the format declares them; text copied from the document or written about it
 * (clause numbers and paths, text, quotes, summaries, notes, reasons) in double quotes, so a sentence
 * is pasted without asking whether YAML would misread it, and everything else (codes, slugs, names,
 * dates, amounts) plain where YAML allows; flow sequences as `[a, b]` and flow mappings as
 * `{ key: value }`, each on one line; block sequences indented under their key. `policyStyle` rewrites a file into it without changing
 * what the file says; `npm run corpus:check` reports a file that is not in it.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  CST,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  parse,
  parseDocument,
  Scalar,
  visit,
  type Node,
  type YAMLMap,
} from 'yaml';
import {
  achievementKindDef,
  amendmentDef,
  incentiveDef,
  indicatorDef,
  jurisdictionDef,
  notARewardDef,
  policyFileDef,
  questionDef,
  targetDef,
  type ClauseDef,
} from '../format/policy.js';

const orderOf = (shape: Record<string, unknown>) => Object.keys(shape);
const CLAUSE_ORDER = ['number', 'heading', 'text', 'children'] satisfies Array<keyof ClauseDef>;

/** The key order of each list of records, as the format declares its fields. */
const LIST_ORDER: Record<string, string[]> = {
  jurisdictions: orderOf(jurisdictionDef.shape),
  achievementKinds: orderOf(achievementKindDef.shape),
  indicators: orderOf(indicatorDef.shape),
  incentives: orderOf(incentiveDef.shape),
  targets: orderOf(targetDef.shape),
  notRewards: orderOf(notARewardDef.shape),
  // An amendment's keys in order cover a version's, of an incentive or of the policy.
  versions: orderOf(amendmentDef.shape),
  amends: orderOf(amendmentDef.shape),
  questions: orderOf(questionDef.shape),
  clauses: CLAUSE_ORDER,
  children: CLAUSE_ORDER,
};

function sortKeys(map: YAMLMap, order: string[]) {
  const rank = (key: unknown) => {
    const at = order.indexOf(String(isScalar(key) ? key.value : key));
    return at < 0 ? order.length : at;
  };
  // Array.prototype.sort is stable: keys the format does not know keep their place after the known ones.
  map.items.sort((a, b) => rank(a.key) - rank(b.key));
}

function orderRecords(node: Node | null | undefined) {
  if (!isMap(node)) return;
  for (const pair of node.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const order = LIST_ORDER[name];
    if (!order || !isSeq(pair.value)) continue;
    for (const item of pair.value.items)
      if (isMap(item)) {
        sortKeys(item, order);
        orderRecords(item);
      }
  }
}

/** The keys whose string values are text (verbatim or prose), in double quotes; `notes` holds a list of them. */
const TEXT_KEYS = new Set([
  'titleEn',
  'notes',
  'number',
  'heading',
  'text',
  'clause',
  'quote',
  'summary',
  'description',
  'benefit',
  'reason',
  'note',
  'question',
  'questionEn',
]);

/** The lexer's markers (document start, scalar, error end, byte order mark), which are not source text. */
const MARKERS = new Set(['doc-mode', 'scalar', 'flow-error-end', 'byte-order-mark']);

/**
 * `[ a, b ]` → `[a, b]`: the yaml library pads flow sequences as it pads flow mappings. Read as
 * tokens, so a `[ ` inside a quoted sentence is left alone.
 */
function unpadSequences(text: string) {
  const tokens = [...new Lexer().lex(text)];
  return tokens
    .filter((token, i) => {
      const type = CST.tokenType(token);
      if (type && MARKERS.has(type)) return false;
      if (type !== 'space') return true;
      return tokens[i - 1] !== '[' && tokens[i + 1] !== ']';
    })
    .join('');
}

export function policyStyle(text: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length) throw doc.errors[0]!;
  if (isMap(doc.contents)) sortKeys(doc.contents, orderOf(policyFileDef.shape));
  orderRecords(doc.contents);
  visit(doc, {
    Scalar(_, node, path) {
      if (typeof node.value !== 'string') return;
      // The pair this value belongs to, directly or as an item of its list (notes).
      const owner = path.findLast(isPair);
      const key = owner && isScalar(owner.key) ? String(owner.key.value) : '';
      const isText = owner?.key !== node && TEXT_KEYS.has(key);
      // Plain where YAML allows it: the library quotes what a plain scalar cannot hold.
      node.type = isText ? Scalar.QUOTE_DOUBLE : Scalar.PLAIN;
    },
  });
  const styled = unpadSequences(
    doc.toString({ lineWidth: 0, flowCollectionPadding: true, indentSeq: true, singleQuote: false }),
  );
  if (!isDeepStrictEqual(parse(styled), parse(text)))
    throw new Error('restyling would change what the file says; fix the YAML by hand');
  return styled;
}

/** The YAML examples of a Markdown guide, each as its fenced block holds it. */
export const guideExamples = (markdown: string) =>
  [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
