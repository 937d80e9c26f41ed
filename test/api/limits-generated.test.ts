/**
 * Generated documents against the request limits: fragments nested and spread more than once,
 * aliases, inline fragments, variables with and without defaults (sent or omitted), connections with
 * and without a page size. The cost the server reports must equal a reference computed here by
 * plain expansion of the document, the answer must follow from that cost, no answer may be a 5xx
 * or INTERNAL_SERVER_ERROR, and no document may take long, however much its fragments multiply.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../src/graphql/builder.js';
import { LIMITS } from '../../src/graphql/limits.js';
import { startTestServer, type TestServer } from '../support/server.js';

type Page = { kind: 'none' } | { kind: 'literal'; value: number } | { kind: 'variable'; index: number };
type Selection =
  | { kind: 'leaf'; aliased: boolean }
  | { kind: 'object'; aliased: boolean }
  | { kind: 'connection'; field: 'incentives' | 'targets'; page: Page }
  /** targets(first: outer) { edges { node { policy { incentives(first: inner) { edges { node { key } } } } } } } */
  | { kind: 'nested'; outer: Page; inner: Page }
  | { kind: 'spread'; fragment: number }
  | { kind: 'inline'; selections: Selection[] };
interface Variable {
  default: number | null;
  sent: number | null;
}
interface Document {
  variables: Variable[];
  /** Fragment i may spread only fragments below i (validation refuses cycles). */
  fragments: Selection[][];
  selections: Selection[];
}

// Mostly pages a connection serves, large ones often (so that costs pass the limit), sometimes not.
const pageSize = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: MAX_PAGE_SIZE }), weight: 6 },
  { arbitrary: fc.constant(MAX_PAGE_SIZE), weight: 3 },
  { arbitrary: fc.constant(-1), weight: 1 },
  { arbitrary: fc.constant(MAX_PAGE_SIZE + 1), weight: 1 },
);

const documentArb: fc.Arbitrary<Document> = fc
  .record({
    variables: fc.array(
      fc.record({ default: fc.option(pageSize, { nil: null }), sent: fc.option(pageSize, { nil: null }) }),
      { maxLength: 3 },
    ),
    fragmentCount: fc.integer({ min: 0, max: 7 }),
  })
  .chain(({ variables, fragmentCount }) => {
    const page: fc.Arbitrary<Page> = fc.oneof(
      fc.constant({ kind: 'none' } as const),
      pageSize.map((value) => ({ kind: 'literal', value }) as const),
      ...(variables.length
        ? [fc.integer({ min: 0, max: variables.length - 1 }).map((index) => ({ kind: 'variable', index }) as const)]
        : []),
    );
    const selectionsBelow = (fragments: number, minLength: number) =>
      fc.letrec<{ selections: Selection[]; selection: Selection }>((tie) => ({
        selection: fc.oneof(
          { depthSize: 'small', withCrossShrink: true },
          fc.record({ kind: fc.constant('leaf' as const), aliased: fc.boolean() }),
          fc.record({ kind: fc.constant('object' as const), aliased: fc.boolean() }),
          fc.record({
            kind: fc.constant('connection' as const),
            field: fc.constantFrom('incentives' as const, 'targets' as const),
            page,
          }),
          fc.record({ kind: fc.constant('nested' as const), outer: page, inner: page }),
          // Spreads weigh most: their expansion multiplies cost and aliases.
          ...(fragments
            ? [
                {
                  weight: 3,
                  arbitrary: fc.record({
                    kind: fc.constant('spread' as const),
                    fragment: fc.integer({ min: 0, max: fragments - 1 }),
                  }),
                },
              ]
            : []),
          fc.record({
            kind: fc.constant('inline' as const),
            selections: tie('selections') as fc.Arbitrary<Selection[]>,
          }),
        ),
        selections: fc.array(tie('selection') as fc.Arbitrary<Selection>, { minLength, maxLength: 5 }),
      })).selections;
    return fc.record({
      variables: fc.constant(variables),
      fragments: fc.tuple(...Array.from({ length: fragmentCount }, (_, i) => selectionsBelow(i, 2))),
      selections: selectionsBelow(fragmentCount, 1),
    });
  });

/**
 * The document's text. Each aliased or paged field gets its own name, so no two fields conflict;
 * only the variables and fragments used are declared (validation refuses unused ones).
 */
function print(doc: Document): string {
  let names = 0;
  const usedVariables = new Set<number>();
  const usedFragments = new Set<number>();
  const pageArg = (page: Page) => {
    if (page.kind === 'none') return '';
    if (page.kind === 'literal') return `(first: ${page.value})`;
    usedVariables.add(page.index);
    return `(first: $v${page.index})`;
  };
  const text = (selections: Selection[]): string =>
    selections
      .map((s) => {
        switch (s.kind) {
          case 'leaf':
            return s.aliased ? `n${names++}: key` : 'key';
          case 'object':
            return `${s.aliased ? `n${names++}: ` : ''}jurisdiction { code }`;
          case 'connection':
            return `n${names++}: ${s.field}${pageArg(s.page)} { edges { node { key } } }`;
          case 'nested':
            return `n${names++}: targets${pageArg(s.outer)} { edges { node { policy { incentives${pageArg(s.inner)} { edges { node { key } } } } } } }`;
          case 'spread':
            usedFragments.add(s.fragment);
            return `...F${s.fragment}`;
          case 'inline':
            return `... on Policy { ${text(s.selections)} }`;
        }
      })
      .join(' ');
  const operation = text(doc.selections);
  // From the highest down: a fragment only spreads lower ones, so each is reached before it is printed.
  const fragments: string[] = [];
  for (let i = doc.fragments.length - 1; i >= 0; i--)
    if (usedFragments.has(i)) fragments.push(`fragment F${i} on Policy { ${text(doc.fragments[i]!)} }`);
  const declared = [...usedVariables]
    .sort()
    .map((i) => `$v${i}: Int${doc.variables[i]!.default === null ? '' : ` = ${doc.variables[i]!.default}`}`);
  return [
    `query Generated${declared.length ? `(${declared.join(', ')})` : ''} { policy(key: "taizhou-2017-quality") { ${operation} } }`,
    ...fragments,
  ].join('\n');
}

/** What the executor will run, by plain expansion: objects it could return, aliases, pages asked for. */
function reference(doc: Document) {
  const value = (page: Page): number | null => {
    if (page.kind === 'none') return null;
    if (page.kind === 'literal') return page.value;
    const v = doc.variables[page.index]!;
    return v.sent ?? v.default;
  };
  let pageError: string | undefined;
  const items = (page: Page) => {
    const size = value(page);
    if (size !== null && size < 0) pageError ??= 'INVALID_ARGUMENT';
    if (size !== null && size > MAX_PAGE_SIZE) pageError ??= 'PAGE_SIZE_TOO_LARGE';
    return size === null ? DEFAULT_PAGE_SIZE : Math.max(0, size);
  };
  const walk = (selections: Selection[]): { cost: number; aliases: number } =>
    selections.reduce(
      (sum, s) => {
        const add = (cost: number, aliases: number) => ({ cost: sum.cost + cost, aliases: sum.aliases + aliases });
        switch (s.kind) {
          case 'leaf':
            return add(0, s.aliased ? 1 : 0);
          case 'object':
            return add(1, s.aliased ? 1 : 0);
          case 'connection':
            // the connection, then per item of the page its edge and its node
            return add(1 + items(s.page) * 2, 1);
          case 'nested': {
            const outer = items(s.outer); // checked first, as the server walks the outer field first
            // per target: its edge, its node, its policy, and the policy's incentives
            return add(1 + outer * (3 + 1 + items(s.inner) * 2), 1);
          }
          case 'spread': {
            const inner = walk(doc.fragments[s.fragment]!);
            return add(inner.cost, inner.aliases);
          }
          case 'inline': {
            const inner = walk(s.selections);
            return add(inner.cost, inner.aliases);
          }
        }
      },
      { cost: 0, aliases: 0 },
    );
  const inner = walk(doc.selections);
  return { cost: 1 + inner.cost, aliases: inner.aliases, pageError };
}

describe('request limits on generated documents', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('embedded');
  });
  afterAll(() => server?.stop());

  it('reports the cost a plain expansion gives, answers by it, fast, and never with a 5xx', async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(documentArb, async (doc) => {
        const expected = reference(doc);
        const variables = Object.fromEntries(
          doc.variables.flatMap((v, i) => (v.sent === null ? [] : [[`v${i}`, v.sent]])),
        );
        const started = performance.now();
        const response = await server.request(print(doc), variables);
        const ms = performance.now() - started;
        expect(response.status).toBeLessThan(500);
        expect(response.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('INTERNAL_SERVER_ERROR');
        expect(ms).toBeLessThan(3_000); // tens of ms alone; a shared machine is slower
        expect((response.extensions as { cost?: { requested: number } }).cost?.requested).toBe(expected.cost);
        const code =
          expected.aliases > LIMITS.maxAliases
            ? 'TOO_MANY_ALIASES'
            : expected.cost > LIMITS.maxCost
              ? 'QUERY_TOO_COSTLY'
              : expected.pageError;
        expect(response.errors?.[0]?.extensions?.code).toBe(code);
        seen.set(code ?? 'answered', (seen.get(code ?? 'answered') ?? 0) + 1);
      }),
      { seed: 15, numRuns: 80 },
    );
    // The generator reaches every outcome, so each branch above was checked.
    expect([...seen.keys()].sort()).toEqual([
      'INVALID_ARGUMENT',
      'PAGE_SIZE_TOO_LARGE',
      'QUERY_TOO_COSTLY',
      'TOO_MANY_ALIASES',
      'answered',
    ]);
  });

  it('costs doubling fragments of any depth within the token limit in time linear in the document', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 90 }),
        fc.constantFrom('key', 'a: key', 'jurisdiction { code }', 'incentives { totalCount }'),
        async (levels, body) => {
          const text = `{ policy(key: "taizhou-2017-quality") { ...F${levels} } } fragment F0 on Policy { ${body} } ${Array.from(
            { length: levels },
            (_, i) => `fragment F${i + 1} on Policy { ...F${i} ...F${i} }`,
          ).join(' ')}`;
          const started = performance.now();
          const response = await server.request(text);
          expect(performance.now() - started).toBeLessThan(1_000);
          expect(response.status).toBeLessThan(500);
          const copies = 2 ** levels;
          const requested = (response.extensions as { cost?: { requested: number } }).cost?.requested;
          if (body === 'key') expect(requested).toBe(1);
          else if (body === 'a: key')
            expect(response.errors?.[0]?.extensions?.code).toBe(copies > 30 ? 'TOO_MANY_ALIASES' : undefined);
          else expect(requested).toBe(1 + copies);
        },
      ),
      { seed: 15, numRuns: 40 },
    );
  });
});
