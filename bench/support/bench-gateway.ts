import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/config.js';
import {
  createDemoData,
  type EmbeddedServices,
  nameBasedGuid,
  startEmbeddedServices,
} from '@shared-profile-gateway/emulators';
import { connectDatabase } from '../../src/ledger/database.js';
import { createLogger } from '../../src/observability/logger.js';
import { benchDatabaseUrl, stopBenchDatabase } from './bench-database.js';
import { type Gateway, createGateway } from '../../src/server/create-gateway.js';

/** A GraphQL answer, as far as the benchmarks read it. */
export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export interface BenchGateway {
  services: EmbeddedServices;
  gateway: Gateway;
  /** Ids of the generated outbound profiles, all known to the emulated Graph. */
  profileIds: string[];
  /** POSTs one operation through `yoga.fetch`: the whole gateway, without a client socket. */
  execute(query: string, variables: Record<string, unknown>, token: string): Promise<GraphQLBody>;
  /** HTTP exchanges Graph answered since the last reset: a `$batch` counts once. */
  upstreamCalls(): number;
  close(): Promise<void>;
}

export interface BenchGatewayOptions {
  /** Outbound profiles to add to the demo directory. */
  profiles: number;
  env?: Record<string, string>;
}

/**
 * The gateway as production builds it, against the embedded Entra ID and Graph emulators over
 * loopback HTTPS, with every configuration default except the per-caller limits (a benchmark is
 * one caller sending far more than a person would), a list limit that admits the bulk mutation's
 * 1,000 ids, and quiet logs.
 */
export async function startBenchGateway(options: BenchGatewayOptions): Promise<BenchGateway> {
  const data = createDemoData();
  const tenantIds = data.outbound[0]?.tenantIds.slice(0, 1) ?? [];
  const profileIds = Array.from({ length: options.profiles }, (_, n) => nameBasedGuid(`bench-user:${n}`));
  data.outbound.push(...profileIds.map((userId) => ({ userId, tenantIds })));
  const services = await startEmbeddedServices({ graphData: data });
  const config = {
    ...loadConfig({
      ...services.env,
      RATE_LIMIT_OPERATIONS_PER_MINUTE: '1000000',
      RATE_LIMIT_REMOVALS_PER_MINUTE: '1000000',
      MAX_LIST_ITEMS: '1000',
      ...options.env,
    }),
    upstreamCa: services.tls.ca,
  };
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  const logger = createLogger('error', discard);
  const database = connectDatabase(await benchDatabaseUrl(), logger);
  const gateway = createGateway({ config, logger, database });
  while (!gateway.readiness.isReady()) await new Promise((resolve) => setTimeout(resolve, 20));

  return {
    services,
    gateway,
    profileIds,
    async execute(query, variables, token) {
      const response = await gateway.yoga.fetch(
        new Request('http://gateway.bench/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        }),
      );
      return (await response.json()) as GraphQLBody;
    },
    upstreamCalls: () => services.graph.requests.filter((call) => !call.viaBatch).length,
    async close() {
      await gateway.close();
      await database.end();
      await services.close();
      await stopBenchDatabase();
    },
  };
}

/** Milliseconds `task` took, and its result. */
export async function timed<T>(task: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await task();
  return { ms: Math.round(performance.now() - started), result };
}
