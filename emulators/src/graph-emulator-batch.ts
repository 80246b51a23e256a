import { graphError, type GraphResponse, type RequestIds } from './graph-emulator-protocol.js';

/** Graph refuses JSON batches of more than 20 requests. */
export const MAX_BATCH_REQUESTS = 20;

/** One request of a JSON batch, its URL split into what the route handlers need. */
export interface BatchItem {
  id: string;
  method: string;
  /** Below the version segment, e.g. `/directory/outboundSharedUserProfiles`. */
  path: string;
  query: URLSearchParams;
  pathAndQuery: string;
  headers: Readonly<Record<string, string>>;
  body: unknown;
}

// Only used to split relative item URLs; an item URL that escapes it names another host.
const RELATIVE_BASE = 'https://batch.invalid';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** The batch's items, or why Graph would refuse the whole batch. */
function parseBatch(body: unknown): BatchItem[] | string {
  const requests = isRecord(body) ? body.requests : undefined;
  if (!Array.isArray(requests) || requests.length === 0)
    return "The batch body must have a non-empty 'requests' array.";
  if (requests.length > MAX_BATCH_REQUESTS) {
    return `The number of batch requests (${requests.length}) exceeds the limit of ${MAX_BATCH_REQUESTS}.`;
  }
  const items: BatchItem[] = [];
  for (const request of requests) {
    if (!isRecord(request)) return 'Every batch request must be an object.';
    const { id, method, url } = request;
    if (typeof id !== 'string' || id === '' || typeof method !== 'string' || typeof url !== 'string') {
      return "Every batch request needs the string properties 'id', 'method' and 'url'.";
    }
    if (items.some((item) => item.id === id)) return `The batch request id '${id}' is not unique.`;
    const parsed = new URL(url.startsWith('/') ? url : `/${url}`, RELATIVE_BASE);
    if (parsed.origin !== RELATIVE_BASE) return `The batch request url '${url}' must be relative.`;
    items.push({
      id,
      method: method.toUpperCase(),
      path: parsed.pathname,
      query: parsed.searchParams,
      pathAndQuery: parsed.pathname + parsed.search,
      headers: stringRecord(request.headers),
      body: request.body,
    });
  }
  return items;
}

/**
 * Graph JSON batching: items run concurrently through `runItem` (the same pipeline as single
 * calls), and the batch answers 200 with every item's own status, even when items fail.
 */
export async function executeBatch(
  ids: RequestIds,
  body: unknown,
  runItem: (item: BatchItem) => Promise<GraphResponse>,
): Promise<GraphResponse> {
  const items = parseBatch(body);
  if (typeof items === 'string') return graphError(ids, 400, 'BadRequest', items);
  const responses = await Promise.all(
    items.map(async (item) => {
      const response = await runItem(item);
      const headers = { ...response.headers };
      if (response.body !== undefined) headers['Content-Type'] = 'application/json';
      return {
        id: item.id,
        status: response.status,
        headers,
        ...(response.body !== undefined ? { body: response.body } : {}),
      };
    }),
  );
  return { status: 200, body: { responses } };
}
