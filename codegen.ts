import { createHash } from 'node:crypto';
import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * A document's SHA-256 as bare hex. The preset's own `'sha256'` prefixes it (`sha256:<hex>`, the
 * GraphQL-over-HTTP persisted-documents draft); the gateway's manifest keys and the persisted-query
 * extension's `sha256Hash` (the APQ wire format) are the bare hex.
 */
const sha256Hex = (document: string): string => createHash('sha256').update(document).digest('hex');

// Typed documents for the operations that tests and examples send, generated from the committed schema.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    'test/generated/graphql.ts': {
      documents: ['test/operations/*.graphql'],
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', ID: 'string' },
      },
    },
    // The example app's `graphql()` calls, typed by the client preset. `persistedDocuments` also
    // writes `persisted-documents.json`, the manifest that `TRUSTED_DOCUMENTS` points the gateway
    // at, and gives every document its SHA-256 (`__meta__.hash`) for the trusted mode.
    'examples/web/src/gql/': {
      documents: ['examples/web/src/**/*.ts', '!examples/web/src/gql/**'],
      preset: 'client',
      presetConfig: {
        persistedDocuments: { hashAlgorithm: sha256Hex },
        fragmentMasking: false,
      },
      config: {
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', ID: 'string' },
      },
    },
  },
};

export default config;
