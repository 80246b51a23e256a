import type { Plugin } from 'graphql-yoga';

/**
 * Headers every response carries, whatever produced it (GraphQL, probes, metrics, errors, 404).
 * Responses hold personal data and are never meant to be cached, framed or sniffed. The strict
 * content security policy is left off HTML, i.e. GraphiQL, whose page loads its scripts from a CDN.
 */
export function useSecurityHeaders(): Plugin {
  return {
    onResponse({ response }) {
      const headers = response.headers;
      headers.set('x-content-type-options', 'nosniff');
      headers.set('referrer-policy', 'no-referrer');
      headers.set('x-frame-options', 'DENY');
      headers.delete('x-powered-by');
      if (!headers.has('cache-control')) headers.set('cache-control', 'no-store');
      if (!headers.get('content-type')?.startsWith('text/html')) {
        headers.set('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
      }
    },
  };
}
