import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type { Caller } from '../auth/caller.js';
import {
  isPersonalAccount,
  mayReadAnyProfile,
  mayReadOwnProfile,
  mayRemoveAnyProfile,
  mayRemoveOwnProfile,
} from '../auth/permissions.js';
import { ForbiddenError, PersonalAccountError, UnauthenticatedError } from '../errors/gateway-errors.js';
import type { GraphAdapter } from '../graph/graph-adapter.js';
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
}

export interface AuthenticatedContext extends GatewayContext {
  caller: Caller;
}

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  AuthScopes: {
    authenticated: boolean;
    /** Parameter: the profile's user id. */
    removeOwnProfile: string;
    removeAnyProfile: boolean;
    /** Parameter: the profile's user id. */
    readOwnProfile: string;
    readAnyProfile: boolean;
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
    // No `node`/`nodes` lookups: every read goes through a field with its own authorization.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
  },
  scopeAuth: {
    authScopes: ({ caller }) => ({
      authenticated: caller !== null,
      removeOwnProfile: (userId) => caller !== null && mayRemoveOwnProfile(caller, userId),
      removeAnyProfile: caller !== null && mayRemoveAnyProfile(caller),
      readOwnProfile: (userId) => caller !== null && mayReadOwnProfile(caller, userId),
      readAnyProfile: caller !== null && mayReadAnyProfile(caller),
    }),
    unauthorizedError: (_parent, { caller }) => {
      if (!caller) return new UnauthenticatedError();
      if (isPersonalAccount(caller)) return new PersonalAccountError();
      return new ForbiddenError();
    },
  },
});
