import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { print } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '../../src/emulator/personas.js';
import { createLogger } from '../../src/observability/logger.js';
import { CursorCodec, type CursorPosition, deriveCursorKey } from '../../src/schema/connection-cursors.js';
import { createGateway } from '../../src/server/create-gateway.js';
import { OutboundSharedUserProfilesDocument as OutboundPage } from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';

const CONNECTION = 'outboundSharedUserProfiles';
const COLLECTION = '/directory/outboundSharedUserProfiles';

describe('connection cursors cannot be forged', () => {
  let harness: GatewayHarness;
  let reader: string;
  let trap: Server;
  let trapHits = 0;
  let trapOrigin: string;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
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

  it('refuses a cursor whose content was edited', async () => {
    const [payload, mac] = (await realCursor()).split('.') as [string, string];
    const content = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    for (const edited of [
      { ...content, s: Number(content.s) + 1 },
      { l: `${trapOrigin}${COLLECTION}`, s: 0 },
      { t: 100, s: 0 },
    ]) {
      await expectRefused(`${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${mac}`);
    }
  });

  it('refuses a cursor whose signature was edited or removed', async () => {
    const cursor = await realCursor();
    const last = cursor.at(-1) === 'A' ? 'B' : 'A';
    await expectRefused(`${cursor.slice(0, -1)}${last}`);
    await expectRefused(cursor.split('.')[0]!);
    await expectRefused(`${cursor}.${cursor.split('.')[1]!}`);
  });

  it('refuses another spelling of its own signature (the unused bits of the last character)', async () => {
    const cursor = await realCursor();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 32 bytes take 43 characters of 6 bits: the last character's two low bits carry nothing.
    const respelt = alphabet[alphabet.indexOf(cursor.at(-1)!) ^ 1]!;
    const variant = `${cursor.slice(0, -1)}${respelt}`;
    expect(Buffer.from(variant.split('.')[1]!, 'base64url')).toEqual(
      Buffer.from(cursor.split('.')[1]!, 'base64url'),
    );
    await expectRefused(variant);
  });

  it.each([
    ['empty', ''],
    ['a word', 'next'],
    ['dots only', '..'],
    ['a Graph next link itself', `https://graph.microsoft.com/beta${COLLECTION}?$skiptoken=x`],
    ['a relative path', `${COLLECTION}?$top=5`],
    ['oversized', `${'a'.repeat(5000)}.${'b'.repeat(43)}`],
  ])('refuses %s', async (_name, after) => {
    await expectRefused(after);
  });

  it('refuses a cursor signed by another gateway (another key)', async () => {
    const foreign = new CursorCodec(randomBytes(32));
    await expectRefused(foreign.encode(CONNECTION, { page: { top: 5 }, skip: 1 }));
  });

  describe('even when signed with the gateway’s own key (a leaked key)', () => {
    let signed: (position: CursorPosition) => string;
    beforeAll(() => {
      const codec = new CursorCodec(deriveCursorKey(harness.config.azure.clientSecret));
      signed = (position) => codec.encode(CONNECTION, position);
    });
    const at = (link: string) => ({ page: { link }, skip: 0 });

    it('follows a genuine link of this collection, exactly as given', async () => {
      const link = `${harness.graph.baseUrl}${COLLECTION}?$top=3`;
      const response = await harness.execute(OutboundPage, { first: 2, after: signed(at(link)) }, reader);
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
      await expectRefused(signed(at(link(harness.graph.baseUrl, harness.graph.origin))));
    });
  });

  it('does not follow a next link that Graph gives for another origin', async () => {
    // The same emulator, named `localhost` in GRAPH_BASE_URL: its links (127.0.0.1) are foreign.
    const config = {
      ...harness.config,
      graph: { ...harness.config.graph, baseUrl: harness.graph.baseUrl.replace('127.0.0.1', 'localhost') },
    };
    const gateway = createGateway({ config, logger: createLogger('error') });
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
