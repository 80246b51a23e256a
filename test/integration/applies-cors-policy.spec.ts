import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { GatewayHarness } from '../support/gateway-harness.js';

const ALLOWED = 'https://app.contoso.example';
const OTHER_ALLOWED = 'https://admin.contoso.example';
const REFUSED = 'https://evil.example';

function preflight(harness: GatewayHarness, origin: string): Promise<Response> {
  return harness.fetch('/graphql', {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });
}

function crossOriginPost(harness: GatewayHarness, origin: string): Promise<Response> {
  return harness.fetch('/graphql', {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
}

describe('CORS with CORS_ORIGINS', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { CORS_ORIGINS: `${ALLOWED}, ${OTHER_ALLOWED}` } });
  });
  afterAll(() => harness.close());

  it.each([ALLOWED, OTHER_ALLOWED])('lets %s send a bearer token after a preflight', async (origin) => {
    const response = await preflight(harness, origin);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    // A frontend retries a mutation safely with the same Idempotency-Key.
    expect(response.headers.get('access-control-allow-headers')?.split(', ')).toEqual([
      'authorization',
      'content-type',
      'idempotency-key',
      'x-graphql-yoga-csrf',
    ]);
    expect(response.headers.has('access-control-allow-credentials')).toBe(false);
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  });

  it('lets an allowed origin read answers, including Retry-After', async () => {
    const response = await crossOriginPost(harness, ALLOWED);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-expose-headers')).toContain('retry-after');
  });

  it('gives any other origin no CORS headers, on the preflight and on the answer', async () => {
    for (const response of [await preflight(harness, REFUSED), await crossOriginPost(harness, REFUSED)]) {
      expect(response.headers.has('access-control-allow-origin')).toBe(false);
      expect(response.headers.has('access-control-allow-headers')).toBe(false);
    }
  });

  it.each(['https://app.example/path', 'app.example', 'https://app.example/'])(
    'refuses to start with %j in CORS_ORIGINS, which is not an origin',
    (entry) => {
      expect(() => loadConfig({ ...harness.services.env, CORS_ORIGINS: entry })).toThrow(/CORS_ORIGINS/);
    },
  );
});

describe('CORS without CORS_ORIGINS (the default)', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
  });
  afterAll(() => harness.close());

  it.each([ALLOWED, 'http://localhost:5173'])('allows no origin at all: %s', async (origin) => {
    for (const response of [await preflight(harness, origin), await crossOriginPost(harness, origin)]) {
      expect(response.headers.has('access-control-allow-origin')).toBe(false);
      expect(response.headers.has('access-control-allow-methods')).toBe(false);
    }
  });

  it('refuses a preflight as CORS does, with no CSRF error', async () => {
    const response = await preflight(harness, ALLOWED);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });
});

describe('CORS in the embedded mode without CORS_ORIGINS', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ mode: 'embedded' });
  });
  afterAll(() => harness.close());

  it.each(['http://localhost:5173', 'http://127.0.0.1:8080', 'http://localhost:4420'])(
    'lets a dev server at %s call the gateway',
    async (origin) => {
      const allowed = await preflight(harness, origin);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
      expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
      const answer = await crossOriginPost(harness, origin);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
    },
  );

  it.each([
    'http://localhost',
    'https://localhost:5173',
    'http://localhost.evil.example:5173',
    'http://127.0.0.2:5173',
    'http://[::1]:5173',
    REFUSED,
  ])('refuses %s with a plain CORS refusal, not the CSRF error', async (origin) => {
    const response = await preflight(harness, origin);
    expect(response.status).toBe(204);
    expect(response.headers.has('access-control-allow-origin')).toBe(false);
    expect(await response.text()).toBe('');
  });

  it('applies the same rule to /dev/personas', async () => {
    const allowed = await harness.fetch('/dev/personas', { headers: { origin: 'http://localhost:5173' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const refused = await harness.fetch('/dev/personas', { headers: { origin: REFUSED } });
    expect(refused.headers.has('access-control-allow-origin')).toBe(false);
  });

  it('keeps CORS_ORIGINS, when set, in place of the embedded default', () => {
    const config = loadConfig({ ...harness.services.env, CORS_ORIGINS: ALLOWED }, 'embedded');
    expect(config.http.corsOrigins).toEqual([ALLOWED]);
  });
});

describe('CORS_ORIGINS with any port', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { CORS_ORIGINS: 'https://app.contoso.example:*' } });
  });
  afterAll(() => harness.close());

  it.each([
    ['https://app.contoso.example:8443', true],
    ['https://app.contoso.example', false],
    ['http://app.contoso.example:8443', false],
    ['https://app.contoso.example.evil.example:8443', false],
  ])('%s allowed: %s', async (origin, allowed) => {
    const response = await preflight(harness, origin);
    expect(response.headers.get('access-control-allow-origin')).toBe(allowed ? origin : null);
  });

  it.each(['http://localhost:*/path', 'http://localhost:**', 'localhost:*'])(
    'refuses to start with %j',
    (entry) => {
      expect(() => loadConfig({ ...harness.services.env, CORS_ORIGINS: entry })).toThrow(/CORS_ORIGINS/);
    },
  );
});
