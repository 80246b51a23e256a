import { GatewayError } from './gateway-error';
import type { ErrorCode } from './gql/graphql';
import type { TypedDocumentString } from './gql/graphql';
import { GATEWAY_URL, TRUSTED_DOCUMENTS } from './settings';

/** The contract's error codes; anything else a server might say is treated as UPSTREAM_ERROR. */
const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'BAD_USER_INPUT',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'THROTTLED',
  'UNAUTHENTICATED',
  'UPSTREAM_ERROR',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNAVAILABLE',
]);

interface WireError {
  message?: unknown;
  extensions?: { code?: unknown; retryAfterSeconds?: unknown; upstreamRequestId?: unknown };
}

interface WireResult<T> {
  data?: T | null;
  errors?: WireError[];
}

/**
 * The body of a GraphQL request. With trusted documents the gateway knows every document by its
 * SHA-256 (the manifest `gql/persisted-documents.json`), so only the hash travels, in the
 * persisted-query extension, and never the `query`; otherwise the full document does.
 */
function requestBody<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
): string {
  const operationName = /^\s*(?:query|mutation)\s+(\w+)/.exec(document.toString())?.[1];
  if (!TRUSTED_DOCUMENTS) return JSON.stringify({ query: document.toString(), operationName, variables });
  const hash: unknown = document.__meta__?.['hash'];
  if (typeof hash !== 'string') throw new Error(`No hash for ${operationName}: run npm run codegen.`);
  return JSON.stringify({
    operationName,
    variables,
    extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
  });
}

const positiveSeconds = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.ceil(value) : undefined;

/** The first GraphQL error as a GatewayError, with the contract's retry and upstream details. */
function asGatewayError(error: WireError, response: Response): GatewayError {
  const extensions = error.extensions ?? {};
  const code =
    typeof extensions.code === 'string' && ERROR_CODES.has(extensions.code) ? extensions.code : null;
  const retryAfterHeader = positiveSeconds(Number(response.headers.get('retry-after') ?? NaN));
  const retryAfterSeconds = retryAfterHeader ?? positiveSeconds(extensions.retryAfterSeconds);
  const upstreamRequestId =
    typeof extensions.upstreamRequestId === 'string' ? extensions.upstreamRequestId : undefined;
  return new GatewayError(
    (code as ErrorCode | null) ?? 'UPSTREAM_ERROR',
    typeof error.message === 'string' ? error.message : 'The gateway refused the request.',
    {
      status: response.status,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      ...(upstreamRequestId === undefined ? {} : { upstreamRequestId }),
    },
  );
}

/**
 * Sends one typed document to the gateway with the caller's bearer token and returns its data, or
 * throws a GatewayError: every operation of this app asks for one root field, so any error means
 * that field failed. 401 is UNAUTHENTICATED whatever the body says (the contract pairs it with
 * `WWW-Authenticate`); 429 carries `Retry-After`, which the gateway exposes to other origins.
 */
export async function execute<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  token: string,
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch(`${GATEWAY_URL}/graphql`, {
      method: 'POST',
      headers: {
        accept: 'application/graphql-response+json, application/json',
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
      },
      body: requestBody(document, variables),
    });
  } catch {
    // fetch rejects only when nothing usable answered: the gateway is down, or CORS refused us.
    throw new GatewayError('NETWORK', 'The gateway cannot be reached.');
  }
  if (response.status === 401) {
    throw new GatewayError('UNAUTHENTICATED', 'The bearer token is not valid.', { status: 401 });
  }
  const result = (await response.json().catch(() => null)) as WireResult<TResult> | null;
  const firstError = result?.errors?.[0];
  if (firstError) throw asGatewayError(firstError, response);
  if (!result?.data) {
    throw new GatewayError('HTTP', `HTTP ${response.status} without data.`, { status: response.status });
  }
  return result.data;
}
