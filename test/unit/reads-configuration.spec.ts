import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, wantsEmbeddedMode } from '../../src/config/config.js';

const REQUIRED = {
  AUTH_TENANT_ID: 'tenant',
  AUTH_AUDIENCE: 'api://gateway, 11111111-1111-1111-1111-111111111111',
  AZURE_TENANT_ID: 'tenant',
  AZURE_CLIENT_ID: 'client',
  AZURE_CLIENT_SECRET: 'secret',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('names every missing variable at once', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'AUTH_TENANT_ID is required',
      'AUTH_AUDIENCE is required',
      'AZURE_TENANT_ID is required',
      'AZURE_CLIENT_ID is required',
      'AZURE_CLIENT_SECRET is required',
      'DATABASE_URL is required',
    ]);
    // Outside production the gateway starts an embedded PostgreSQL instead.
    expect(problemsOf({})).not.toContain('DATABASE_URL is required');
  });

  it('reads the ledger’s variables, with the contract’s defaults', () => {
    const config = loadConfig({
      ...REQUIRED,
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db.internal/gateway',
    });
    expect(config.ledger).toEqual({
      databaseUrl: 'postgres://db.internal/gateway',
      dataDir: './data',
      leaseMs: 30_000,
      retryForMs: 86_400_000,
      retentionDays: 730,
      idempotencyTtlHours: 24,
      recording: true,
    });
    expect(loadConfig(REQUIRED).ledger.databaseUrl).toBeUndefined();
    expect(problemsOf({ ...REQUIRED, DATABASE_URL: 'mysql://db/gateway' })[0]).toMatch(/^DATABASE_URL /);
    expect(problemsOf({ ...REQUIRED, LEDGER_LEASE_MS: '500' })[0]).toMatch(/^LEDGER_LEASE_MS /);
  });

  it('reports invalid values with their names', () => {
    const problems = problemsOf({
      ...REQUIRED,
      GRAPH_BASE_URL: 'http://graph.example',
      GRAPH_TIMEOUT_MS: '-1',
      GRAPHIQL: 'yes',
    });
    expect(problems.some((p) => p.startsWith('GRAPH_BASE_URL'))).toBe(true);
    expect(problems.some((p) => p.startsWith('GRAPH_TIMEOUT_MS'))).toBe(true);
    expect(problems.some((p) => p.startsWith('GRAPHIQL'))).toBe(true);
  });

  it('derives the contract’s defaults from the tenant', () => {
    const config = loadConfig({ ...REQUIRED, NODE_ENV: 'production', DATABASE_URL: 'postgres://db/gateway' });
    expect(config.auth.audiences).toEqual(['api://gateway', '11111111-1111-1111-1111-111111111111']);
    expect(config.auth.issuers).toEqual(['https://login.microsoftonline.com/tenant/v2.0']);
    expect(config.auth.allowedTenants).toEqual(['tenant']);
    expect(
      loadConfig({ ...REQUIRED, AUTH_ALLOWED_TENANTS: 'Tenant, OTHER-Tenant' }).auth.allowedTenants,
    ).toEqual(['tenant', 'other-tenant']);
    expect(config.auth.jwksUri.href).toBe('https://login.microsoftonline.com/tenant/discovery/v2.0/keys');
    expect(config.azure.authorityHost).toBe('https://login.microsoftonline.com');
    expect(config.graph).toMatchObject({ baseUrl: 'https://graph.microsoft.com/beta', timeoutMs: 10_000 });
    expect(config.rateLimit).toMatchObject({ operationsPerMinute: 600, removalsPerMinute: 60 });
    expect(config.http).toMatchObject({
      graphiql: true,
      introspection: 'authenticated',
      maxBodyBytes: 1_048_576,
      corsOrigins: [],
      keepAliveTimeoutMs: 65_000,
    });
    expect(config.host).toBe('0.0.0.0');
    expect(config.port).toBe(4000);
  });

  it('reads the upstream resilience settings, with defaults', () => {
    expect(loadConfig(REQUIRED).graph).toMatchObject({
      maxAttempts: 4,
      breaker: { threshold: 20, halfOpenAfterMs: 10_000 },
      batchConcurrency: 4,
      outboundRemoval: 'profile',
    });
    const tuned = loadConfig({
      ...REQUIRED,
      GRAPH_BREAKER_THRESHOLD: '10',
      GRAPH_BREAKER_HALF_OPEN_AFTER_MS: '30000',
      GRAPH_BATCH_CONCURRENCY: '8',
      GRAPH_OUTBOUND_REMOVAL: 'per-tenant',
    });
    expect(tuned.graph).toMatchObject({
      breaker: { threshold: 10, halfOpenAfterMs: 30_000 },
      batchConcurrency: 8,
      outboundRemoval: 'per-tenant',
    });
    const problems = problemsOf({
      ...REQUIRED,
      GRAPH_BREAKER_THRESHOLD: '0',
      GRAPH_BATCH_CONCURRENCY: '500',
      GRAPH_OUTBOUND_REMOVAL: 'sometimes',
    });
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual([
      'GRAPH_BREAKER_THRESHOLD',
      'GRAPH_BATCH_CONCURRENCY',
      'GRAPH_OUTBOUND_REMOVAL',
    ]);
  });

  it('reads the client timeouts, headers no longer than the whole request', () => {
    expect(loadConfig(REQUIRED).http).toMatchObject({
      keepAliveTimeoutMs: 65_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
    });
    expect(
      loadConfig({ ...REQUIRED, HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_REQUEST_TIMEOUT_MS: '2000' }).http,
    ).toMatchObject({ headersTimeoutMs: 2_000, requestTimeoutMs: 2_000 });
    expect(problemsOf({ ...REQUIRED, HTTP_HEADERS_TIMEOUT_MS: '40000' })).toEqual([
      'HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS',
    ]);
    expect(problemsOf({ ...REQUIRED, HTTP_REQUEST_TIMEOUT_MS: '0' })).toEqual([
      expect.stringMatching(/^HTTP_REQUEST_TIMEOUT_MS /),
    ]);
  });

  it('reads the metrics listener: none by default, loopback when METRICS_PORT alone is set', () => {
    expect(loadConfig(REQUIRED).metricsListener).toBeUndefined();
    expect(loadConfig({ ...REQUIRED, METRICS_PORT: '9464' }).metricsListener).toEqual({
      port: 9464,
      host: '127.0.0.1',
    });
    expect(
      loadConfig({ ...REQUIRED, METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).metricsListener,
    ).toEqual({
      port: 9464,
      host: '0.0.0.0',
    });
    expect(problemsOf({ ...REQUIRED, METRICS_PORT: 'nine' })).toEqual([
      expect.stringMatching(/^METRICS_PORT /),
    ]);
  });

  it('reads INTROSPECTION as true, false or authenticated; open by default outside production', () => {
    expect(loadConfig(REQUIRED).http.introspection).toBe(true);
    for (const [value, mode] of [
      ['true', true],
      ['false', false],
      ['authenticated', 'authenticated'],
    ] as const) {
      expect(
        loadConfig({
          ...REQUIRED,
          NODE_ENV: 'production',
          DATABASE_URL: 'postgres://db/g',
          INTROSPECTION: value,
        }).http.introspection,
      ).toBe(mode);
    }
    expect(problemsOf({ ...REQUIRED, INTROSPECTION: 'yes' })[0]).toMatch(/^INTROSPECTION /);
  });

  it('builds the JWKS default from AZURE_AUTHORITY_HOST', () => {
    const config = loadConfig({ ...REQUIRED, AZURE_AUTHORITY_HOST: 'https://127.0.0.1:8443/' });
    expect(config.auth.jwksUri.href).toBe('https://127.0.0.1:8443/tenant/discovery/v2.0/keys');
    expect(config.host).toBe('127.0.0.1');
  });

  it('starts the embedded mode only without configuration and outside production', () => {
    expect(wantsEmbeddedMode({})).toBe(true);
    expect(wantsEmbeddedMode({ NODE_ENV: 'development', PORT: '4001' })).toBe(true);
    expect(wantsEmbeddedMode({ NODE_ENV: 'production' })).toBe(false);
    expect(wantsEmbeddedMode({ AZURE_CLIENT_ID: 'x' })).toBe(false);
    expect(wantsEmbeddedMode({ GRAPH_BASE_URL: 'https://graph.example' })).toBe(false);
  });
});
