import { authorizeArguments } from './authorization.js';
import { type GatewayContext, builder } from './builder.js';
import {
  type ConnectionArgs,
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

type ScopeMap = ReturnType<typeof authorizeArguments>;

/**
 * `authorizeArguments` for a connection field: 401, then BAD_USER_INPUT for a bad `first` or a
 * cursor not made for `connection`, then the permission rule that `scopes` names.
 */
export function authorizePage(
  context: GatewayContext,
  connection: string,
  args: ConnectionArgs,
  scopes: () => ScopeMap,
): ScopeMap {
  return authorizeArguments(context, () => {
    readConnectionArgs(context.cursors, connection, args);
    return scopes();
  });
}
