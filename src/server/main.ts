// The entry point: reads the environment and starts the gateway. Everything else is built by createGateway.
import { setFlagsFromString } from 'node:v8';
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

/**
 * After each full collection V8 lets the old generation grow to as much as four times what
 * survived it before collecting again. What survives here is small (about 30 MB: modules, schema,
 * caches), so that allowance was RSS spent on garbage: 80 MB of it at the peak under load. Growing
 * by 40 % instead cost no measurable CPU and took the peak RSS from about 200 to 160 MiB in an A/B
 * (BENCHMARKS.md).
 * The flag is read at every collection, so setting it here, before the gateway starts, applies.
 */
setFlagsFromString('--heap-growing-percent=40');
/**
 * undici parses HTTP with llhttp compiled to WebAssembly, which V8 first runs as baseline code and
 * re-compiles with TurboFan once it is hot. Its functions all turn hot together, with the first
 * upstream answers, and that burst of compilations took 35 MB of RSS for about 80 ms: the process's
 * peak (154 MiB; 119 without it). With a tiering budget of 1 they are optimised as soon as they first
 * run, spread over start-up: no burst, the same optimised code (CPU per request unchanged within two
 * 10-round A/Bs; BENCHMARKS.md).
 */
setFlagsFromString('--wasm-tiering-budget=1');
/**
 * V8 allocates straight into the old generation from allocation sites whose objects it saw survive,
 * and it saw that during bursts, when many requests are in flight at once. From then on those
 * per-request objects (field collections, Maps, the caller) went to the old generation at every
 * load and died there: 1.2 KB per request at 1,500 req/s, a mark-compact every 6–10 s and the
 * stalls around it. Without pretenuring: 0.6 KB, no mark-compact in 20 s, half-rate p97.5 15–23 →
 * 6–9 ms and p99 42–47 → 18–26 ms; CPU per request at full load unchanged (BENCHMARKS.md).
 */
setFlagsFromString('--no-allocation-site-pretenuring');

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
