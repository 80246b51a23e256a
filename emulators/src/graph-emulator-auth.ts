import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import { Agent, request } from 'undici';
import { DIRECTORY_ROLES, PROFILE_SHARING_PERMISSIONS as P } from './microsoft-identifiers.js';

/** Who a verified Graph access token speaks for. */
export interface GraphPrincipal {
  /** Application tokens carry `roles` and no `scp`; delegated tokens carry `scp`. */
  kind: 'application' | 'delegated';
  objectId: string;
  claims: JWTPayload;
  scopes: readonly string[];
  roles: readonly string[];
  directoryRoles: readonly string[];
}

export interface GraphTokenVerifierOptions {
  issuer: string;
  audience: string;
  jwksUri: string;
  /** PEM the identity provider's certificate chains to. */
  trustedCa: string;
}

/** Why a bearer token was refused, in Graph's words. */
export class InvalidGraphTokenError extends Error {
  override name = 'InvalidGraphTokenError';
}

/** The token of an `Authorization: Bearer <token>` header, if the header has that form. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
}

export interface GraphTokenVerifier {
  verify(token: string | undefined): Promise<GraphPrincipal>;
  /** Fetches the key set now, so that later fetches happen only after a key rotation. */
  prefetchKeys(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Tokens verified before, remembered until they expire. Checking the RS256 signature of every call
 * was half of the emulator's CPU per call (148 → 70 µs with this, in the throughput bench), spent
 * on the core the benchmark's load generator shares with it, while a caller presents the same token
 * for an hour. Bounded: a flood of distinct tokens evicts entries, it does not grow the process.
 */
const VERIFIED_TOKENS = 1_000;

export function createGraphTokenVerifier(options: GraphTokenVerifierOptions): GraphTokenVerifier {
  const agent = new Agent({ connect: { ca: options.trustedCa } });
  const keySet = createRemoteJWKSet(new URL(options.jwksUri), {
    // Refetch as soon as a token names an unknown key: tests rotate keys in quick succession.
    cooldownDuration: 0,
    cacheMaxAge: Infinity,
    // The process-wide fetch would not trust the emulators' private CA; this agent does.
    [customFetch]: async (url, init) => {
      const response = await request(url, {
        dispatcher: agent,
        signal: init.signal,
        headers: Object.fromEntries(init.headers),
      });
      return new Response(await response.body.arrayBuffer(), { status: response.statusCode });
    },
  });

  const verified = new LRUCache<string, GraphPrincipal>({ max: VERIFIED_TOKENS });

  return {
    async verify(token) {
      if (!token) throw new InvalidGraphTokenError('Access token is empty.');
      const known = verified.get(token);
      if (known) return known;
      let claims: JWTPayload;
      try {
        ({ payload: claims } = await jwtVerify(token, keySet, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ['RS256'],
          requiredClaims: ['exp', 'oid'],
        }));
      } catch (error) {
        throw new InvalidGraphTokenError(
          error instanceof joseErrors.JWTExpired
            ? 'Lifetime validation failed, the token is expired.'
            : 'Access token validation failure. Invalid audience, issuer or signature.',
        );
      }
      const principal = principalOf(claims);
      // jose requires `exp` here and refuses a token at its `exp` second: so does this entry.
      verified.set(token, principal, { ttl: Number(claims.exp) * 1000 - Date.now() });
      return principal;
    },
    async prefetchKeys() {
      await keySet.reload();
    },
    close: () => agent.close(),
  };
}

function principalOf(claims: JWTPayload): GraphPrincipal {
  const stringList = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  const scp = typeof claims.scp === 'string' ? claims.scp : undefined;
  return {
    kind: scp === undefined ? 'application' : 'delegated',
    objectId: String(claims.oid),
    claims,
    scopes: scp?.split(' ').filter(Boolean) ?? [],
    roles: stringList(claims.roles),
    directoryRoles: stringList(claims.wids),
  };
}

/** What a route does to a profile; `ownerId` is the user whose data a write touches. */
export type GraphAccess = { action: 'read' } | { action: 'write'; ownerId: string };

/**
 * Graph's own permission check, which the gateway's checks must be at least as strict as. A
 * delegated write on someone else's data also needs the Global Administrator role.
 */
export function isAllowed(principal: GraphPrincipal, access: GraphAccess): boolean {
  const has = (granted: readonly string[], ...wanted: string[]) =>
    wanted.some((name) => granted.includes(name));
  if (principal.kind === 'application') {
    return access.action === 'read'
      ? has(principal.roles, P.readAll, P.readWriteAll)
      : has(principal.roles, P.readWriteAll);
  }
  if (access.action === 'read') return has(principal.scopes, P.read, P.readAll, P.readWrite, P.readWriteAll);
  if (access.ownerId.toLowerCase() === principal.objectId.toLowerCase()) {
    return has(principal.scopes, P.readWrite, P.readWriteAll);
  }
  return (
    has(principal.scopes, P.readWriteAll) &&
    has(principal.directoryRoles, DIRECTORY_ROLES.globalAdministrator)
  );
}
