import DataLoader from 'dataloader';
import type { Caller } from '../auth/caller.js';
import { UnauthenticatedError } from '../errors/gateway-errors.js';
import { concurrencyLimit } from '../graph/transport/concurrency.js';
import type {
  GraphAdapter,
  InboundSharedUserProfile,
  OutboundSharedUserProfile,
  TenantReference,
} from '../graph/adapter/graph-adapter.js';
import type { CursorCodec } from './connection-cursors.js';
import { type Connection, type ConnectionRequest, fillConnection } from './connection-paging.js';

/**
 * Upstream reads one GraphQL request may have in flight at once. Sibling fields (`tenants` on every
 * profile of a page, aliased lookups) are started together and run this many at a time: neither
 * one sequential call after another, nor an unbounded burst that Graph would throttle.
 */
export const UPSTREAM_CONCURRENCY_PER_REQUEST = 8;

export interface TenantsKey {
  userId: string;
  page: ConnectionRequest;
}

/** Per-request loaders: one upstream call per distinct key, all of them sharing one concurrency bound. */
export interface RequestLoaders {
  outboundProfiles: DataLoader<ConnectionRequest, Connection<OutboundSharedUserProfile>, string>;
  outboundProfile: DataLoader<string, OutboundSharedUserProfile | null, string>;
  tenants: DataLoader<TenantsKey, Connection<TenantReference>, string>;
  inboundProfiles: DataLoader<ConnectionRequest, Connection<InboundSharedUserProfile>, string>;
  inboundProfile: DataLoader<string, InboundSharedUserProfile | null, string>;
}

export interface RequestLoaderDependencies {
  graph: GraphAdapter;
  caller: Caller | null;
  cursors: CursorCodec;
  signal: AbortSignal;
}

const pageKey = ({ connection, first, cursor }: ConnectionRequest) =>
  `${connection}\n${first}\n${cursor ?? ''}`;
const idKey = (userId: string) => userId.toLowerCase();

/** Made once per request by the context factory, so that nothing is cached across callers. */
export function createRequestLoaders({
  graph,
  caller,
  cursors,
  signal,
}: RequestLoaderDependencies): RequestLoaders {
  const limited = concurrencyLimit(UPSTREAM_CONCURRENCY_PER_REQUEST);
  // Loaders are only reached through fields that scope-auth let through, which needs a caller.
  const verified = (): Caller => {
    if (!caller) throw new UnauthenticatedError();
    return caller;
  };

  function loader<K, V>(load: (key: K) => Promise<V>, cacheKeyFn: (key: K) => string) {
    return new DataLoader<K, V, string>(
      (keys) =>
        Promise.all(keys.map((key) => limited(() => load(key)).catch((error: unknown) => toError(error)))),
      { cacheKeyFn },
    );
  }

  return {
    outboundProfiles: loader(
      (request) =>
        fillConnection(cursors, request, (page) =>
          graph.listOutboundSharedUserProfiles(verified(), page, signal),
        ),
      pageKey,
    ),
    outboundProfile: loader(
      (userId) => graph.getOutboundSharedUserProfile(verified(), userId, signal),
      idKey,
    ),
    // The connection names the profile (lowercased), so the page alone keys a profile's tenants.
    tenants: loader(
      ({ userId, page: request }) =>
        fillConnection(cursors, request, (page) =>
          graph.listOutboundSharedUserProfileTenants(verified(), userId, page, signal),
        ),
      ({ page }) => pageKey(page),
    ),
    inboundProfiles: loader(
      (request) =>
        fillConnection(cursors, request, (page) =>
          graph.listInboundSharedUserProfiles(verified(), page, signal),
        ),
      pageKey,
    ),
    inboundProfile: loader((userId) => graph.getInboundSharedUserProfile(verified(), userId, signal), idKey),
  };
}

/** DataLoader hands an `Error` in the results to that key's caller alone, so one failure stays local. */
function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
