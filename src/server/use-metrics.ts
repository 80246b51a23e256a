import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../observability/metrics.js';

/** Serves `GET /metrics` in Prometheus text format and counts and times every request. */
export function useMetrics(metrics: GatewayMetrics, path = '/metrics'): Plugin {
  const started = new WeakMap<Request, () => number>();
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname === path && request.method === 'GET') {
        endResponse(
          new Response(await metrics.registry.metrics(), {
            headers: { 'content-type': metrics.registry.contentType },
          }),
        );
        return;
      }
      started.set(request, metrics.httpDuration.startTimer({ method: request.method }));
    },
    onResponse({ request, response }) {
      started.get(request)?.();
      metrics.httpRequests.inc({ method: request.method, status: String(response.status) });
    },
  };
}
