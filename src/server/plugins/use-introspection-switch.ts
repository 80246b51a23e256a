import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayConfig } from '../../config/config.js';
import { UnauthenticatedError } from '../../errors/gateway-errors.js';
import { asksForIntrospection } from '../../rate-limit/operation-root-fields.js';
import type { GatewayPluginContext } from '../server-context.js';

/**
 * `INTROSPECTION`:
 * - `true`: anyone may introspect.
 * - `false`: `__schema` and `__type` fail validation.
 * - `authenticated`: only a caller with a verified token may (GraphiQL with a token keeps working);
 *   an anonymous introspection is `UNAUTHENTICATED` (401), before the rate limit is charged. A bad
 *   token was refused already, when the context was built.
 *
 * Field suggestions, the other way a schema leaks, are masked by `useFieldSuggestionMasking`,
 * which the gateway turns on unless introspection is open to anyone (and always in production).
 */
export function useIntrospectionSwitch(
  mode: GatewayConfig['http']['introspection'],
): Plugin<GatewayPluginContext> {
  if (mode === true) return {};
  if (mode === false) {
    return {
      onValidate({ addValidationRule }) {
        addValidationRule(NoSchemaIntrospectionCustomRule);
      },
    };
  }
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (args.contextValue.caller || !asksForIntrospection(args.document, args.operationName)) return;
      setResultAndStopExecution({
        errors: [new UnauthenticatedError('Introspection needs a valid bearer token.')],
      });
    },
  };
}
