import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { JWTPayload } from 'jose';
import { EntraError, entraErrorBody } from './entra-error.js';
import { FaultBook, type CountedFault, type FaultControls } from './fault-book.js';
import {
  grantKindOf,
  grantToken,
  type RegisteredClient,
  type TokenGrantContext,
} from './identity-provider-grants.js';
import { hangUntilClosed, headerValue, readBody, sendJson, startLoopbackServer } from './loopback-server.js';
import type { TlsMaterial } from './loopback-tls.js';
import { GRAPH_RESOURCE } from './microsoft-identifiers.js';
import { SigningKeyRing } from './signing-keys.js';

export type { RegisteredClient } from './identity-provider-grants.js';

export interface IdentityProviderOptions {
  tls: TlsMaterial;
  tenantId: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  clients: RegisteredClient[];
  /** Audiences accepted in on-behalf-of assertions: the gateway's app id URI and client id. */
  apiAudiences: string[];
  /** `aud` of the Graph tokens it issues; `https://graph.microsoft.com` by default. */
  graphAudience?: string;
}

export interface IssueTokenOptions {
  /** Lifetime from now; 3600 by default. */
  expiresInSeconds?: number;
  /** `nbf`, in seconds since the epoch; now by default. */
  notBefore?: number;
  /** Leaves `exp` out, to test that verifiers insist on it. */
  omitExp?: boolean;
  /** Header `kid` to claim instead of the current key's (the signature still uses the current key). */
  kid?: string;
  /** Extra or replaced JOSE header parameters, e.g. `{ crit: ['x-unknown'], 'x-unknown': true }`; `alg` stays RS256. */
  header?: Record<string, unknown>;
}

export interface IdentityProviderStats {
  readonly jwksRequests: number;
  readonly tokenRequests: { readonly client_credentials: number; readonly on_behalf_of: number };
}

export type IdentityProviderRoute = 'jwks' | 'token';

/** Makes the next `times` requests to `route` answer `status`, or never answer (`hang`). */
export interface IdentityProviderFault extends CountedFault {
  route: IdentityProviderRoute;
  status?: number;
  /** The OAuth error answered with `status` (400 by default), e.g. `invalid_grant` and AADSTS500133. */
  oauthError?: { error: string; aadsts: number; description: string };
  hang?: boolean;
  /** Answers as usual, padded with a `padding` member to about this many bytes. */
  answerBytes?: number;
}

export interface IdentityProvider {
  /** e.g. `https://127.0.0.1:43123`: what the gateway uses as AZURE_AUTHORITY_HOST. */
  readonly origin: string;
  readonly tenantId: string;
  readonly issuer: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  /** Signs a caller access token with the current key; `claims` override the defaults. */
  issueToken(claims: Record<string, unknown>, options?: IssueTokenOptions): Promise<string>;
  /** Replaces the signing key; the JWKS then publishes only the new one. */
  rotateKeys(): Promise<void>;
  /** Live counters. */
  readonly stats: IdentityProviderStats;
  readonly faults: FaultControls<IdentityProviderFault>;
  close(): Promise<void>;
}

const MAX_FORM_BYTES = 64 * 1024;
const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };

type Endpoint = IdentityProviderRoute | 'metadata';

/** Paths below `/{tenant}/`, as Entra ID serves them. */
const ENDPOINTS: Readonly<Record<string, { method: string; endpoint: Endpoint }>> = {
  'discovery/v2.0/keys': { method: 'GET', endpoint: 'jwks' },
  'v2.0/.well-known/openid-configuration': { method: 'GET', endpoint: 'metadata' },
  'oauth2/v2.0/token': { method: 'POST', endpoint: 'token' },
};

interface Reply {
  status: number;
  body: unknown;
}

/** A development Entra ID: signing keys, OIDC metadata and the v2.0 token endpoint for one tenant. */
export async function startIdentityProvider(options: IdentityProviderOptions): Promise<IdentityProvider> {
  const keys = await SigningKeyRing.create();
  const faults = new FaultBook<IdentityProviderFault>();
  const stats = { jwksRequests: 0, tokenRequests: { client_credentials: 0, on_behalf_of: 0 } };
  const tenantId = options.tenantId;

  // The handlers below read constants that depend on the origin, assigned right after listening:
  // no request can be handled before this function's continuation has run.
  const server = await startLoopbackServer(options, async (request, response, closing) => {
    const correlationId = headerValue(request, 'client-request-id') ?? randomUUID();
    const headers = { ...JSON_HEADERS, 'client-request-id': correlationId, 'x-ms-request-id': randomUUID() };
    try {
      const reply = await route(request, closing);
      sendJson(response, reply.status, headers, reply.body);
    } catch (error) {
      if (!(error instanceof EntraError)) throw error;
      sendJson(response, error.status, headers, entraErrorBody(error, correlationId));
    }
  });

  const issuer = `${server.origin}/${tenantId}/v2.0`;
  const jwksUri = `${server.origin}/${tenantId}/discovery/v2.0/keys`;
  const tokenEndpoint = `${server.origin}/${tenantId}/oauth2/v2.0/token`;
  const grantContext: TokenGrantContext = {
    tenantId,
    issuer,
    graphAudience: options.graphAudience ?? GRAPH_RESOURCE,
    apiAudiences: options.apiAudiences,
    clients: new Map(options.clients.map((client) => [client.clientId, client])),
    keys,
  };

  async function route(request: IncomingMessage, closing: AbortSignal): Promise<Reply> {
    const { pathname } = new URL(request.url ?? '/', server.origin);
    const [, pathTenant = '', ...rest] = pathname.split('/');
    const target = ENDPOINTS[rest.join('/')];
    if (!target)
      throw new EntraError(404, 'invalid_request', 900561, `The endpoint '${pathname}' does not exist.`);
    if (request.method !== target.method) {
      throw new EntraError(
        405,
        'invalid_request',
        900561,
        `The endpoint only accepts ${target.method} requests. Received a ${request.method ?? ''} request.`,
      );
    }
    if (pathTenant.toLowerCase() !== tenantId.toLowerCase()) {
      throw new EntraError(400, 'invalid_tenant', 90002, `Tenant '${pathTenant}' not found.`);
    }
    switch (target.endpoint) {
      case 'metadata':
        return { status: 200, body: openIdConfiguration() };
      case 'jwks':
        stats.jwksRequests += 1;
        return { status: 200, body: padded(keys.publicJwks, await applyFault('jwks', closing)) };
      case 'token':
        return { status: 200, body: await token(request, closing) };
    }
  }

  async function token(request: IncomingMessage, closing: AbortSignal) {
    const form = new URLSearchParams(await readBody(request, MAX_FORM_BYTES));
    const kind = grantKindOf(form);
    stats.tokenRequests[kind] += 1;
    const answerBytes = await applyFault('token', closing);
    return padded(
      await grantToken(grantContext, kind, form, headerValue(request, 'authorization')),
      answerBytes,
    );
  }

  /** Applies the next fault for `target`; resolves with the length it asks the answer to have. */
  async function applyFault(
    target: IdentityProviderRoute,
    closing: AbortSignal,
  ): Promise<number | undefined> {
    const fault = faults.take((candidate) => candidate.route === target);
    if (!fault) return undefined;
    if (fault.hang) await hangUntilClosed(closing);
    if (fault.oauthError) {
      const { error, aadsts, description } = fault.oauthError;
      throw new EntraError(fault.status ?? 400, error, aadsts, description);
    }
    if (fault.status !== undefined) {
      const transient = fault.status === 429 || fault.status >= 500;
      throw new EntraError(
        fault.status,
        transient ? 'temporarily_unavailable' : 'invalid_request',
        transient ? 90033 : 900144,
        transient
          ? 'A transient error has occurred. Please try again.'
          : 'The request was refused (injected fault).',
      );
    }
    return fault.answerBytes;
  }

  function padded(body: object, answerBytes: number | undefined): object {
    return answerBytes === undefined ? body : { ...body, padding: ' '.repeat(answerBytes) };
  }

  function openIdConfiguration(): Record<string, unknown> {
    const authority = `${server.origin}/${tenantId}`;
    return {
      issuer,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      token_endpoint: tokenEndpoint,
      jwks_uri: jwksUri,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      grant_types_supported: ['client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['pairwise'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      tenant_region_scope: null,
    };
  }

  async function issueToken(
    claims: Record<string, unknown>,
    tokenOptions: IssueTokenOptions = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const defaults: JWTPayload = {
      iss: issuer,
      tid: tenantId,
      ver: '2.0',
      iat: now,
      nbf: tokenOptions.notBefore ?? now,
      ...(tokenOptions.omitExp ? {} : { exp: now + (tokenOptions.expiresInSeconds ?? 3600) }),
    };
    return keys.sign(
      { ...defaults, ...claims },
      { ...tokenOptions.header, ...(tokenOptions.kid !== undefined ? { kid: tokenOptions.kid } : {}) },
    );
  }

  return {
    origin: server.origin,
    tenantId,
    issuer,
    jwksUri,
    tokenEndpoint,
    issueToken,
    rotateKeys: () => keys.rotate(),
    stats,
    faults,
    close: () => server.close(),
  };
}
