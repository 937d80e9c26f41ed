/**
 * The landing page: a GraphiQL that works offline (scripts and styles inlined), opening one tab per
 * shared operation, each holding only the fragments it uses (GraphiQL sends the whole tab, and a
 * fragment the operation does not use fails validation) and variables that name real objects of the
 * database it is served from. The tabs, their order and their variables are data:
 * schema/operations/examples.yaml.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { RequestHandler } from 'express';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { encodeId } from '../graphql/ids.js';
import { OPERATIONS_DIR, type PersistedOperation } from './persisted.js';

const KEY_KINDS = ['none', 'agency', 'admin'] as const;

const examplesDef = z.strictObject({
  welcome: z.string(),
  keyNote: z.strictObject({ agency: z.string(), admin: z.string() }),
  examples: z.array(
    z.strictObject({
      operation: z.string(),
      key: z.enum(KEY_KINDS),
      variables: z.record(z.string(), z.unknown()),
    }),
  ),
});
export type Examples = z.infer<typeof examplesDef>;

export const readExamples = (): Examples =>
  examplesDef.parse(parse(readFileSync(`${OPERATIONS_DIR}/examples.yaml`, 'utf8')));

/** `<Type words…>`: a reference to an object, replaced by its global ID. */
const REFERENCE = /^<(Policy|Incentive|Target|Jurisdiction|Enterprise|Achievement|ExportJob) ([^<>]+)>$/;

const references = (value: unknown): string[] =>
  typeof value === 'string'
    ? REFERENCE.test(value)
      ? [value]
      : []
    : value && typeof value === 'object'
      ? Object.values(value).flatMap(references)
      : [];

const substitute = (value: unknown, ids: Map<string, string>): unknown =>
  typeof value === 'string'
    ? (ids.get(value) ?? value)
    : Array.isArray(value)
      ? value.map((v) => substitute(v, ids))
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, ids)]))
        : value;

/** The global ID of every reference, looked up in this database; an unknown one is an error in examples.yaml. */
async function resolveReferences(db: Db, wanted: string[]): Promise<Map<string, string>> {
  const [policies, incentives, targets, jurisdictions] = await Promise.all([
    // Examples name served objects only.
    db.policy.findMany({ where: { retiredAt: null }, select: { id: true, key: true } }),
    db.incentive.findMany({
      where: { policy: { retiredAt: null } },
      select: { id: true, key: true, policy: { select: { key: true } } },
    }),
    db.target.findMany({
      where: { policy: { retiredAt: null } },
      select: { id: true, key: true, policy: { select: { key: true } } },
    }),
    db.jurisdiction.findMany({ select: { id: true, code: true } }),
  ]);
  const known = new Map<string, number>([
    ...policies.map((p) => [`Policy ${p.key}`, p.id] as const),
    ...incentives.map((i) => [`Incentive ${i.policy.key} ${i.key}`, i.id] as const),
    ...targets.map((t) => [`Target ${t.policy.key} ${t.key}`, t.id] as const),
    ...jurisdictions.map((j) => [`Jurisdiction ${j.code}`, j.id] as const),
  ]);
  return new Map(
    wanted.map((reference) => {
      const [, type, words] = REFERENCE.exec(reference)!;
      // Enterprises, achievements and exports are the user's own: the first one created has id 1.
      const id = /^\d+$/.test(words!) ? Number(words) : known.get(`${type} ${words}`);
      if (id === undefined) throw new Error(`schema/operations/examples.yaml: ${reference} names nothing loaded`);
      return [reference, encodeId(type!, id)];
    }),
  );
}

export interface LandingTab {
  name: string;
  key: (typeof KEY_KINDS)[number];
  query: string;
  variables: Record<string, unknown>;
}

/** The tabs in their order: every shared operation, with real IDs in its variables. */
export async function landingTabs(
  db: Db,
  manifest: Map<string, PersistedOperation>,
  examples = readExamples(),
): Promise<LandingTab[]> {
  const operations = new Map([...manifest.values()].map((o) => [o.name, o]));
  const unlisted = [...operations.keys()].filter((name) => !examples.examples.some((e) => e.operation === name));
  if (unlisted.length) throw new Error(`schema/operations/examples.yaml lists no example for ${unlisted.join(', ')}`);
  const ids = await resolveReferences(db, [...new Set(examples.examples.flatMap((e) => references(e.variables)))]);
  return examples.examples.map((example, index) => {
    const operation = operations.get(example.operation);
    if (!operation) throw new Error(`schema/operations/examples.yaml: no operation ${example.operation}`);
    const preamble = [index === 0 ? examples.welcome : '', example.key === 'none' ? '' : examples.keyNote[example.key]]
      .map((text) => text.trimEnd())
      .filter(Boolean);
    return {
      name: example.operation,
      key: example.key,
      query: [...preamble, operation.comment, operation.document].filter(Boolean).join('\n') + '\n',
      variables: substitute(example.variables, ids) as Record<string, unknown>,
    };
  });
}

/** Where a keyed tab's key goes; ASCII only, as browsers refuse other characters in a header. */
const KEY_HEADER = JSON.stringify({ Authorization: 'Bearer <your-API-key>' }, null, 2);

const tabEditors = (tab: LandingTab) => ({
  variables: JSON.stringify(tab.variables, null, 2),
  headers: tab.key === 'none' ? undefined : KEY_HEADER,
});

export function renderLandingPage(tabs: LandingTab[]): string {
  return renderGraphiQL({
    title: 'PolicyGraph',
    endpoint: '/graphql',
    defaultEditorToolsVisibility: 'variables',
    // GraphiQL fills the tab it opens on from these, not from its default tab.
    ...tabEditors(tabs[0]!),
    defaultTabs: tabs.map((tab) => ({
      query: tab.query,
      ...tabEditors(tab),
    })),
  });
}

interface Encoded {
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** Compressed off the event loop (zlib's thread pool); brotli's top quality would take seconds of it. */
async function encode(html: Buffer): Promise<Encoded> {
  const [br, gz] = await Promise.all([
    brotli(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: html.length } }),
    gzipped(html, { level: 9 }),
  ]);
  return {
    etag: `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`,
    identity: html,
    gzip: gz,
    br,
  };
}

/**
 * Serves the page compressed (about 9 MB of inlined scripts: a quarter of that gzipped, less with
 * brotli), built once per set of IDs and revalidated by ETag, since the IDs are the database's.
 */
export function landingPageRoute(db: Db, manifest: Map<string, PersistedOperation>): RequestHandler {
  const examples = readExamples();
  let kept: { tabs: string; page: Promise<Encoded> } | undefined;
  return async (req, res, next) => {
    try {
      const tabs = await landingTabs(db, manifest, examples);
      const fingerprint = JSON.stringify(tabs);
      if (kept?.tabs !== fingerprint) kept = { tabs: fingerprint, page: encode(Buffer.from(renderLandingPage(tabs))) };
      const page = await kept.page;
      res.set({ 'Cache-Control': 'no-cache', ETag: page.etag, Vary: 'Accept-Encoding' });
      res.type('html');
      if (req.fresh) return void res.status(304).end();
      const encoding = req.acceptsEncodings('br', 'gzip', 'identity');
      if (encoding === 'br' || encoding === 'gzip') res.set('Content-Encoding', encoding);
      res.end(encoding === 'br' ? page.br : encoding === 'gzip' ? page.gzip : page.identity);
    } catch (error) {
      next(error);
    }
  };
}
