import { Agent } from 'undici';

export interface UpstreamAgentOptions {
  /** Extra trust anchors (PEM). Node's own roots, NODE_EXTRA_CA_CERTS included, apply when absent. */
  ca?: string | undefined;
  /** Sockets per upstream origin; keep-alive makes a few enough for thousands of requests. */
  connectionsPerOrigin?: number;
}

/**
 * One keep-alive connection pool per upstream origin (Graph, the token authority, the JWKS host),
 * shared by every request of the process so that TLS handshakes are paid once.
 *
 * Every request sent through it carries its own deadline as an abort signal (a Graph call's
 * `CallDeadline`, MSAL's `AbortSignal.timeout`, jose's JWKS timeout), so undici's own headers and
 * body timeouts (300 s) are off. Each was a timer per request that undici sweeps only every half
 * second: long enough to outlive two scavenges, be promoted and die in the old generation. Without
 * them, at 1,808 req/s, 153 KB/s was promoted instead of 309–313, and full-speed CPU per request
 * went from 219 to 210 µs (BENCHMARKS.md, session 8).
 */
export function createUpstreamAgent(options: UpstreamAgentOptions = {}): Agent {
  return new Agent({
    connections: options.connectionsPerOrigin ?? 64,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    headersTimeout: 0,
    bodyTimeout: 0,
    ...(options.ca ? { connect: { ca: options.ca } } : {}),
  });
}
