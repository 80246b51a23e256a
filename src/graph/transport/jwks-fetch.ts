import type { Dispatcher } from 'undici';
import type { JwksFetch } from '../../auth/jwks-key-set.js';
import { flatHeaders, requestBuffered } from './buffered-exchange.js';

/**
 * jose's fetch of the signing keys, through our keep-alive pool and the handler of Graph's calls:
 * the same TLS trust settings and answer cap. Redirects are not followed, as jose asks
 * (`redirect: 'manual'`). A key set past the cap rejects, and the key set keeps its last good keys.
 */
export function createJwksFetch(dispatcher: Dispatcher): JwksFetch {
  return async (url, { headers, method, signal }) => {
    const response = await requestBuffered(
      dispatcher,
      url,
      { method, headers: Object.fromEntries(headers) },
      signal,
    );
    return new Response(response.text === '' ? null : response.text, {
      status: response.statusCode,
      headers: flatHeaders(response.headers),
    });
  };
}
