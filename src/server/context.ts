import type { YogaInitialContext } from 'graphql-yoga';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { UnauthenticatedError } from '../errors/gateway-errors.js';
import type { GraphAdapter } from '../graph/adapter/graph-adapter.js';
import type { Ledger } from '../ledger/ledger.js';
import type { GatewayContext } from '../schema/builder.js';
import type { CursorCodec } from '../schema/connection-cursors.js';
import { createRequestLoaders } from '../schema/request-loaders.js';

export interface ContextDependencies {
  verifier: TokenVerifier;
  graph: GraphAdapter;
  now: () => Date;
  cursors: CursorCodec;
  ledger: Ledger;
}

// The scheme is case-insensitive (RFC 7235); the token itself is not.
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * Authentication happens here, once per request: a request without `Authorization` gets an
 * anonymous context (protected fields then answer 401), one with a bad token is refused at once.
 */
export function createContextFactory(deps: ContextDependencies) {
  return async ({ request }: YogaInitialContext): Promise<GatewayContext> => {
    const header = request.headers.get('authorization');
    let caller = null;
    if (header !== null) {
      const token = BEARER.exec(header.trim())?.[1];
      if (!token) throw new UnauthenticatedError('The Authorization header must be `Bearer <token>`.');
      caller = await deps.verifier.verify(token);
    }
    const { graph, cursors, ledger } = deps;
    const signal = request.signal;
    return {
      caller,
      graph,
      now: deps.now,
      signal,
      cursors,
      ledger,
      idempotencyKey: request.headers.get('idempotency-key') ?? undefined,
      loaders: createRequestLoaders({ graph, caller, cursors, signal }),
    };
  };
}
