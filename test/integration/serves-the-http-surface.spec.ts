import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';

const MUTATION = `mutation { removeOutboundSharedUserProfilePersonalData(userId: "${PERSONAS.user.objectId}") { userId } }`;

describe('HTTP surface', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { MAX_BODY_BYTES: '4096' } });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.graph.resetRecording());

  it('answers /health with 200', async () => {
    const response = await harness.fetch('/health');
    expect(response.status).toBe(200);
  });

  it('answers /readiness with 200 once the JWKS and the token endpoint have answered', async () => {
    const response = await harness.fetch('/readiness');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      waitingFor: [],
      upstream: { graph: { state: 'closed' } },
    });
  });

  it('serves Prometheus metrics with request counts and upstream calls by status', async () => {
    await harness.post({ query: MUTATION }, await harness.token('user'));
    const response = await harness.fetch('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/gateway_http_requests_total\{method="POST",status="200"\} \d+/);
    expect(text).toMatch(
      /gateway_upstream_calls_total\{operation="removeOutboundPersonalData",status="204"\} 1/,
    );
    expect(text).toContain('gateway_upstream_retries_total');
  });

  it('sets nosniff and no x-powered-by on every response', async () => {
    for (const path of ['/health', '/readiness', '/metrics', '/graphql', '/nowhere']) {
      const response = await harness.fetch(path);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.has('x-powered-by'), path).toBe(false);
    }
  });

  it('refuses mutations over GET with 405', async () => {
    const token = await harness.token('user');
    const response = await harness.fetch(`/graphql?query=${encodeURIComponent(MUTATION)}`, {
      headers: { authorization: `Bearer ${token}`, 'x-graphql-yoga-csrf': '1', accept: 'application/json' },
    });
    expect(response.status).toBe(405);
    expect(harness.graph.requests).toHaveLength(0);
  });

  it('refuses a mutation over GET with 405 even without the CSRF header', async () => {
    const token = await harness.token('user');
    const response = await harness.fetch(`/graphql?query=${encodeURIComponent(MUTATION)}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(harness.graph.requests).toHaveLength(0);
  });

  it.each([
    [
      'a missing required argument',
      'mutation { removeOutboundSharedUserProfilePersonalData { userId } }',
      {},
      200,
    ],
    ['an unknown field', '{ viewer { nope } }', {}, 200],
    ['a syntax error', '{ viewer {', {}, 200],
    [
      'a null for a non-null variable',
      'mutation ($u: ID!) { removeOutboundSharedUserProfilePersonalData(userId: $u) { userId } }',
      { u: null },
      400,
    ],
    [
      'a wrongly typed argument',
      '{ outboundSharedUserProfiles(first: "ten") { edges { cursor } } }',
      {},
      200,
    ],
    // Documents that do not validate are 200 for an `application/json` client (GraphQL over HTTP's
    // legacy media type); variables that do not coerce are a request error, 400.
  ])('answers %s with BAD_USER_INPUT and no upstream call', async (_name, query, variables, status) => {
    const response = await harness.post({ query, variables }, await harness.token('admin'));
    expect(response.status).toBe(status);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(harness.graph.requests).toHaveLength(0);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'refuses a %s post without the CSRF header',
    async (contentType) => {
      const response = await harness.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: JSON.stringify({ query: MUTATION }),
      });
      expect(response.status).toBe(403);
      expect(harness.graph.requests).toHaveLength(0);
    },
  );

  /** The contract's codes of an answer that is not a GraphQL result with `data`. */
  const codesOf = async (response: Response) =>
    ((await response.json()) as { errors: Array<{ extensions?: { code?: string } }> }).errors.map(
      (error) => error.extensions?.code,
    );

  it('refuses a GET query without the CSRF header, with BAD_USER_INPUT', async () => {
    const response = await harness.fetch('/graphql?query=%7B__typename%7D', {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(403);
    expect(await codesOf(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('answers 413 to a body over MAX_BODY_BYTES, declared or streamed', async () => {
    const big = JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(10_000) } });
    const declared = await harness.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(await codesOf(declared)).toEqual(['BAD_USER_INPUT']);

    const streamed = await harness.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await codesOf(streamed)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses operation batching (a JSON array)', async () => {
    const token = await harness.token('user');
    const response = await harness.post([{ query: MUTATION }, { query: MUTATION }], token);
    expect(response.status).toBe(400);
    expect(harness.graph.requests).toHaveLength(0);
  });

  it('serves GraphiQL to browsers', async () => {
    const response = await harness.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('GraphiQL');
  });

  // A bad token is an expected error; unexpected ones are masked-unexpected-errors.spec.ts's.
  it('answers a bad token with 401 and never sends a stack trace', async () => {
    const response = await harness.post({ query: '{ viewer { kind } }' }, 'not-a-jwt');
    expect(response.status).toBe(401);
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('readiness when the authority refuses', () => {
  it('is 200 once the token endpoint has answered, even with an OAuth error', async () => {
    const harness = await GatewayHarness.start({
      beforeGateway: (services) =>
        services.identityProvider.faults.add({ route: 'token', status: 401, times: 1 }),
    });
    try {
      const response = await harness.fetch('/readiness');
      expect(response.status).toBe(200);
      expect(harness.logs()).toContain('the authority refused an application token');
    } finally {
      await harness.close();
    }
  });

  it('stays 503 while the token endpoint does not answer at all', async () => {
    const harness = await GatewayHarness.start({
      env: { AZURE_AUTHORITY_HOST: 'https://127.0.0.1:9', AUTH_JWKS_URI: '' },
      readiness: 'skip',
    });
    try {
      const response = await harness.fetch('/readiness');
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ waitingFor: expect.arrayContaining(['token-endpoint']) });
    } finally {
      await harness.close();
    }
  });
});

describe('readiness, dependency by dependency and at shutdown', () => {
  it('stays 503 while the JWKS alone has not answered', async () => {
    const harness = await GatewayHarness.start({
      env: { AUTH_JWKS_URI: 'https://127.0.0.1:9/discovery/v2.0/keys' },
      readiness: 'skip',
    });
    try {
      await harness.until(
        () =>
          !['token-endpoint', 'database'].some((name) =>
            harness.gateway.readiness.waitingFor().includes(name),
          ),
      );
      const response = await harness.fetch('/readiness');
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'not ready', waitingFor: ['jwks'] });
    } finally {
      await harness.close();
    }
  });

  it('turns 503 as soon as shutdown begins', async () => {
    const harness = await GatewayHarness.start();
    expect((await harness.fetch('/readiness')).status).toBe(200);
    const closing = harness.gateway.close();
    try {
      const response = await harness.fetch('/readiness');
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'not ready', waitingFor: [] });
    } finally {
      await closing;
      await harness.close();
    }
  });
});

describe('idle client connections', () => {
  it('are kept for HTTP_KEEP_ALIVE_TIMEOUT_MS, then closed', async () => {
    const harness = await GatewayHarness.start({ env: { PORT: '0', HTTP_KEEP_ALIVE_TIMEOUT_MS: '1500' } });
    const socket = connect(Number(new URL(await harness.gateway.listen()).port), '127.0.0.1');
    try {
      let received = '';
      socket.setEncoding('utf8').on('data', (text: string) => (received += text));
      const closed = once(socket, 'close');
      const health = async () => {
        const before = received.length;
        socket.write('GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n');
        while (!received.slice(before).includes('\r\n\r\n')) await new Promise((r) => setTimeout(r, 10));
        return received.slice(before);
      };
      expect(await health()).toMatch(/^HTTP\/1\.1 200 .*\r\nKeep-Alive: timeout=1\r\n/s);
      // Idle for most of the timeout, the connection still carries the next request.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await health()).toMatch(/^HTTP\/1\.1 200 /);
      const idleSince = Date.now();
      await closed;
      expect(Date.now() - idleSince).toBeGreaterThanOrEqual(1_400);
    } finally {
      socket.destroy();
      await harness.close();
    }
  });
});
