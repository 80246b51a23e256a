import type { Plugin } from 'graphql-yoga';
import { GRAPHIQL_CONTENT_SECURITY_POLICY } from '../graphiql-assets.js';
import type { GatewayPluginContext, NodeServerContext } from '../server-context.js';

/**
 * What every response says about itself: `cache-control` unless the answer set its own, and a
 * content security policy that allows nothing (GraphiQL's page, the only HTML, gets its own).
 */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
} as const;

/**
 * Headers every response carries, whatever produced it (GraphQL, probes, metrics, errors, 404).
 * Responses hold personal data and are never meant to be cached, framed or sniffed. GraphiQL's page
 * may load scripts, styles and workers from the gateway's own origin, and from nowhere else.
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
      set('x-content-type-options', SECURITY_HEADERS['x-content-type-options']);
      set('referrer-policy', SECURITY_HEADERS['referrer-policy']);
      set('x-frame-options', SECURITY_HEADERS['x-frame-options']);
      if (!headers.has('cache-control')) set('cache-control', SECURITY_HEADERS['cache-control']);
      if (!headers.has('content-security-policy')) {
        const html = headers.get('content-type')?.startsWith('text/html');
        set(
          'content-security-policy',
          html ? GRAPHIQL_CONTENT_SECURITY_POLICY : SECURITY_HEADERS['content-security-policy'],
        );
      }
    },
  };
}
