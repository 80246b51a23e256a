import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';
import { RequestError } from '../../errors/gateway-errors.js';
import { type TrustedDocuments, bareHash } from '../trusted-documents.js';

const refusal = (message: string) => () => new RequestError(message);

/**
 * Runs only the documents of the trusted manifest (`TRUSTED_DOCUMENTS`), named by their SHA-256 in
 * the persisted-query extension: `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"…"}}}`
 * (bare hex, or `sha256:` and hex), with no `query`. Anything else is refused with `BAD_USER_INPUT` before it is parsed.
 */
export function useTrustedDocuments(documents: TrustedDocuments): Plugin {
  return usePersistedOperations({
    allowArbitraryOperations: false,
    getPersistedOperation: (hash) => documents.get(bareHash(hash)) ?? null,
    customErrors: {
      persistedQueryOnly: refusal(
        'Only trusted documents run here: send the SHA-256 of a document of the manifest in extensions.persistedQuery, without a query.',
      ),
      keyNotFound: refusal(
        'Only trusted documents run here: extensions.persistedQuery needs version 1 and a sha256Hash.',
      ),
      notFound: refusal('No trusted document has this sha256Hash.'),
    },
  });
}
