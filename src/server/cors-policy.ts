import type { CORSOptions } from 'graphql-yoga';

/** Tells whether a request's `Origin` is one the configuration allows. */
export type OriginMatcher = (origin: string) => boolean;

/**
 * Compiles `CORS_ORIGINS` entries: an exact origin (`https://app.example.com`), an origin with any
 * port (`http://localhost:*`), or `*` for any origin.
 */
export function originMatcher(entries: readonly string[]): OriginMatcher {
  if (entries.includes('*')) return () => true;
  const exact = new Set(entries.filter((entry) => !entry.endsWith(':*')));
  const anyPort = entries.filter((entry) => entry.endsWith(':*')).map((entry) => entry.slice(0, -2));
  return (origin) => {
    if (exact.has(origin)) return true;
    if (anyPort.length === 0) return false;
    const withoutPort = origin.replace(/:\d{1,5}$/, '');
    return withoutPort !== origin && anyPort.includes(withoutPort);
  };
}

/**
 * The CORS policy from `CORS_ORIGINS`. With no origins, nothing is allowed: a page on another origin
 * then cannot read any answer, nor send the JSON posts and `Authorization` headers that need a
 * preflight. Every preflight is answered here, before the CSRF check: a refused origin gets 204
 * with no `Access-Control-Allow-*` headers, which browsers read as a plain CORS refusal.
 *
 * Allowed origins get their own origin back (never `*`), no credentials (bearer tokens travel in a
 * header, cookies are not used), may send `Idempotency-Key`, and may read `Retry-After` and
 * `WWW-Authenticate`.
 */
export function corsPolicy(entries: readonly string[]): (request: Request) => CORSOptions | false {
  const allowed = originMatcher(entries);
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !allowed(origin)) return false;
    return {
      origin,
      credentials: false,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-graphql-yoga-csrf'],
      exposedHeaders: ['retry-after', 'www-authenticate'],
      maxAge: 600,
    };
  };
}
