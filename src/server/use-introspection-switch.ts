import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * `INTROSPECTION=false`: `__schema` and `__type` fail validation. Field suggestions, the other way
 * a schema leaks, are masked by `useFieldSuggestionMasking`, which the gateway turns on with it.
 */
export function useIntrospectionSwitch(enabled: boolean): Plugin {
  if (enabled) return {};
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
