import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';

const MISSPELLED = [
  '{ viewr { kind } }',
  '{ viewer { knd } }',
  '{ outboundSharedUserProfile(userid: "x") { userId } }',
];

async function messages(harness: GatewayHarness, query: string): Promise<string> {
  const response = await harness.post({ query }, await harness.token('reader'));
  expect(response.body.errors?.length).toBeGreaterThan(0);
  return response.body.errors!.map((error) => error.message).join('\n');
}

describe('production posture: NODE_ENV=production, GRAPHIQL=false, INTROSPECTION=false', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({
      env: { NODE_ENV: 'production', GRAPHIQL: 'false', INTROSPECTION: 'false', MAX_BODY_BYTES: '1024' },
    });
  });
  afterAll(() => harness.close());

  it('serves no GraphiQL', async () => {
    const response = await harness.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type') ?? '').not.toContain('text/html');
    expect(await response.text()).not.toContain('GraphiQL');
  });

  it('refuses introspection', async () => {
    const response = await harness.post({ query: '{ __schema { queryType { name } } }' });
    expect(response.body.data ?? null).toBeNull();
    expect(response.body.errors![0]!.message).toMatch(/introspection/i);
  });

  it.each(MISSPELLED)('names nothing the client was not told about in errors for %s', async (query) => {
    expect(await messages(harness, query)).not.toMatch(/Did you mean/);
  });

  it('sets the security headers on every response, whatever answers it', async () => {
    const token = await harness.token('reader');
    const responses = await Promise.all([
      harness.fetch('/health'),
      harness.fetch('/readiness'),
      harness.fetch('/metrics'),
      harness.fetch('/nowhere'),
      harness.fetch('/graphql', { headers: { accept: 'text/html' } }),
      harness.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      }),
      harness.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}x` },
        body: JSON.stringify({ query: '{ viewer { kind } }' }),
      }),
      harness.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(2048) } }),
      }),
    ]);
    expect(responses.map((response) => response.status)).toEqual(
      expect.arrayContaining([200, 404, 400, 401, 413]),
    );
    for (const response of responses) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.has('x-powered-by')).toBe(false);
    }
  });
});

const SCHEMA_QUERY = '{ __schema { queryType { name } } }';
const TYPE_BY_FRAGMENT = 'query Q { ...T } fragment T on Query { __type(name: "Query") { name } }';

describe('production posture with INTROSPECTION unset (the contract default: authenticated)', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { NODE_ENV: 'production' } });
  });
  afterAll(() => harness.close());

  it('defaults to introspection for verified callers only', () => {
    expect(harness.config.http.introspection).toBe('authenticated');
  });

  it.each([SCHEMA_QUERY, TYPE_BY_FRAGMENT])('refuses anonymous introspection with 401: %s', async (query) => {
    const response = await harness.post({ query });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.body.data ?? null).toBeNull();
  });

  it('introspects for a caller with a verified token', async () => {
    const token = await harness.token('user');
    for (const query of [SCHEMA_QUERY, TYPE_BY_FRAGMENT]) {
      const response = await harness.post({ query }, token);
      expect(response.status).toBe(200);
      expect(errorCodes(response)).toEqual([]);
    }
  });

  it('answers `__typename` anonymously: it is not introspection', async () => {
    const response = await harness.post({ query: '{ __typename }' });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ __typename: 'Query' });
  });

  it('still masks field suggestions, again when the same document is repeated', async () => {
    for (let i = 0; i < 3; i += 1) {
      const text = await messages(harness, MISSPELLED[0]!);
      expect(text).toMatch(/Cannot query field/);
      expect(text).not.toMatch(/Did you mean/);
    }
  });
});

describe('production posture with INTROSPECTION=true', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { NODE_ENV: 'production', INTROSPECTION: 'true' } });
  });
  afterAll(() => harness.close());

  it('introspects for anyone, and still masks field suggestions', async () => {
    const response = await harness.post({ query: SCHEMA_QUERY });
    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual([]);
    expect(await messages(harness, MISSPELLED[0]!)).not.toMatch(/Did you mean/);
  });
});

describe('development (no NODE_ENV), INTROSPECTION=authenticated', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { INTROSPECTION: 'authenticated' } });
  });
  afterAll(() => harness.close());

  it('refuses anonymous introspection and masks suggestions: introspection is not open to anyone', async () => {
    expect((await harness.post({ query: SCHEMA_QUERY })).status).toBe(401);
    expect(await messages(harness, MISSPELLED[1]!)).not.toMatch(/Did you mean/);
  });
});

describe('development (no NODE_ENV), introspection on', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
  });
  afterAll(() => harness.close());

  it.each(MISSPELLED)('keeps the suggestions for %s, which help while exploring', async (query) => {
    expect(await messages(harness, query)).toMatch(/Did you mean "\w+"\?/);
  });

  it('introspects for anyone: the default outside production, the embedded mode included', async () => {
    expect(harness.config.http.introspection).toBe(true);
    const response = await harness.post({ query: SCHEMA_QUERY });
    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual([]);
  });
});

describe('development (no NODE_ENV), INTROSPECTION=false', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { INTROSPECTION: 'false' } });
  });
  afterAll(() => harness.close());

  it.each(MISSPELLED)('masks the suggestions for %s: introspection off is enough', async (query) => {
    expect(await messages(harness, query)).not.toMatch(/Did you mean/);
  });
});
