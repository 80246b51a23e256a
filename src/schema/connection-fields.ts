import type { ObjectRef } from '@pothos/core';
import type DataLoader from 'dataloader';
import { authorizeArguments, ruleScopes } from './authorization.js';
import { type GatewayContext, builder } from './builder.js';
import type { RequestLoaders } from './request-loaders.js';
import {
  type Connection,
  type ConnectionArgs,
  type ConnectionRequest,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  readConnectionArgs,
} from './connection-paging.js';

/** Forward paging only: Graph's `@odata.nextLink` goes one way, so `last`/`before` are not offered. */
export const pagingArgs = builder.args((t) => ({
  first: t.int({
    required: false,
    description: `How many items, 1 to ${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} when omitted.`,
  }),
  after: t.string({
    required: false,
    description: 'An `endCursor` (or edge `cursor`) of this same connection.',
  }),
}));

/** What a cursor is bound to: a cursor of one connection is refused by every other. */
export const CONNECTIONS = {
  outboundProfiles: 'outboundSharedUserProfiles',
  inboundProfiles: 'inboundSharedUserProfiles',
  tenantsOf: (userId: string) => `outboundSharedUserProfiles/${userId.toLowerCase()}/tenants`,
} as const;

type ScopeMap = ReturnType<typeof authorizeArguments>;

/**
 * The checked paging arguments of each field execution, by its arguments object: scope-auth hands
 * the same object to `authScopes` and then to the resolver, so the resolver takes what
 * `authorizePage` read instead of reading it again.
 */
const checkedPages = new WeakMap<object, ConnectionRequest>();

/**
 * `authorizeArguments` for a connection field: 401, then BAD_USER_INPUT for a bad `first` or a
 * cursor not made for `connection`, then the permission rule that `scopes` names. The checked
 * arguments wait for the resolver in `checkedPage`.
 */
export function authorizePage(
  context: GatewayContext,
  connection: string,
  args: ConnectionArgs,
  scopes: () => ScopeMap,
): ScopeMap {
  return authorizeArguments(context, () => {
    checkedPages.set(args, readConnectionArgs(context.cursors, connection, args));
    return scopes();
  });
}

/** The paging arguments `authorizePage` checked for this field execution. */
export function checkedPage(args: ConnectionArgs): ConnectionRequest {
  const page = checkedPages.get(args);
  // Every connection field authorizes through `authorizePage`; anything else is a gateway bug.
  if (!page) throw new Error('A connection field resolved without authorizePage.');
  return page;
}

/**
 * A root listing of profiles, `{typeName}Connection` of `node`: for whoever may read any profile,
 * paged over `connection`, read through the request's loader that `loader` picks.
 */
export function anyProfileListing<T>(listing: {
  field: string;
  node: ObjectRef<typeof builder.$inferSchemaTypes, T>;
  typeName: string;
  description: string;
  connection: string;
  loader: (loaders: RequestLoaders) => DataLoader<ConnectionRequest, Connection<T>, string>;
}): void {
  const { connection, loader } = listing;
  const type = builder.connectionObject(
    { type: listing.node, name: `${listing.typeName}Connection` },
    { name: `${listing.typeName}Edge` },
  );
  builder.queryField(listing.field, (t) =>
    t.field({
      type,
      nullable: true,
      description: listing.description,
      args: pagingArgs,
      authScopes: (_root, args, context) =>
        authorizePage(context, connection, args, () => ruleScopes('readAnyProfile', '')),
      resolve: (_root, args, { loaders }) => loader(loaders).load(checkedPage(args)),
    }),
  );
}
