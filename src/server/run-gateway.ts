// Reads the environment and starts the gateway (the entry point, main.ts, loads this once tracing is
// set up). Everything else is built by createGateway.
import { ConfigError, type GatewayConfig, loadConfig, wantsEmbeddedMode } from '../config/config.js';
import { importDevelopmentPackage } from '../config/development-package.js';
import { openLedgerDatabase } from '../ledger/open-database.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import type { Tracing } from '../observability/tracing/tracing.js';
import { type GatewayOptions, createGateway } from './create-gateway.js';

/** What the emulators' embedded services hand the gateway: where they are, and how to stop them. */
export interface EmbeddedServicesHandle {
  /** The environment that points the gateway at them. */
  env: Record<string, string>;
  /** The private CA of their loopback HTTPS listeners. */
  tls: { ca: string };
  close(): Promise<void>;
}

/**
 * What the embedded mode loads from the emulators package (`emulators/`, a development-only
 * workspace), declared here so that the gateway compiles, and runs configured, without it; the
 * integration tests check that the package satisfies it (`test/support/gateway-harness.ts`).
 */
export interface EmbeddedEmulators<Services extends EmbeddedServicesHandle = EmbeddedServicesHandle> {
  startEmbeddedServices(): Promise<Services>;
  embeddedGatewayExtras(services: Services): Pick<GatewayOptions, 'graphiql' | 'plugins'>;
}

/**
 * The emulators' compiled entry point. A variable, so that TypeScript does not follow it: the
 * gateway's build holds the gateway only (the emulators compile to `emulators/dist/`).
 */
const EMULATORS_ENTRY: string = '@shared-profile-gateway/emulators/embedded';

/** Loads the emulators, or says why this install cannot run the embedded mode. */
function loadEmulators(): Promise<EmbeddedEmulators> {
  return importDevelopmentPackage<EmbeddedEmulators>(EMULATORS_ENTRY, {
    neededFor:
      'with no configuration the gateway starts its embedded demo, which needs the emulators ' +
      '(emulators/, compiled by `npm run build`)',
    instead: 'Configure the gateway for a tenant instead (docs/configuration.md).',
  });
}

interface StartedEmbedded {
  config: GatewayConfig;
  extras: Pick<GatewayOptions, 'graphiql' | 'plugins'>;
  close(): Promise<void>;
}

/** Zero-configuration start: emulated Entra ID and Graph in this process, over real loopback HTTPS. */
async function startEmbedded(env: NodeJS.ProcessEnv): Promise<StartedEmbedded> {
  const { startEmbeddedServices, embeddedGatewayExtras } = await loadEmulators();
  const services = await startEmbeddedServices();
  const config: GatewayConfig = {
    ...loadConfig({ ...env, ...services.env }, 'embedded'),
    upstreamCa: services.tls.ca,
  };
  return { config, extras: embeddedGatewayExtras(services), close: () => services.close() };
}

async function main(tracing: Tracing | undefined): Promise<void> {
  const embedded = wantsEmbeddedMode(process.env) ? await startEmbedded(process.env) : undefined;
  const config = embedded?.config ?? loadConfig(process.env);
  const logger = createLogger(config.logLevel, undefined, tracing?.logFields);
  const database = await openLedgerDatabase(config.ledger, logger).catch(async (error: unknown) => {
    await embedded?.close();
    throw error;
  });
  const gateway = createGateway({
    config,
    logger,
    metrics: createMetrics({ processMetrics: true }),
    database: database.db,
    ...embedded?.extras,
    plugins: [...(tracing?.plugins ?? []), ...(embedded?.extras.plugins ?? [])],
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing in-flight requests');
    // A stuck dependency must not keep a stopping process alive past the grace period.
    setTimeout(() => process.exit(0), config.http.shutdownGraceMs + 2_000).unref();
    try {
      await gateway.close();
      await database.close();
      await embedded?.close();
      // Spans still in the batch are sent before the process exits.
      await tracing?.shutdown();
    } catch (error) {
      logger.error({ err: error instanceof Error ? error.name : 'unknown' }, 'error while stopping');
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  const url = await gateway.listen();
  const metricsUrl = gateway.metricsUrl();
  logger.info(
    { url: `${url}/graphql`, mode: config.mode, ...(metricsUrl ? { metrics: `${metricsUrl}/metrics` } : {}) },
    'gateway listening',
  );
  if (embedded) {
    logger.info(`GraphiQL: ${url}/graphql (demo persona tokens: ${url}/dev/personas)`);
  }
}

/** Starts the gateway, or writes why it cannot and exits 1. */
export function runGateway(tracing?: Tracing): Promise<void> {
  return main(tracing).catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(
        `The gateway could not start: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
    process.exit(1);
  });
}
