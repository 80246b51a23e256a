import { createServer } from 'node:http';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { type GraphiQLOptions, type Plugin, type YogaServerInstance, createYoga } from 'graphql-yoga';
import { applicationCaller } from '../auth/caller.js';
import { type TokenVerifier, createTokenVerifier } from '../auth/token-verifier.js';
import type { GatewayConfig } from '../config/config.js';
import type { GraphAdapter } from '../graph/adapter/graph-adapter.js';
import { GraphBatchClient } from '../graph/transport/graph-batch-client.js';
import { GraphHttpClient } from '../graph/transport/graph-http-client.js';
import { type GraphTokenProvider, createMsalTokenProvider } from '../graph/tokens/graph-token-provider.js';
import { createHttpGraphAdapter } from '../graph/adapter/http-graph-adapter.js';
import { createJwksFetch } from '../graph/transport/jwks-fetch.js';
import { createUpstreamAgent } from '../graph/transport/upstream-agent.js';
import type { Database } from '../ledger/database.js';
import { Ledger } from '../ledger/ledger.js';
import { readGauges } from '../ledger/ledger-store.js';
import { LedgerWorker } from '../ledger/ledger-worker.js';
import { type Logger, toYogaLogger } from '../observability/logger.js';
import { type GatewayMetrics, createMetrics } from '../observability/metrics.js';
import type { GatewayContext } from '../schema/builder.js';
import { CursorCodec, deriveCursorKey } from '../schema/connection-cursors.js';
import { schema } from '../schema/index.js';
import { answerClientError } from './client-errors.js';
import { combineHttpHooks } from './combine-http-hooks.js';
import { createContextFactory } from './context.js';
import { createHardening } from './hardening.js';
import { graphiqlAssets, renderGraphiQLPage } from './graphiql-assets.js';
import { listen } from './listen.js';
import { createMetricsListener } from './metrics-listener.js';
import { Readiness } from './readiness.js';
import type { NodeServerContext } from './server-context.js';
import { loadTrustedDocuments } from './trusted-documents.js';
import { useBodyLimit } from './plugins/use-body-limit.js';
import { ERROR_MASKING, useErrorAnswers } from './plugins/use-error-answers.js';
import { useGraphiQLAssets } from './plugins/use-graphiql-assets.js';
import { usePostOnlyMutations } from './plugins/use-post-only-mutations.js';
import { useMetrics } from './plugins/use-metrics.js';
import { useReadiness } from './plugins/use-readiness.js';
import { useRequestLog } from './plugins/use-request-log.js';
import { useRequestParameterChecks } from './plugins/use-request-parameter-checks.js';
import { useScopeCacheRelease } from './plugins/use-scope-cache-release.js';
import { useSecurityHeaders } from './plugins/use-security-headers.js';
import { useTrustedDocuments } from './plugins/use-trusted-documents.js';
import { useValidationCache } from './plugins/use-validation-cache.js';

/** How often readiness asks the ledger's database whether it still answers. */
const DATABASE_RECHECK_MS = 2_000;

/** A slow client is cut at most this long after its timeout. */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export interface GatewayOptions {
  config: GatewayConfig;
  logger: Logger;
  metrics?: GatewayMetrics;
  /** The upstream; by default the HTTPS adapter built from `config`. */
  graph?: GraphAdapter;
  now?: () => Date;
  /** What GraphiQL opens with (headers, example operation), asked for on every page load. */
  graphiql?: () => Promise<GraphiQLOptions>;
  /** Extra yoga plugins, e.g. the embedded mode's persona-token endpoint. */
  plugins?: Plugin[];
  /** The ledger's database, migrated; its owner closes it after the gateway. */
  database: Database;
  /** How often the ledger's worker looks for pending requests and exports to poll. */
  ledgerWorkerIntervalMs?: number;
}

export interface Gateway {
  /** The fetch-style handler: tests call `gateway.yoga.fetch(request)`. */
  yoga: YogaServerInstance<NodeServerContext, GatewayContext>;
  readiness: Readiness;
  metrics: GatewayMetrics;
  /** Completes pending requests and polls exports; `runOnce()` lets tests drive it. */
  ledgerWorker: LedgerWorker;
  /**
   * Starts listening on `config.host:config.port`, and on the metrics listener's address when
   * there is one; resolves with the public base URL.
   */
  listen(): Promise<string>;
  /** The metrics listener's base URL once listening; undefined when `/metrics` is on the public port. */
  metricsUrl(): string | undefined;
  /** Stops accepting, lets in-flight requests finish within the grace period, then releases everything. */
  close(): Promise<void>;
}

/** Builds the whole gateway from explicit dependencies; the entry point only reads the environment. */
export function createGateway(options: GatewayOptions): Gateway {
  const { config, logger } = options;
  const trustedDocuments = config.http.trustedDocuments
    ? loadTrustedDocuments(config.http.trustedDocuments)
    : undefined;
  const metrics = options.metrics ?? createMetrics();
  const dispatcher = createUpstreamAgent({ ca: config.upstreamCa });
  const jwksFetch = createJwksFetch(dispatcher);
  const verifier: TokenVerifier = createTokenVerifier({
    auth: config.auth,
    fetch: jwksFetch,
    logger,
    onOutcome: (outcome) => metrics.tokenVerifications.inc({ outcome }),
  });
  const hardening = createHardening(config, logger, metrics);
  const tokens: GraphTokenProvider = createMsalTokenProvider({
    azure: config.azure,
    scope: config.graph.scope,
    dispatcher,
    timeoutMs: config.graph.timeoutMs,
    logger,
  });
  const graphClient = new GraphHttpClient({
    baseUrl: config.graph.baseUrl,
    dispatcher,
    tokens,
    timeoutMs: config.graph.timeoutMs,
    maxAttempts: config.graph.maxAttempts,
    circuit: config.graph.breaker,
    freshConnection: () => createUpstreamAgent({ ca: config.upstreamCa, connectionsPerOrigin: 1 }),
    logger,
    metrics,
  });
  const graphBatch = new GraphBatchClient({
    client: graphClient,
    concurrency: config.graph.batchConcurrency,
    maxAttempts: config.graph.maxAttempts,
    timeoutMs: config.graph.timeoutMs,
    logger,
    metrics,
  });
  const graph =
    options.graph ??
    createHttpGraphAdapter(graphClient, {
      batch: graphBatch,
      baseUrl: config.graph.baseUrl,
      outboundRemoval: config.graph.outboundRemoval,
      timeoutMs: config.graph.timeoutMs,
    });
  const ledger = new Ledger({
    db: options.database,
    graph,
    logger,
    metrics,
    leaseMs: config.ledger.leaseMs,
    retryForMs: config.ledger.retryForMs,
    idempotencyTtlHours: config.ledger.idempotencyTtlHours,
    recording: config.ledger.recording,
    ...(options.now ? { now: options.now } : {}),
  });
  const worker = new LedgerWorker({
    ledger,
    graph,
    application: applicationCaller(config.azure),
    logger,
    leaseMs: config.ledger.leaseMs,
    retryForMs: config.ledger.retryForMs,
    retentionDays: config.ledger.retentionDays,
    intervalMs: options.ledgerWorkerIntervalMs,
  });
  worker.start();
  metrics.watchLedger(() => readGauges(options.database));
  const readiness = new Readiness(
    [
      { name: 'jwks', check: () => verifier.refresh() },
      { name: 'token-endpoint', check: () => tokens.probe() },
      {
        name: 'database',
        check: async () => {
          await options.database.query('SELECT 1');
        },
        recheckMs: DATABASE_RECHECK_MS,
      },
      ...hardening.readinessProbes,
    ],
    logger,
  );
  readiness.start();

  const graphiql = options.graphiql;
  const yoga = createYoga<NodeServerContext, GatewayContext>({
    schema,
    context: createContextFactory({
      verifier,
      graph,
      now: options.now ?? (() => new Date()),
      cursors: new CursorCodec(deriveCursorKey(config.azure.clientSecret)),
      ledger,
    }),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    batching: false,
    // useBodyLimit enforces MAX_BODY_BYTES with the contract's 413; yoga's own limit would pipe
    // every request body through one more stream.
    maxRequestBodySize: false,
    multipart: false,
    graphiql: config.http.graphiql
      ? graphiql
        ? () => graphiql()
        : { title: 'Shared profile gateway' }
      : false,
    renderGraphiQL: async (options) => renderGraphiQLPage(options, (await graphiqlAssets()).version),
    maskedErrors: ERROR_MASKING,
    // Validation results are cached by useValidationCache, last of the plugins below.
    parserAndValidationCache: { validationCache: false },
    cors: hardening.cors,
    logging: toYogaLogger(logger),
    // One plugin runs every request and response hook below (combine-http-hooks.ts): calling them
    // plugin by plugin cost 6 % of the CPU per request.
    plugins: combineHttpHooks([
      useRequestLog(logger),
      useSecurityHeaders(),
      useMetrics(metrics, !config.metricsListener),
      useReadiness(readiness, '/readiness', () => ({ upstream: { graph: graphClient.circuit.report() } })),
      useErrorAnswers(),
      useBodyLimit(config.http.maxBodyBytes),
      ...(config.http.graphiql ? [useGraphiQLAssets()] : []),
      usePostOnlyMutations(),
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
      useRequestParameterChecks(),
      ...(trustedDocuments ? [useTrustedDocuments(trustedDocuments)] : []),
      ...hardening.plugins,
      useScopeCacheRelease(),
      // No useExecutionCancellation: the executor's own abort bookkeeping cost 7 % of the CPU per
      // request (BENCHMARKS.md). A departed client's upstream calls abort through `context.signal`,
      // and GraphHttpClient refuses to start one for a request already aborted.
      ...(options.plugins ?? []),
      useValidationCache(),
    ]),
  });

  const server = createServer(
    {
      // Longer than the idle timeout of the load balancers a gateway sits behind (AWS's ALB and
      // nginx: 60 s). With Node's 5 s, the gateway would close connections the balancer is about
      // to reuse, and the balancer would answer those requests with 502s of its own.
      keepAliveTimeout: config.http.keepAliveTimeoutMs,
      // A client that trickles its headers or its body in holds a connection and a parser: Node's
      // defaults (60 s for headers, 300 s for the request) are for servers nobody attacks. Idle
      // time on a kept-alive connection does not count: the clock starts with a request's first byte.
      headersTimeout: config.http.headersTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
      // How often Node looks for connections over those timeouts (30 s by default, which let a
      // 10 s timeout run to 40 s).
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    yoga,
  );
  server.on('clientError', answerClientError);
  const metricsListener =
    config.metricsListener &&
    createMetricsListener(metrics, {
      ...config.metricsListener,
      headersTimeoutMs: config.http.headersTimeoutMs,
      requestTimeoutMs: config.http.requestTimeoutMs,
    });
  let metricsUrl: string | undefined;
  let closing: Promise<void> | undefined;

  return {
    yoga,
    readiness,
    metrics,
    ledgerWorker: worker,
    listen: async () => {
      metricsUrl = metricsListener && (await metricsListener.listen());
      return listen(server, config.port, config.host);
    },
    metricsUrl: () => metricsUrl,
    close: () => {
      closing ??= (async () => {
        readiness.beginShutdown();
        // close() stops accepting at once and calls back when the last in-flight request is done
        // (or at once, with an error we ignore, when the server never listened).
        const drained = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // A connection whose last request ends while draining is closed when it ends, instead of
        // idling for the keep-alive timeout (0 would mean no timeout at all).
        server.keepAliveTimeout = 1;
        const grace = setTimeout(() => server.closeAllConnections(), config.http.shutdownGraceMs);
        await drained;
        clearTimeout(grace);
        // After the last request: its leases are released with the worker's, for a peer to take.
        await worker.stop();
        await ledger.close();
        // Scraped until the last request is done, so that the drain shows in the metrics.
        await metricsListener?.close();
        verifier.close();
        await hardening.close();
        await dispatcher.close();
      })();
      return closing;
    },
  };
}
