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
 */
export function createUpstreamAgent(options: UpstreamAgentOptions = {}): Agent {
  return new Agent({
    connections: options.connectionsPerOrigin ?? 64,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    ...(options.ca ? { connect: { ca: options.ca } } : {}),
  });
}
