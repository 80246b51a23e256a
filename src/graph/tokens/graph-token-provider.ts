import { randomUUID } from 'node:crypto';
import {
  AuthError,
  type Configuration,
  ConfidentialClientApplication,
  LogLevel,
  ServerError,
} from '@azure/msal-node';
import { LRUCache } from 'lru-cache';
import type { Dispatcher } from 'undici';
import type { Caller } from '../../auth/caller.js';
import type { GatewayConfig } from '../../config/config.js';
import { UnauthenticatedError } from '../../errors/gateway-errors.js';
import { TokenAcquisitionError } from '../../errors/upstream-failures.js';
import type { Logger } from '../../observability/logger.js';
import { createMsalNetworkClient } from './msal-network-client.js';

/** Graph access tokens for the gateway's own calls; never the caller's token itself. */
export interface GraphTokenProvider {
  /**
   * On-behalf-of the user for delegated callers, client credentials for applications. Throws
   * `UnauthenticatedError` for a user whose token has expired (see `ASSERTION_EXPIRED`).
   */
  tokenFor(caller: Caller, correlationId: string): Promise<string>;
  /** Obtains an application token, proving that the token endpoint answers. */
  probe(): Promise<void>;
}

export interface MsalTokenProviderOptions {
  azure: GatewayConfig['azure'];
  /** e.g. `https://graph.microsoft.com/.default`. */
  scope: string;
  dispatcher: Dispatcher;
  timeoutMs: number;
  logger: Logger;
  /** Most users whose on-behalf-of tokens are kept at once. */
  maxCachedUsers?: number;
  now?: () => number;
  /**
   * Makes an MSAL client: the application's own, once, and one per on-behalf-of exchange. A
   * parameter so that tests can see which client runs which exchange; MSAL's by default.
   */
  createClient?: (configuration: Configuration) => MsalClient;
}

/** The part of MSAL's confidential client the provider uses. */
export type MsalClient = Pick<
  ConfidentialClientApplication,
  'acquireTokenByClientCredential' | 'acquireTokenOnBehalfOf'
>;

/**
 * Entra's AADSTS code for an on-behalf-of assertion outside its valid time range. The gateway
 * accepts a token up to 60 s past its `exp` (clock skew); the authority exchanges none past it.
 */
const ASSERTION_EXPIRED = '500133';

/** Tokens are renewed this long before they expire, so none expires in flight. */
const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;

/**
 * MSAL's confidential client, pointed at any HTTPS authority. Its metadata is given rather than
 * discovered, so it never asks Microsoft's hosts about a sovereign, private or emulated authority.
 *
 * Caching: MSAL keeps the application token. On-behalf-of tokens are kept by us, in a bounded LRU
 * keyed by a SHA-256 of the user's assertion: MSAL's own cache grows with every user and, sharing
 * one cache, answered a client-credentials request with a user's token (see the isolation test).
 * Each exchange therefore runs on a short-lived MSAL client whose cache is dropped with it.
 */
export function createMsalTokenProvider(options: MsalTokenProviderOptions): GraphTokenProvider {
  const now = options.now ?? Date.now;
  const configuration = msalConfiguration(options);
  const createClient =
    options.createClient ?? ((settings: Configuration) => new ConfidentialClientApplication(settings));
  const applicationClient = createClient(configuration);
  const scopes = [options.scope];
  const onBehalfOfTokens = new LRUCache<string, string>({ max: options.maxCachedUsers ?? 10_000 });
  const exchanges = new Map<string, Promise<string>>();

  async function applicationToken(correlationId: string): Promise<string> {
    const result = await applicationClient.acquireTokenByClientCredential({
      scopes,
      correlationId,
    });
    if (!result?.accessToken) throw new TokenAcquisitionError('refused');
    return result.accessToken;
  }

  async function exchange(caller: Caller, key: string, correlationId: string): Promise<string> {
    const result = await createClient(configuration).acquireTokenOnBehalfOf({
      oboAssertion: caller.assertion,
      scopes,
      correlationId,
      skipCache: true,
    });
    if (!result?.accessToken) throw new TokenAcquisitionError('refused');
    const ttl = (result.expiresOn?.getTime() ?? now()) - now() - RENEW_BEFORE_EXPIRY_MS;
    if (ttl > 0) onBehalfOfTokens.set(key, result.accessToken, { ttl });
    return result.accessToken;
  }

  function userToken(caller: Caller, correlationId: string): Promise<string> {
    const key = caller.assertionHash;
    const cached = onBehalfOfTokens.get(key);
    if (cached) return Promise.resolve(cached);
    // Concurrent requests of one user share a single exchange.
    let pending = exchanges.get(key);
    if (!pending) {
      pending = exchange(caller, key, correlationId).finally(() => exchanges.delete(key));
      exchanges.set(key, pending);
    }
    return pending;
  }

  return {
    async tokenFor(caller, correlationId) {
      // A user whose token has expired (within the skew) is told so, as for any expired token,
      // rather than sent to an authority that refuses the exchange; a cached Graph token is not
      // used for it either, so the answer does not depend on what happens to be cached.
      if (caller.kind === 'USER' && caller.expiresAt * 1000 <= now()) throw expiredToken();
      try {
        return caller.kind === 'USER'
          ? await userToken(caller, correlationId)
          : await applicationToken(correlationId);
      } catch (error) {
        // The authority's clock may run ahead of the gateway's.
        if (error instanceof ServerError && String(error.errorNo) === ASSERTION_EXPIRED) throw expiredToken();
        throw toTokenAcquisitionError(error);
      }
    },
    async probe() {
      try {
        await applicationToken(randomUUID());
      } catch (error) {
        const failure = toTokenAcquisitionError(error);
        // Readiness asks whether the authority answers. A refusal is an answer: the operator
        // learns of it here, and callers get UPSTREAM_ERROR rather than a gateway that never
        // becomes ready.
        if (failure.reason === 'unreachable') throw failure;
        options.logger.error(
          { oauthError: failure.oauthError },
          'the authority refused an application token',
        );
      }
    },
  };
}

function msalConfiguration({
  azure,
  dispatcher,
  timeoutMs,
  logger,
}: MsalTokenProviderOptions): Configuration {
  const authority = `${azure.authorityHost}/${azure.tenantId}`;
  const host = new URL(authority).host;
  return {
    auth: {
      clientId: azure.clientId,
      clientSecret: azure.clientSecret,
      authority,
      knownAuthorities: [host],
      authorityMetadata: JSON.stringify({
        issuer: `${authority}/v2.0`,
        token_endpoint: `${authority}/oauth2/v2.0/token`,
        authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
        jwks_uri: `${authority}/discovery/v2.0/keys`,
      }),
      cloudDiscoveryMetadata: JSON.stringify({
        tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      }),
    },
    system: {
      networkClient: createMsalNetworkClient(dispatcher, timeoutMs),
      // Our own deadline bounds the whole upstream call; MSAL's extra retry would overrun it.
      disableInternalRetries: true,
      loggerOptions: {
        piiLoggingEnabled: false,
        // Warnings are noise here (e.g. "no client info" on app tokens); errors are worth an operator's look.
        logLevel: LogLevel.Error,
        loggerCallback: (_level, message, containsPii) => {
          if (!containsPii) logger.warn({ component: 'msal' }, message);
        },
      },
    },
  };
}

function expiredToken(): UnauthenticatedError {
  return new UnauthenticatedError('The bearer token has expired.');
}

function toTokenAcquisitionError(error: unknown): TokenAcquisitionError {
  if (error instanceof TokenAcquisitionError) return error;
  if (error instanceof ServerError) return new TokenAcquisitionError('refused', error.errorCode);
  if (
    error instanceof AuthError &&
    error.errorCode !== 'network_error' &&
    error.errorCode !== 'endpoints_resolution_error'
  ) {
    return new TokenAcquisitionError('refused', error.errorCode);
  }
  return new TokenAcquisitionError('unreachable');
}
