import { type JWK, type JWTPayload, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GLOBAL_ADMINISTRATOR, PERSONAL_ACCOUNTS_TENANT } from '../../src/auth/caller.js';
import { MAX_TOKEN_LENGTH, refuseUnexpectedHeader } from '../../src/auth/token-header-policy.js';
import {
  type TokenVerifier,
  type TokenVerifierOptions,
  type VerificationOutcome,
  createTokenVerifier,
} from '../../src/auth/token-verifier.js';
import { VerifiedTokenCache } from '../../src/auth/verified-token-cache.js';
import { pino } from 'pino';

/**
 * Token verification as a pure unit: keys made here, the JWKS served by a function, no emulator.
 * Fast enough for mutation testing, which runs these specs once per mutant.
 */
const TENANT = 'aaaaaaaa-2222-4333-8444-bbbbbbbbbbbb';
const ISSUER = `https://login.example.test/${TENANT}/v2.0`;
const AUDIENCE = 'api://gateway.test';
const KID = 'key-1';
const READ_WRITE_ALL = 'CrossTenantUserProfileSharing.ReadWrite.All';

let privateKey: CryptoKey;
let publicJwk: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
});

const seconds = () => Math.floor(Date.now() / 1000);

function sign(claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, exp: seconds() + 3600, iat: seconds(), ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT', ...header })
    .sign(privateKey);
}

const verifiers: TokenVerifier[] = [];
afterEach(() => {
  for (const verifier of verifiers.splice(0)) verifier.close();
});

function verifier(
  overrides: Partial<TokenVerifierOptions['auth']> = {},
  outcomes: VerificationOutcome[] = [],
): TokenVerifier {
  const made = createTokenVerifier({
    auth: {
      tenantId: TENANT,
      allowedTenants: [TENANT],
      audiences: [AUDIENCE],
      issuers: [ISSUER],
      jwksUri: new URL('https://login.example.test/keys'),
      jwksCooldownMs: 60_000,
      jwksRefreshMs: 3_600_000,
      tokenCacheSize: 100,
      clockSkewSeconds: 60,
      ...overrides,
    },
    fetch: () =>
      Promise.resolve(
        new Response(JSON.stringify({ keys: [publicJwk] }), {
          headers: { 'content-type': 'application/json' },
        }),
      ),
    logger: pino({ level: 'silent' }),
    onOutcome: (outcome) => outcomes.push(outcome),
  });
  verifiers.push(made);
  return made;
}

const USER = { oid: 'aaaaaaaa-0000-4000-8000-000000000001', tid: TENANT };

describe('the caller a token describes', () => {
  it('is a user when the token has scopes', async () => {
    const caller = await verifier().verify(await sign({ ...USER, scp: 'A B  C', azp: 'client-1' }));
    expect(caller).toMatchObject({
      kind: 'USER',
      objectId: USER.oid,
      tenantId: TENANT,
      clientId: 'client-1',
      scopes: ['A', 'B', 'C'],
      roles: [],
      directoryRoles: [],
    });
  });

  it('is an application when the token has roles and no scopes', async () => {
    const caller = await verifier().verify(
      await sign({
        ...USER,
        roles: [READ_WRITE_ALL, 7],
        appid: 'client-2',
        wids: [GLOBAL_ADMINISTRATOR, {}],
      }),
    );
    expect(caller).toMatchObject({
      kind: 'APPLICATION',
      clientId: 'client-2',
      scopes: [],
      roles: [READ_WRITE_ALL],
      directoryRoles: [GLOBAL_ADMINISTRATOR],
    });
  });

  // Issue 21, row "caller kind": without the `idtyp` clause this token would be an application
  // holding ReadWrite.All, and could remove any user's data.
  it('stays a user when `idtyp` says user, even with roles and no scopes', async () => {
    const caller = await verifier().verify(await sign({ ...USER, idtyp: 'user', roles: [READ_WRITE_ALL] }));
    expect(caller.kind).toBe('USER');
    expect(caller.scopes).toEqual([]);
  });

  it('is an application when `idtyp` says app', async () => {
    const caller = await verifier().verify(await sign({ ...USER, idtyp: 'app', roles: [READ_WRITE_ALL] }));
    expect(caller.kind).toBe('APPLICATION');
  });

  it('keeps the token only as the assertion, with its SHA-256 as the cache key', async () => {
    const token = await sign({ ...USER, scp: 'A' });
    const caller = await verifier().verify(token);
    expect(caller.assertion).toBe(token);
    expect(caller.assertionHash).toBe(VerifiedTokenCache.keyOf(token));
    expect(caller.expiresAt).toBeGreaterThan(seconds());
  });

  it.each([
    ['no oid', { tid: TENANT, scp: 'A' }],
    ['no tid', { oid: USER.oid, scp: 'A' }],
    ['an empty oid', { oid: '', tid: TENANT, scp: 'A' }],
    ['a numeric tid', { oid: USER.oid, tid: 5, scp: 'A' }],
  ])('refuses a token with %s as UNAUTHENTICATED', async (_name, claims) => {
    await expect(verifier().verify(await sign(claims))).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
      message: 'The bearer token does not identify a caller.',
    });
  });
});

describe('the tenants a token may come from', () => {
  it('refuses a token of another tenant', async () => {
    const outcomes: VerificationOutcome[] = [];
    await expect(
      verifier({}, outcomes).verify(
        await sign({ ...USER, tid: '99999999-2222-4333-8444-555555555555', scp: 'A' }),
      ),
    ).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(outcomes).toEqual(['refused']);
  });

  it('accepts an allowed tenant written in upper case', async () => {
    const caller = await verifier().verify(await sign({ ...USER, tid: TENANT.toUpperCase(), scp: 'A' }));
    expect(caller.tenantId).toBe(TENANT.toUpperCase());
  });

  // Personal accounts pass verification so that authorization refuses them with FORBIDDEN; an
  // upper-case `tid` must pass too (issue 21, row "personal-account refusal").
  it.each([PERSONAL_ACCOUNTS_TENANT, PERSONAL_ACCOUNTS_TENANT.toUpperCase()])(
    'lets a personal account (%s) through to authorization',
    async (tid) => {
      const caller = await verifier().verify(await sign({ ...USER, tid, scp: 'A' }));
      expect(caller.tenantId).toBe(tid);
    },
  );
});

describe('refusals and the cache', () => {
  it('says an expired token has expired', async () => {
    await expect(
      verifier().verify(await sign({ ...USER, scp: 'A', exp: seconds() - 120 })),
    ).rejects.toMatchObject({
      message: 'The bearer token has expired.',
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  });

  it('calls any other failure not valid', async () => {
    await expect(
      verifier().verify(await sign({ ...USER, scp: 'A', aud: 'api://other' })),
    ).rejects.toMatchObject({
      message: 'The bearer token is not valid.',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it('answers the same token from the cache the second time', async () => {
    const outcomes: VerificationOutcome[] = [];
    const tokens = verifier({}, outcomes);
    const token = await sign({ ...USER, scp: 'A' });
    const first = await tokens.verify(token);
    const second = await tokens.verify(token);
    expect(second).toEqual(first);
    expect(outcomes).toEqual(['verified', 'cached']);
  });

  it('caches nothing when the cache size is 0', async () => {
    const outcomes: VerificationOutcome[] = [];
    const tokens = verifier({ tokenCacheSize: 0 }, outcomes);
    const token = await sign({ ...USER, scp: 'A' });
    await tokens.verify(token);
    await tokens.verify(token);
    expect(outcomes).toEqual(['verified', 'verified']);
  });

  it('refuses a token whose kid is not in the key set', async () => {
    await expect(
      verifier().verify(await sign({ ...USER, scp: 'A' }, { kid: 'other' })),
    ).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });
});

describe('the header policy, before any cryptography', () => {
  const token = (header: Record<string, unknown>) =>
    `${Buffer.from(JSON.stringify(header)).toString('base64url')}.e30.c2ln`;
  const RS256 = ['RS256'];

  it.each([
    [{ alg: 'RS256', kid: 'k' }, undefined],
    [{ alg: 'RS256', kid: 'k', typ: 'JWT' }, undefined],
    [{ alg: 'RS256', kid: 'k', typ: 'jwt' }, undefined],
    [{ alg: 'RS256', kid: 'k', typ: 'application/JWT' }, undefined],
    [{ alg: 'HS256', kid: 'k' }, 'alg not allowed'],
    [{ alg: 'none', kid: 'k' }, 'alg not allowed'],
    [{ kid: 'k' }, 'alg not allowed'],
    [{ alg: 'RS256' }, 'kid missing'],
    [{ alg: 'RS256', kid: '' }, 'kid missing'],
    [{ alg: 'RS256', kid: 7 }, 'kid missing'],
    [{ alg: 'RS256', kid: 'k', crit: ['b64'], b64: false }, 'crit header present'],
    [{ alg: 'RS256', kid: 'k', typ: 'at+jwt' }, 'typ not JWT'],
    [{ alg: 'RS256', kid: 'k', typ: 'dpop+jwt' }, 'typ not JWT'],
    [{ alg: 'RS256', kid: 'k', typ: 'application/at+jwt' }, 'typ not JWT'],
    [{ alg: 'RS256', kid: 'k', typ: 'xapplication/jwt' }, 'typ not JWT'],
  ])('judges the header %j: %s', (header, refusal) => {
    expect(refuseUnexpectedHeader(token(header), RS256)).toBe(refusal);
  });

  it('refuses what does not decode', () => {
    expect(refuseUnexpectedHeader('not a token', RS256)).toBe('header not decodable');
  });

  it('refuses a token longer than the limit, and only then', () => {
    const header = token({ alg: 'RS256', kid: 'k' });
    expect(
      refuseUnexpectedHeader(header + 'A'.repeat(MAX_TOKEN_LENGTH - header.length), RS256),
    ).toBeUndefined();
    expect(refuseUnexpectedHeader(header + 'A'.repeat(MAX_TOKEN_LENGTH - header.length + 1), RS256)).toBe(
      'token too long',
    );
    expect(MAX_TOKEN_LENGTH).toBe(16_384);
  });

  it('refuses a header the verifier does not accept without fetching keys', async () => {
    let fetches = 0;
    const tokens = createTokenVerifier({
      auth: {
        tenantId: TENANT,
        allowedTenants: [TENANT],
        audiences: [AUDIENCE],
        issuers: [ISSUER],
        jwksUri: new URL('https://login.example.test/keys'),
        jwksCooldownMs: 60_000,
        jwksRefreshMs: 3_600_000,
        tokenCacheSize: 100,
        clockSkewSeconds: 60,
      },
      fetch: () => {
        fetches += 1;
        return Promise.reject(new Error('no network here'));
      },
      logger: pino({ level: 'silent' }),
    });
    verifiers.push(tokens);
    await expect(tokens.verify(token({ alg: 'HS256', kid: 'k' }))).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(fetches).toBe(0);
  });
});
