import type { CORSOptions } from 'graphql-yoga';

/**
 * The CORS policy from `CORS_ORIGINS`. Nothing is allowed by default: a page on another origin
 * then cannot read any answer, nor send the JSON posts and `Authorization` headers that need a
 * preflight. Allowed origins get their own origin back (never `*` with other origins' requests),
 * no credentials (bearer tokens travel in a header, cookies are not used), and may read
 * `Retry-After` and `WWW-Authenticate`. `*` in the list allows any origin.
 */
export function corsPolicy(origins: readonly string[]): false | ((request: Request) => CORSOptions) {
  if (origins.length === 0) return false;
  const anyOrigin = origins.includes('*');
  const allowed = new Set(origins);
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !(anyOrigin || allowed.has(origin))) return false;
    return {
      origin,
      credentials: false,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'x-graphql-yoga-csrf'],
      exposedHeaders: ['retry-after', 'www-authenticate'],
      maxAge: 600,
    };
  };
}
