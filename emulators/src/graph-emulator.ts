import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  bearerToken,
  createGraphTokenVerifier,
  InvalidGraphTokenError,
  type GraphPrincipal,
} from './graph-emulator-auth.js';
import { executeBatch } from './graph-emulator-batch.js';
import { createDemoData, type DemoData } from './graph-emulator-data.js';
import {
  describeFaultStatus,
  GraphFaultInjector,
  type GraphFault,
  type GraphFaultControls,
} from './graph-emulator-faults.js';
import {
  graphError,
  type GraphRequest,
  type GraphResponse,
  type RequestIds,
} from './graph-emulator-protocol.js';
import { GraphRecorder, type RecordedRequest } from './graph-emulator-recording.js';
import {
  DEFAULT_EXPORT_SETTINGS,
  type ExportSettings,
  createGraphRoutes,
  type PagingSettings,
} from './graph-emulator-routes.js';
import {
  hangUntilClosed,
  headerValue,
  PayloadTooLargeError,
  readBody,
  sendJson,
  sleep,
  startLoopbackServer,
} from './loopback-server.js';
import type { TlsMaterial } from './loopback-tls.js';
import { GRAPH_RESOURCE } from './microsoft-identifiers.js';

export type { DemoData, InboundSharedUserProfile, OutboundSharedUserProfile } from './graph-emulator-data.js';
export type { GraphFault } from './graph-emulator-faults.js';
export type { RecordedRequest } from './graph-emulator-recording.js';

export interface GraphEmulatorOptions {
  tls: TlsMaterial;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** `iss` that Graph access tokens must carry. */
  tokenIssuer: string;
  jwksUri: string;
  /** `aud` that Graph access tokens must carry; `https://graph.microsoft.com` by default. */
  graphAudience?: string;
  /** PEM trusted when fetching `jwksUri`. */
  trustedCa: string;
  /** Added to every HTTP exchange (once per `$batch`, not per item). */
  latencyMs?: number;
  /** The directory to serve; the demo directory by default. */
  data?: DemoData;
}

export interface GraphEmulator {
  readonly origin: string;
  /** `${origin}/beta`: what the gateway uses as GRAPH_BASE_URL. */
  readonly baseUrl: string;
  /** Every call received since start or the last reset, `$batch` items included. */
  readonly requests: readonly RecordedRequest[];
  /** Every distinct bearer token presented since start or the last reset, valid or not. */
  tokensSeen(): string[];
  /** The directory being served. */
  readonly data: DemoData;
  /** TLS connections accepted since start or the last reset. */
  readonly connections: number;
  /** Calls whose client hung up before the answer (since start or the last reset): aborted upstream requests. */
  readonly abandonedRequests: number;
  resetRecording(): void;
  readonly faults: GraphFaultControls;
  setLatency(ms: number): void;
  /** Caps every page at `size` items whatever `$top` asks, as Graph may; `undefined` restores the default. */
  setMaxPageSize(size: number | undefined): void;
  /** How exports' operations run (changeable while the emulator runs). */
  readonly exportSettings: ExportSettings;
  /** The most calls that were in progress at once since start or the last reset. */
  readonly peakConcurrency: number;
  setFailureRate(rate: number, status?: number): void;
  close(): Promise<void>;
}

const VERSION_PREFIX = '/beta';
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/**
 * A Microsoft Graph (beta) stand-in for the cross-tenant user-profile-sharing resources, over
 * HTTPS, with Graph's authentication, error bodies, paging, batching and scriptable faults.
 */
export async function startGraphEmulator(options: GraphEmulatorOptions): Promise<GraphEmulator> {
  const verifier = createGraphTokenVerifier({
    issuer: options.tokenIssuer,
    audience: options.graphAudience ?? GRAPH_RESOURCE,
    jwksUri: options.jwksUri,
    trustedCa: options.trustedCa,
  });
  // Fetching now keeps the emulator's own JWKS fetches out of the tests that count the gateway's:
  // after this, it fetches again only when a token names a key it has not seen (a rotation).
  await verifier.prefetchKeys();
  const faults = new GraphFaultInjector();
  const recorder = new GraphRecorder();
  const data = options.data ?? createDemoData();
  let latencyMs = options.latencyMs ?? 0;
  const paging: PagingSettings = { maxPageSize: undefined };
  const exportSettings: ExportSettings = { ...DEFAULT_EXPORT_SETTINGS };
  let inFlight = 0;
  let peakConcurrency = 0;

  // The handler reads `baseUrl` and `routes`, assigned right after listening: no request can be
  // handled before this function's continuation has run.
  const server = await startLoopbackServer(options, async (request, response, closing) => {
    const ids: RequestIds = {
      requestId: randomUUID(),
      clientRequestId: headerValue(request, 'client-request-id'),
    };
    inFlight += 1;
    peakConcurrency = Math.max(peakConcurrency, inFlight);
    let reply: GraphResponse;
    try {
      reply = await answer(request, ids, closing);
    } catch (error) {
      if (!(error instanceof DroppedConnection)) throw error;
      request.socket.destroy();
      return;
    } finally {
      inFlight -= 1;
    }
    const headers: Record<string, string> = {
      'request-id': ids.requestId,
      'client-request-id': ids.clientRequestId ?? ids.requestId,
      ...reply.headers,
    };
    if (reply.body !== undefined) headers['Content-Type'] = ODATA_JSON;
    sendJson(response, reply.status, headers, reply.body);
  });
  const baseUrl = `${server.origin}${VERSION_PREFIX}`;
  const routes = createGraphRoutes(data, baseUrl, paging, exportSettings);

  async function answer(
    request: IncomingMessage,
    ids: RequestIds,
    closing: AbortSignal,
  ): Promise<GraphResponse> {
    let rawBody: string;
    try {
      rawBody = await readBody(request, MAX_BODY_BYTES);
    } catch (error) {
      if (!(error instanceof PayloadTooLargeError)) throw error;
      return graphError(ids, 413, 'RequestEntityTooLarge', error.message);
    }
    await sleep(latencyMs, closing);
    const url = new URL(request.url ?? '/', server.origin);
    const method = request.method ?? 'GET';
    const pathAndQuery = pathBelowVersion(url);
    const token = bearerToken(headerValue(request, 'authorization'));
    if (token) recorder.sawToken(token);
    let principal: GraphPrincipal;
    try {
      principal = await verifier.verify(token);
    } catch (error) {
      if (!(error instanceof InvalidGraphTokenError)) throw error;
      recorder.record({ method, pathAndQuery, ids, viaBatch: false }, undefined);
      return graphError(ids, 401, 'InvalidAuthenticationToken', error.message);
    }
    if (!url.pathname.startsWith(`${VERSION_PREFIX}/`)) {
      recorder.record({ method, pathAndQuery, ids, viaBatch: false }, principal);
      return graphError(
        ids,
        404,
        'ResourceNotFound',
        `Resource not found for the segment '${url.pathname}'.`,
      );
    }
    let body: unknown;
    try {
      body = rawBody === '' ? undefined : JSON.parse(rawBody);
    } catch {
      recorder.record({ method, pathAndQuery, ids, viaBatch: false }, principal);
      return graphError(ids, 400, 'BadRequest', 'The request body is not valid JSON.');
    }
    const path = url.pathname.slice(VERSION_PREFIX.length);
    return dispatch(
      { method, path, query: url.searchParams, pathAndQuery, body, principal, ids, viaBatch: false },
      closing,
    );
  }

  /** Everything after authentication, shared by single calls and `$batch` items. */
  async function dispatch(request: GraphRequest, closing: AbortSignal): Promise<GraphResponse> {
    recorder.record(request, request.principal);
    const fault = faults.next(request.method, request.path);
    if (fault) {
      const faulted = await applyFault(fault, request.ids, closing);
      if (faulted) return faulted;
    }
    if (request.path.toLowerCase() !== '/$batch') return routes(request);
    if (request.viaBatch) {
      return graphError(request.ids, 400, 'BadRequest', 'A batch cannot contain another batch.');
    }
    if (request.method !== 'POST') {
      return graphError(
        request.ids,
        405,
        'Request_BadRequest',
        'Specified HTTP method is not allowed for the request uri.',
      );
    }
    return executeBatch(request.ids, request.body, (item) =>
      dispatch(
        {
          ...item,
          principal: request.principal,
          ids: { requestId: randomUUID(), clientRequestId: item.headers['client-request-id'] },
          viaBatch: true,
        },
        closing,
      ),
    );
  }

  async function applyFault(
    fault: GraphFault,
    ids: RequestIds,
    closing: AbortSignal,
  ): Promise<GraphResponse | undefined> {
    if (fault.hang) await hangUntilClosed(closing);
    await sleep(fault.delayMs ?? 0, closing);
    if (fault.drop) throw new DroppedConnection();
    if (fault.answerBytes !== undefined) {
      return { status: 200, body: { value: [], '@emulator.padding': 'x'.repeat(fault.answerBytes) } };
    }
    if (fault.status === undefined) return undefined;
    const { code, message } = describeFaultStatus(fault.status);
    return graphError(
      ids,
      fault.status,
      code,
      message,
      fault.retryAfter === undefined ? undefined : { 'Retry-After': fault.retryAfter },
    );
  }

  return {
    origin: server.origin,
    baseUrl,
    requests: recorder.requests,
    tokensSeen: () => recorder.tokensSeen(),
    data,
    get connections() {
      return server.connections;
    },
    get abandonedRequests() {
      return server.abandonedRequests;
    },
    get peakConcurrency() {
      return peakConcurrency;
    },
    resetRecording() {
      recorder.reset();
      peakConcurrency = inFlight;
      server.resetConnectionCount();
    },
    faults,
    setLatency(ms) {
      latencyMs = ms;
    },
    setMaxPageSize(size) {
      paging.maxPageSize = size;
    },
    exportSettings,
    setFailureRate: (rate, status) => faults.setFailureRate(rate, status),
    async close() {
      await server.close();
      await verifier.close();
    },
  };
}

/** The path as tests name it: below `/beta` (when under it), with the query. */
function pathBelowVersion(url: URL): string {
  const path = url.pathname.startsWith(`${VERSION_PREFIX}/`)
    ? url.pathname.slice(VERSION_PREFIX.length)
    : url.pathname;
  return path + url.search;
}

/** Thrown by a `drop` fault: the exchange ends with its socket destroyed, unanswered. */
class DroppedConnection extends Error {}
