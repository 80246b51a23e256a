import { z } from 'zod';

/**
 * `embedded` wires the gateway to in-process emulators and applies the embedded mode's defaults;
 * never reached with NODE_ENV=production.
 */
export type GatewayMode = 'configured' | 'embedded';

/**
 * Everything the gateway reads from its environment, parsed and checked once at start: the shape
 * `configFrom` builds from the schema's values, so the variables, their defaults and their meaning
 * are written once, in `envSchema` and `CONFIG_VARIABLES`.
 */
export type GatewayConfig = ReturnType<typeof configFrom>;
export type LogLevel = GatewayConfig['logLevel'];

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

/** Production also needs the ledger's database: an embedded one never starts there. */
const REQUIRED_IN_PRODUCTION = [...REQUIRED_IN_CONFIGURED_MODE, 'DATABASE_URL'] as const;

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

export const envSchema = z.object({
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
  DATABASE_URL: z
    .string()
    .refine((value) => /^postgres(ql)?:\/\/./.test(value), 'must be a postgres:// (or postgresql://) URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  LEDGER_LEASE_MS: positiveInt.min(1_000).default(30_000),
  LEDGER_RETRY_FOR_MS: positiveInt.default(86_400_000),
  LEDGER_RETENTION_DAYS: positiveInt.default(730),
  IDEMPOTENCY_TTL_HOURS: positiveInt.default(24),
  LEDGER_RECORDING: bool.default(true),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

/** The sections of docs/configuration.md, in the page's order. */
export type ConfigGroup =
  | 'mode'
  | 'listening'
  | 'authentication'
  | 'client'
  | 'graph'
  | 'rate-limits'
  | 'document-limits'
  | 'browser'
  | 'ledger'
  | 'metrics'
  | 'logging';

/** What docs/configuration.md says of one variable (`npm run docs:print` writes the page). */
export interface VariableDoc {
  group: ConfigGroup;
  /** Markdown, one sentence or two. */
  meaning: string;
  /**
   * Markdown: what applies when the variable is unset, for variables without a default in
   * `envSchema` (those print the schema's own default, so the two cannot disagree).
   */
  unset?: string;
}

/**
 * The documentation of every variable the gateway reads: each key of `envSchema`, plus Node's own
 * variables that matter to it. The type makes a variable without documentation a compile error.
 */
export const CONFIG_VARIABLES: Readonly<
  Record<keyof typeof envSchema.shape | 'NODE_EXTRA_CA_CERTS', VariableDoc>
> = {
  NODE_ENV: {
    group: 'mode',
    meaning:
      '`production`: the production posture (the embedded demo never starts, missing configuration stops the start, `HOST` and `INTROSPECTION` change their defaults).',
    unset: 'not production',
  },
  NODE_EXTRA_CA_CERTS: {
    group: 'mode',
    meaning:
      "Node's own: a PEM file of extra trusted certificate authorities for the token authority, the JWKS host and Graph (e.g. a TLS-inspecting proxy's CA).",
    unset: "Node's bundled CAs only",
  },
  PORT: { group: 'listening', meaning: 'The port of the public listener (0: any free port).' },
  HOST: {
    group: 'listening',
    meaning: 'The address of the public listener.',
    unset: '`0.0.0.0` in production, `127.0.0.1` otherwise',
  },
  MAX_BODY_BYTES: {
    group: 'listening',
    meaning: 'The largest request body accepted; a larger one is answered 413 and its connection closed.',
  },
  SHUTDOWN_GRACE_MS: {
    group: 'listening',
    meaning:
      'After `SIGTERM` or `SIGINT`, how long in-flight requests may take before their connections are closed.',
  },
  HTTP_KEEP_ALIVE_TIMEOUT_MS: {
    group: 'listening',
    meaning:
      "How long an idle client connection stays open for its next request; set it above the load balancer's idle timeout.",
  },
  HTTP_HEADERS_TIMEOUT_MS: {
    group: 'listening',
    meaning:
      "A request's headers must arrive within this time of its first byte, else 408 and the connection is closed. At most `HTTP_REQUEST_TIMEOUT_MS`.",
  },
  HTTP_REQUEST_TIMEOUT_MS: {
    group: 'listening',
    meaning:
      'A whole request, body included, must arrive within this time of its first byte, else 408 and the connection is closed.',
  },
  AUTH_TENANT_ID: {
    group: 'authentication',
    meaning: "The gateway's tenant (a GUID).",
    unset: 'required',
  },
  AUTH_AUDIENCE: {
    group: 'authentication',
    meaning:
      "Accepted `aud` values of callers' tokens, comma-separated: the gateway's application id URI and/or client id.",
    unset: 'required',
  },
  AUTH_ALLOWED_TENANTS: {
    group: 'authentication',
    meaning:
      "Accepted `tid` values, comma-separated, in any letter case; another tenant's token is `UNAUTHENTICATED`.",
    unset: '`AUTH_TENANT_ID`',
  },
  AUTH_ISSUER: {
    group: 'authentication',
    meaning: 'Accepted `iss` values, comma-separated.',
    unset: '`https://login.microsoftonline.com/{AUTH_TENANT_ID}/v2.0`',
  },
  AUTH_JWKS_URI: {
    group: 'authentication',
    meaning: "The signing keys of callers' tokens (an `https` URL).",
    unset: '`{AZURE_AUTHORITY_HOST}/{AUTH_TENANT_ID}/discovery/v2.0/keys`',
  },
  AUTH_JWKS_COOLDOWN_MS: {
    group: 'authentication',
    meaning:
      'The least time between two fetches of the signing keys caused by a token naming an unknown `kid` (failed fetches count).',
  },
  AUTH_JWKS_REFRESH_MS: {
    group: 'authentication',
    meaning: 'How often the signing keys are fetched in the background.',
  },
  AUTH_TOKEN_CACHE_SIZE: {
    group: 'authentication',
    meaning:
      "Verified callers remembered until their token's `exp`, keyed by the token's SHA-256 (the cache holds no token); `0` verifies every token.",
  },
  AZURE_AUTHORITY_HOST: {
    group: 'client',
    meaning:
      'The token authority (any `https` origin, with a path if needed); tokens are asked of `{AZURE_AUTHORITY_HOST}/{AZURE_TENANT_ID}/oauth2/v2.0/token`.',
    unset: '`https://login.microsoftonline.com`',
  },
  AZURE_TENANT_ID: {
    group: 'client',
    meaning: "The tenant of the gateway's own app registration (same name as in `@azure/identity`).",
    unset: 'required',
  },
  AZURE_CLIENT_ID: {
    group: 'client',
    meaning: "The gateway's app registration's client id.",
    unset: 'required',
  },
  AZURE_CLIENT_SECRET: {
    group: 'client',
    meaning:
      "Its client secret: for on-behalf-of and client-credentials token requests, and the key of the paging cursors' seal (rotating it ends open cursors).",
    unset: 'required',
  },
  GRAPH_BASE_URL: {
    group: 'graph',
    meaning: 'Microsoft Graph (any `https` origin and path).',
    unset: '`https://graph.microsoft.com/beta`',
  },
  GRAPH_SCOPE: {
    group: 'graph',
    meaning: 'The scope asked of the authority for Graph tokens (a national cloud has its own).',
  },
  GRAPH_TIMEOUT_MS: {
    group: 'graph',
    meaning:
      "One upstream call's deadline, the token request and every retry included; a bulk mutation's deadline as a whole.",
  },
  GRAPH_MAX_ATTEMPTS: {
    group: 'graph',
    meaning:
      'Attempts per upstream call, the first included (1–10); 429, 503, 504 and dropped connections are retried.',
  },
  GRAPH_BREAKER_THRESHOLD: {
    group: 'graph',
    meaning:
      'Failed exchanges with Graph in a row (502, 503, 504, no answer in time, a dropped connection) that open the circuit.',
  },
  GRAPH_BREAKER_HALF_OPEN_AFTER_MS: {
    group: 'graph',
    meaning: 'How long the circuit stays open before one call probes Graph again.',
  },
  GRAPH_BATCH_CONCURRENCY: {
    group: 'graph',
    meaning: '`$batch` calls of one bulk mutation in flight at once (1–50).',
  },
  GRAPH_OUTBOUND_REMOVAL: {
    group: 'graph',
    meaning:
      "`profile`: an outbound removal without `tenantId` calls Graph's profile-wide action; `per-tenant`: it lists the profile's tenants and removes per tenant.",
  },
  RATE_LIMITING: {
    group: 'rate-limits',
    meaning:
      '`false` turns the per-caller rate limits off (benchmarks, emergencies; a warning is logged at start).',
  },
  RATE_LIMIT_OPERATIONS_PER_MINUTE: {
    group: 'rate-limits',
    meaning: 'Operations per caller per minute, each root field counting one.',
  },
  RATE_LIMIT_REMOVALS_PER_MINUTE: {
    group: 'rate-limits',
    meaning: 'Removals and exports per caller per minute, each id of a bulk counting one.',
  },
  REDIS_URL: {
    group: 'rate-limits',
    meaning: 'Keeps the rate-limit budgets in Redis (`redis://…`, `rediss://…`), shared by every instance.',
    unset: 'in memory, per instance',
  },
  DOCUMENT_LIMITS: {
    group: 'document-limits',
    meaning:
      '`false` turns the document limits below off (benchmarks, emergencies; a warning is logged at start).',
  },
  MAX_DEPTH: { group: 'document-limits', meaning: 'The deepest selection.' },
  MAX_ALIASES: { group: 'document-limits', meaning: 'Aliases per operation.' },
  MAX_TOKENS: { group: 'document-limits', meaning: 'Lexical tokens per document.' },
  MAX_DIRECTIVES: { group: 'document-limits', meaning: 'Directives per operation.' },
  MAX_COST: {
    group: 'document-limits',
    meaning:
      "graphql-armor's cost of an operation, page sizes written in the document or passed as variables.",
  },
  MAX_GRAPH_CALLS: {
    group: 'document-limits',
    meaning:
      'Graph calls one request may make, counted before it runs from the document and its variables (the default is a page of 100 profiles with the tenants of each).',
  },
  MAX_LIST_ITEMS: {
    group: 'document-limits',
    meaning: 'Items of any list argument, literal or variable (bulk `userIds` included).',
  },
  MAX_MUTATION_FIELDS: {
    group: 'document-limits',
    meaning: 'Root fields per mutation, aliases included.',
  },
  CORS_ORIGINS: {
    group: 'browser',
    meaning:
      'Browser origins allowed to call the gateway, comma-separated: `https://app.example.com` (scheme, host and port), `http://localhost:*` (any port), or `*`.',
    unset: 'none; the embedded demo: `http://localhost:*,http://127.0.0.1:*`',
  },
  GRAPHIQL: {
    group: 'browser',
    meaning: '`false` turns GraphiQL (and its files under `/graphiql/`) off.',
  },
  INTROSPECTION: {
    group: 'browser',
    meaning:
      '`true`: anyone may introspect; `authenticated`: only callers with a verified token (anonymous: 401); `false`: no one.',
    unset: '`true`; production: `authenticated`',
  },
  TRUSTED_DOCUMENTS: {
    group: 'browser',
    meaning:
      'Path of a persisted-documents manifest (`{ "<sha256 hex>": "<document>" }`, verified at start): only its documents run, sent by hash.',
    unset: 'any document runs',
  },
  DATABASE_URL: {
    group: 'ledger',
    meaning:
      'The PostgreSQL database of the personal-data request ledger (`postgres://user:password@host:5432/db`, `?sslmode=require` for TLS). Its migrations run at start, once across replicas.',
    unset: 'required in production; otherwise an embedded PostgreSQL started by the gateway',
  },
  DATA_DIR: {
    group: 'ledger',
    meaning:
      'Where the embedded PostgreSQL keeps its data, across restarts (used only without `DATABASE_URL`, outside production).',
  },
  LEDGER_LEASE_MS: {
    group: 'ledger',
    meaning:
      'How long a process holds a request it is sending before another process may take it over (at least 1000).',
  },
  LEDGER_RETRY_FOR_MS: {
    group: 'ledger',
    meaning:
      'How long after `requestedAt` a pending request is retried; after that it is `FAILED` with its last error.',
  },
  LEDGER_RETENTION_DAYS: {
    group: 'ledger',
    meaning: 'Settled requests (and their attempts) older than this many days are deleted.',
  },
  IDEMPOTENCY_TTL_HOURS: {
    group: 'ledger',
    meaning: 'How long an `Idempotency-Key` is remembered for its caller.',
  },
  LEDGER_RECORDING: {
    group: 'ledger',
    meaning:
      '`false` sends removals and exports without recording them (benchmarks measure the ledger this way; a warning is logged at start). Nothing is then completed after a failure or a crash, and `Idempotency-Key` is ignored.',
  },
  METRICS_PORT: {
    group: 'metrics',
    meaning:
      'Serves `/metrics` on a listener of its own at this port; the public port then answers 404 for it.',
    unset: '`/metrics` on the public port',
  },
  METRICS_HOST: {
    group: 'metrics',
    meaning: 'The address of that listener (used only with `METRICS_PORT`).',
  },
  LOG_LEVEL: {
    group: 'logging',
    meaning: '`debug`, `info`, `warn` or `error`; at `warn` and `error` there are no request lines.',
  },
};

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
export function loadConfig(env: Env, mode: GatewayMode = 'configured'): GatewayConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const required = present.NODE_ENV === 'production' ? REQUIRED_IN_PRODUCTION : REQUIRED_IN_CONFIGURED_MODE;
  const missing = required.filter((name) => present[name] === undefined);
  const parsed = checkedEnvSchema.safeParse(present);
  if (missing.length > 0 || !parsed.success) {
    const problems = missing.map((name) => `${name} is required`);
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      const name = String(issue.path[0]);
      if (!(missing as readonly string[]).includes(name)) problems.push(`${name} ${issue.message}`);
    }
    throw new ConfigError(problems);
  }
  return configFrom(parsed.data, mode);
}

/** The gateway's view of the variables: grouped by concern, with the defaults that depend on others. */
function configFrom(e: z.infer<typeof envSchema>, mode: GatewayMode) {
  const production = e.NODE_ENV === 'production';
  const authorityHost = withoutTrailingSlash(e.AZURE_AUTHORITY_HOST ?? 'https://login.microsoftonline.com');
  return {
    mode,
    production,
    port: e.PORT,
    host: e.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    /** Where `/metrics` is served when it has a listener of its own (METRICS_PORT); else on `port`. */
    metricsListener:
      e.METRICS_PORT === undefined ? undefined : { port: e.METRICS_PORT, host: e.METRICS_HOST },
    auth: {
      tenantId: e.AUTH_TENANT_ID,
      /** `tid` values accepted, lower-cased; personal accounts pass here and are refused with FORBIDDEN later. */
      allowedTenants: (e.AUTH_ALLOWED_TENANTS ?? [e.AUTH_TENANT_ID]).map((tenant) => tenant.toLowerCase()),
      audiences: e.AUTH_AUDIENCE,
      issuers: e.AUTH_ISSUER?.length
        ? e.AUTH_ISSUER
        : [`https://login.microsoftonline.com/${e.AUTH_TENANT_ID}/v2.0`],
      jwksUri: e.AUTH_JWKS_URI ?? new URL(`${authorityHost}/${e.AUTH_TENANT_ID}/discovery/v2.0/keys`),
      /** Least time between two JWKS fetches caused by an unknown `kid`. */
      jwksCooldownMs: e.AUTH_JWKS_COOLDOWN_MS,
      /** Background refresh period of the key set. */
      jwksRefreshMs: e.AUTH_JWKS_REFRESH_MS,
      /** Verified tokens remembered until they expire (by SHA-256 of the token); 0 turns the cache off. */
      tokenCacheSize: e.AUTH_TOKEN_CACHE_SIZE,
      clockSkewSeconds: 60,
    },
    azure: {
      /** Origin (and optional path) of the token authority, without a trailing slash. */
      authorityHost,
      tenantId: e.AZURE_TENANT_ID,
      clientId: e.AZURE_CLIENT_ID,
      clientSecret: e.AZURE_CLIENT_SECRET,
    },
    graph: {
      /** Without a trailing slash, e.g. `https://graph.microsoft.com/beta`. */
      baseUrl: withoutTrailingSlash(e.GRAPH_BASE_URL ?? 'https://graph.microsoft.com/beta'),
      /** The scope asked of the authority for Graph tokens; a national cloud has its own. */
      scope: e.GRAPH_SCOPE,
      timeoutMs: e.GRAPH_TIMEOUT_MS,
      maxAttempts: e.GRAPH_MAX_ATTEMPTS,
      /** Consecutive failed exchanges that open the circuit, and how long it stays open before a probe. */
      breaker: {
        threshold: e.GRAPH_BREAKER_THRESHOLD,
        halfOpenAfterMs: e.GRAPH_BREAKER_HALF_OPEN_AFTER_MS,
      },
      /** `$batch` calls of one bulk operation in flight at once. */
      batchConcurrency: e.GRAPH_BATCH_CONCURRENCY,
      /** How a profile-wide outbound removal reaches Graph: one action, or one per tenant. */
      outboundRemoval: e.GRAPH_OUTBOUND_REMOVAL,
    },
    rateLimit: {
      enabled: e.RATE_LIMITING,
      operationsPerMinute: e.RATE_LIMIT_OPERATIONS_PER_MINUTE,
      removalsPerMinute: e.RATE_LIMIT_REMOVALS_PER_MINUTE,
      redisUrl: e.REDIS_URL,
    },
    /** Bounds on a GraphQL document, checked before execution (see SECURITY.md). */
    documentLimits: {
      enabled: e.DOCUMENT_LIMITS,
      maxDepth: e.MAX_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxTokens: e.MAX_TOKENS,
      maxDirectives: e.MAX_DIRECTIVES,
      maxCost: e.MAX_COST,
      /** Graph calls one request may make, estimated before it executes. */
      maxGraphCalls: e.MAX_GRAPH_CALLS,
      maxListItems: e.MAX_LIST_ITEMS,
      maxMutationFields: e.MAX_MUTATION_FIELDS,
    },
    http: {
      /** Exact origins, origins with any port (`http://localhost:*`), or `*`. */
      corsOrigins: e.CORS_ORIGINS ?? (mode === 'embedded' ? [...EMBEDDED_CORS_ORIGINS] : []),
      graphiql: e.GRAPHIQL,
      /** `authenticated`: only callers with a verified token may introspect. */
      introspection: introspectionMode(e.INTROSPECTION, production),
      maxBodyBytes: e.MAX_BODY_BYTES,
      /** Path of a persisted-documents manifest: when set, only its documents run. */
      trustedDocuments: e.TRUSTED_DOCUMENTS,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      /** How long an idle client connection is kept open for its next request. */
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      /** How long a client may take to send a request's headers, and the whole request. */
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    },
    ledger: {
      /** Unset outside production: the gateway starts an embedded PostgreSQL in `dataDir`. */
      databaseUrl: e.DATABASE_URL,
      dataDir: e.DATA_DIR,
      leaseMs: e.LEDGER_LEASE_MS,
      retryForMs: e.LEDGER_RETRY_FOR_MS,
      retentionDays: e.LEDGER_RETENTION_DAYS,
      idempotencyTtlHours: e.IDEMPOTENCY_TTL_HOURS,
      recording: e.LEDGER_RECORDING,
    },
    logLevel: e.LOG_LEVEL,
    /** PEM of extra trust anchors for upstream TLS, besides Node's own (embedded mode only). */
    upstreamCa: undefined as string | undefined,
  };
}

/** Unset: open outside production (the embedded mode included), for verified callers in production. */
function introspectionMode(
  value: 'true' | 'false' | 'authenticated' | undefined,
  production: boolean,
): boolean | 'authenticated' {
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
