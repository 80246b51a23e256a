import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type { Caller } from '../auth/caller.js';
import { type ProfileScope, type ScopeParameter, profileScopes, refusalFor } from '../auth/permissions.js';
import type { GraphAdapter } from '../graph/adapter/graph-adapter.js';
import type { Ledger } from '../ledger/ledger.js';
import { decodeRequestId } from './global-ids.js';
import type { CursorCodec } from './connection-cursors.js';
import type { RequestLoaders } from './request-loaders.js';

/** What every resolver may use. The caller is verified before the context exists. */
export interface GatewayContext {
  caller: Caller | null;
  graph: GraphAdapter;
  now: () => Date;
  /** Aborted when the client goes away, so that upstream calls stop too. */
  signal: AbortSignal;
  /** Seals and opens connection cursors. */
  cursors: CursorCodec;
  /** Made per request: batching and a concurrency bound for reads, no cache across callers. */
  loaders: RequestLoaders;
  /** Where every removal and export is recorded before it is sent. */
  ledger: Ledger;
  /** The request's `Idempotency-Key` header as sent, checked by the mutations that honour it. */
  idempotencyKey: string | undefined;
}

export interface AuthenticatedContext extends GatewayContext {
  caller: Caller;
}

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  /** Own-profile scopes take the profile's user id as their parameter. */
  AuthScopes: { authenticated: boolean; organizationalAccount: boolean } & {
    [S in ProfileScope]: ScopeParameter<S>;
  };
  AuthContexts: { authenticated: AuthenticatedContext };
  Scalars: {
    ID: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
  };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
}>({
  // scope-auth first, so that no other plugin's wrapper runs before a field is authorized.
  plugins: [ScopeAuthPlugin, RelayPlugin],
  defaultFieldNullability: false,
  relay: {
    // `node` finds personal-data requests only (the one Node type), as `personalDataRequest`
    // does; no `nodes`: every list read goes through a field with its own authorization.
    nodeQueryOptions: {
      description:
        'A personal-data request by its `id` (Relay), or null when the caller may not see it or it does not exist.',
      authScopes: { organizationalAccount: true },
    },
    nodesQueryOptions: false,
    decodeGlobalID: (globalID) => decodeRequestId(globalID),
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
  },
  scopeAuth: {
    authScopes: ({ caller }) => profileScopes(caller),
    unauthorizedError: (_parent, { caller }) => refusalFor(caller),
  },
});
