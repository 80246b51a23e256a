import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SignJWT,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  jwtVerify,
} from 'jose';
import { Agent, request } from 'undici';
import {
  createLoopbackTls,
  DEMO_GATEWAY_AUDIENCE,
  DEMO_GATEWAY_CLIENT_ID,
  DEMO_TENANT_ID,
  type IdentityProvider,
  personaClaims,
  startIdentityProvider,
} from '@shared-profile-gateway/emulators';

const SECRET = 'gateway-secret';
const GRAPH_DEFAULT = 'https://graph.microsoft.com/.default';
const READ_WRITE_ALL = 'CrossTenantUserProfileSharing.ReadWrite.All';

let idp: IdentityProvider;
let agent: Agent;

beforeAll(async () => {
  const tls = await createLoopbackTls();
  idp = await startIdentityProvider({
    tls,
    tenantId: DEMO_TENANT_ID,
    clients: [{ clientId: DEMO_GATEWAY_CLIENT_ID, clientSecret: SECRET, appRoles: [READ_WRITE_ALL] }],
    apiAudiences: [DEMO_GATEWAY_AUDIENCE, DEMO_GATEWAY_CLIENT_ID],
  });
  agent = new Agent({ connect: { ca: tls.ca } });
});

afterAll(async () => {
  await agent?.close();
  await idp?.close();
});

async function getJson(url: string) {
  const response = await request(url, { dispatcher: agent });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: (await response.body.json()) as Record<string, unknown>,
  };
}

async function postToken(
  form: Record<string, string>,
  headers: Record<string, string> = {},
  url = idp.tokenEndpoint,
) {
  const response = await request(url, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: (await response.body.json()) as Record<string, unknown>,
  };
}

const clientCredentials = {
  grant_type: 'client_credentials',
  scope: GRAPH_DEFAULT,
  client_id: DEMO_GATEWAY_CLIENT_ID,
};

function onBehalfOf(assertion: string) {
  return {
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    requested_token_use: 'on_behalf_of',
    scope: `${GRAPH_DEFAULT} openid profile offline_access`,
    client_id: DEMO_GATEWAY_CLIENT_ID,
    client_secret: SECRET,
    assertion,
  };
}

describe('identity provider emulator', () => {
  it('publishes its RS256 signing key and OpenID metadata with the real origin', async () => {
    const jwks = await getJson(idp.jwksUri);
    expect(jwks.status).toBe(200);
    expect(jwks.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(jwks.body.keys).toEqual([
      expect.objectContaining({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: expect.any(String) }),
    ]);

    const metadata = await getJson(`${idp.origin}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`);
    expect(metadata.body).toMatchObject({
      issuer: idp.issuer,
      jwks_uri: idp.jwksUri,
      token_endpoint: idp.tokenEndpoint,
    });
    expect(idp.issuer).toBe(`${idp.origin}/${DEMO_TENANT_ID}/v2.0`);
  });

  it('signs caller tokens that verify against the published keys, with overridable defaults', async () => {
    const token = await idp.issueToken(personaClaims('user'), { expiresInSeconds: 120 });
    const keys = createLocalJWKSet((await getJson(idp.jwksUri)).body as { keys: [] });
    const { payload } = await jwtVerify(token, keys, { issuer: idp.issuer, audience: DEMO_GATEWAY_AUDIENCE });
    expect(payload).toMatchObject({
      tid: DEMO_TENANT_ID,
      ver: '2.0',
      scp: 'CrossTenantUserProfileSharing.ReadWrite',
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(120);

    const withoutExp = decodeJwt(await idp.issueToken({ oid: 'x' }, { omitExp: true, notBefore: 1 }));
    expect(withoutExp.exp).toBeUndefined();
    expect(withoutExp.nbf).toBe(1);
    expect(decodeProtectedHeader(await idp.issueToken({}, { kid: 'unknown-kid' })).kid).toBe('unknown-kid');
    const critical = await idp.issueToken({}, { header: { crit: ['x-unknown'], 'x-unknown': true } });
    expect(decodeProtectedHeader(critical)).toMatchObject({
      alg: 'RS256',
      crit: ['x-unknown'],
      'x-unknown': true,
    });
  });

  it('issues app-only Graph tokens for client credentials, with a stable service principal', async () => {
    const before = idp.stats.tokenRequests.client_credentials;
    const first = await postToken({ ...clientCredentials, client_secret: SECRET });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      token_type: 'Bearer',
      scope: GRAPH_DEFAULT,
      expires_in: 3600,
      ext_expires_in: 3600,
    });
    const claims = decodeJwt(String(first.body.access_token));
    expect(claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      iss: idp.issuer,
      tid: DEMO_TENANT_ID,
      azp: DEMO_GATEWAY_CLIENT_ID,
      appid: DEMO_GATEWAY_CLIENT_ID,
      roles: [READ_WRITE_ALL],
      idtyp: 'app',
      ver: '2.0',
    });
    expect(claims.sub).toBe(claims.oid);
    expect(claims.scp).toBeUndefined();

    // HTTP Basic client authentication (client_secret_basic) is accepted too.
    const basic = Buffer.from(`${DEMO_GATEWAY_CLIENT_ID}:${SECRET}`).toString('base64');
    const second = await postToken(clientCredentials, { authorization: `Basic ${basic}` });
    expect(decodeJwt(String(second.body.access_token)).oid).toBe(claims.oid);
    expect(idp.stats.tokenRequests.client_credentials).toBe(before + 2);
  });

  it('refuses a wrong secret or an unknown client with invalid_client', async () => {
    const wrongSecret = await postToken({ ...clientCredentials, client_secret: 'nope' });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(String(wrongSecret.body.error_description)).toMatch(
      /^AADSTS7000215: Invalid client secret provided/,
    );
    expect(wrongSecret.body).toEqual(
      expect.objectContaining({
        timestamp: expect.any(String),
        trace_id: expect.any(String),
        correlation_id: expect.any(String),
      }),
    );

    const unknownClient = await postToken({
      ...clientCredentials,
      client_id: 'someone-else',
      client_secret: SECRET,
    });
    expect(unknownClient.status).toBe(401);
    expect(unknownClient.body.error).toBe('invalid_client');
  });

  it('exchanges a user token on behalf of the user, never outliving it', async () => {
    const assertion = await idp.issueToken(personaClaims('admin'), { expiresInSeconds: 600 });
    const response = await postToken(onBehalfOf(assertion));
    expect(response.status).toBe(200);
    const caller = decodeJwt(assertion);
    const graphToken = decodeJwt(String(response.body.access_token));
    expect(graphToken).toMatchObject({
      aud: 'https://graph.microsoft.com',
      iss: idp.issuer,
      tid: DEMO_TENANT_ID,
      oid: caller.oid,
      sub: caller.sub,
      scp: caller.scp,
      wids: caller.wids,
      azp: DEMO_GATEWAY_CLIENT_ID,
      appid: DEMO_GATEWAY_CLIENT_ID,
      idtyp: 'user',
      name: caller.name,
      preferred_username: caller.preferred_username,
    });
    expect(graphToken.exp).toBe(caller.exp);
    expect(response.body.expires_in).toBeLessThanOrEqual(600);
  });

  it('refuses forged, foreign-audience and app-only assertions with invalid_grant', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const realKid = decodeProtectedHeader(await idp.issueToken({})).kid ?? '';
    const forged = await new SignJWT({ ...personaClaims('admin'), iss: idp.issuer })
      .setProtectedHeader({ alg: 'RS256', kid: realKid })
      .setExpirationTime('1h')
      .sign(privateKey);
    const refused = await postToken(onBehalfOf(forged));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_grant', error_codes: [50013] });
    expect(String(refused.body.error_description)).toMatch(
      /^AADSTS50013: Assertion failed signature validation/,
    );

    const foreignAudience = await idp.issueToken({ ...personaClaims('user'), aud: 'api://someone-else' });
    expect((await postToken(onBehalfOf(foreignAudience))).body.error).toBe('invalid_grant');

    const appOnly = await idp.issueToken(personaClaims('app'));
    expect((await postToken(onBehalfOf(appOnly))).body.error).toBe('invalid_grant');
  });

  it('refuses unknown grant types, other tenants and other resources like Entra', async () => {
    const unsupported = await postToken({
      grant_type: 'password',
      client_id: DEMO_GATEWAY_CLIENT_ID,
      client_secret: SECRET,
    });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error).toBe('unsupported_grant_type');

    const otherTenant = await postToken(
      { ...clientCredentials, client_secret: SECRET },
      {},
      `${idp.origin}/00000000-0000-0000-0000-000000000001/oauth2/v2.0/token`,
    );
    expect(otherTenant.status).toBe(400);
    expect(otherTenant.body.error).toBe('invalid_tenant');

    const otherResource = await postToken({
      ...clientCredentials,
      client_secret: SECRET,
      scope: 'https://vault.azure.net/.default',
    });
    expect(otherResource.body.error).toBe('invalid_scope');
  });

  it('publishes only the new key after a rotation', async () => {
    const oldAssertion = await idp.issueToken(personaClaims('user'));
    const oldKid = decodeProtectedHeader(oldAssertion).kid;
    await idp.rotateKeys();
    const keys = (await getJson(idp.jwksUri)).body.keys as Array<{ kid: string }>;
    expect(keys).toHaveLength(1);
    expect(keys[0]?.kid).not.toBe(oldKid);
    expect(decodeProtectedHeader(await idp.issueToken({})).kid).toBe(keys[0]?.kid);
    expect((await postToken(onBehalfOf(oldAssertion))).body.error).toBe('invalid_grant');
  });

  it('answers scripted faults for the next N requests, and counts JWKS fetches', async () => {
    const before = idp.stats.jwksRequests;
    idp.faults.add({ route: 'jwks', status: 503, times: 2 });
    expect((await getJson(idp.jwksUri)).status).toBe(503);
    expect((await getJson(idp.jwksUri)).status).toBe(503);
    expect((await getJson(idp.jwksUri)).status).toBe(200);
    expect(idp.stats.jwksRequests).toBe(before + 3);

    idp.faults.add({ route: 'token', status: 500 });
    expect((await postToken({ ...clientCredentials, client_secret: SECRET })).status).toBe(500);
    expect((await postToken({ ...clientCredentials, client_secret: SECRET })).status).toBe(200);
  });

  it('never answers a hung request, and still closes promptly', async () => {
    const tls = await createLoopbackTls();
    const hanging = await startIdentityProvider({
      tls,
      tenantId: DEMO_TENANT_ID,
      clients: [],
      apiAudiences: [],
    });
    const hangingAgent = new Agent({ connect: { ca: tls.ca } });
    hanging.faults.add({ route: 'jwks', hang: true, times: Infinity });
    // Settled into a value at once, so the rejection that close() causes is never unhandled.
    const outcome = request(hanging.jwksUri, { dispatcher: hangingAgent }).then(
      () => 'answered',
      (error: unknown) => error,
    );
    const early = await Promise.race([outcome, new Promise((resolve) => setTimeout(resolve, 200, 'hung'))]);
    expect(early).toBe('hung');
    const started = Date.now();
    await hanging.close();
    expect(await outcome).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(1000);
    await hangingAgent.close();
  });
});
