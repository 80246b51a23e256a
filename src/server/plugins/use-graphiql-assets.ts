import type { Plugin } from 'graphql-yoga';
import {
  GRAPHIQL_ASSETS_PATH,
  GRAPHIQL_CONTENT_SECURITY_POLICY,
  graphiqlAssets,
} from '../graphiql-assets.js';

/** A year: the URL names the files' version, so a new build never reuses a cached file. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves GraphiQL's files from the gateway itself under `/graphiql/{version}/`, so that its page
 * needs nothing from any other origin. Files are cached by browsers for good and sent gzipped to
 * those that accept it; an unknown version or file is 404.
 */
export function useGraphiQLAssets(): Plugin {
  return {
    async onRequest({ url, request, endResponse }) {
      if (!url.pathname.startsWith(GRAPHIQL_ASSETS_PATH)) return;
      const [version, name, ...rest] = url.pathname.slice(GRAPHIQL_ASSETS_PATH.length).split('/');
      const assets = await graphiqlAssets();
      const file = version === assets.version && rest.length === 0 ? assets.files.get(name ?? '') : undefined;
      if (!file || (request.method !== 'GET' && request.method !== 'HEAD')) {
        endResponse(
          new Response(null, { status: file ? 405 : 404, headers: file ? { allow: 'GET, HEAD' } : {} }),
        );
        return;
      }
      const gzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
      const body = gzip ? file.gzipped : file.body;
      endResponse(
        new Response(request.method === 'HEAD' ? null : body, {
          headers: {
            'content-type': file.contentType,
            'content-length': String(body.length),
            'cache-control': IMMUTABLE,
            vary: 'accept-encoding',
            // Monaco's workers run under the policy their own script was served with.
            'content-security-policy': GRAPHIQL_CONTENT_SECURITY_POLICY,
            ...(gzip ? { 'content-encoding': 'gzip' } : {}),
          },
        }),
      );
    },
  };
}
