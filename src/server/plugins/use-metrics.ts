import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../../observability/metrics.js';

export const METRICS_PATH = '/metrics';

/**
 * Counts and times every request, and serves `GET /metrics` in Prometheus text format unless
 * `serve` is false: then the metrics have a listener of their own (metrics-listener.ts) and this
 * port answers the path as any unknown one (404).
 */
export function useMetrics(metrics: GatewayMetrics, serve = true): Plugin {
  const started = new WeakMap<Request, () => number>();
  return {
    // Not `async`: a hook that returns a promise puts every request through one more await.
    onRequest({ request, url, endResponse }) {
      if (serve && url.pathname === METRICS_PATH && request.method === 'GET') {
        return metrics.registry
          .metrics()
          .then((text) =>
            endResponse(new Response(text, { headers: { 'content-type': metrics.registry.contentType } })),
          );
      }
      started.set(request, metrics.httpDuration.startTimer({ method: request.method }));
      return undefined;
    },
    onResponse({ request, response }) {
      // Deleted, not left to the WeakMap: see useScopeCacheRelease for what a live entry costs.
      started.get(request)?.();
      started.delete(request);
      metrics.httpRequests.inc({ method: request.method, status: String(response.status) });
    },
  };
}
