import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Remembers each parsed document's validation result. yoga's own cache (turned off with
 * `parserAndValidationCache: { validationCache: false }`) keys every lookup by the names of all the
 * validation rules, read and joined on every request (about 30 rules here: graphql-js's, armor's
 * and ours): 3 % of the instructions per request by callgrind's count (BENCHMARKS.md). This
 * gateway's rules are fixed when it starts, so the document alone is the key; yoga's parse cache
 * hands back the same document object for the same query text, and an entry goes when that cache
 * lets its document go. Registered after every plugin that looks at validation results, where
 * yoga's cache sat, so that what is kept is what those plugins made of it.
 */
export function useValidationCache(): Plugin {
  const results = new WeakMap<DocumentNode, readonly Error[]>();
  return {
    onValidate({ params: { documentAST }, setResult }) {
      const known = results.get(documentAST);
      if (known !== undefined) {
        setResult(known);
        return undefined;
      }
      return ({ result }) => {
        results.set(documentAST, result);
      };
    },
  };
}
