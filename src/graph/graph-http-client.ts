import { TaskCancelledError, TimeoutStrategy, timeout } from 'cockatiel';
import { type Dispatcher, request } from 'undici';
import type { Caller } from '../auth/caller.js';
import { UpstreamError } from '../errors/gateway-errors.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { type GraphTokenProvider, TokenAcquisitionError } from './graph-token-provider.js';
import { parseRetryAfter, toRetryAfterSeconds } from './retry-after.js';
import { type AttemptOutcome, RETRYABLE_STATUSES, createGraphRetryPolicy } from './retry-policy.js';

export interface GraphRequest {
  /** Names the call in metrics and logs, e.g. `removeOutboundPersonalData`. */
  operation: string;
  method: 'GET' | 'POST';
  /** Path below the Graph base URL, with every id already percent-encoded. */
  path: string;
  body?: unknown;
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
  logger: Logger;
  metrics: GatewayMetrics;
  now?: () => number;
}

interface Attempt extends AttemptOutcome {
  response: GraphResponse | undefined;
  networkError: string | undefined;
}

/** Errors worth a second try on a new connection: the socket died under us. */
const RETRYABLE_NETWORK_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/**
 * Sends one logical request to Graph: a Graph token for the caller, a fresh `client-request-id`,
 * retries of transient answers within one deadline, and the contract's error codes for the rest.
 */
export class GraphHttpClient {
  private readonly retryPolicy;
  private readonly now: () => number;

  constructor(private readonly options: GraphHttpClientOptions) {
    this.retryPolicy = createGraphRetryPolicy({ maxAttempts: options.maxAttempts });
    this.now = options.now ?? Date.now;
    this.retryPolicy.onRetry((event) => {
      const outcome = 'value' in event ? (event.value as Attempt) : undefined;
      options.logger.debug({ status: outcome?.status, delayMs: event.delay }, 'retrying Graph call');
    });
  }

  async send(caller: Caller, graphRequest: GraphRequest, signal?: AbortSignal): Promise<GraphResponse> {
    const clientRequestId = crypto.randomUUID();
    const started = this.now();
    const deadline = started + this.options.timeoutMs;
    const stopTimer = this.options.metrics.upstreamDuration.startTimer({ operation: graphRequest.operation });
    try {
      const attempt = await timeout(this.options.timeoutMs, TimeoutStrategy.Aggressive).execute(
        async ({ signal: deadlineSignal }) => {
          const token = await this.options.tokens.tokenFor(caller, clientRequestId);
          return this.retryPolicy.execute(({ attempt: number }) => {
            if (number > 0) {
              this.options.metrics.upstreamRetries.inc({
                operation: graphRequest.operation,
                reason: 'transient',
              });
            }
            return this.attempt(graphRequest, token, clientRequestId, deadline, deadlineSignal);
          }, deadlineSignal);
        },
        signal,
      );
      return this.settle(attempt, clientRequestId);
    } catch (error) {
      throw this.toUpstreamError(error, clientRequestId, signal);
    } finally {
      stopTimer();
    }
  }

  private async attempt(
    graphRequest: GraphRequest,
    token: string,
    clientRequestId: string,
    deadline: number,
    signal: AbortSignal,
  ): Promise<Attempt> {
    const { operation } = graphRequest;
    try {
      const response = await request(`${this.options.baseUrl}${graphRequest.path}`, {
        method: graphRequest.method,
        dispatcher: this.options.dispatcher,
        signal,
        headers: {
          authorization: `Bearer ${token}`,
          'client-request-id': clientRequestId,
          'return-client-request-id': 'true',
          accept: 'application/json',
          ...(graphRequest.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: graphRequest.body !== undefined ? JSON.stringify(graphRequest.body) : undefined,
      });
      const text = await response.body.text();
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
          body: parseJson(text),
          upstreamRequestId: headerValue(response.headers['request-id']),
          clientRequestId,
        },
      };
    } catch (error) {
      const code = errorCode(error);
      if (signal.aborted || code === undefined) throw error;
      this.options.metrics.upstreamCalls.inc({ operation, status: code });
      return {
        status: 0,
        retryAfterMs: undefined,
        retryable: RETRYABLE_NETWORK_ERRORS.has(code),
        networkError: code,
        response: undefined,
      };
    }
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
    switch (response.status) {
      case 404:
        throw new UpstreamError('NOT_FOUND', ids);
      case 403:
        throw new UpstreamError('FORBIDDEN', ids);
      case 429:
        throw new UpstreamError('THROTTLED', ids, toRetryAfterSeconds(attempt.retryAfterMs ?? 1000));
      case 503:
        throw new UpstreamError('UPSTREAM_UNAVAILABLE', ids, retryAfterSecondsOf(attempt));
      default:
        throw new UpstreamError('UPSTREAM_ERROR', ids);
    }
  }

  private toUpstreamError(error: unknown, clientRequestId: string, signal: AbortSignal | undefined): unknown {
    if (error instanceof UpstreamError) return error;
    if (error instanceof TokenAcquisitionError) {
      const ids = { upstreamRequestId: undefined, clientRequestId };
      this.options.logger.warn(
        { reason: error.reason, oauthError: error.oauthError, clientRequestId },
        'Graph token could not be obtained',
      );
      return new UpstreamError(error.reason === 'refused' ? 'UPSTREAM_ERROR' : 'UPSTREAM_UNAVAILABLE', ids);
    }
    if (error instanceof TaskCancelledError && !signal?.aborted) {
      return new UpstreamError('UPSTREAM_TIMEOUT', { upstreamRequestId: undefined, clientRequestId });
    }
    return error;
  }
}

function retryAfterSecondsOf(attempt: Attempt): number | undefined {
  return attempt.retryAfterMs === undefined ? undefined : toRetryAfterSeconds(attempt.retryAfterMs);
}

function headerValue(value: string | string[] | undefined): string | undefined {
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
