import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * With introspection off, the schema must not leak through validation either: "Did you mean …?"
 * suggestions name fields the client was not told about.
 */
export function useIntrospectionSwitch(enabled: boolean): Plugin {
  if (enabled) return {};
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
      return ({ result, setResult }) => {
        if (result.length === 0) return;
        setResult(
          result.map((error) => {
            const message = error.message.replace(/\s*Did you mean .*\?$/, '');
            return message === error.message ? error : Object.assign(error, { message });
          }),
        );
      };
    },
  };
}
