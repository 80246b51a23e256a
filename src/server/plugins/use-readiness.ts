import type { Plugin } from 'graphql-yoga';
import type { Readiness } from '../readiness.js';

/**
 * `GET /readiness`: 200 once the JWKS and the token endpoint have answered, 503 before and while
 * stopping. `details` adds facts that inform without deciding, e.g. the upstream circuit's state.
 */
export function useReadiness(
  readiness: Readiness,
  path = '/readiness',
  details: () => Record<string, unknown> = () => ({}),
): Plugin {
  return {
    onRequest({ url, endResponse }) {
      if (url.pathname !== path) return;
      const ready = readiness.isReady();
      endResponse(
        Response.json(
          { status: ready ? 'ready' : 'not ready', waitingFor: readiness.waitingFor(), ...details() },
          { status: ready ? 200 : 503 },
        ),
      );
    },
  };
}
