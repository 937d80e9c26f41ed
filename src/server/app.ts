/**
 * The HTTP application: GraphQL at /graphql, an offline GraphiQL at /, health and readiness,
 * imports, and export downloads (with the runner that writes them).
 * Kept apart from process concerns (ports, signals) so tests can start it on any port.
 */
import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { PothosValidationError } from '@pothos/core';
import { InvalidKey } from '../scope/caller.js';
import { statementScope, type Db } from '../db/client.js';
import { watchChanges } from '../db/changes.js';
import { createScope, type Scope } from '../scope/scope.js';
import { defaultPolicySource, type PolicySource } from '../corpus/load.js';
import { LIMITS, queryLimits, requestDeadline } from '../graphql/limits.js';
import { admission, admittedCaller, DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limit.js';
import { schema } from '../graphql/schema.js';
import { answerLanguage } from '../graphql/language.js';
import { phrase } from '../engines/message.js';
import { userError, UserError } from '../graphql/errors.js';
import { fail, requestMessages } from './refuse.js';
import { refusalIn } from '../i18n/refusal.js';
import { messagesFor } from '../i18n/index.js';
import { landingPageRoute } from './graphiql.js';
import { districtsChart, targetChart } from './charts.js';
import { importRoute } from './imports.js';
import { exportDownloadRoute } from './exports.js';
import { ExportRunner, exportOptionsFromEnv, type ExportOptions } from '../exports/jobs.js';
import { COUNT_STATEMENTS_HEADER } from '../client/index.js';
import { ledgerKeeper, type LedgerKeeper } from '../evaluation/ledger.js';
import { apolloManifest, persistedDocuments, persistedOperations, persistedQueries } from './persisted.js';

/** A request body larger than this is refused (413) before it is parsed. */
const MAX_BODY = '1mb';

/** Express's parser errors (a body too large, malformed JSON) as GraphQL-shaped errors with a code. */
const bodyTooLarge: express.ErrorRequestHandler = (
  error: { type?: string; status?: number; message: string },
  req,
  res,
  next,
) => {
  if (error.type === 'entity.too.large')
    return fail(req, res, 413, 'PAYLOAD_TOO_LARGE', phrase('error.PAYLOAD_TOO_LARGE', { max: MAX_BODY }));
  if (error.type === 'entity.parse.failed') {
    // The parser's own words are English; where it stopped is what the sender needs.
    const position = /at position (\d+)/.exec(error.message)?.[1];
    return fail(req, res, 400, 'BAD_REQUEST', phrase('error.NOT_JSON', { position: position ?? null }));
  }
  next(error);
};

/** A batch of operations (a JSON array) is not served: refused here, in words, rather than by Apollo's English. */
const oneOperation: express.RequestHandler = (req, res, next) =>
  Array.isArray(req.body) ? fail(req, res, 400, 'BAD_REQUEST', phrase('error.BATCH')) : next();

/** SQL statements issued while serving one request that asked, reported in the response's extensions. */
const reportStatements: ApolloServerPlugin<Scope> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        const stats = statementScope.getStore();
        if (stats && response.body.kind === 'single') {
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            sqlStatements: stats.count,
          };
        }
      },
    };
  },
};

/**
 * Pothos's argument errors (a negative `first`, a malformed cursor) are the caller's: INVALID_ARGUMENT.
 * Other untyped errors answer a generic message without internals (Prisma's text, paths, stacks)
 * and are logged whole, unless in development mode.
 */
const formatError =
  (development: boolean) =>
  (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof PothosValidationError)
      return {
        ...formatted,
        extensions: { code: 'INVALID_ARGUMENT', field: formatted.path?.join('.') ?? 'arguments' },
      };
    if (development || (formatted.extensions?.code ?? 'INTERNAL_SERVER_ERROR') !== 'INTERNAL_SERVER_ERROR')
      return formatted;
    console.error('graphql:', formatted.path?.join('.') ?? '(request)', original);
    // In English here: the answer's language is known once the request's plugins see it (src/graphql/language.ts).
    return {
      message: messagesFor('en').t('error.INTERNAL'),
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };

/** The last handler: whatever an HTTP route throws is answered as JSON, never Express's HTML page with a stack. */
const lastResort: express.ErrorRequestHandler = (error: unknown, req, res, next) => {
  console.error('http:', error);
  if (res.headersSent) return next(error);
  const message = requestMessages(req, res).t('error.INTERNAL');
  res
    .status(500)
    .type('json')
    .json({ errors: [{ message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
};

export interface App {
  server: Server;
  /** Keeps the entitlement ledger: rebuilt at start, after a reload and on the first request of a day. */
  ledger: LedgerKeeper;
  ready: () => boolean;
  stop: () => Promise<void>;
}

export interface AppOptions {
  /** Each limit not given here comes from the environment (src/server/rate-limit.ts). */
  rateLimits?: Partial<RateLimits>;
  /** The database's URL: on PostgreSQL the rate-limit counters are shared there; counted in memory without it. */
  databaseUrl?: string;
  /** Callers without a key may send only the persisted operations (env SAFELIST_ANONYMOUS=true). */
  safelistAnonymous?: boolean;
  /** Where and how export jobs run (default: from the environment, src/exports/jobs.ts). */
  exports?: ExportOptions;
  /** Errors carry stack traces and unexpected errors their own text (env POLICYGRAPH_DEV=true). */
  development?: boolean;
  /** A request's deadline in ms (default LIMITS.timeoutMs); tests shorten it. */
  timeoutMs?: number;
  /** Where the policy files are and what loading them refused (default policies/, nothing refused). */
  policies?: PolicySource;
  /**
   * Whether the server keeps the entitlement ledger (`npm start` does). Without it the ledger holds no
   * day and the engine answers everything: tests that write their fixtures straight through Prisma,
   * past src/writes, and so past the ledger's upkeep, run so.
   */
  ledger?: boolean;
}

export async function createApp(db: Db, options: AppOptions = {}): Promise<App> {
  const app = express();
  const policies = options.policies ?? defaultPolicySource();
  const server = createServer(app);
  // Clients close idle keep-alive sockets first (undici after 4 s, proxies after 60 s): a server that
  // closed them first, which its 5 s default does when a long batch delays its timers, could close
  // a socket a request was just sent on, and the client would see ECONNRESET.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const development = options.development ?? process.env.POLICYGRAPH_DEV === 'true';
  const apollo = new ApolloServer<Scope>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: development,
    formatError: formatError(development),
    // main.ts owns the signals: Apollo's own handler would re-raise SIGTERM once stopped and cut the
    // shutdown (closing the embedded database) short.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: LIMITS.maxTokens },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      ApolloServerPluginLandingPageDisabled(),
      // No field sets a cache hint; the default plugin would still run a hook for every field.
      ApolloServerPluginCacheControlDisabled(),
      queryLimits,
      reportStatements,
      answerLanguage,
    ],
  });
  await apollo.start();
  // Callers and the corpus are kept between requests while changes to them are noticed.
  const unwatch = await watchChanges(db);
  const exports = new ExportRunner(db, options.exports ?? exportOptionsFromEnv());
  exports.start();
  const ledger = ledgerKeeper(db);
  if (options.ledger) void ledger.refresh(); // in the background: until it is complete, the engine answers
  let stopping = false;

  // How long the event loop was held since the last `/healthz?reset` (the benchmark reads it per step),
  // and the longest since the server started (its whole run): no request, rebuild, import or export may
  // hold it for more than ~100 ms at a time.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let maxBeforeReset = 0;
  app.get('/healthz', (req, res) => {
    const max = loopDelay.max / 1e6;
    const maxSinceStart = Math.max(maxBeforeReset, max);
    const eventLoopDelayMs = { p99: loopDelay.percentile(99) / 1e6, max, maxSinceStart };
    if ('reset' in req.query) {
      maxBeforeReset = maxSinceStart;
      loopDelay.reset();
    }
    res.json({ status: 'ok', eventLoopDelayMs });
  });
  app.get('/readyz', async (req, res) => {
    if (stopping) return void res.status(503).json({ status: 'stopping' });
    try {
      await db.$queryRaw`SELECT 1`;
      // Refused policy files do not make the server unready: the others serve, and these say what to fix.
      const messages = requestMessages(req, res);
      res.json({ status: 'ready', refusedPolicies: policies.refused.map((r) => refusalIn(r, messages)) });
    } catch (error) {
      res.status(503).json({ status: 'database unavailable', error: (error as Error).message });
    }
  });
  const admit = admission(db, { ...DEFAULT_RATE_LIMITS, ...options.rateLimits }, options.databaseUrl);
  const chartRoute =
    (
      draw: (params: Record<string, string>, query: Record<string, unknown>) => Promise<string>,
    ): express.RequestHandler =>
    async (req, res) => {
      try {
        res.type('image/svg+xml').send(await draw(req.params as Record<string, string>, req.query));
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        const { code, field } = error.extensions;
        const { message } = error.in(requestMessages(req, res));
        res.status(code === 'NOT_FOUND' ? 404 : 400).json({ code, field, message });
      }
    };
  app.get(
    '/charts/targets/:id/districts.svg',
    admit.handler,
    chartRoute((params, query) => districtsChart(db, params.id!, query)),
  );
  app.get(
    '/charts/targets/:file',
    admit.handler,
    chartRoute((params, query) => targetChart(db, params.file!, query)),
  );
  const manifest = persistedOperations();
  const apolloClientManifest = apolloManifest();
  app.get('/', landingPageRoute(db, manifest));
  app.get('/persisted-operations.json', (_req, res) => {
    res.json([...manifest.values()].map(({ name, hash }) => ({ name, hash })));
  });
  app.get('/persisted-query-manifest.json', (_req, res) => {
    res.json(apolloClientManifest);
  });
  app.post('/import/:kind', admit.handler, importRoute(db));
  app.get('/exports/:id', admit.handler, exportDownloadRoute(db, exports.options));
  app.use(
    '/graphql',
    // Counted from the start, so that the key's lookup in admission is one of the request's statements.
    (req: express.Request, _res: express.Response, next: express.NextFunction) => {
      ledger.nudge(); // the first request of a new day starts the day's rebuild
      if (req.headers[COUNT_STATEMENTS_HEADER] === undefined) next();
      else statementScope.run({ count: 0 }, next);
    },
    admit.handler,
    express.json({ limit: MAX_BODY }),
    bodyTooLarge,
    oneOperation,
    persistedQueries(persistedDocuments(manifest, apolloClientManifest), {
      safelistAnonymous: options.safelistAnonymous ?? process.env.SAFELIST_ANONYMOUS === 'true',
    }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        // The texts depend on the header, so a cache keeps one answer per language.
        const messages = requestMessages(req, res);
        try {
          const signal = requestDeadline(options.timeoutMs ?? LIMITS.timeoutMs);
          return createScope(db, admittedCaller(req), exports, signal, policies, messages);
        } catch (error) {
          if (!(error instanceof InvalidKey)) throw error;
          // No plugin sees an answer refused before its context: its message is rendered here.
          throw userError('UNAUTHENTICATED', 'Authorization', error.phrase, 401).in(messages);
        }
      },
    }),
  );

  app.use(lastResort);

  return {
    server,
    ledger,
    ready: () => !stopping,
    stop: async () => {
      stopping = true;
      loopDelay.disable();
      await apollo.stop();
      await exports.stop();
      if (options.ledger) await ledger.stop();
      await admit.close();
      await unwatch();
    },
  };
}
