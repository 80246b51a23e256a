import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Caller } from '../../auth/caller.js';
import type { Logger } from '../../observability/logger.js';
import type { GatewayPluginContext } from '../server-context.js';

interface RequestRecord {
  startedAt?: number;
  path: string;
  operationName?: string | undefined;
  caller?: Caller | null;
}

/** Characters of a client-sent operation name that reach the log. */
const MAX_LOGGED_NAME = 100;

/** Probes and scrapes, logged at debug so that they do not drown the requests that matter. */
const QUIET_PATHS = new Set(['/health', '/readiness', '/metrics']);

/**
 * One log line per request, for audit: method, path, status, duration, operation name, the
 * verified caller's tenant and object ids, and whether the client left before its answer. Never
 * the token, the query text or the variables (which name the users acted on): the upstream calls
 * log their own request ids for support.
 */
export function useRequestLog(logger: Logger): Plugin<GatewayPluginContext> {
  // Every line is at info or debug, and LOG_LEVEL is fixed when the gateway starts: above info the
  // plugin would time and record each request for nothing (with yoga's debug messages, ~11k
  // instructions per request by callgrind's count, BENCHMARKS.md).
  if (!logger.isLevelEnabled('info')) return {};
  const records = new WeakMap<Request, RequestRecord>();
  return {
    onRequest({ request, url }) {
      records.set(request, { startedAt: performance.now(), path: url.pathname });
    },
    onParams({ request, params }) {
      const record = records.get(request);
      // Client text, not yet checked against a document: bounded in characters, and replaced once
      // one executes. onParams runs only for a request that parsed as GraphQL over HTTP, with a
      // string `operationName` (useRequestParameterChecks); anything else is never logged.
      const name: unknown = params.operationName;
      if (record && typeof name === 'string') record.operationName = name.slice(0, MAX_LOGGED_NAME);
    },
    onExecute({ args }) {
      const record = records.get(args.contextValue.request);
      if (!record) return;
      record.caller = args.contextValue.caller;
      record.operationName = getOperationAST(args.document, args.operationName)?.name?.value;
    },
    onResponse({ request, response }) {
      // yoga answers /health before any user plugin sees the request: no record, no timing.
      const record = records.get(request) ?? { path: new URL(request.url).pathname };
      // Deleted, not left to the WeakMap: see useScopeCacheRelease for what a live entry costs.
      records.delete(request);
      const line = {
        method: request.method,
        path: record.path,
        status: response.status,
        durationMs:
          record.startedAt === undefined
            ? undefined
            : Math.round((performance.now() - record.startedAt) * 10) / 10,
        operationName: record.operationName,
        callerTenantId: record.caller?.tenantId,
        callerObjectId: record.caller?.objectId,
        // The connection closed before the answer was out: `status` is what the gateway would
        // have answered (a removal may have gone through), not what the client received.
        clientDeparted: request.signal.aborted || undefined,
      };
      if (QUIET_PATHS.has(record.path)) logger.debug(line, 'request');
      else logger.info(line, 'request');
    },
  };
}
