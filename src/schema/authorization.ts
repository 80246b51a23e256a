import type { AuthScopeMap } from '@pothos/plugin-scope-auth';
import { PROFILE_RULES, type ProfileRule } from '../auth/permissions.js';
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

/** The rule `readAnyProfile` in words, for the descriptions of the fields it guards. */
export const READ_ANY_PROFILE_WORDS =
  'Needs `Read.All` or `ReadWrite.All` with Global Reader or Global Administrator, or either application role.';

/**
 * `rule` on `userId`'s profile as a scope-auth map: any one of its scopes allows (scope-auth's
 * default), own-profile scopes with the user id as their parameter.
 */
export function ruleScopes(rule: ProfileRule, userId: string): GatewayScopeMap {
  const map: Partial<Record<string, string | boolean>> = {};
  for (const scope of PROFILE_RULES[rule]) map[scope] = scope.endsWith('OwnProfile') ? userId : true;
  // Built from PROFILE_RULES, whose scopes and parameters `ScopeParameter` ties to the builder's.
  return map as GatewayScopeMap;
}
