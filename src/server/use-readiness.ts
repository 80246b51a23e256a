import type { Plugin } from 'graphql-yoga';
import type { Readiness } from './readiness.js';

/** `GET /readiness`: 200 once the JWKS and the token endpoint have answered, 503 before and while stopping. */
export function useReadiness(readiness: Readiness, path = '/readiness'): Plugin {
  return {
    onRequest({ url, endResponse }) {
      if (url.pathname !== path) return;
      const ready = readiness.isReady();
      endResponse(
        Response.json(
          ready ? { status: 'ready' } : { status: 'not ready', waitingFor: readiness.waitingFor() },
          { status: ready ? 200 : 503 },
        ),
      );
    },
  };
}
