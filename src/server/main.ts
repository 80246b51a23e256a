// The entry point: reads the environment and starts the gateway. Everything else is built by createGateway.
import { ConfigError, type GatewayConfig, loadConfig, wantsEmbeddedMode } from '../config/config.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { type GatewayOptions, createGateway } from './create-gateway.js';

interface StartedEmbedded {
  config: GatewayConfig;
  extras: Pick<GatewayOptions, 'graphiql' | 'plugins'>;
  close(): Promise<void>;
}

/** Zero-configuration start: emulated Entra ID and Graph in this process, over real loopback HTTPS. */
async function startEmbedded(env: NodeJS.ProcessEnv): Promise<StartedEmbedded> {
  const { startEmbeddedServices } = await import('../emulator/embedded-services.js');
  const { embeddedGatewayExtras } = await import('../emulator/embedded-graphiql.js');
  const services = await startEmbeddedServices();
  const config: GatewayConfig = {
    ...loadConfig({ ...env, ...services.env }, 'embedded'),
    upstreamCa: services.tls.ca,
  };
  return { config, extras: embeddedGatewayExtras(services), close: () => services.close() };
}

async function main(): Promise<void> {
  const embedded = wantsEmbeddedMode(process.env) ? await startEmbedded(process.env) : undefined;
  const config = embedded?.config ?? loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const gateway = createGateway({
    config,
    logger,
    metrics: createMetrics({ processMetrics: true }),
    ...embedded?.extras,
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
      await embedded?.close();
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

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `The gateway could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
