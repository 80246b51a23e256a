import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { Agent, request } from 'undici';
import {
  createDemoData,
  type EmbeddedServices,
  IDLE_KEEP_ALIVE_MS,
  type PersonaName,
  PERSONAS,
  startEmbeddedServices,
  startGraphEmulator,
} from '@shared-profile-gateway/emulators';

let services: EmbeddedServices;
let agent: Agent;
const graphTokens = new Map<PersonaName, string>();

beforeAll(async () => {
  services = await startEmbeddedServices();
  agent = new Agent({ connect: { ca: services.tls.ca } });
  for (const persona of Object.keys(PERSONAS) as PersonaName[]) {
    graphTokens.set(persona, await obtainGraphToken(persona));
  }
});

afterAll(async () => {
  await agent?.close();
  await services?.close();
});

beforeEach(() => {
  services.graph.faults.clear();
  services.graph.setFailureRate(0);
  services.graph.resetRecording();
});

/** A Graph token the way the gateway gets one: OBO for users, client credentials for apps. */
async function obtainGraphToken(persona: PersonaName): Promise<string> {
  const { env } = services;
  const common = {
    client_id: env.AZURE_CLIENT_ID ?? '',
    client_secret: env.AZURE_CLIENT_SECRET ?? '',
    scope: 'https://graph.microsoft.com/.default',
  };
  const form =
    persona === 'app'
      ? { ...common, grant_type: 'client_credentials' }
      : {
          ...common,
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          requested_token_use: 'on_behalf_of',
          assertion: await services.personaToken(persona),
        };
  const response = await request(`${env.AZURE_AUTHORITY_HOST}/${env.AZURE_TENANT_ID}/oauth2/v2.0/token`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await response.body.json()) as { access_token: string };
  return body.access_token;
}

interface CallOptions {
  method?: 'GET' | 'POST';
  as?: PersonaName | null;
  body?: unknown;
  headers?: Record<string, string>;
  dispatcher?: Agent;
}

async function graph(
  pathOrUrl: string,
  { method = 'GET', as = 'app', body, headers = {}, dispatcher = agent }: CallOptions = {},
) {
  const url = pathOrUrl.startsWith('https://') ? pathOrUrl : `${services.graph.baseUrl}${pathOrUrl}`;
  const token = as === null ? undefined : graphTokens.get(as);
  const response = await request(url, {
    method,
    dispatcher,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> | undefined,
  };
}

const userId = PERSONAS.user.objectId;
const adminId = PERSONAS.admin.objectId;
const outbound = '/directory/outboundSharedUserProfiles';
const inbound = '/directory/inboundSharedUserProfiles';

describe('Graph emulator', () => {
  it('serves the environment a gateway needs', () => {
    expect(Object.keys(services.env).sort()).toEqual(
      [
        'AUTH_AUDIENCE',
        'AUTH_ISSUER',
        'AUTH_JWKS_URI',
        'AUTH_TENANT_ID',
        'AZURE_AUTHORITY_HOST',
        'AZURE_CLIENT_ID',
        'AZURE_CLIENT_SECRET',
        'AZURE_TENANT_ID',
        'GRAPH_BASE_URL',
      ].sort(),
    );
    expect(services.env.GRAPH_BASE_URL).toBe(`${services.graph.origin}/beta`);
  });

  it('removes a user’s own outbound data with 204, echoing the request ids', async () => {
    const clientRequestId = randomUUID();
    const response = await graph(`${outbound}/${userId.toUpperCase()}/removePersonalData`, {
      method: 'POST',
      as: 'user',
      headers: { 'client-request-id': clientRequestId },
    });
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    expect(response.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['client-request-id']).toBe(clientRequestId);
    expect(response.headers.date).toBeDefined();
    expect(services.graph.requests).toEqual([
      {
        method: 'POST',
        path: `${outbound}/${userId.toUpperCase()}/removePersonalData`,
        clientRequestId,
        viaBatch: false,
        oid: userId,
        tid: services.identityProvider.tenantId,
        idtyp: 'user',
        appid: services.env.AZURE_CLIENT_ID,
        scp: 'CrossTenantUserProfileSharing.ReadWrite',
        roles: [],
      },
    ]);
    expect(services.graph.tokensSeen()).toEqual([graphTokens.get('user')]);
  });

  it('removes data shared with one tenant only when the profile is shared with it', async () => {
    const [sharedTenant] =
      services.graph.data.outbound.find((profile) => profile.userId === userId)?.tenantIds ?? [];
    const path = `${outbound}/${userId}/tenants`;
    expect(
      (await graph(`${path}/${sharedTenant}/removePersonalData`, { method: 'POST', as: 'user' })).status,
    ).toBe(204);
    expect(
      (await graph(`${path}/${randomUUID()}/removePersonalData`, { method: 'POST', as: 'user' })).status,
    ).toBe(404);
  });

  it('answers 404 in Graph’s error shape for an unknown user', async () => {
    const response = await graph(`${outbound}/${randomUUID()}/removePersonalData`, {
      method: 'POST',
      as: 'admin',
    });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      error: {
        code: 'Request_ResourceNotFound',
        message: expect.any(String),
        innerError: {
          date: expect.any(String),
          'request-id': response.headers['request-id'],
          'client-request-id': expect.any(String),
        },
      },
    });
  });

  it('answers 401 without a token or with a token meant for another audience', async () => {
    const anonymous = await graph(outbound, { as: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });

    const callerToken = await services.personaToken('admin');
    const wrongAudience = await graph(outbound, {
      as: null,
      headers: { authorization: `Bearer ${callerToken}` },
    });
    expect(wrongAudience.status).toBe(401);
  });

  it('accepts a token it has verified only until the token expires', async () => {
    // The same claims as the app's Graph token, re-issued to expire within two seconds.
    const claims = Object.fromEntries(
      Object.entries(decodeJwt(graphTokens.get('app') ?? '')).filter(
        ([name]) => !['exp', 'iat', 'nbf'].includes(name),
      ),
    );
    const shortLived = await services.identityProvider.issueToken(claims, { expiresInSeconds: 2 });
    const call = () => graph(outbound, { as: null, headers: { authorization: `Bearer ${shortLived}` } });

    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    const expiresAtMs = (decodeJwt(shortLived).exp ?? 0) * 1000;
    await new Promise((resolve) => setTimeout(resolve, expiresAtMs - Date.now() + 20));
    const expired = await call();
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({
      error: {
        code: 'InvalidAuthenticationToken',
        message: 'Lifetime validation failed, the token is expired.',
      },
    });
  });

  it('answers 403 when a user removes someone else’s data, and lets an administrator do it', async () => {
    const denied = await graph(`${outbound}/${adminId}/removePersonalData`, { method: 'POST', as: 'user' });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: { code: 'Authorization_RequestDenied' } });
    expect(
      (await graph(`${outbound}/${userId}/removePersonalData`, { method: 'POST', as: 'reader' })).status,
    ).toBe(403);
    expect(
      (await graph(`${outbound}/${userId}/removePersonalData`, { method: 'POST', as: 'admin' })).status,
    ).toBe(204);
    expect(
      (await graph(`${outbound}/${userId}/removePersonalData`, { method: 'POST', as: 'app' })).status,
    ).toBe(204);
  });

  it('pages outbound profiles with absolute next links that keep $top', async () => {
    const seen: string[] = [];
    let next: string | undefined = `${services.graph.baseUrl}${outbound}?$top=15`;
    let pages = 0;
    while (next) {
      const page = await graph(next);
      expect(page.status).toBe(200);
      seen.push(...(page.body?.value as Array<{ userId: string }>).map((profile) => profile.userId));
      next = page.body?.['@odata.nextLink'] as string | undefined;
      if (next)
        expect(next).toMatch(new RegExp(`^${services.graph.baseUrl}${outbound}\\?\\$top=15&\\$skiptoken=`));
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(services.graph.requests[0]?.path).toBe(`${outbound}?$top=15`);
    expect(new Set(seen).size).toBe(createDemoData().outbound.length);
    expect(seen).toEqual(expect.arrayContaining([userId, adminId]));

    const firstDefaultPage = await graph(outbound);
    expect(firstDefaultPage.body?.value).toHaveLength(10);
    expect((await graph(`${outbound}?$top=0`)).status).toBe(400);
  });

  it('reads a profile, its tenants and inbound profiles', async () => {
    expect((await graph(`${outbound}/${userId}`, { as: 'user' })).body).toMatchObject({ userId });
    const tenants = await graph(`${outbound}/${userId}/tenants`, { as: 'user' });
    expect(tenants.body?.value).toHaveLength(3);

    const inboundPage = await graph(inbound, { as: 'reader' });
    const [first] = inboundPage.body?.value as Array<Record<string, string>>;
    expect(first).toEqual({
      userId: expect.any(String),
      displayName: expect.any(String),
      homeTenantId: expect.any(String),
      userPrincipalName: expect.any(String),
    });
    expect((await graph(`${inbound}/${first?.userId}`, { as: 'reader' })).body).toMatchObject(first ?? {});
  });

  it('accepts an export with 202, Location and Retry-After, and serves the operation: running, then complete', async () => {
    const [profile] = createDemoData().inbound;
    const exportPath = `${inbound}/${profile?.userId}/exportPersonalData`;
    const accepted = await graph(exportPath, {
      method: 'POST',
      as: 'admin',
      body: { storageLocation: 'https://store.example/x' },
    });
    expect(accepted.status).toBe(202);
    expect(accepted.headers['retry-after']).toBe(String(services.graph.exportSettings.retryAfterSeconds));
    const location = String(accepted.headers.location);
    expect(location).toMatch(new RegExp(`^${services.graph.baseUrl}/dataPolicyOperations/[0-9a-f-]{36}$`));
    const running = await graph(location);
    expect(running.body).toMatchObject({ status: 'running', storageLocation: 'https://store.example/x' });
    expect(running.headers['retry-after']).toBe(String(services.graph.exportSettings.retryAfterSeconds));
    const { completesAfterMs } = services.graph.exportSettings;
    services.graph.exportSettings.completesAfterMs = 0;
    try {
      const complete = await graph(location);
      expect(complete.body).toMatchObject({ status: 'complete', completedDateTime: expect.any(String) });
      expect(complete.headers['retry-after']).toBeUndefined();
    } finally {
      services.graph.exportSettings.completesAfterMs = completesAfterMs;
    }

    expect((await graph(exportPath, { method: 'POST', as: 'admin', body: {} })).status).toBe(400);
  });

  it('runs $batch items through the same faults, answering one item 429 with Retry-After', async () => {
    services.graph.faults.add({
      method: 'POST',
      pathPattern: /\/removePersonalData$/,
      status: 429,
      retryAfter: '2',
    });
    const requests = [adminId, userId, randomUUID()].map((id, index) => ({
      id: String(index + 1),
      method: 'POST',
      url: `${outbound}/${id}/removePersonalData`,
    }));
    const batch = await graph('/$batch', { method: 'POST', as: 'admin', body: { requests } });
    expect(batch.status).toBe(200);
    expect(batch.body?.responses).toEqual([
      {
        id: '1',
        status: 429,
        headers: { 'Retry-After': '2', 'Content-Type': 'application/json' },
        body: { error: expect.objectContaining({ code: 'TooManyRequests' }) },
      },
      { id: '2', status: 204, headers: {} },
      expect.objectContaining({ id: '3', status: 404 }),
    ]);
    expect(services.graph.requests.filter((recorded) => recorded.viaBatch)).toHaveLength(3);

    const tooMany = Array.from({ length: 21 }, (_, index) => ({
      id: String(index),
      method: 'GET',
      url: outbound,
    }));
    expect((await graph('/$batch', { method: 'POST', body: { requests: tooMany } })).status).toBe(400);
  });

  it('applies a fault exactly `times` times, after authentication', async () => {
    services.graph.faults.add({
      pathPattern: /^\/directory\/outboundSharedUserProfiles$/,
      status: 503,
      times: 2,
    });
    expect((await graph(outbound, { as: null })).status).toBe(401);
    expect((await graph(outbound)).status).toBe(503);
    expect((await graph(outbound)).status).toBe(503);
    expect((await graph(outbound)).status).toBe(200);
  });

  it('repeats the same random failures for the same failure rate', async () => {
    const run = async () => {
      services.graph.setFailureRate(0.5, 503);
      const statuses: number[] = [];
      for (let call = 0; call < 12; call += 1) statuses.push((await graph(`${outbound}?$top=1`)).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it('counts TLS connections, so that keep-alive reuse is observable', async () => {
    await graph(outbound);
    await graph(outbound);
    expect(services.graph.connections).toBeLessThanOrEqual(1);
    const freshAgent = new Agent({ connect: { ca: services.tls.ca } });
    await graph(outbound, { dispatcher: freshAgent });
    expect(services.graph.connections).toBeGreaterThanOrEqual(1);
    await freshAgent.close();
  });

  it('keeps an idle connection open for minutes, as Microsoft’s front ends do, not Node’s 5 s', async () => {
    const { headers } = await graph(outbound);
    expect(headers['keep-alive']).toBe(`timeout=${IDLE_KEEP_ALIVE_MS / 1000}`);
    expect(IDLE_KEEP_ALIVE_MS).toBeGreaterThanOrEqual(120_000);
  });

  it('keeps a hung request open until close, without hanging the test', async () => {
    const emulator = await startGraphEmulator({
      tls: services.tls,
      tokenIssuer: services.identityProvider.issuer,
      jwksUri: services.identityProvider.jwksUri,
      trustedCa: services.tls.ca,
    });
    emulator.faults.add({ hang: true, times: Infinity });
    // Settled into a value at once, so the rejection that close() causes is never unhandled.
    const outcome = graph(`${emulator.baseUrl}${outbound}`).then(
      () => 'answered',
      (error: unknown) => error,
    );
    while (emulator.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    await emulator.close();
    expect(await outcome).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
