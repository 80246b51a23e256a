import { createRequire } from 'node:module';
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace';
import { useTracing } from '../../server/plugins/use-tracing.js';
import { RedactingSpanProcessor } from './redacting-span-processor.js';
import type { Tracing } from './tracing.js';

/** The service name when `OTEL_SERVICE_NAME` (or `OTEL_RESOURCE_ATTRIBUTES`) names none. */
export const SERVICE_NAME = 'shared-profile-gateway';

/** Probes and scrapes answer every few seconds and say nothing about a request: no traces. */
const UNTRACED_PATHS: ReadonlySet<string> = new Set(['/health', '/readiness', '/metrics']);

/**
 * Modules patched by the instrumentations (prototype patches: `http.Server`, pg's `Client` and
 * `Pool`). The gateway imports them as ES modules, which the SDK's require hook does not see;
 * requiring them once through it after the start applies the patches to the classes that the ES
 * imports share. A module not installed (pg, before the ledger) is skipped.
 */
const PATCHED_MODULES = ['http', 'pg', 'pg-pool'] as const;

export interface TracingOptions {
  /** Where spans go; by default OTLP over HTTP, configured by the `OTEL_EXPORTER_OTLP_*` variables. */
  exporter?: SpanExporter;
  env?: NodeJS.ProcessEnv;
}

/** OTLP over HTTP in the protocol `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL` names (protobuf by default). */
export function otlpExporterFromEnv(env: NodeJS.ProcessEnv): SpanExporter {
  const protocol = (
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ||
    env.OTEL_EXPORTER_OTLP_PROTOCOL ||
    'http/protobuf'
  ).trim();
  if (protocol === 'http/protobuf') return new OtlpProtobufTraceExporter();
  if (protocol === 'http/json') return new OtlpJsonTraceExporter();
  throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported: use http/protobuf or http/json`);
}

/** The batch's `OTEL_BSP_*` settings, as the SDK reads them when it builds the batch itself. */
export function batchSettingsFromEnv(env: NodeJS.ProcessEnv): Record<string, number> {
  const settings: Record<string, number> = {};
  for (const [name, setting] of [
    ['OTEL_BSP_SCHEDULE_DELAY', 'scheduledDelayMillis'],
    ['OTEL_BSP_EXPORT_TIMEOUT', 'exportTimeoutMillis'],
    ['OTEL_BSP_MAX_QUEUE_SIZE', 'maxQueueSize'],
    ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'maxExportBatchSize'],
  ] as const) {
    const value = Number(env[name]?.trim() || Number.NaN);
    if (Number.isFinite(value) && value >= 0) settings[setting] = value;
  }
  return settings;
}

function isUntraced(url: string | undefined): boolean {
  const path = (url ?? '').split('?', 1)[0] ?? '';
  return UNTRACED_PATHS.has(path);
}

/**
 * Starts OpenTelemetry's Node SDK with traces only (the metrics are Prometheus', the logs pino's):
 * an incoming request's span continues its W3C `traceparent`, upstream exchanges (undici's
 * diagnostics channels) and PostgreSQL statements are its descendants, and every span is redacted
 * before it is batched for export. Called by the entry point before the gateway's modules load.
 */
export async function startTracing(options: TracingOptions = {}): Promise<Tracing> {
  const env = options.env ?? process.env;
  const batch = new BatchSpanProcessor({
    exporter: options.exporter ?? otlpExporterFromEnv(env),
    ...batchSettingsFromEnv(env),
  });
  const sdk = new NodeSDK({
    ...(env.OTEL_SERVICE_NAME || env.OTEL_RESOURCE_ATTRIBUTES?.includes('service.name=')
      ? {}
      : { serviceName: SERVICE_NAME }),
    spanProcessors: [new RedactingSpanProcessor(batch)],
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => isUntraced(request.url),
        // Upstream calls go through undici; node:http's client is used by nothing of ours.
        disableOutgoingRequestInstrumentation: true,
      }),
      new UndiciInstrumentation({
        headersToSpanAttributes: { requestHeaders: ['client-request-id'], responseHeaders: ['request-id'] },
      }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
  const require = createRequire(import.meta.url);
  for (const name of PATCHED_MODULES) {
    try {
      require(name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    }
  }

  return {
    plugins: [useTracing()],
    logFields: (): Record<string, string> => {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { traceId, spanId };
    },
    flush: () => batch.forceFlush(),
    shutdown: () => sdk.shutdown(),
  };
}
