import type { Plugin } from 'graphql-yoga';

/**
 * What the entry point hands the gateway when tracing is on. This module imports nothing from
 * OpenTelemetry: with tracing off, only it is loaded, and no OpenTelemetry module is.
 */
export interface Tracing {
  /** The yoga plugins that make the GraphQL operation's and its resolvers' spans. */
  plugins: Plugin[];
  /** The active span's ids, for every log line (pino's `mixin`). */
  logFields: () => Record<string, string>;
  /** Sends the spans ended so far. */
  flush(): Promise<void>;
  /** Sends what is left and stops the instrumentations. */
  shutdown(): Promise<void>;
}

/**
 * Tracing is on when an OTLP endpoint is configured (for all signals or for traces), unless the
 * SDK is disabled outright. Read by the entry point before any OpenTelemetry module loads.
 */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return Boolean(endpoint?.trim()) && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true';
}
