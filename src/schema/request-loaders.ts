import { bulkhead } from 'cockatiel';
import DataLoader from 'dataloader';
import type { Caller } from '../auth/caller.js';
import { UnauthenticatedError } from '../errors/gateway-errors.js';
import type {
  GraphAdapter,
  InboundSharedUserProfile,
  OutboundSharedUserProfile,
  TenantReference,
} from '../graph/graph-adapter.js';
import type { CursorCodec } from './connection-cursors.js';
import {
  type Connection,
  type ConnectionArgs,
  fillConnection,
  readConnectionArgs,
} from './connection-paging.js';

/**
 * Upstream reads one GraphQL request may have in flight at once. Sibling fields (`tenants` on every
 * profile of a page, aliased lookups) are started together and run this many at a time: neither
 * one sequential call after another, nor an unbounded burst that Graph would throttle.
 */
export const UPSTREAM_CONCURRENCY_PER_REQUEST = 8;

/** What a cursor is bound to: a cursor of one connection is refused by every other. */
export const CONNECTIONS = {
  outboundProfiles: 'outboundSharedUserProfiles',
  inboundProfiles: 'inboundSharedUserProfiles',
  tenantsOf: (userId: string) => `outboundSharedUserProfiles/${userId.toLowerCase()}/tenants`,
} as const;

export interface TenantsKey extends ConnectionArgs {
  userId: string;
}

/** Per-request loaders: one upstream call per distinct key, all of them sharing one concurrency bound. */
export interface RequestLoaders {
  outboundProfiles: DataLoader<ConnectionArgs, Connection<OutboundSharedUserProfile>, string>;
  outboundProfile: DataLoader<string, OutboundSharedUserProfile | null, string>;
  tenants: DataLoader<TenantsKey, Connection<TenantReference>, string>;
  inboundProfiles: DataLoader<ConnectionArgs, Connection<InboundSharedUserProfile>, string>;
  inboundProfile: DataLoader<string, InboundSharedUserProfile | null, string>;
}

export interface RequestLoaderDependencies {
  graph: GraphAdapter;
  caller: Caller | null;
  cursors: CursorCodec;
  signal: AbortSignal;
}

const pageKey = ({ first, after }: ConnectionArgs) => `${first ?? ''}\n${after ?? ''}`;
const idKey = (userId: string) => userId.toLowerCase();

/** Made once per request by the context factory, so that nothing is cached across callers. */
export function createRequestLoaders({
  graph,
  caller,
  cursors,
  signal,
}: RequestLoaderDependencies): RequestLoaders {
  const slots = bulkhead(UPSTREAM_CONCURRENCY_PER_REQUEST, Number.POSITIVE_INFINITY);
  // Loaders are only reached through fields that scope-auth let through, which needs a caller.
  const verified = (): Caller => {
    if (!caller) throw new UnauthenticatedError();
    return caller;
  };

  function loader<K, V>(load: (key: K) => Promise<V>, cacheKeyFn: (key: K) => string) {
    return new DataLoader<K, V, string>(
      (keys) =>
        Promise.all(
          keys.map((key) => slots.execute(() => load(key)).catch((error: unknown) => toError(error))),
        ),
      { cacheKeyFn },
    );
  }

  return {
    outboundProfiles: loader(
      (args) =>
        fillConnection(cursors, readConnectionArgs(cursors, CONNECTIONS.outboundProfiles, args), (page) =>
          graph.listOutboundSharedUserProfiles(verified(), page, signal),
        ),
      pageKey,
    ),
    outboundProfile: loader(
      (userId) => graph.getOutboundSharedUserProfile(verified(), userId, signal),
      idKey,
    ),
    tenants: loader(
      ({ userId, ...args }) =>
        fillConnection(cursors, readConnectionArgs(cursors, CONNECTIONS.tenantsOf(userId), args), (page) =>
          graph.listOutboundSharedUserProfileTenants(verified(), userId, page, signal),
        ),
      (key) => `${idKey(key.userId)}\n${pageKey(key)}`,
    ),
    inboundProfiles: loader(
      (args) =>
        fillConnection(cursors, readConnectionArgs(cursors, CONNECTIONS.inboundProfiles, args), (page) =>
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
