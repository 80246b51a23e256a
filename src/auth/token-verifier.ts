import { type JWTPayload, type JWTVerifyOptions, errors, jwtVerify } from 'jose';
import type { GatewayConfig } from '../config/config.js';
import { UnauthenticatedError } from '../errors/gateway-errors.js';
import type { Logger } from '../observability/logger.js';
import { type Caller, PERSONAL_ACCOUNTS_TENANT } from './caller.js';
import { type JwksFetch, JwksKeySet, describeJoseError } from './jwks-key-set.js';
import { refuseUnexpectedHeader } from './token-header-policy.js';
import { type VerifiedCaller, VerifiedTokenCache } from './verified-token-cache.js';

export type { JwksFetch } from './jwks-key-set.js';

/** What became of one bearer token: verified now, answered from the cache, or refused. */
export type VerificationOutcome = 'verified' | 'cached' | 'refused';

export interface TokenVerifierOptions {
  auth: GatewayConfig['auth'];
  /** Fetch used for the JWKS, so that it shares the upstream pool and its trust settings. */
  fetch: JwksFetch;
  logger: Logger;
  /** Signature algorithms accepted; asymmetric only, so a public key can never act as an HMAC secret. */
  algorithms?: string[];
  /** Told of every outcome, e.g. to count them in metrics. */
  onOutcome?: (outcome: VerificationOutcome) => void;
}

export interface TokenVerifier {
  /** Verifies a bearer token and describes its caller, or throws `UnauthenticatedError`. */
  verify(token: string): Promise<Caller>;
  /** Fetches the key set now; rejects when the fetch fails (the previous keys stay in use). */
  refresh(): Promise<void>;
  close(): void;
}

/** A refusal whose reason is logged (as a code) but never told to the client. */
class Refused extends Error {}

/**
 * Entra ID access-token verification with jose. The header is screened before any cryptography,
 * keys come from the tenant's JWKS (refreshed in the background, refetched for an unknown `kid` at
 * most once per cooldown, last good set kept on failure), and verified callers are remembered
 * until `exp` under the token's SHA-256.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { auth, logger } = options;
  const algorithms = options.algorithms ?? ['RS256'];
  const keys = new JwksKeySet({
    uri: auth.jwksUri,
    cooldownMs: auth.jwksCooldownMs,
    refreshMs: auth.jwksRefreshMs,
    fetch: options.fetch,
    logger,
  });
  const cache =
    auth.tokenCacheSize > 0 ? new VerifiedTokenCache(auth.tokenCacheSize, auth.clockSkewSeconds) : undefined;
  const verifyOptions: JWTVerifyOptions = {
    algorithms,
    issuer: auth.issuers,
    audience: auth.audiences,
    clockTolerance: auth.clockSkewSeconds,
    requiredClaims: ['exp'],
  };
  const report = options.onOutcome ?? (() => {});
  // A token of another tenant is foreign even when its issuer and audience are accepted (a
  // multi-tenant app registration, or a common issuer). Personal accounts pass here so that they
  // get the contract's FORBIDDEN, which says why, rather than a 401 their client would retry.
  const acceptedTenants = new Set([...auth.allowedTenants, PERSONAL_ACCOUNTS_TENANT]);

  async function verifySignature(token: string): Promise<JWTPayload> {
    const refusal = refuseUnexpectedHeader(token, algorithms);
    if (refusal) throw new Refused(refusal);
    if (!(await keys.ensureLoaded())) throw new Refused('no signing keys yet');
    try {
      return (await jwtVerify(token, keys.getKey, verifyOptions)).payload;
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !(await keys.refetchForUnknownKey())) throw error;
      return (await jwtVerify(token, keys.getKey, verifyOptions)).payload;
    }
  }

  return {
    async verify(token) {
      const assertionHash = VerifiedTokenCache.keyOf(token);
      const cached = cache?.get(assertionHash);
      if (cached) {
        report('cached');
        return withAssertion(cached, token, assertionHash);
      }
      let caller: VerifiedCaller;
      try {
        caller = toCaller(await verifySignature(token));
        if (!acceptedTenants.has(caller.tenantId.toLowerCase())) throw new Refused('foreign tenant');
      } catch (error) {
        report('refused');
        logger.debug(
          { reason: error instanceof Refused ? error.message : describeJoseError(error) },
          'bearer token refused',
        );
        throw error instanceof UnauthenticatedError
          ? error
          : new UnauthenticatedError(
              error instanceof errors.JWTExpired
                ? 'The bearer token has expired.'
                : 'The bearer token is not valid.',
            );
      }
      cache?.set(assertionHash, caller);
      report('verified');
      return withAssertion(caller, token, assertionHash);
    },
    refresh: () => keys.refresh(),
    close: () => keys.close(),
  };
}

/**
 * The request's caller: the verified identity and the token it came from. Written out field by
 * field because `{ ...verified, assertion, assertionHash }` built a 460-byte object (the two extra
 * properties in a separate backing store) where this one takes about 100, and one is made per
 * request: it was a third of what the gateway promoted to the old generation (BENCHMARKS.md).
 */
function withAssertion(verified: VerifiedCaller, assertion: string, assertionHash: string): Caller {
  return {
    kind: verified.kind,
    objectId: verified.objectId,
    tenantId: verified.tenantId,
    clientId: verified.clientId,
    scopes: verified.scopes,
    roles: verified.roles,
    directoryRoles: verified.directoryRoles,
    expiresAt: verified.expiresAt,
    assertion,
    assertionHash,
  };
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function toCaller(payload: JWTPayload): VerifiedCaller {
  const objectId = stringClaim(payload, 'oid');
  const tenantId = stringClaim(payload, 'tid');
  if (!objectId || !tenantId || payload.exp === undefined) {
    throw new UnauthenticatedError('The bearer token does not identify a caller.');
  }
  const scp = stringClaim(payload, 'scp');
  // The contract's rule is `roles` without `scp`; a token that says it was issued to a user
  // (`idtyp`, an optional claim) stays a user's even without scopes, and never gets app rights.
  const delegated = scp !== undefined || stringClaim(payload, 'idtyp') === 'user';
  return {
    kind: delegated ? 'USER' : 'APPLICATION',
    objectId,
    tenantId,
    clientId: stringClaim(payload, 'azp') ?? stringClaim(payload, 'appid'),
    scopes: scp ? scp.split(' ').filter(Boolean) : [],
    roles: stringList(payload.roles),
    directoryRoles: stringList(payload.wids),
    expiresAt: payload.exp,
  };
}
