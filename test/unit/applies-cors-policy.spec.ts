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
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
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

  it('allows no origin at all', async () => {
    for (const response of [await preflight(harness, ALLOWED), await crossOriginPost(harness, ALLOWED)]) {
      expect(response.headers.has('access-control-allow-origin')).toBe(false);
      expect(response.headers.has('access-control-allow-methods')).toBe(false);
    }
  });
});
