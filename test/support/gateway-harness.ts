import { Writable } from 'node:stream';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type ExecutionResult, print } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import {
  embeddedGatewayExtras,
  type EmbeddedServices,
  personaClaims,
  type PersonaName,
  startEmbeddedServices,
} from '@shared-profile-gateway/emulators';
import { type GatewayConfig, loadConfig } from '../../src/config/config.js';
import { type Database, connectDatabase } from '../../src/ledger/database.js';
import { createLogger } from '../../src/observability/logger.js';
import { createTestDatabase } from './test-database.js';
import type { GraphAdapter } from '../../src/graph/adapter/graph-adapter.js';
import { type Gateway, createGateway } from '../../src/server/create-gateway.js';
import type { EmbeddedEmulators } from '../../src/server/run-gateway.js';

// The entry point loads the emulators by a name TypeScript does not follow; this is where the
// compiler checks that the package still gives the embedded mode what it declares it needs.
({ startEmbeddedServices, embeddedGatewayExtras }) satisfies EmbeddedEmulators<EmbeddedServices>;

/** One line the gateway logged (pino's JSON). */
export interface LogEntry {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface HarnessOptions {
  /** Runs once the emulators are up and before the gateway starts, e.g. to script their faults. */
  beforeGateway?: (services: EmbeddedServices) => void;
  /** `skip` returns before the gateway is ready, to test readiness itself. */
  readiness?: 'wait' | 'skip';
  /** Extra environment for the gateway, e.g. `GRAPH_TIMEOUT_MS`; `LOG_LEVEL` is `debug` unless set here. */
  env?: Record<string, string>;
  /** Extra yoga plugins, after the gateway's own, e.g. to observe a request's context. */
  plugins?: Plugin[];
  /** `embedded` applies the embedded mode's defaults and adds its GraphiQL and `/dev/personas`. */
  mode?: GatewayConfig['mode'];
  /** A test double for the upstream instead of the HTTPS adapter, e.g. one that throws. */
  graph?: GraphAdapter;
  /** The ledger's database (`createTestDatabase()`), e.g. shared by two gateways; a fresh one by default. */
  databaseUrl?: string;
  /**
   * How often the ledger's worker looks for work. Hourly by default, so that no retry or poll of
   * one test lands among another's recorded Graph calls: tests that need it call
   * `gateway.ledgerWorker.runOnce()` or set this.
   */
  ledgerWorkerIntervalMs?: number;
  /** Fields for every log line, e.g. the trace's ids (`Tracing.logFields`). */
  logFields?: () => Record<string, string>;
}

export interface GraphQLHttpResponse<TData> {
  status: number;
  headers: Headers;
  body: ExecutionResult<TData> & {
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
}

/**
 * A gateway wired to emulated Entra ID and Graph over loopback HTTPS, exactly as in production,
 * driven through `yoga.fetch` with real `Request` objects.
 */
export class GatewayHarness {
  private constructor(
    readonly services: EmbeddedServices,
    readonly gateway: Gateway,
    readonly config: GatewayConfig,
    private readonly logLines: string[],
    /** The ledger's database: tests read what it recorded. */
    readonly database: Database,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<GatewayHarness> {
    const services = await startEmbeddedServices();
    options.beforeGateway?.(services);
    const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
    const config: GatewayConfig = {
      ...loadConfig(
        { ...services.env, LOG_LEVEL: 'debug', DATABASE_URL: databaseUrl, ...options.env },
        options.mode,
      ),
      upstreamCa: services.tls.ca,
    };
    const logLines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    const extras = options.mode === 'embedded' ? embeddedGatewayExtras(services) : undefined;
    const logger = createLogger(config.logLevel, sink, options.logFields);
    const database = connectDatabase(databaseUrl, logger);
    const gateway = createGateway({
      config,
      logger,
      database,
      ledgerWorkerIntervalMs: options.ledgerWorkerIntervalMs ?? 3_600_000,
      ...(extras ? { graphiql: extras.graphiql } : {}),
      plugins: [...(extras?.plugins ?? []), ...(options.plugins ?? [])],
      ...(options.graph ? { graph: options.graph } : {}),
    });
    const harness = new GatewayHarness(services, gateway, config, logLines, database);
    if (options.readiness !== 'skip') await harness.untilReady();
    return harness;
  }

  get graph() {
    return this.services.graph;
  }

  get identityProvider() {
    return this.services.identityProvider;
  }

  /** Everything the gateway logged so far. */
  logs(): string {
    return this.logLines.join('');
  }

  /** The lines logged since `since` (a `logs().length` read earlier; all of them by default), parsed. */
  logEntries(since = 0): LogEntry[] {
    return this.logs()
      .slice(since)
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogEntry);
  }

  token(persona: PersonaName, overrides: Record<string, unknown> = {}): Promise<string> {
    return this.identityProvider.issueToken({ ...personaClaims(persona), ...overrides });
  }

  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return Promise.resolve(this.gateway.yoga.fetch(new Request(`http://gateway.test${path}`, init)));
  }

  /** POSTs a typed operation as JSON; `token` is sent as a bearer token when given. */
  async execute<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    token?: string,
  ): Promise<GraphQLHttpResponse<TData>> {
    return this.post({ query: print(document), variables }, token);
  }

  async post<TData = unknown>(
    body: unknown,
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<GraphQLHttpResponse<TData>> {
    const response = await this.fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as never };
  }

  async untilReady(timeoutMs = 10_000): Promise<void> {
    await this.until(() => this.gateway.readiness.isReady(), timeoutMs);
  }

  /** Until every dependency, informational ones included, has answered. */
  async untilSettled(timeoutMs = 10_000): Promise<void> {
    await this.until(() => this.gateway.readiness.waitingFor().length === 0, timeoutMs);
  }

  /** Polls `condition` until it holds; throws, naming what readiness still waits for, after `timeoutMs`. */
  async until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`gateway not ready: ${this.gateway.readiness.waitingFor()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    await this.gateway.close();
    await this.database.end();
    await this.services.close();
  }
}

/** The `extensions.code` of each error, in order. */
export function errorCodes(response: GraphQLHttpResponse<unknown>): unknown[] {
  return (response.body.errors ?? []).map((error) => error.extensions?.code);
}

/**
 * One harness for a `describe` block, with a token of `persona`: started before its tests, closed
 * after them, its Graph recording cleared before each one. Read `suite.harness` inside tests only.
 */
export function suiteHarness(persona: PersonaName, options: HarnessOptions = {}) {
  const suite = {} as { harness: GatewayHarness; token: string };
  beforeAll(async () => {
    suite.harness = await GatewayHarness.start(options);
    suite.token = await suite.harness.token(persona);
  });
  afterAll(() => suite.harness?.close());
  beforeEach(() => suite.harness.graph.resetRecording());
  return suite;
}
