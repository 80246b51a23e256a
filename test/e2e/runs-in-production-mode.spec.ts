import { Kind, parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EmbeddedServices,
  graphiqlExamples,
  PERSONAS,
  startEmbeddedServices,
} from '@shared-profile-gateway/emulators';
import {
  OutboundSharedUserProfilesDocument as OutboundPage,
  RemoveOutboundSharedUserProfilePersonalDataDocument as Remove,
} from '../generated/graphql.js';
import { GatewayProcess } from '../support/gateway-process.js';

describe('the production entry point against emulated HTTPS services', () => {
  let services: EmbeddedServices;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    services = await startEmbeddedServices();
    gateway = await GatewayProcess.startInProduction(services);
    await gateway.untilReady();
  });
  afterAll(async () => {
    await gateway?.stop();
    await services?.close();
  });

  const post = (body: unknown, token?: string) =>
    fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  it('removes a user’s own data through real token exchange and HTTPS', async () => {
    const userId = PERSONAS.user.objectId;
    const response = await post(
      { query: print(Remove), variables: { userId } },
      await services.personaToken('user'),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      data: { removeOutboundSharedUserProfilePersonalData: { userId: string } };
    };
    expect(body.data.removeOutboundSharedUserProfilePersonalData.userId).toBe(userId);
    expect(services.graph.requests.at(-1)).toMatchObject({ oid: userId, idtyp: 'user' });
  });

  it('answers 401 with WWW-Authenticate without a token', async () => {
    const response = await post({ query: print(Remove), variables: { userId: PERSONAS.user.objectId } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('sends the security headers over node:http, on answers and refusals alike', async () => {
    const answered = await post(
      { query: print(Remove), variables: { userId: PERSONAS.user.objectId } },
      await services.personaToken('user'),
    );
    const refused = await post({ query: print(Remove), variables: { userId: PERSONAS.user.objectId } });
    for (const response of [answered, refused, await fetch(`${gateway.url}/nowhere`)]) {
      expect(Object.fromEntries(response.headers)).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        'cache-control': 'no-store',
      });
      expect(response.headers.has('x-powered-by')).toBe(false);
    }
    expect(answered.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('logs JSON lines without tokens or the client secret', async () => {
    // A request of its own, with a token, a bad token and the token exchange behind it, so that
    // this test does not depend on what the others happened to send.
    const token = await services.personaToken('user');
    const before = gateway.output.join('').length;
    expect(
      (await post({ query: print(Remove), variables: { userId: PERSONAS.user.objectId } }, token)).status,
    ).toBe(200);
    expect(
      (await post({ query: print(Remove), variables: { userId: PERSONAS.user.objectId } }, `${token}x`))
        .status,
    ).toBe(401);
    const logs = gateway.output.join('');
    expect(logs.length).toBeGreaterThan(before);
    expect(logs).not.toContain(token);
    expect(logs).toContain('"msg":"gateway listening"');
    expect(logs).not.toContain(services.env.AZURE_CLIENT_SECRET);
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });

  it('runs every GraphiQL example in its persona', async () => {
    for (const { persona, query } of graphiqlExamples()) {
      const token = await services.personaToken(persona);
      for (const definition of parse(query).definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const response = await post({ query, operationName: definition.name?.value }, token);
        const body = (await response.json()) as { errors?: unknown };
        expect({ operation: definition.name?.value, errors: body.errors }).toEqual({
          operation: definition.name?.value,
          errors: undefined,
        });
      }
    }
  });

  it('pages through every outbound profile with the cursors it hands out', async () => {
    const reader = await services.personaToken('reader');
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages += 1) {
      const response = await post({ query: print(OutboundPage), variables: { first: 15, after } }, reader);
      const body = (await response.json()) as {
        data: {
          outboundSharedUserProfiles: {
            edges: Array<{ node: { userId: string } }>;
            pageInfo: { hasNextPage: boolean; endCursor: string };
          };
        };
      };
      const { edges, pageInfo } = body.data.outboundSharedUserProfiles;
      seen.push(...edges.map((edge) => edge.node.userId));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toEqual(services.graph.data.outbound.map((profile) => profile.userId));
  });

  it('finishes an in-flight request on SIGTERM, then exits 0', async () => {
    services.graph.faults.add({ pathPattern: /removePersonalData$/, delayMs: 500, times: 1 });
    const inFlight = post(
      { query: print(Remove), variables: { userId: PERSONAS.user.objectId } },
      await services.personaToken('user'),
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    gateway.child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    // Its connection, kept alive by the client, is closed once the answer is out: no waiting for
    // the keep-alive timeout or the shutdown grace.
    const answered = Date.now();
    expect(await gateway.exited()).toBe(0);
    expect(Date.now() - answered).toBeLessThan(2_000);
  });
});

describe('the production entry point without configuration', () => {
  let services: EmbeddedServices;
  beforeAll(async () => {
    services = await startEmbeddedServices();
  });
  afterAll(() => services?.close());

  it('exits 1 and names every missing variable', async () => {
    const gateway = await GatewayProcess.start({ NODE_ENV: 'production' });
    expect(await gateway.exited()).toBe(1);
    const output = gateway.output.join('');
    for (const name of [
      'AUTH_TENANT_ID',
      'AUTH_AUDIENCE',
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'AZURE_CLIENT_SECRET',
      'DATABASE_URL',
    ]) {
      expect(output).toContain(`${name} is required`);
    }
  });

  it('exits 1 naming DATABASE_URL when everything else is configured, and starts no embedded PostgreSQL', async () => {
    const gateway = await GatewayProcess.start({ NODE_ENV: 'production', ...services.env });
    expect(await gateway.exited()).toBe(1);
    const output = gateway.output.join('');
    expect(output).toContain('Invalid configuration:\n  - DATABASE_URL is required\n');
    expect(output).not.toMatch(/embedded PostgreSQL/i);
  });

  it('exits 1 naming DATABASE_URL when the database cannot be used', async () => {
    const gateway = await GatewayProcess.startInProduction(services, {
      DATABASE_URL: 'postgres://gateway:secret-password@127.0.0.1:9/gateway',
    });
    expect(await gateway.exited()).toBe(1);
    const output = gateway.output.join('');
    expect(output).toContain(
      "The gateway could not start: the ledger's database (DATABASE_URL) is not usable",
    );
    expect(output).not.toContain('secret-password');
  }, 60_000);
});
