import type { GatewayHarness, GraphQLHttpResponse } from './gateway-harness.js';

/** Every field of a personal-data request, for the ledger's specs' inline documents. */
export const REQUEST_FIELDS = `
  id
  operation
  userId
  tenantId
  batchId
  requestedBy { kind userId tenantId clientId }
  requestedAt
  dueAt
  status
  attempts
  completedAt
  error { code message retryAfterSeconds }
  upstreamRequestId
  export { operationLocation status completedAt }
`;

export interface RequestView {
  id: string;
  operation: 'REMOVE_OUTBOUND' | 'REMOVE_INBOUND' | 'EXPORT_INBOUND';
  userId: string;
  tenantId: string | null;
  batchId: string | null;
  requestedBy: { kind: 'USER' | 'APPLICATION'; userId: string; tenantId: string; clientId: string | null };
  requestedAt: string;
  dueAt: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  attempts: number;
  completedAt: string | null;
  error: { code: string; message: string; retryAfterSeconds: number | null } | null;
  upstreamRequestId: string | null;
  export: {
    operationLocation: string | null;
    status: 'NOT_STARTED' | 'RUNNING' | 'COMPLETE' | 'FAILED' | 'UNKNOWN';
    completedAt: string | null;
  } | null;
}

export const REMOVE_OUTBOUND = `mutation ($userId: ID!, $tenantId: ID) {
  removeOutboundSharedUserProfilePersonalData(userId: $userId, tenantId: $tenantId) {
    upstreamRequestId
    request { ${REQUEST_FIELDS} }
  }
}`;

export const REMOVE_INBOUND = `mutation ($userId: ID!) {
  removeInboundSharedUserProfilePersonalData(userId: $userId) {
    upstreamRequestId
    request { ${REQUEST_FIELDS} }
  }
}`;

export const EXPORT_INBOUND = `mutation ($userId: ID!, $storageLocation: String!) {
  exportInboundSharedUserProfilePersonalData(userId: $userId, storageLocation: $storageLocation) {
    operationLocation
    retryAfterSeconds
    upstreamRequestId
    request { ${REQUEST_FIELDS} }
  }
}`;

const BULK_RESULT = `batchId accepted failed results {
  userId ok requestId upstreamRequestId error { code message retryAfterSeconds }
}`;

export const REMOVE_OUTBOUND_BULK = `mutation ($userIds: [ID!]!, $tenantId: ID) {
  removeOutboundSharedUserProfilesPersonalData(userIds: $userIds, tenantId: $tenantId) { ${BULK_RESULT} }
}`;

export const REMOVE_INBOUND_BULK = `mutation ($userIds: [ID!]!) {
  removeInboundSharedUserProfilesPersonalData(userIds: $userIds) { ${BULK_RESULT} }
}`;

export interface BulkView {
  batchId: string;
  accepted: number;
  failed: number;
  results: Array<{
    userId: string;
    ok: boolean;
    requestId: string | null;
    upstreamRequestId: string | null;
    error: { code: string; message: string; retryAfterSeconds: number | null } | null;
  }>;
}

export const REQUEST_BY_ID = `query ($id: ID!) { personalDataRequest(id: $id) { ${REQUEST_FIELDS} } }`;

export const REQUESTS = `query ($first: Int, $after: String, $filter: PersonalDataRequestFilter) {
  personalDataRequests(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ${REQUEST_FIELDS} } }
  }
}`;

export interface ConnectionView {
  totalCount: number;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  edges: Array<{ cursor: string; node: RequestView }>;
}

/** The ledger's UUID inside a request's opaque id. */
export function requestUuid(globalId: string): string {
  const [typename, uuid] = Buffer.from(globalId, 'base64').toString('utf8').split(':');
  if (typename !== 'PersonalDataRequest' || !uuid) throw new Error(`not a request id: ${globalId}`);
  return uuid;
}

/** A request as the caller holding `token` sees it; null when hidden or unknown. */
export async function readRequest(
  harness: GatewayHarness,
  id: string,
  token: string,
): Promise<RequestView | null> {
  const response = await harness.post<{ personalDataRequest: RequestView | null }>(
    { query: REQUEST_BY_ID, variables: { id } },
    token,
  );
  if (response.body.errors) throw new Error(JSON.stringify(response.body.errors));
  return response.body.data!.personalDataRequest;
}

export async function listRequests(
  harness: GatewayHarness,
  token: string,
  variables: { first?: number; after?: string; filter?: Record<string, unknown> } = {},
): Promise<GraphQLHttpResponse<{ personalDataRequests: ConnectionView | null }>> {
  return harness.post<{ personalDataRequests: ConnectionView | null }>({ query: REQUESTS, variables }, token);
}

/** Polls `condition` every 50 ms until it holds, failing after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
