import { graphError, type GraphRequest, type GraphResponse } from './graph-emulator-protocol.js';

const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;

/** The skip token hides a plain offset, so that clients treat it as opaque as they must with Graph. */
function encodeSkipToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodeSkipToken(token: string): number | undefined {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * One page of a collection, the way Graph pages: `$top` sets the page size (capped at
 * `maxPageSize`, as Graph caps it server-side), and
 * `@odata.nextLink` is an absolute URL carrying `$skiptoken` and the caller's `$top`.
 */
export function pageOf<T>(
  request: GraphRequest,
  baseUrl: string,
  items: readonly T[],
  toEntity: (item: T) => Record<string, unknown>,
  maxPageSize = MAX_PAGE_SIZE,
): GraphResponse {
  const topParameter = request.query.get('$top');
  const top = topParameter === null ? DEFAULT_PAGE_SIZE : Number(topParameter);
  if (!Number.isInteger(top) || top < 1) {
    return graphError(
      request.ids,
      400,
      'BadRequest',
      `Invalid value '${topParameter ?? ''}' for query parameter $top.`,
    );
  }
  const skipToken = request.query.get('$skiptoken');
  const offset = skipToken === null ? 0 : decodeSkipToken(skipToken);
  if (offset === undefined) return graphError(request.ids, 400, 'BadRequest', 'The $skiptoken is invalid.');

  const pageSize = Math.min(top, maxPageSize);
  const end = offset + pageSize;
  const nextQuery = `${topParameter === null ? '' : `$top=${top}&`}$skiptoken=${encodeSkipToken(end)}`;
  return {
    status: 200,
    body: {
      '@odata.context': `${baseUrl}/$metadata#${request.path.slice(1)}`,
      value: items.slice(offset, end).map(toEntity),
      ...(end < items.length ? { '@odata.nextLink': `${baseUrl}${request.path}?${nextQuery}` } : {}),
    },
  };
}
