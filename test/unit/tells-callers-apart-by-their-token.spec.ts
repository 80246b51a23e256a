import { type JWK, type JWTPayload, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { applicationCaller } from '../../src/auth/caller.js';
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
/** Written out, not imported: a changed constant in the source must fail here. */
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const PERSONAL_ACCOUNTS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
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

describe('claims that are there but say nothing', () => {
  it('takes an empty `scp` for no scopes: roles then make an application', async () => {
    const caller = await verifier().verify(await sign({ ...USER, scp: '', roles: [READ_WRITE_ALL] }));
    expect(caller.kind).toBe('APPLICATION');
    expect(caller.scopes).toEqual([]);
  });

  it('takes the client from `appid` when `azp` is not a string', async () => {
    const caller = await verifier().verify(await sign({ ...USER, scp: 'A', azp: 5, appid: 'client-3' }));
    expect(caller.clientId).toBe('client-3');
    const none = await verifier().verify(await sign({ ...USER, scp: 'A', azp: '' }));
    expect(none.clientId).toBeUndefined();
  });

  it('refuses a token without `exp` as not valid (jose requires the claim)', async () => {
    await expect(verifier().verify(await sign({ ...USER, scp: 'A', exp: undefined }))).rejects.toMatchObject({
      message: 'The bearer token is not valid.',
    });
  });
});

describe('keys, rotation and the refusal log', () => {
  /** A verifier whose JWKS serves `served` (changeable), counting fetches and debug lines. */
  async function rotating(served: JWK[], refreshMs = 3_600_000) {
    const state = { fetches: 0, fail: false };
    const debug: unknown[] = [];
    const logger = pino({ level: 'debug' }, { write: () => undefined });
    vi.spyOn(logger, 'debug').mockImplementation(((fields: unknown, message: string) => {
      debug.push({ fields, message });
    }) as typeof logger.debug);
    const made = createTokenVerifier({
      auth: {
        tenantId: TENANT,
        allowedTenants: [TENANT],
        audiences: [AUDIENCE],
        issuers: [ISSUER],
        jwksUri: new URL('https://login.example.test/keys'),
        jwksCooldownMs: 0,
        jwksRefreshMs: refreshMs,
        tokenCacheSize: 100,
        clockSkewSeconds: 60,
      },
      fetch: () => {
        state.fetches += 1;
        if (state.fail) return Promise.reject(new TypeError('fetch failed'));
        return Promise.resolve(
          new Response(JSON.stringify({ keys: served }), { headers: { 'content-type': 'application/json' } }),
        );
      },
      logger,
    });
    verifiers.push(made);
    return { made, state, debug };
  }

  it('fetches the keys again for a kid it does not know, and accepts the rotated key', async () => {
    const next = await generateKeyPair('RS256', { extractable: true });
    const nextJwk = { ...(await exportJWK(next.publicKey)), kid: 'key-2', alg: 'RS256', use: 'sig' };
    const served = [publicJwk];
    const { made, state } = await rotating(served);
    await made.verify(await sign({ ...USER, scp: 'A' }));
    served.push(nextJwk);
    const rotated = await new SignJWT({ ...USER, scp: 'B', iss: ISSUER, aud: AUDIENCE, exp: seconds() + 60 })
      .setProtectedHeader({ alg: 'RS256', kid: 'key-2' })
      .sign(next.privateKey);
    expect((await made.verify(rotated)).scopes).toEqual(['B']);
    expect(state.fetches).toBe(2);
  });

  it('does not fetch the keys again for a bad signature under a known kid', async () => {
    const { made, state } = await rotating([publicJwk]);
    const token = await sign({ ...USER, scp: 'A' });
    await made.verify(token);
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.alloc(256, 1).toString('base64url')}`;
    await expect(made.verify(forged)).rejects.toMatchObject({ message: 'The bearer token is not valid.' });
    expect(state.fetches).toBe(1);
  });

  it('logs why it refused, as a reason code and never the token', async () => {
    const { made, state, debug } = await rotating([publicJwk]);
    state.fail = true;
    const token = await sign({ ...USER, scp: 'A' });
    await expect(made.verify(token)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    state.fail = false;
    await expect(
      made.verify(await sign({ ...USER, tid: 'dddddddd-2222-4333-8444-bbbbbbbbbbbb', scp: 'A' })),
    ).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(debug).toEqual([
      { fields: { reason: 'no signing keys yet' }, message: 'bearer token refused' },
      { fields: { reason: 'foreign tenant' }, message: 'bearer token refused' },
    ]);
    expect(JSON.stringify(debug)).not.toContain(token.slice(0, 20));
  });

  it('stops refreshing the keys once closed', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const { made, state } = await rotating([publicJwk], 1_000);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(state.fetches).toBe(1);
      made.close();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(state.fetches).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the gateway itself as a caller', () => {
  it('is an application of its own tenant, holding no grant, and never a token', () => {
    expect(applicationCaller({ clientId: 'gateway-client', tenantId: 'gateway-tenant' })).toEqual({
      kind: 'APPLICATION',
      objectId: 'gateway-client',
      tenantId: 'gateway-tenant',
      clientId: 'gateway-client',
      scopes: [],
      roles: [],
      directoryRoles: [],
      expiresAt: Number.MAX_SAFE_INTEGER,
      assertion: '',
      assertionHash: 'gateway-application',
    });
  });
});
