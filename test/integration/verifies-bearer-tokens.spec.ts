import { randomUUID } from 'node:crypto';
import { type JWK, SignJWT, exportJWK, exportSPKI, generateKeyPair, importJWK } from 'jose';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_TENANT_ID, PERSONAS, personaClaims } from '@shared-profile-gateway/emulators';
import {
  RemoveOutboundSharedUserProfilesPersonalDataDocument as BulkRemove,
  RemoveOutboundSharedUserProfilePersonalDataDocument as Remove,
  ViewerDocument,
} from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';

const now = () => Math.floor(Date.now() / 1000);
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('bearer token verification', () => {
  let harness: GatewayHarness;
  let publishedKey: JWK;

  beforeAll(async () => {
    harness = await GatewayHarness.start();
    const agent = new Agent({ connect: { ca: harness.services.tls.ca } });
    const response = await request(harness.identityProvider.jwksUri, { dispatcher: agent });
    publishedKey = ((await response.body.json()) as { keys: JWK[] }).keys[0]!;
    await agent.close();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.graph.resetRecording());

  function validClaims(): Record<string, unknown> {
    return {
      ...personaClaims('user'),
      iss: harness.identityProvider.issuer,
      iat: now(),
      nbf: now(),
      exp: now() + 3600,
    };
  }

  async function expectRefused(token: string) {
    const response = await harness.execute(Remove, { userId: PERSONAS.user.objectId }, token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(harness.graph.requests).toHaveLength(0);
    return response;
  }

  it('accepts a token signed by the tenant’s published key', async () => {
    const response = await harness.execute(ViewerDocument, {}, await harness.token('user'));
    expect(response.body.data?.viewer).toMatchObject({
      kind: 'USER',
      userId: PERSONAS.user.objectId,
      scopes: ['CrossTenantUserProfileSharing.ReadWrite'],
    });
  });

  it('refuses a token forged with another key under the published kid', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'RS256', kid: publishedKey.kid!, typ: 'JWT' })
      .sign(privateKey);
    await expectRefused(token);
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(validClaims())}.`;
    await expectRefused(token);
  });

  it('refuses an HMAC token keyed with the published public key', async () => {
    const pem = await exportSPKI((await importJWK({ ...publishedKey, alg: 'RS256' }, 'RS256')) as CryptoKey);
    for (const secret of [pem, JSON.stringify(publishedKey)]) {
      const token = await new SignJWT(validClaims())
        .setProtectedHeader({ alg: 'HS256', kid: publishedKey.kid!, typ: 'JWT' })
        .sign(new TextEncoder().encode(secret));
      await expectRefused(token);
    }
  });

  it('refuses a token whose kid the tenant never published', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    expect((await exportJWK(publicKey)).kid).toBeUndefined();
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'RS256', kid: 'not-a-published-key', typ: 'JWT' })
      .sign(privateKey);
    await expectRefused(token);
  });

  it('refuses an expired token beyond the 60 s skew', async () => {
    const response = await expectRefused(
      await harness.token('user', { iat: now() - 7200, nbf: now() - 7200, exp: now() - 61 }),
    );
    expect(response.body.errors![0]!.message).toMatch(/expired/);
  });

  it('accepts a token expired by less than the 60 s skew', async () => {
    const token = await harness.token('user', { iat: now() - 3600, nbf: now() - 3600, exp: now() - 30 });
    const response = await harness.execute(ViewerDocument, {}, token);
    expect(response.status).toBe(200);
    expect(response.body.data?.viewer.kind).toBe('USER');
  });

  it('answers 401 to a Graph-bound field of a token expired within the skew, which the authority would not exchange', async () => {
    const token = await harness.token('admin', { iat: now() - 3600, nbf: now() - 3600, exp: now() - 20 });
    expect((await harness.execute(ViewerDocument, {}, token)).status).toBe(200);
    const exchanges = harness.identityProvider.stats.tokenRequests.on_behalf_of;
    const single = await harness.execute(Remove, { userId: PERSONAS.user.objectId }, token);
    const bulk = await harness.execute(BulkRemove, { userIds: [PERSONAS.user.objectId] }, token);
    for (const response of [single, bulk]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
      expect(response.body.errors![0]!.message).toMatch(/expired/);
    }
    expect(harness.identityProvider.stats.tokenRequests.on_behalf_of).toBe(exchanges);
    expect(harness.graph.requests).toHaveLength(0);
  });

  it.each([
    [500133, 'Assertion is not within its valid time range.', 401, 'UNAUTHENTICATED'],
    [50013, 'Assertion failed signature validation.', 200, 'UPSTREAM_ERROR'],
  ])(
    'answers the authority’s invalid_grant AADSTS%i (%s) with HTTP %i %s',
    async (aadsts, description, status, code) => {
      // A token the gateway still finds valid, refused by an authority whose clock runs ahead; its
      // own `uti`, so that no Graph token cached for an earlier token answers instead.
      const token = await harness.token('admin', { uti: randomUUID() });
      harness.identityProvider.faults.add({
        route: 'token',
        oauthError: { error: 'invalid_grant', aadsts, description },
      });
      const response = await harness.execute(Remove, { userId: PERSONAS.user.objectId }, token);
      expect(response.status).toBe(status);
      expect(errorCodes(response)).toEqual([code]);
      expect(harness.graph.requests).toHaveLength(0);
    },
  );

  it('accepts a token that becomes valid within the 60 s skew', async () => {
    const token = await harness.token('user', { nbf: now() + 30, iat: now() });
    const response = await harness.execute(ViewerDocument, {}, token);
    expect(response.status).toBe(200);
    expect(response.body.data?.viewer.kind).toBe('USER');
  });

  it('refuses a token that is not valid yet beyond the skew', async () => {
    await expectRefused(await harness.token('user', { nbf: now() + 120, iat: now() }));
  });

  it('refuses a token for another audience', async () => {
    await expectRefused(await harness.token('user', { aud: 'api://someone-else' }));
  });

  it('refuses a token from another issuer', async () => {
    await expectRefused(
      await harness.token('user', { iss: 'https://login.microsoftonline.com/another/v2.0' }),
    );
  });

  it('refuses a token without exp', async () => {
    const token = await harness.identityProvider.issueToken(personaClaims('user'), { omitExp: true });
    await expectRefused(token);
  });

  it('refuses a token with an unknown critical header', async () => {
    const token = await harness.identityProvider.issueToken(personaClaims('user'), {
      header: { crit: ['x-unknown'], 'x-unknown': true },
    });
    await expectRefused(token);
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'bearer-token'])(
    'refuses the malformed Authorization header %j',
    async (header) => {
      const response = await harness.post({ query: 'query { viewer { kind } }' }, undefined, {
        authorization: header,
      });
      expect(response.status).toBe(401);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    },
  );

  it('accepts the scheme in any case (RFC 7235)', async () => {
    const token = await harness.token('user');
    const response = await harness.post({ query: '{ viewer { kind } }' }, undefined, {
      authorization: `bearer ${token}`,
    });
    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual([]);
  });

  it('refuses a personal Microsoft account on viewer too', async () => {
    const token = await harness.token('user', { tid: '9188040d-6c67-4c5b-b112-36a304b66dad' });
    const response = await harness.execute(ViewerDocument, {}, token);
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
  });

  it('refuses a token of another tenant whose issuer and audience are accepted', async () => {
    const foreign = await harness.token('admin', { tid: '0b4c5e4e-3f1a-4d7b-9c8e-2a6f1d3b5c7e' });
    const exchanges = harness.identityProvider.stats.tokenRequests.on_behalf_of;
    const viewer = await harness.execute(ViewerDocument, {}, foreign);
    expect(viewer.status).toBe(401);
    expect(viewer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(errorCodes(viewer)).toEqual(['UNAUTHENTICATED']);
    await expectRefused(foreign);
    expect(harness.identityProvider.stats.tokenRequests.on_behalf_of).toBe(exchanges);
  });

  it('compares the tenant id without regard to case', async () => {
    const token = await harness.token('user', { tid: harness.config.auth.tenantId.toUpperCase() });
    const response = await harness.execute(ViewerDocument, {}, token);
    expect(response.status).toBe(200);
    expect(response.body.data?.viewer.kind).toBe('USER');
  });

  it('refuses garbage that only looks like a token', async () => {
    await expectRefused('abc.def.ghi');
  });
});

describe('a signing key rotated right after start', () => {
  it('is fetched for the first token that names it: the start-up fetch does not start the cooldown', async () => {
    const harness = await GatewayHarness.start();
    try {
      await harness.identityProvider.rotateKeys();
      const response = await harness.execute(ViewerDocument, {}, await harness.token('admin'));
      expect(response.status).toBe(200);
      expect(response.body.data?.viewer.userId).toBe(PERSONAS.admin.objectId);
    } finally {
      await harness.close();
    }
  });
});

describe('AUTH_ALLOWED_TENANTS', () => {
  const OTHER_TENANT = '0b4c5e4e-3f1a-4d7b-9c8e-2a6f1d3b5c7e';
  let harness: GatewayHarness;
  beforeAll(async () => {
    const allowed = `${DEMO_TENANT_ID}, ${OTHER_TENANT.toUpperCase()}`;
    harness = await GatewayHarness.start({ env: { AUTH_ALLOWED_TENANTS: allowed } });
  });
  afterAll(() => harness.close());

  it('accepts every listed tenant and still refuses the others', async () => {
    const listed = await harness.execute(
      ViewerDocument,
      {},
      await harness.token('user', { tid: OTHER_TENANT }),
    );
    expect(listed.body.data?.viewer.tenantId).toBe(OTHER_TENANT);
    const own = await harness.execute(ViewerDocument, {}, await harness.token('user'));
    expect(own.status).toBe(200);
    const unlisted = await harness.execute(
      ViewerDocument,
      {},
      await harness.token('user', { tid: 'c2d5a8e1-7b3f-4e6a-9d1c-5f8b2e4a6c9d' }),
    );
    expect(unlisted.status).toBe(401);
    expect(errorCodes(unlisted)).toEqual(['UNAUTHENTICATED']);
  });
});
