/**
 * The HTTP application: GraphQL at /graphql, an offline GraphiQL at /, health and readiness,
 * imports, and export downloads (with the runner that writes them).
 * Kept apart from process concerns (ports, signals) so tests can start it on any port.
 */
import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { GraphQLError } from 'graphql';
import { callerOf, InvalidKey } from '../auth/keys.js';
import { statementScope, type Db } from '../db/client.js';
import { createContext, type Context } from '../graphql/context.js';
import { formatLimitError, LIMITS, queryLimits, requestDeadline } from '../graphql/limits.js';
import { rateLimit, type RateLimits } from './rate-limit.js';
import { schema } from '../graphql/schema.js';
import { graphiqlPage } from './graphiql.js';
import { targetChart } from './charts.js';
import { importRoute } from './imports.js';
import { exportDownloadRoute } from './exports.js';
import { ExportRunner, exportOptionsFromEnv, type ExportOptions } from '../exports/jobs.js';
import { persistedOperations, persistedQueries } from './persisted.js';

/** A request body larger than this is refused (413) before it is parsed. */
const MAX_BODY = '1mb';

/** Express's parser errors (a body too large, malformed JSON) as GraphQL-shaped errors with a code. */
const bodyTooLarge: express.ErrorRequestHandler = (
  error: { type?: string; status?: number; message: string },
  _req,
  res,
  next,
) => {
  if (error.type === 'entity.too.large')
    return void res.status(413).json({
      errors: [{ message: `the request body is over ${MAX_BODY}`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
  if (error.type === 'entity.parse.failed')
    return void res.status(400).json({
      errors: [{ message: `the request body is not JSON: ${error.message}`, extensions: { code: 'BAD_REQUEST' } }],
    });
  next(error);
};

/** SQL statements issued while serving one request, reported in the response's extensions. */
const reportStatements: ApolloServerPlugin<Context> = {
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

export interface App {
  server: Server;
  ready: () => boolean;
  stop: () => Promise<void>;
}

export interface AppOptions {
  rateLimits?: RateLimits;
  /** Callers without a key may send only the persisted operations (env SAFELIST_ANONYMOUS=true). */
  safelistAnonymous?: boolean;
  /** Where and how export jobs run (default: from the environment, src/exports/jobs.ts). */
  exports?: ExportOptions;
  /** A request's deadline in ms (default LIMITS.timeoutMs); tests shorten it. */
  timeoutMs?: number;
}

export async function createApp(db: Db, options: AppOptions = {}): Promise<App> {
  const app = express();
  const server = createServer(app);
  // Clients close idle keep-alive sockets first (undici after 4 s, proxies after 60 s): a server that
  // closed them first, which its 5 s default does when a long batch delays its timers, could close
  // a socket a request was just sent on, and the client would see ECONNRESET.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: true,
    // main.ts owns the signals: Apollo's own handler would re-raise SIGTERM once stopped and cut the
    // shutdown (closing the embedded database) short.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: LIMITS.maxTokens },
    formatError: formatLimitError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      ApolloServerPluginLandingPageDisabled(),
      queryLimits,
      reportStatements,
    ],
  });
  await apollo.start();
  const exports = new ExportRunner(db, options.exports ?? exportOptionsFromEnv());
  exports.start();
  let stopping = false;

  app.get('/', (_req, res) => {
    res.type('html').send(graphiqlPage());
  });
  // How long the event loop was held since the last `/healthz?reset` (the benchmark reads it per step):
  // no request may hold it for more than ~100 ms at a time.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  app.get('/healthz', (req, res) => {
    const eventLoopDelayMs = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
    if ('reset' in req.query) loopDelay.reset();
    res.json({ status: 'ok', eventLoopDelayMs });
  });
  app.get('/readyz', async (_req, res) => {
    if (stopping) return void res.status(503).json({ status: 'stopping' });
    try {
      await db.$queryRaw`SELECT 1`;
      res.json({ status: 'ready' });
    } catch (error) {
      res.status(503).json({ status: 'database unavailable', error: (error as Error).message });
    }
  });
  const limit = rateLimit(options.rateLimits);
  app.get('/charts/targets/:file', limit, async (req, res) => {
    try {
      res.type('image/svg+xml').send(await targetChart(db, String(req.params.file), req.query));
    } catch (error) {
      const { code, field } = (error as { extensions?: { code?: string; field?: string } }).extensions ?? {};
      if (!code) throw error;
      res.status(code === 'NOT_FOUND' ? 404 : 400).json({ code, field, message: (error as Error).message });
    }
  });
  const manifest = persistedOperations();
  app.get('/persisted-operations.json', (_req, res) => {
    res.json([...manifest.values()].map(({ name, hash }) => ({ name, hash })));
  });
  app.post('/import/:kind', limit, importRoute(db));
  app.get('/exports/:id', limit, exportDownloadRoute(db, exports.options));
  app.use(
    '/graphql',
    limit,
    express.json({ limit: MAX_BODY }),
    bodyTooLarge,
    persistedQueries(manifest, {
      safelistAnonymous: options.safelistAnonymous ?? process.env.SAFELIST_ANONYMOUS === 'true',
    }),
    (_req: express.Request, _res: express.Response, next: express.NextFunction) =>
      statementScope.run({ count: 0 }, next),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          const signal = requestDeadline(options.timeoutMs ?? LIMITS.timeoutMs);
          return createContext(db, await callerOf(db, req.headers.authorization), exports, signal);
        } catch (error) {
          if (!(error instanceof InvalidKey)) throw error;
          throw new GraphQLError(error.message, {
            extensions: { code: 'UNAUTHENTICATED', field: 'Authorization', http: { status: 401 } },
          });
        }
      },
    }),
  );

  return {
    server,
    ready: () => !stopping,
    stop: async () => {
      stopping = true;
      loopDelay.disable();
      await apollo.stop();
      await exports.stop();
    },
  };
}
