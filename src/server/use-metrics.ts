import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../observability/metrics.js';

/** Serves `GET /metrics` in Prometheus text format and counts and times every request. */
export function useMetrics(metrics: GatewayMetrics, path = '/metrics'): Plugin {
  const started = new WeakMap<Request, () => number>();
  return {
    // Not `async`: a hook that returns a promise puts every request through one more await.
    onRequest({ request, url, endResponse }) {
      if (url.pathname === path && request.method === 'GET') {
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
