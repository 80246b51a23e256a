import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.js';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { loadTrustedDocuments } from '../../src/server/trusted-documents.js';
import { suiteHarness } from '../support/gateway-harness.js';

const WHO_AM_I = 'query WhoAmI { viewer { kind userId } }';
const REMOVE = `mutation Remove($userId: ID!) {
  removeOutboundSharedUserProfilePersonalData(userId: $userId) { userId upstreamRequestId }
}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const directory = mkdtempSync(join(tmpdir(), 'trusted-documents-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
function manifestFile(name: string, content: string): string {
  const file = join(directory, name);
  writeFileSync(file, content);
  return file;
}
const manifest = manifestFile(
  'persisted-documents.json',
  JSON.stringify({ [sha256(WHO_AM_I)]: WHO_AM_I, [sha256(REMOVE)]: REMOVE }),
);
const byHash = (document: string, variables?: Record<string, unknown>) => ({
  extensions: { persistedQuery: { version: 1, sha256Hash: sha256(document) } },
  ...(variables ? { variables } : {}),
});
const codes = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
  body.errors?.map((error) => error.extensions?.code);

describe('with TRUSTED_DOCUMENTS', () => {
  const suite = suiteHarness('user', { env: { TRUSTED_DOCUMENTS: manifest } });

  it('runs a document of the manifest named by its hash', async () => {
    const { status, body } = await suite.harness.post(byHash(WHO_AM_I), suite.token);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { viewer: { kind: 'USER', userId: PERSONAS.user.objectId } } });
  });

  it('reads a hash written as the client preset writes it, sha256:<hex>', async () => {
    const request = {
      extensions: { persistedQuery: { version: 1, sha256Hash: `sha256:${sha256(WHO_AM_I)}` } },
    };
    const { body } = await suite.harness.post(request, suite.token);
    expect(body.data).toEqual({ viewer: { kind: 'USER', userId: PERSONAS.user.objectId } });
  });

  it('reads a manifest whose keys carry the sha256: prefix', () => {
    const file = manifestFile('prefixed.json', JSON.stringify({ [`sha256:${sha256(WHO_AM_I)}`]: WHO_AM_I }));
    expect([...loadTrustedDocuments(file).keys()]).toEqual([sha256(WHO_AM_I)]);
  });

  it('runs a trusted mutation with its variables, and it reaches Graph', async () => {
    const { body } = await suite.harness.post(
      byHash(REMOVE, { userId: PERSONAS.user.objectId }),
      suite.token,
    );
    expect(body.errors).toBeUndefined();
    expect(suite.harness.graph.requests).toHaveLength(1);
  });

  it.each([
    ['a hand-written document', { query: WHO_AM_I }],
    [
      'a trusted hash sent with another document',
      { query: '{ __schema { types { name } } }', ...byHash(WHO_AM_I) },
    ],
    ['a hash the manifest does not have', byHash('query Other { viewer { kind } }')],
    ['neither a document nor a hash', { variables: {} }],
    [
      'a persisted query of another version',
      { extensions: { persistedQuery: { version: 2, sha256Hash: sha256(WHO_AM_I) } } },
    ],
  ])('refuses %s with BAD_USER_INPUT, before any upstream call', async (_, request) => {
    const { status, body } = await suite.harness.post(request, suite.token);
    expect(status).toBe(400);
    expect(codes(body)).toEqual(['BAD_USER_INPUT']);
    expect(body.data).toBeUndefined();
    expect(suite.harness.graph.requests).toHaveLength(0);
  });
});

describe('without TRUSTED_DOCUMENTS', () => {
  const suite = suiteHarness('user');

  it('runs any document, as before', async () => {
    const { body } = await suite.harness.post({ query: WHO_AM_I }, suite.token);
    expect(body.data).toEqual({ viewer: { kind: 'USER', userId: PERSONAS.user.objectId } });
  });
});

describe('a manifest the gateway refuses to start with', () => {
  it.each([
    ['a missing file', join(directory, 'missing.json'), /TRUSTED_DOCUMENTS cannot be read/],
    ['a file that is not JSON', manifestFile('broken.json', '{'), /TRUSTED_DOCUMENTS is not JSON/],
    ['a list', manifestFile('list.json', '[]'), /must be a JSON object/],
    ['an empty manifest', manifestFile('empty.json', '{}'), /lists no document/],
    [
      'a key that is not a SHA-256',
      manifestFile('sha1.json', JSON.stringify({ abc: WHO_AM_I })),
      /not "<sha256 hex>": "<document>": abc/,
    ],
    [
      'a document under another document’s hash',
      manifestFile('swapped.json', JSON.stringify({ [sha256(WHO_AM_I)]: REMOVE })),
      /whose SHA-256 is not its key/,
    ],
  ])('%s', (_, path, message) => {
    expect(() => loadTrustedDocuments(path)).toThrow(ConfigError);
    expect(() => loadTrustedDocuments(path)).toThrow(message);
  });
});
