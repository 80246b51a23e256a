import { type JWTPayload, createRemoteJWKSet, customFetch, errors, jwtVerify } from 'jose';
import type { GatewayConfig } from '../config/config.js';
import { UnauthenticatedError } from '../errors/gateway-errors.js';
import type { Logger } from '../observability/logger.js';
import type { Caller } from './caller.js';

export type JwksFetch = (
  url: string,
  init: { headers: Headers; method: 'GET'; signal: AbortSignal },
) => Promise<Response>;

export interface TokenVerifierOptions {
  auth: GatewayConfig['auth'];
  /** Fetch used for the JWKS, so that it shares the upstream pool and its trust settings. */
  fetch: JwksFetch;
  logger: Logger;
  /** Signature algorithms accepted; asymmetric only, so a public key can never act as an HMAC secret. */
  algorithms?: string[];
}

export interface TokenVerifier {
  /** Verifies a bearer token and describes its caller, or throws `UnauthenticatedError`. */
  verify(token: string): Promise<Caller>;
  /** True once the key set has been fetched successfully at least once. */
  hasKeys(): boolean;
  /** Fetches the key set now; rejects when the fetch fails (the previous keys stay in use). */
  refresh(): Promise<void>;
  close(): void;
}

/**
 * Entra ID access-token verification with jose. Keys come from the tenant's JWKS, cached without
 * expiry and refreshed in the background; an unknown `kid` refetches at most once per cooldown, and
 * a failed fetch keeps the last good key set (jose only replaces it on success).
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { auth, logger } = options;
  const jwks = createRemoteJWKSet(auth.jwksUri, {
    cooldownDuration: auth.jwksCooldownMs,
    cacheMaxAge: Infinity,
    timeoutDuration: 5_000,
    [customFetch]: options.fetch,
  });
  const algorithms = options.algorithms ?? ['RS256'];

  const refresh = () => jwks.reload();
  const timer = setInterval(() => {
    refresh().catch((error: unknown) =>
      logger.warn({ err: describe(error) }, 'JWKS refresh failed; keeping keys'),
    );
  }, auth.jwksRefreshMs);
  timer.unref();

  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          algorithms,
          issuer: auth.issuers,
          audience: auth.audiences,
          clockTolerance: auth.clockSkewSeconds,
          requiredClaims: ['exp'],
        }));
      } catch (error) {
        logger.debug({ reason: describe(error) }, 'bearer token refused');
        throw new UnauthenticatedError(
          error instanceof errors.JWTExpired
            ? 'The bearer token has expired.'
            : 'The bearer token is not valid.',
        );
      }
      return toCaller(payload, token);
    },
    hasKeys: () => jwks.jwks() !== undefined,
    refresh,
    close: () => clearInterval(timer),
  };
}

/** jose's stable error code, never the token or its claims. */
function describe(error: unknown): string {
  if (error instanceof errors.JOSEError) return error.code;
  return error instanceof Error ? error.name : 'unknown';
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function toCaller(payload: JWTPayload, token: string): Caller {
  const objectId = stringClaim(payload, 'oid');
  const tenantId = stringClaim(payload, 'tid');
  if (!objectId || !tenantId || payload.exp === undefined) {
    throw new UnauthenticatedError('The bearer token does not identify a caller.');
  }
  const scp = stringClaim(payload, 'scp');
  return {
    kind: scp ? 'USER' : 'APPLICATION',
    objectId,
    tenantId,
    clientId: stringClaim(payload, 'azp') ?? stringClaim(payload, 'appid'),
    scopes: scp ? scp.split(' ').filter(Boolean) : [],
    roles: stringList(payload.roles),
    directoryRoles: stringList(payload.wids),
    expiresAt: payload.exp,
    assertion: token,
  };
}
