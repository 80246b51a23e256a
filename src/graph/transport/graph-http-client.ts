import type { Dispatcher } from 'undici';
import type { Caller } from '../../auth/caller.js';
import { UnauthenticatedError, UpstreamError } from '../../errors/gateway-errors.js';
import { toRetryAfterSeconds, upstreamErrorForStatus } from '../../errors/graph-answer-codes.js';
import {
  AnswerTooLargeError,
  CircuitOpenError,
  DeadlineExceededError,
  TokenAcquisitionError,
} from '../../errors/upstream-failures.js';
import { MAX_UPSTREAM_ANSWER_BYTES, exchangeBuffered } from './buffered-exchange.js';
import { CallDeadline } from './call-deadline.js';
import type { UpstreamReceipt } from '../adapter/graph-adapter.js';
import type { Logger } from '../../observability/logger.js';
import type { GatewayMetrics } from '../../observability/metrics.js';
import { pagePathBelow } from '../adapter/graph-links.js';
import type { GraphTokenProvider } from '../tokens/graph-token-provider.js';
import { parseRetryAfter } from './retry-after.js';
import { type AttemptOutcome, RETRYABLE_STATUSES, createGraphRetryPolicy } from './retry-policy.js';
import { UpstreamCircuit } from './upstream-circuit.js';
import { isUnhealthyExchange } from './upstream-status.js';

export interface GraphRequest {
  /** Names the call in metrics and logs, e.g. `removeOutboundPersonalData`. */
  operation: string;
  method: 'GET' | 'POST';
  /** Path below the Graph base URL, with every id already percent-encoded. */
  path: string;
  body?: unknown;
  /**
   * When the call must be over (epoch milliseconds), retries included; `timeoutMs` from now by
   * default. The calls of one bulk operation share a deadline this way.
   */
  deadline?: number;
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  upstreamRequestId: string | undefined;
  clientRequestId: string;
}

export interface GraphHttpClientOptions {
  baseUrl: string;
  dispatcher: Dispatcher;
  tokens: GraphTokenProvider;
  /** One call's deadline, token acquisition and retries included. */
  timeoutMs: number;
  maxAttempts: number;
  /** The circuit breaker around every exchange with Graph. */
  circuit: { threshold: number; halfOpenAfterMs: number };
  /**
   * A dispatcher with a connection of its own, used for the one retry that follows a 503 or a
   * dropped connection and closed right after it: Graph's guidance is to retry those on a new
   * connection, and the pool would hand back the very socket that just failed.
   */
  freshConnection: () => Dispatcher;
  logger: Logger;
  metrics: GatewayMetrics;
  now?: () => number;
}

interface Attempt extends AttemptOutcome {
  response: GraphResponse | undefined;
  /** The socket error's code, or `TIMEOUT` when the deadline cut the exchange short. */
  networkError: string | undefined;
}

interface AttemptContext {
  token: string;
  clientRequestId: string;
  deadline: number;
  /** Aborts the exchange at the deadline or when the caller goes away. */
  abort: CallDeadline;
  freshConnection: boolean;
}

/** Errors worth a second try on a new connection: the socket died under us. */
const RETRYABLE_NETWORK_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/**
 * Sends one logical request to Graph: a Graph token for the caller, a fresh `client-request-id`,
 * retries of transient answers within one deadline, and the contract's error codes for the rest.
 */
export class GraphHttpClient {
  /** Open while Graph is down: calls then fail fast with UPSTREAM_UNAVAILABLE and never reach it. */
  readonly circuit: UpstreamCircuit;
  private readonly retryPolicy;
  private readonly now: () => number;
  // The dispatcher is given origin and path apart: a URL string would be parsed again per call.
  private readonly origin: string;
  private readonly basePath: string;

  constructor(private readonly options: GraphHttpClientOptions) {
    this.retryPolicy = createGraphRetryPolicy({ maxAttempts: options.maxAttempts });
    this.now = options.now ?? Date.now;
    const base = new URL(options.baseUrl);
    this.origin = base.origin;
    this.basePath = base.pathname.replace(/\/$/, '');
    this.circuit = new UpstreamCircuit({
      name: 'graph',
      threshold: options.circuit.threshold,
      halfOpenAfterMs: options.circuit.halfOpenAfterMs,
      isFailure: (result) => isUnhealthyExchange(result as Attempt),
      logger: options.logger,
      metrics: options.metrics,
    });
    this.retryPolicy.onRetry((event) => {
      const outcome = 'value' in event ? (event.value as Attempt) : undefined;
      options.logger.debug({ status: outcome?.status, delayMs: event.delay }, 'retrying Graph call');
    });
  }

  /**
   * The path to `send` for a link Graph handed out (`@odata.nextLink`), or `undefined` when the
   * link is not a page of `collectionPath` below this client's base URL: links are only ever
   * followed through this check, so no link can steer a request elsewhere.
   */
  pageLinkPath(link: string, collectionPath: string): string | undefined {
    return pagePathBelow(this.options.baseUrl, link, collectionPath);
  }

  async send(caller: Caller, graphRequest: GraphRequest, signal?: AbortSignal): Promise<GraphResponse> {
    const clientRequestId = crypto.randomUUID();
    const deadline = graphRequest.deadline ?? this.now() + this.options.timeoutMs;
    const stopTimer = this.options.metrics.upstreamDuration.startTimer({ operation: graphRequest.operation });
    let abort: CallDeadline | undefined;
    try {
      // The client has gone: nothing more is asked of Graph or the authority on its behalf.
      signal?.throwIfAborted();
      const budget = deadline - this.now();
      if (budget <= 0) throw new UpstreamError('UPSTREAM_TIMEOUT', { clientRequestId });
      // Before the token too: an open circuit costs nothing upstream, the authority included.
      this.circuit.refuseWhileOpen();
      abort = new CallDeadline(budget, signal);
      // Raced, so that a token request that hangs is cut at the deadline too.
      const attempt = await abort.race(this.exchange(caller, graphRequest, clientRequestId, deadline, abort));
      return this.settle(attempt, clientRequestId);
    } catch (error) {
      throw this.toUpstreamError(error, clientRequestId, abort);
    } finally {
      abort?.dispose();
      stopTimer();
    }
  }

  /** The caller's Graph token, then as many attempts as the retry policy and the deadline allow. */
  private async exchange(
    caller: Caller,
    graphRequest: GraphRequest,
    clientRequestId: string,
    deadline: number,
    abort: CallDeadline,
  ): Promise<Attempt> {
    const token = await this.options.tokens.tokenFor(caller, clientRequestId);
    const context: AttemptContext = { token, clientRequestId, deadline, abort, freshConnection: false };
    return this.retryPolicy.execute(async ({ attempt: number }) => {
      if (number > 0) {
        this.options.metrics.upstreamRetries.inc({ operation: graphRequest.operation, reason: 'transient' });
      }
      const outcome = await this.circuit.execute(() => this.attempt(graphRequest, context));
      context.freshConnection = outcome.status === 503 || outcome.networkError !== undefined;
      return outcome;
    }, abort.signal);
  }

  private async attempt(graphRequest: GraphRequest, context: AttemptContext): Promise<Attempt> {
    const { operation } = graphRequest;
    const { token, clientRequestId, deadline, abort } = context;
    const dispatcher = context.freshConnection ? this.options.freshConnection() : this.options.dispatcher;
    try {
      const body = graphRequest.body === undefined ? undefined : JSON.stringify(graphRequest.body);
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        'client-request-id': clientRequestId,
        'return-client-request-id': 'true',
        accept: 'application/json',
      };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await exchangeBuffered(
        dispatcher,
        {
          origin: this.origin,
          path: `${this.basePath}${graphRequest.path}`,
          method: graphRequest.method,
          // Nor is the fresh connection kept: it served its one retry.
          reset: context.freshConnection,
          headers,
          body,
        },
        abort,
        MAX_UPSTREAM_ANSWER_BYTES,
      );
      const status = response.statusCode;
      this.options.metrics.upstreamCalls.inc({ operation, status: String(status) });
      const retryAfterMs = parseRetryAfter(headerValue(response.headers['retry-after']), this.now());
      const waitEnds = this.now() + (retryAfterMs ?? 0);
      return {
        status,
        retryAfterMs,
        retryable: RETRYABLE_STATUSES.has(status) && waitEnds < deadline,
        networkError: undefined,
        response: {
          status,
          headers: response.headers,
          body: parseJson(response.text),
          upstreamRequestId: headerValue(response.headers['request-id']),
          clientRequestId,
        },
      };
    } catch (error) {
      // A caller who went away says nothing about Graph's health; a deadline cut short does.
      const callerLeft = abort.aborted && !abort.expired;
      if (callerLeft) throw error;
      if (error instanceof AnswerTooLargeError) throw this.answerTooLarge(error, operation, clientRequestId);
      const code = abort.expired ? 'TIMEOUT' : errorCode(error);
      if (code === undefined) throw error;
      this.options.metrics.upstreamCalls.inc({ operation, status: code });
      return {
        status: 0,
        retryAfterMs: undefined,
        retryable: RETRYABLE_NETWORK_ERRORS.has(code),
        networkError: code,
        response: undefined,
      };
    } finally {
      if (dispatcher !== this.options.dispatcher) await dispatcher.close().catch(() => undefined);
    }
  }

  /** Not retried (the same call would answer the same) and not counted against Graph's health. */
  private answerTooLarge(
    error: AnswerTooLargeError,
    operation: string,
    clientRequestId: string,
  ): UpstreamError {
    const upstreamRequestId = headerValue(error.headers['request-id']);
    this.options.metrics.upstreamCalls.inc({ operation, status: 'ANSWER_TOO_LARGE' });
    this.options.logger.warn(
      { operation, status: error.statusCode, maxBytes: error.maxBytes, upstreamRequestId, clientRequestId },
      'Graph answered with more than a Graph call reads',
    );
    return new UpstreamError(error.code, { upstreamRequestId, clientRequestId });
  }

  private settle(attempt: Attempt, clientRequestId: string): GraphResponse {
    const { response } = attempt;
    if (response && response.status >= 200 && response.status < 300) return response;
    const ids = { upstreamRequestId: response?.upstreamRequestId, clientRequestId };
    if (!response) throw new UpstreamError('UPSTREAM_UNAVAILABLE', ids);
    this.options.logger.warn(
      { status: response.status, upstreamRequestId: ids.upstreamRequestId, clientRequestId },
      'Graph refused a request',
    );
    throw upstreamErrorForStatus(response.status, ids, attempt.retryAfterMs);
  }

  private toUpstreamError(error: unknown, clientRequestId: string, abort: CallDeadline | undefined): unknown {
    // An expired caller token is the request's failure, not Graph's: it stays UNAUTHENTICATED.
    if (error instanceof UpstreamError || error instanceof UnauthenticatedError) return error;
    if (error instanceof CircuitOpenError) {
      return new UpstreamError(error.code, { clientRequestId }, toRetryAfterSeconds(error.retryAfterMs));
    }
    if (error instanceof TokenAcquisitionError) {
      const ids = { upstreamRequestId: undefined, clientRequestId };
      this.options.logger.warn(
        { reason: error.reason, oauthError: error.oauthError, clientRequestId },
        'Graph token could not be obtained',
      );
      return new UpstreamError(error.code, ids);
    }
    if (abort?.expired) {
      return new UpstreamError(DeadlineExceededError.CODE, { upstreamRequestId: undefined, clientRequestId });
    }
    return error;
  }
}

/** The ids that tie an answer to one exchange, as the schema reports them. */
export function receiptOf(response: GraphResponse): UpstreamReceipt {
  return {
    upstreamRequestId: response.upstreamRequestId,
    clientRequestId: response.clientRequestId,
    status: response.status,
  };
}

/** The first value of a response header that undici may give as a list. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (typeof code === 'string') return code;
  return cause === undefined ? undefined : errorCode(cause);
}
