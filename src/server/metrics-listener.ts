import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { GatewayMetrics } from '../observability/metrics.js';
import { answerClientError } from './client-errors.js';
import { listen } from './listen.js';
import { METRICS_PATH } from './plugins/use-metrics.js';
import { SECURITY_HEADERS } from './plugins/use-security-headers.js';

export interface MetricsListener {
  /** Resolves with the listener's base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface MetricsListenerOptions {
  port: number;
  host: string;
  /** The public server's limits on slow clients, which a scraper never comes near. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

/**
 * `GET /metrics` on a listener of its own (METRICS_PORT, loopback by default), for operators who
 * keep the metrics off the public port: they tell anyone who reads them the traffic, the error
 * rates and Graph's health. Nothing else is served here (404), with the same security headers as
 * every answer of the gateway.
 */
export function createMetricsListener(
  metrics: GatewayMetrics,
  options: MetricsListenerOptions,
): MetricsListener {
  const server = createServer(
    { headersTimeout: options.headersTimeoutMs, requestTimeout: options.requestTimeoutMs },
    (request, response) => void answer(metrics, request, response),
  );
  server.on('clientError', answerClientError);
  return {
    listen: () => listen(server, options.port, options.host),
    close: () =>
      new Promise((resolve) => {
        // Scrapes are short: an open connection is an idle keep-alive one, closed at once.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(
  metrics: GatewayMetrics,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
  // Compared as written, not parsed: whatever the target, nothing here may throw.
  const path = request.url?.split('?', 1)[0];
  if (path !== METRICS_PATH || (request.method !== 'GET' && request.method !== 'HEAD')) {
    response.writeHead(404).end();
    return;
  }
  try {
    const text = await metrics.registry.metrics();
    response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
  } catch {
    response.writeHead(500).end();
  }
}
