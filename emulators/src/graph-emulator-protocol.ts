import type { GraphPrincipal } from './graph-emulator-auth.js';

/** The ids that tie a response to a request, as Graph reports them. */
export interface RequestIds {
  requestId: string;
  /** The caller's `client-request-id` header, echoed when present. */
  clientRequestId: string | undefined;
}

/** One Graph call after authentication, whether it arrived alone or inside `$batch`. */
export interface GraphRequest {
  method: string;
  /** Below the version segment and without the query, e.g. `/directory/inboundSharedUserProfiles`. */
  path: string;
  query: URLSearchParams;
  /** `path` and the query as the caller wrote them (`$top`, not `%24top`), for the recording. */
  pathAndQuery: string;
  body: unknown;
  principal: GraphPrincipal;
  ids: RequestIds;
  viaBatch: boolean;
}

export interface GraphResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialized as JSON; absent for 202 and 204. */
  body?: unknown;
}

/** Graph's error body, with the `innerError` that support tickets quote. */
export function graphError(
  ids: RequestIds,
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): GraphResponse {
  return {
    status,
    ...(headers ? { headers } : {}),
    body: {
      error: {
        code,
        message,
        innerError: {
          // Graph writes this timestamp without a zone or fraction.
          date: new Date().toISOString().slice(0, 19),
          'request-id': ids.requestId,
          // Graph reuses the request-id when the caller sent no client-request-id.
          'client-request-id': ids.clientRequestId ?? ids.requestId,
        },
      },
    },
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}
