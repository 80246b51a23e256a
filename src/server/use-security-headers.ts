import type { Plugin } from 'graphql-yoga';
import type { GatewayPluginContext, NodeServerContext } from './server-context.js';

/**
 * Headers every response carries, whatever produced it (GraphQL, probes, metrics, errors, 404).
 * Responses hold personal data and are never meant to be cached, framed or sniffed. The strict
 * content security policy is left off HTML, i.e. GraphiQL, whose page loads its scripts from a CDN.
 *
 * Over node:http they are set on the outgoing message, not on the fetch `Response`: the server
 * adapter writes a response whose headers nobody changed in one `writeHead` with the object yoga
 * built, and changing them sends every header through a slower path (3k–5k more instructions per
 * request by callgrind's count, BENCHMARKS.md). Node merges the two, the `Response`'s own headers
 * winning.
 */
export function useSecurityHeaders(): Plugin<GatewayPluginContext, NodeServerContext> {
  return {
    onResponse({ response, serverContext }) {
      const headers = response.headers;
      const outgoing = serverContext.res;
      const onOutgoing = outgoing && !outgoing.headersSent && !headers.has('x-powered-by');
      if (!onOutgoing) headers.delete('x-powered-by');
      const set = onOutgoing
        ? (name: string, value: string) => void outgoing.setHeader(name, value)
        : (name: string, value: string) => headers.set(name, value);
      set('x-content-type-options', 'nosniff');
      set('referrer-policy', 'no-referrer');
      set('x-frame-options', 'DENY');
      if (!headers.has('cache-control')) set('cache-control', 'no-store');
      if (!headers.get('content-type')?.startsWith('text/html')) {
        set('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
      }
    },
  };
}
