import type { AuthScopeMap } from '@pothos/plugin-scope-auth';
import type { GatewayContext, builder } from './builder.js';

type GatewayScopeMap = AuthScopeMap<typeof builder.$inferSchemaTypes>;

/**
 * The order in which a protected field refuses a request: no verified caller (401), then malformed
 * arguments (BAD_USER_INPUT, the same answer whoever asks), then the permission rule (FORBIDDEN).
 * `scopesFor` validates the arguments (throwing) and names the rule.
 */
export function authorizeArguments(
  context: GatewayContext,
  scopesFor: () => GatewayScopeMap,
): GatewayScopeMap {
  return context.caller ? scopesFor() : { authenticated: true };
}
