import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/config.js';

/** The documents a production frontend may send, by the SHA-256 (hex) of each document's text. */
export type TrustedDocuments = ReadonlyMap<string, string>;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The client preset writes `sha256:<hex>` with `hashAlgorithm: 'sha256'`; both spellings name one document. */
export function bareHash(hash: string): string {
  return hash.startsWith('sha256:') ? hash.slice('sha256:'.length) : hash;
}

/**
 * Reads a persisted-documents manifest, `{ "<sha256 hex>": "<document>" }` (keys may also read
 * `sha256:<hex>`), as GraphQL Codegen's client preset writes it (`persistedDocuments`). Every key must be the SHA-256 of its document,
 * so an edited manifest cannot run one document under another's name. Anything wrong stops the
 * start with an error naming `TRUSTED_DOCUMENTS`.
 */
export function loadTrustedDocuments(path: string): TrustedDocuments {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'is not JSON' : 'cannot be read';
    throw new ConfigError([`TRUSTED_DOCUMENTS ${reason}: ${path}`]);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw new ConfigError([`TRUSTED_DOCUMENTS must be a JSON object of hashes to documents: ${path}`]);
  }
  const documents = new Map<string, string>();
  const problems: string[] = [];
  for (const [key, document] of Object.entries(manifest)) {
    const hash = bareHash(key);
    if (!SHA256_HEX.test(hash) || typeof document !== 'string') {
      problems.push(
        `TRUSTED_DOCUMENTS has an entry that is not "<sha256 hex>": "<document>": ${hash.slice(0, 80)}`,
      );
    } else if (createHash('sha256').update(document).digest('hex') !== hash) {
      problems.push(`TRUSTED_DOCUMENTS has a document whose SHA-256 is not its key: ${hash}`);
    } else {
      documents.set(hash, document);
    }
  }
  if (documents.size === 0 && problems.length === 0)
    problems.push(`TRUSTED_DOCUMENTS lists no document: ${path}`);
  if (problems.length > 0) throw new ConfigError(problems.slice(0, 10));
  return documents;
}
