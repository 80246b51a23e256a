import { z } from 'zod';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Everything the gateway reads from its environment, parsed and checked once at start. */
export interface GatewayConfig {
  /** `embedded` wires the gateway to in-process emulators; never reached with NODE_ENV=production. */
  mode: 'configured' | 'embedded';
  production: boolean;
  port: number;
  host: string;
  /** Where `/metrics` is served when it has a listener of its own (METRICS_PORT); else on `port`. */
  metricsListener: { port: number; host: string } | undefined;
  auth: {
    tenantId: string;
    /** `tid` values accepted, lower-cased; personal accounts pass here and are refused with FORBIDDEN later. */
    allowedTenants: string[];
    audiences: string[];
    issuers: string[];
    jwksUri: URL;
    /** Least time between two JWKS fetches caused by an unknown `kid`. */
    jwksCooldownMs: number;
    /** Background refresh period of the key set. */
    jwksRefreshMs: number;
    /** Verified tokens remembered until they expire (by SHA-256 of the token); 0 turns the cache off. */
    tokenCacheSize: number;
    clockSkewSeconds: number;
  };
  azure: {
    /** Origin (and optional path) of the token authority, without a trailing slash. */
    authorityHost: string;
    tenantId: string;
    clientId: string;
    clientSecret: string;
  };
  graph: {
    /** Without a trailing slash, e.g. `https://graph.microsoft.com/beta`. */
    baseUrl: string;
    /** The scope asked of the authority for Graph tokens; a national cloud has its own. */
    scope: string;
    timeoutMs: number;
    maxAttempts: number;
    /** Consecutive failed exchanges that open the circuit, and how long it stays open before a probe. */
    breaker: { threshold: number; halfOpenAfterMs: number };
    /** `$batch` calls of one bulk operation in flight at once. */
    batchConcurrency: number;
    /** How a profile-wide outbound removal reaches Graph: one action, or one per tenant. */
    outboundRemoval: 'profile' | 'per-tenant';
  };
  rateLimit: {
    enabled: boolean;
    operationsPerMinute: number;
    removalsPerMinute: number;
    redisUrl: string | undefined;
  };
  /** Bounds on a GraphQL document, checked before execution (see SECURITY.md). */
  documentLimits: {
    enabled: boolean;
    maxDepth: number;
    maxAliases: number;
    maxTokens: number;
    maxDirectives: number;
    maxCost: number;
    /** Graph calls one request may make, estimated before it executes. */
    maxGraphCalls: number;
    maxListItems: number;
    maxMutationFields: number;
  };
  http: {
    /** Exact origins, origins with any port (`http://localhost:*`), or `*`. */
    corsOrigins: string[];
    graphiql: boolean;
    /** `authenticated`: only callers with a verified token may introspect. */
    introspection: boolean | 'authenticated';
    maxBodyBytes: number;
    /** Path of a persisted-documents manifest: when set, only its documents run. */
    trustedDocuments: string | undefined;
    shutdownGraceMs: number;
    /** How long an idle client connection is kept open for its next request. */
    keepAliveTimeoutMs: number;
    /** How long a client may take to send a request's headers, and the whole request. */
    headersTimeoutMs: number;
    requestTimeoutMs: number;
  };
  logLevel: LogLevel;
  /** PEM of extra trust anchors for upstream TLS, besides Node's own (embedded mode only). */
  upstreamCa: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const REQUIRED_IN_CONFIGURED_MODE = [
  'AUTH_TENANT_ID',
  'AUTH_AUDIENCE',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
] as const;

const MODE_SELECTORS = /^(AUTH_|AZURE_)|^GRAPH_BASE_URL$/;

/** True when the environment asks for the zero-configuration start with embedded emulators. */
export function wantsEmbeddedMode(env: Env): boolean {
  if (env.NODE_ENV === 'production') return false;
  return !Object.keys(env).some(
    (name) => MODE_SELECTORS.test(name) && env[name] !== undefined && env[name] !== '',
  );
}

const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);
const bool = z.enum(['true', 'false']).transform((value) => value === 'true');
const positiveInt = z.coerce.number().int().positive();
const httpsUrl = z
  .string()
  .transform((value, ctx) => {
    try {
      return new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a URL' });
      return z.NEVER;
    }
  })
  .refine((url) => url.protocol === 'https:', 'must be an https:// URL');

const envSchema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  AUTH_TENANT_ID: z.string().min(1),
  AUTH_ALLOWED_TENANTS: list.refine((values) => values.length > 0, 'needs at least one tenant id').optional(),
  AUTH_AUDIENCE: list.refine((values) => values.length > 0, 'needs at least one audience'),
  AUTH_ISSUER: list.optional(),
  AUTH_JWKS_URI: httpsUrl.optional(),
  AUTH_JWKS_COOLDOWN_MS: positiveInt.default(60_000),
  AUTH_JWKS_REFRESH_MS: positiveInt.default(3_600_000),
  AUTH_TOKEN_CACHE_SIZE: z.coerce.number().int().min(0).default(10_000),
  AZURE_AUTHORITY_HOST: httpsUrl.optional(),
  AZURE_TENANT_ID: z.string().min(1),
  AZURE_CLIENT_ID: z.string().min(1),
  AZURE_CLIENT_SECRET: z.string().min(1),
  GRAPH_BASE_URL: httpsUrl.optional(),
  GRAPH_SCOPE: z.string().min(1).default('https://graph.microsoft.com/.default'),
  GRAPH_TIMEOUT_MS: positiveInt.default(10_000),
  GRAPH_MAX_ATTEMPTS: positiveInt.max(10).default(4),
  GRAPH_BREAKER_THRESHOLD: positiveInt.default(20),
  GRAPH_BREAKER_HALF_OPEN_AFTER_MS: positiveInt.default(10_000),
  GRAPH_BATCH_CONCURRENCY: positiveInt.max(50).default(4),
  GRAPH_OUTBOUND_REMOVAL: z.enum(['profile', 'per-tenant']).default('profile'),
  RATE_LIMIT_OPERATIONS_PER_MINUTE: positiveInt.default(600),
  RATE_LIMIT_REMOVALS_PER_MINUTE: positiveInt.default(60),
  REDIS_URL: z.string().url().optional(),
  RATE_LIMITING: bool.default(true),
  DOCUMENT_LIMITS: bool.default(true),
  MAX_DEPTH: positiveInt.default(10),
  MAX_ALIASES: positiveInt.default(15),
  MAX_TOKENS: positiveInt.default(1000),
  MAX_DIRECTIVES: positiveInt.default(50),
  MAX_COST: positiveInt.default(1_000_000),
  // The largest legitimate query: a page of 100 profiles with the tenants of each (1 + 100).
  MAX_GRAPH_CALLS: positiveInt.default(101),
  MAX_LIST_ITEMS: positiveInt.default(1000),
  MAX_MUTATION_FIELDS: positiveInt.default(1),
  CORS_ORIGINS: list
    .refine(
      (origins) => origins.every((origin) => origin === '*' || isOrigin(origin.replace(/:\*$/, ''))),
      'must list origins such as https://app.example.com or http://localhost:* (scheme, host and port or any port), or *',
    )
    .optional(),
  GRAPHIQL: bool.default(true),
  INTROSPECTION: z.enum(['true', 'false', 'authenticated']).optional(),
  MAX_BODY_BYTES: positiveInt.default(1_048_576),
  TRUSTED_DOCUMENTS: z.string().min(1).optional(),
  SHUTDOWN_GRACE_MS: positiveInt.default(10_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt.default(65_000),
  HTTP_HEADERS_TIMEOUT_MS: positiveInt.default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: positiveInt.default(30_000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

/**
 * Node refuses to start a server whose headers may take longer than the whole request. Checked
 * once both values are valid, so that an invalid one is reported once.
 */
const checkedEnvSchema = envSchema.refine(
  (env) => env.HTTP_HEADERS_TIMEOUT_MS <= env.HTTP_REQUEST_TIMEOUT_MS,
  {
    path: ['HTTP_HEADERS_TIMEOUT_MS'],
    message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS',
    when: ({ issues }) => !issues.some((issue) => String(issue.path?.[0]).startsWith('HTTP_')),
  },
);

/**
 * Browser origins the embedded mode allows when `CORS_ORIGINS` is not set: a frontend's dev server
 * on this machine, whatever its port, works on the first try.
 */
export const EMBEDDED_CORS_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'] as const;

/**
 * Reads the configuration from the environment. Every missing or invalid variable is reported at
 * once, so an operator fixes them in one round. `mode` is `embedded` when the caller has pointed
 * the environment at in-process emulators (see `wantsEmbeddedMode`); its defaults differ.
 */
export function loadConfig(env: Env, mode: GatewayConfig['mode'] = 'configured'): GatewayConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const missing = REQUIRED_IN_CONFIGURED_MODE.filter((name) => present[name] === undefined);
  const parsed = checkedEnvSchema.safeParse(present);
  if (missing.length > 0 || !parsed.success) {
    const problems = missing.map((name) => `${name} is required`);
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      const name = String(issue.path[0]);
      if (!missing.includes(name as (typeof missing)[number])) problems.push(`${name} ${issue.message}`);
    }
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const authorityHost = withoutTrailingSlash(e.AZURE_AUTHORITY_HOST ?? 'https://login.microsoftonline.com');
  return {
    mode,
    production,
    port: e.PORT,
    host: e.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    metricsListener:
      e.METRICS_PORT === undefined ? undefined : { port: e.METRICS_PORT, host: e.METRICS_HOST },
    auth: {
      tenantId: e.AUTH_TENANT_ID,
      allowedTenants: (e.AUTH_ALLOWED_TENANTS ?? [e.AUTH_TENANT_ID]).map((tenant) => tenant.toLowerCase()),
      audiences: e.AUTH_AUDIENCE,
      issuers: e.AUTH_ISSUER?.length
        ? e.AUTH_ISSUER
        : [`https://login.microsoftonline.com/${e.AUTH_TENANT_ID}/v2.0`],
      jwksUri: e.AUTH_JWKS_URI ?? new URL(`${authorityHost}/${e.AUTH_TENANT_ID}/discovery/v2.0/keys`),
      jwksCooldownMs: e.AUTH_JWKS_COOLDOWN_MS,
      jwksRefreshMs: e.AUTH_JWKS_REFRESH_MS,
      tokenCacheSize: e.AUTH_TOKEN_CACHE_SIZE,
      clockSkewSeconds: 60,
    },
    azure: {
      authorityHost,
      tenantId: e.AZURE_TENANT_ID,
      clientId: e.AZURE_CLIENT_ID,
      clientSecret: e.AZURE_CLIENT_SECRET,
    },
    graph: {
      baseUrl: withoutTrailingSlash(e.GRAPH_BASE_URL ?? 'https://graph.microsoft.com/beta'),
      scope: e.GRAPH_SCOPE,
      timeoutMs: e.GRAPH_TIMEOUT_MS,
      maxAttempts: e.GRAPH_MAX_ATTEMPTS,
      breaker: {
        threshold: e.GRAPH_BREAKER_THRESHOLD,
        halfOpenAfterMs: e.GRAPH_BREAKER_HALF_OPEN_AFTER_MS,
      },
      batchConcurrency: e.GRAPH_BATCH_CONCURRENCY,
      outboundRemoval: e.GRAPH_OUTBOUND_REMOVAL,
    },
    rateLimit: {
      enabled: e.RATE_LIMITING,
      operationsPerMinute: e.RATE_LIMIT_OPERATIONS_PER_MINUTE,
      removalsPerMinute: e.RATE_LIMIT_REMOVALS_PER_MINUTE,
      redisUrl: e.REDIS_URL,
    },
    documentLimits: {
      enabled: e.DOCUMENT_LIMITS,
      maxDepth: e.MAX_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxTokens: e.MAX_TOKENS,
      maxDirectives: e.MAX_DIRECTIVES,
      maxCost: e.MAX_COST,
      maxGraphCalls: e.MAX_GRAPH_CALLS,
      maxListItems: e.MAX_LIST_ITEMS,
      maxMutationFields: e.MAX_MUTATION_FIELDS,
    },
    http: {
      corsOrigins: e.CORS_ORIGINS ?? (mode === 'embedded' ? [...EMBEDDED_CORS_ORIGINS] : []),
      graphiql: e.GRAPHIQL,
      introspection: introspectionMode(e.INTROSPECTION, production),
      maxBodyBytes: e.MAX_BODY_BYTES,
      trustedDocuments: e.TRUSTED_DOCUMENTS,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    },
    logLevel: e.LOG_LEVEL,
    upstreamCa: undefined,
  };
}

/** Unset: open outside production (the embedded mode included), for verified callers in production. */
function introspectionMode(
  value: 'true' | 'false' | 'authenticated' | undefined,
  production: boolean,
): GatewayConfig['http']['introspection'] {
  if (value === undefined) return production ? 'authenticated' : true;
  return value === 'authenticated' ? value : value === 'true';
}

function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

function withoutTrailingSlash(url: URL | string): string {
  return (typeof url === 'string' ? url : url.href).replace(/\/+$/, '');
}
