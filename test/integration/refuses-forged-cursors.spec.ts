import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { print } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { createLogger } from '../../src/observability/logger.js';
import { CursorCodec, type CursorPosition, deriveCursorKey } from '../../src/schema/connection-cursors.js';
import { createGateway } from '../../src/server/create-gateway.js';
import {
  InboundSharedUserProfilesDocument as InboundPage,
  OutboundSharedUserProfilesDocument as OutboundPage,
} from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';

const CONNECTION = 'outboundSharedUserProfiles';
const COLLECTION = '/directory/outboundSharedUserProfiles';
const decoded = (base64url: string) => Buffer.from(base64url, 'base64url').toString('latin1');

describe('connection cursors are opaque and cannot be forged', () => {
  let harness: GatewayHarness;
  let reader: string;
  let trap: Server;
  let trapHits = 0;
  let trapOrigin: string;
  beforeAll(async () => {
    // Every byte of a cursor is tampered with, one request each.
    harness = await GatewayHarness.start({ env: { RATE_LIMIT_OPERATIONS_PER_MINUTE: '10000' } });
    reader = await harness.token('reader');
    trap = createServer((_request, response) => {
      trapHits += 1;
      response.end('{"value":[]}');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapOrigin = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await harness.close();
    await new Promise((resolve) => trap.close(resolve));
  });
  beforeEach(() => harness.graph.resetRecording());

  async function expectRefused(after: string) {
    const response = await harness.execute(OutboundPage, { after }, reader);
    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0]!.extensions!.argumentName).toBe('after');
    expect(response.body.data).toEqual({ outboundSharedUserProfiles: null });
    expect(harness.graph.requests).toHaveLength(0);
    expect(trapHits).toBe(0);
  }

  async function realCursor(): Promise<string> {
    const response = await harness.execute(OutboundPage, { first: 3 }, reader);
    harness.graph.resetRecording();
    return response.body.data!.outboundSharedUserProfiles!.pageInfo.endCursor!;
  }

  it('reveals nothing of Graph in its cursors', async () => {
    const response = await harness.execute(OutboundPage, { first: 3 }, reader);
    const page = response.body.data!.outboundSharedUserProfiles!;
    const cursors = [...page.edges.map((edge) => edge.cursor), page.pageInfo.endCursor!];
    // The end cursor resumes at Graph's next link: the one that carries Graph's address.
    expect(harness.graph.requests.map((call) => call.path)).toEqual([`${COLLECTION}?$top=3`]);
    const { host } = new URL(harness.graph.baseUrl);
    for (const cursor of cursors) {
      for (const text of [cursor, ...cursor.split('.').map((part) => decoded(part))]) {
        for (const revealing of [host, 'https', '/beta', 'directory', 'skiptoken', '"l"']) {
          expect(text).not.toContain(revealing);
        }
      }
    }
    // Sealed with a random nonce: the same position never reads the same twice.
    const again = await harness.execute(OutboundPage, { first: 3 }, reader);
    expect(again.body.data!.outboundSharedUserProfiles!.pageInfo.endCursor).not.toBe(page.pageInfo.endCursor);
  });

  it('refuses a cursor with any one of its bytes changed', async () => {
    const bytes = Buffer.from(await realCursor(), 'base64url');
    for (let index = 0; index < bytes.length; index += 1) {
      const edited = Buffer.from(bytes);
      edited[index]! ^= 0x01;
      await expectRefused(edited.toString('base64url'));
    }
  });

  it('refuses a cursor cut short, extended or spliced', async () => {
    const cursor = await realCursor();
    const bytes = Buffer.from(cursor, 'base64url');
    const other = Buffer.from(await realCursor(), 'base64url');
    for (const edited of [
      bytes.subarray(0, bytes.length - 1),
      bytes.subarray(1),
      bytes.subarray(0, 28),
      Buffer.concat([bytes, Buffer.from([0])]),
      Buffer.concat([bytes.subarray(0, 12), other.subarray(12)]),
    ]) {
      await expectRefused(edited.toString('base64url'));
    }
    await expectRefused(`${cursor}.${cursor}`);
  });

  it('refuses another spelling of its own bytes (the unused bits of the last character)', async () => {
    const page = await harness.execute(OutboundPage, { first: 3 }, reader);
    harness.graph.resetRecording();
    // The first edge's position, `{"t":3,"s":1}` sealed, is 41 bytes: 55 characters, the last of
    // which carries two unused bits.
    const cursor = page.body.data!.outboundSharedUserProfiles!.edges[0]!.cursor;
    expect(Buffer.from(cursor, 'base64url').length % 3).not.toBe(0);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelt = alphabet[alphabet.indexOf(cursor.at(-1)!) ^ 1]!;
    const variant = `${cursor.slice(0, -1)}${respelt}`;
    expect(Buffer.from(variant, 'base64url')).toEqual(Buffer.from(cursor, 'base64url'));
    await expectRefused(variant);
  });

  it('refuses a cursor of the outbound collection in the inbound one, and the other way round', async () => {
    const outbound = await realCursor();
    const inbound = (await harness.execute(InboundPage, { first: 1 }, reader)).body.data!
      .inboundSharedUserProfiles!.pageInfo.endCursor!;
    harness.graph.resetRecording();
    const refusedInbound = await harness.execute(InboundPage, { after: outbound }, reader);
    expect(errorCodes(refusedInbound)).toEqual(['BAD_USER_INPUT']);
    expect(refusedInbound.body.data).toEqual({ inboundSharedUserProfiles: null });
    await expectRefused(inbound);
    expect(harness.graph.requests).toHaveLength(0);
  });

  it.each([
    ['empty', ''],
    ['a word', 'next'],
    ['dots only', '..'],
    ['a Graph next link itself', `https://graph.microsoft.com/beta${COLLECTION}?$skiptoken=x`],
    ['a relative path', `${COLLECTION}?$top=5`],
    ['oversized', 'a'.repeat(10_000)],
    [
      'base64 of a Graph link',
      Buffer.from(`https://graph.microsoft.com/beta${COLLECTION}`).toString('base64url'),
    ],
  ])('refuses %s', async (_name, after) => {
    await expectRefused(after);
  });

  it('refuses a cursor sealed by another gateway (another key)', async () => {
    const foreign = new CursorCodec(randomBytes(32));
    await expectRefused(foreign.encode(CONNECTION, { page: { top: 5 }, skip: 1 }));
  });

  describe('even when sealed with the gateway’s own key (a leaked key)', () => {
    let sealed: (position: CursorPosition) => string;
    beforeAll(() => {
      const codec = new CursorCodec(deriveCursorKey(harness.config.azure.clientSecret));
      sealed = (position) => codec.encode(CONNECTION, position);
    });
    const at = (link: string) => ({ page: { link }, skip: 0 });

    it('follows a genuine link of this collection, exactly as given', async () => {
      const link = `${harness.graph.baseUrl}${COLLECTION}?$top=3`;
      const response = await harness.execute(OutboundPage, { first: 2, after: sealed(at(link)) }, reader);
      expect(response.body.errors).toBeUndefined();
      expect(harness.graph.requests.map((call) => call.path)).toEqual([`${COLLECTION}?$top=3`]);
    });

    it.each<[string, (base: string, origin: string) => string]>([
      ['another host', () => `https://evil.example/beta${COLLECTION}?$top=1`],
      ['a plain-HTTP listener on loopback', () => `${trapOrigin}/beta${COLLECTION}`],
      [
        'another port of the Graph host',
        (_base, origin) =>
          `${origin.replace(/:(\d+)$/, (_m, port: string) => `:${Number(port) + 1}`)}/beta${COLLECTION}`,
      ],
      ['another resource on Graph', (base) => `${base}/users`],
      ['another connection’s collection', (base) => `${base}/directory/inboundSharedUserProfiles?$top=5`],
      ['a sub-resource', (base) => `${base}${COLLECTION}/${PERSONAS.user.objectId}/tenants`],
      ['a traversal out of the collection', (base) => `${base}${COLLECTION}/../../users`],
      ['encoded slashes', (base) => `${base}${COLLECTION}%2F..%2F..%2Fusers`],
      ['another API version', (_base, origin) => `${origin}/v1.0${COLLECTION}`],
      ['credentials in the URL', (base) => base.replace('https://', 'https://admin:secret@') + COLLECTION],
      ['a user-info trick', (base) => `${base}@evil.example${COLLECTION}`],
      ['a fragment', (base) => `${base}${COLLECTION}#x`],
      ['a file URL', () => 'file:///etc/passwd'],
      ['not a URL', () => 'not a url'],
    ])('refuses a link to %s before any call', async (_name, link) => {
      await expectRefused(sealed(at(link(harness.graph.baseUrl, harness.graph.origin))));
    });
  });

  it('does not follow a next link that Graph gives for another origin', async () => {
    // The same emulator, named `localhost` in GRAPH_BASE_URL: its links (127.0.0.1) are foreign.
    const config = {
      ...harness.config,
      graph: { ...harness.config.graph, baseUrl: harness.graph.baseUrl.replace('127.0.0.1', 'localhost') },
    };
    const gateway = createGateway({ config, logger: createLogger('error'), database: harness.database });
    try {
      const response = await gateway.yoga.fetch(
        new Request('http://gateway.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${reader}` },
          body: JSON.stringify({ query: print(OutboundPage), variables: { first: 15 } }),
        }),
      );
      const body = (await response.json()) as { errors?: Array<{ extensions: { code: string } }> };
      expect(body.errors?.map((error) => error.extensions.code)).toEqual(['UPSTREAM_ERROR']);
      expect(harness.graph.requests.map((call) => call.path)).toEqual([`${COLLECTION}?$top=15`]);
    } finally {
      await gateway.close();
    }
  });
});
