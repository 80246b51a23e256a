import type { Plugin } from 'graphql-yoga';

// graphql-js phrases every suggestion as a trailing "Did you mean …?": field, argument, type and
// enum value names, and "to use an inline fragment on …" (a type name). armor's pattern only
// matches the quoted-name form, so the type and enum forms would still leak.
const SUGGESTION = /\s*Did you mean .*\?$/;

/**
 * Removes "Did you mean …?" from validation errors: they name fields and types the client was not
 * told about, which is what turning introspection off (or running in production) is meant to hide.
 */
export function useFieldSuggestionMasking(): Plugin {
  return {
    onValidate() {
      return ({ result, setResult }) => {
        if (result.length === 0) return;
        setResult(
          result.map((error) => {
            const message = error.message.replace(SUGGESTION, '');
            return message === error.message ? error : Object.assign(error, { message });
          }),
        );
      };
    },
  };
}
