import { BadUserInputError } from '../errors/gateway-errors.js';
import type { GraphPage, GraphPageRequest } from '../graph/adapter/graph-adapter.js';
import type { CursorCodec, CursorPosition } from './connection-cursors.js';

/** `first` when the client gives none. */
export const DEFAULT_PAGE_SIZE = 20;
/** The largest `first`; also the largest `$top` the gateway asks of Graph. */
export const MAX_PAGE_SIZE = 100;
/**
 * Graph pages one connection field reads before it answers with what it has (and `hasNextPage`).
 * Graph honours `$top` up to 999 for these collections, so this only bites when Graph's pages are
 * far smaller than asked; it keeps one field from turning into an unbounded chain of calls.
 */
export const MAX_GRAPH_PAGES_PER_FIELD = 10;

export interface ConnectionArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
}

/** `first` and `after`, checked: where to start and how many items to return. */
export interface ConnectionRequest {
  connection: string;
  first: number;
  after: CursorPosition | undefined;
  /** `after` as the client wrote it: with `connection` and `first`, what tells two requests apart. */
  cursor: string | undefined;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Array<Edge<T>>;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

/** Throws BAD_USER_INPUT for a `first` out of bounds or a cursor not made for `connection`. */
export function readConnectionArgs(
  cursors: CursorCodec,
  connection: string,
  { first, after }: ConnectionArgs,
): ConnectionRequest {
  if (first != null && (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE)) {
    throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE_SIZE}.`, 'first');
  }
  return {
    connection,
    first: first ?? DEFAULT_PAGE_SIZE,
    after: after == null ? undefined : cursors.decode(connection, after),
    cursor: after ?? undefined,
  };
}

/**
 * Reads Graph pages, following `@odata.nextLink` exactly as given, until `first` items are found
 * or the collection ends. Every edge's cursor is the position right after it; a position at the
 * end of a page that has a next link is written as the start of that next page, so that a client
 * resuming there does not read the finished page again.
 */
export async function fillConnection<T>(
  cursors: CursorCodec,
  { connection, first, after }: ConnectionRequest,
  readPage: (page: GraphPageRequest) => Promise<GraphPage<T>>,
): Promise<Connection<T>> {
  let request: GraphPageRequest = after?.page ?? { top: first };
  let skip = after?.skip ?? 0;
  const edges: Array<Edge<T>> = [];
  let hasNextPage = false;
  for (let pagesRead = 0; ; pagesRead += 1) {
    if (pagesRead === MAX_GRAPH_PAGES_PER_FIELD) {
      hasNextPage = true;
      break;
    }
    const page = await readPage(request);
    const taken = page.items.slice(skip, skip + first - edges.length);
    const pageRequest = request;
    taken.forEach((node, index) => {
      const position = positionAfter(pageRequest, page, skip + index + 1);
      edges.push({ node, cursor: cursors.encode(connection, position) });
    });
    const consumed = skip + taken.length;
    if (edges.length === first) {
      hasNextPage = consumed < page.items.length || page.nextLink !== undefined;
      break;
    }
    if (page.nextLink === undefined) break;
    request = { link: page.nextLink };
    skip = 0;
  }
  return {
    edges,
    pageInfo: {
      hasNextPage,
      // A cursor is a position after an item, so one given means items exist before it.
      hasPreviousPage: after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor:
        edges.at(-1)?.cursor ?? (hasNextPage ? cursors.encode(connection, { page: request, skip }) : null),
    },
  };
}

function positionAfter<T>(request: GraphPageRequest, page: GraphPage<T>, read: number): CursorPosition {
  if (read >= page.items.length && page.nextLink !== undefined) {
    return { page: { link: page.nextLink }, skip: 0 };
  }
  return { page: request, skip: read };
}
