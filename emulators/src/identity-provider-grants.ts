import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, type JWTPayload } from 'jose';
import { EntraError } from './entra-error.js';
import { nameBasedGuid } from './name-based-guid.js';
import type { SigningKeyRing } from './signing-keys.js';

export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  /** Graph application roles granted to this client, e.g. CrossTenantUserProfileSharing.ReadWrite.All. */
  appRoles: string[];
}

export type GrantKind = 'client_credentials' | 'on_behalf_of';

const GRANT_TYPES: Readonly<Record<string, GrantKind>> = {
  client_credentials: 'client_credentials',
  'urn:ietf:params:oauth:grant-type:jwt-bearer': 'on_behalf_of',
};

/** Scopes MSAL adds to every request; Entra accepts them beside a resource's `.default`. */
const OPENID_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

const TOKEN_LIFETIME_SECONDS = 3600;

export interface TokenGrantContext {
  tenantId: string;
  issuer: string;
  graphAudience: string;
  apiAudiences: string[];
  clients: ReadonlyMap<string, RegisteredClient>;
  keys: SigningKeyRing;
}

/** What the token endpoint answers with 200, in the shape MSAL expects. */
export interface TokenResponse {
  token_type: 'Bearer';
  scope: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  /** Entra's `{ uid, utid }` of the user, when the client asks with `client_info=1`. */
  client_info?: string;
}

/** The grant a token request asks for, or an Entra error when it names none or an unknown one. */
export function grantKindOf(form: URLSearchParams): GrantKind {
  const grantType = form.get('grant_type');
  if (!grantType) {
    throw new EntraError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  }
  const kind = GRANT_TYPES[grantType];
  if (!kind)
    throw new EntraError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType}'.`,
    );
  return kind;
}

export async function grantToken(
  context: TokenGrantContext,
  kind: GrantKind,
  form: URLSearchParams,
  authorization: string | undefined,
): Promise<TokenResponse> {
  const client = authenticateClient(context, form, authorization);
  const scope = requireGraphDefaultScope(context, form);
  const now = Math.floor(Date.now() / 1000);
  const claims =
    kind === 'client_credentials'
      ? applicationClaims(context, client, now)
      : await delegatedClaims(context, client, form, now);
  const accessToken = await context.keys.sign(claims);
  const expiresIn = (claims.exp ?? now) - now;
  const wantsClientInfo = kind !== 'client_credentials' && form.get('client_info') === '1';
  return {
    token_type: 'Bearer',
    scope,
    expires_in: expiresIn,
    ext_expires_in: expiresIn,
    access_token: accessToken,
    ...(wantsClientInfo
      ? {
          client_info: Buffer.from(JSON.stringify({ uid: claims.oid, utid: claims.tid })).toString(
            'base64url',
          ),
        }
      : {}),
  };
}

/** Client credentials from the body (client_secret_post) or from HTTP Basic (client_secret_basic). */
function authenticateClient(
  context: TokenGrantContext,
  form: URLSearchParams,
  authorization: string | undefined,
): RegisteredClient {
  const basic = parseBasicCredentials(authorization);
  const clientId = basic?.clientId ?? form.get('client_id');
  const secret = basic?.secret ?? form.get('client_secret');
  const client = clientId ? context.clients.get(clientId) : undefined;
  if (!client || secret === null || !sameSecret(secret, client.clientSecret)) {
    throw new EntraError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId ?? ''}'.`,
    );
  }
  return client;
}

function parseBasicCredentials(
  authorization: string | undefined,
): { clientId: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) return undefined;
  // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
  const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
  return {
    clientId: formDecode(decoded.slice(0, separator)),
    secret: formDecode(decoded.slice(separator + 1)),
  };
}

/** Compares digests so that the comparison takes the same time whatever the guess. */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

function requireGraphDefaultScope(context: TokenGrantContext, form: URLSearchParams): string {
  const graphDefault = `${context.graphAudience.replace(/\/+$/, '')}/.default`;
  const requested = (form.get('scope') ?? '')
    .split(' ')
    .filter((scope) => scope && !OPENID_SCOPES.has(scope));
  if (requested.length !== 1 || requested[0] !== graphDefault) {
    throw new EntraError(
      400,
      'invalid_scope',
      70011,
      `The provided value for the input parameter 'scope' is not valid. Expected '${graphDefault}'.`,
    );
  }
  return graphDefault;
}

function commonClaims(context: TokenGrantContext, client: RegisteredClient, now: number) {
  return {
    aud: context.graphAudience,
    iss: context.issuer,
    tid: context.tenantId,
    azp: client.clientId,
    appid: client.clientId,
    iat: now,
    nbf: now,
    exp: now + TOKEN_LIFETIME_SECONDS,
    ver: '2.0',
    uti: randomBytes(16).toString('base64url'),
  };
}

function applicationClaims(context: TokenGrantContext, client: RegisteredClient, now: number): JWTPayload {
  // The service principal's object id: stable per client and tenant, as in a real directory.
  const servicePrincipalId = nameBasedGuid(`service-principal:${context.tenantId}:${client.clientId}`);
  return {
    ...commonClaims(context, client, now),
    oid: servicePrincipalId,
    sub: servicePrincipalId,
    // Entra leaves `roles` out rather than sending an empty list.
    ...(client.appRoles.length > 0 ? { roles: [...client.appRoles] } : {}),
    idtyp: 'app',
  };
}

async function delegatedClaims(
  context: TokenGrantContext,
  client: RegisteredClient,
  form: URLSearchParams,
  now: number,
): Promise<JWTPayload> {
  if (form.get('requested_token_use') !== 'on_behalf_of') {
    throw new EntraError(
      400,
      'invalid_request',
      900144,
      "The request body must contain 'requested_token_use=on_behalf_of'.",
    );
  }
  const user = await verifyAssertion(context, form.get('assertion'));
  const common = commonClaims(context, client, now);
  return {
    ...common,
    oid: user.oid,
    sub: user.sub,
    scp: user.scp,
    ...(user.wids !== undefined ? { wids: user.wids } : {}),
    ...(user.name !== undefined ? { name: user.name } : {}),
    ...(user.preferred_username !== undefined ? { preferred_username: user.preferred_username } : {}),
    idtyp: 'user',
    // A token obtained on behalf of a user never outlives the user's own token.
    exp: Math.min(common.exp, user.exp ?? common.exp),
  };
}

async function verifyAssertion(context: TokenGrantContext, assertion: string | null): Promise<JWTPayload> {
  if (!assertion) {
    throw new EntraError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'assertion'.",
    );
  }
  let claims: JWTPayload;
  try {
    claims = await context.keys.verify(assertion, {
      issuer: context.issuer,
      audience: context.apiAudiences,
      requiredClaims: ['exp'],
    });
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      throw new EntraError(400, 'invalid_grant', 500133, 'Assertion is not within its valid time range.');
    }
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') {
      throw new EntraError(
        400,
        'invalid_grant',
        50013,
        'Assertion audience does not match the Client app presenting the assertion.',
      );
    }
    throw new EntraError(400, 'invalid_grant', 50013, 'Assertion failed signature validation.');
  }
  if (typeof claims.scp !== 'string' || typeof claims.oid !== 'string') {
    // On-behalf-of exchanges a user's token; an app-only token has no user to act for.
    throw new EntraError(400, 'invalid_grant', 50013, 'Assertion is not a delegated user token.');
  }
  return claims;
}
