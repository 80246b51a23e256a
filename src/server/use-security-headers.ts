import type { Plugin } from 'graphql-yoga';

/** Headers every response carries, whatever produced it. */
export function useSecurityHeaders(): Plugin {
  return {
    onResponse({ response }) {
      response.headers.set('x-content-type-options', 'nosniff');
      response.headers.set('referrer-policy', 'no-referrer');
      response.headers.delete('x-powered-by');
    },
  };
}
