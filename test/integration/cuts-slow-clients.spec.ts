import { once } from 'node:events';
import { type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { GatewayHarness } from '../support/gateway-harness.js';

const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;
/** Node looks for timed-out connections once a second (create-gateway.ts), plus scheduling slack. */
const CHECK_SLACK_MS = 1_500;

/** A raw client connection: what it received, and when the gateway closed it. */
class RawClient {
  received = '';
  closedAt: number | undefined;
  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1').on('data', (text: string) => (this.received += text));
    // A client still writing when the gateway closes gets EPIPE or ECONNRESET: that is the point.
    socket.on('error', () => undefined);
    socket.once('close', () => (this.closedAt = Date.now()));
  }

  static async open(base: string): Promise<RawClient> {
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  write(text: string): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  /** Writes `next()` every `everyMs` until the gateway closes the connection or `limitMs` passes. */
  async trickle(next: () => string, everyMs: number, limitMs: number): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (this.closedAt === undefined && Date.now() < deadline) {
      this.write(next());
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }

  async until(condition: () => boolean, limitMs: number): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * Slow clients against HTTP_HEADERS_TIMEOUT_MS and HTTP_REQUEST_TIMEOUT_MS, set small here: each
 * trickling connection must be cut within its timeout plus Node's check interval, and answered 408
 * while no answer has started. Without the settings Node waits 60 s for headers and 300 s for a body.
 */
describe('slow clients (raw sockets)', () => {
  let harness: GatewayHarness;
  let base: string;
  beforeAll(async () => {
    harness = await GatewayHarness.start({
      env: {
        PORT: '0',
        HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '5000',
        MAX_BODY_BYTES: '4096',
      },
    });
    base = await harness.gateway.listen();
  });
  afterAll(() => harness.close());

  it('cuts a client whose headers trickle in, within HTTP_HEADERS_TIMEOUT_MS', async () => {
    const client = await RawClient.open(base);
    const started = Date.now();
    client.write('POST /graphql HTTP/1.1\r\nHost: gateway\r\n');
    let line = 0;
    await client.trickle(
      () => `X-Pad-${(line += 1)}: x\r\n`,
      100,
      HEADERS_TIMEOUT_MS + CHECK_SLACK_MS + 1_000,
    );
    client.close();

    expect(client.closedAt, 'the gateway never closed the connection').toBeDefined();
    const elapsed = client.closedAt! - started;
    expect(elapsed).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThanOrEqual(HEADERS_TIMEOUT_MS + CHECK_SLACK_MS);
    expect(client.received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    // README: Node's own answers carry the same five security headers as every other response.
    const head = `${client.received.split('\r\n\r\n')[0]!.toLowerCase()}\r\n`;
    for (const header of [
      'x-content-type-options: nosniff',
      'x-frame-options: deny',
      'referrer-policy: no-referrer',
      'cache-control: no-store',
      "content-security-policy: default-src 'none'; frame-ancestors 'none'",
    ]) {
      expect(head).toContain(`\r\n${header}\r\n`);
    }
    expect(head).not.toContain('x-powered-by');
  });

  it('cuts a client whose body trickles in, within HTTP_REQUEST_TIMEOUT_MS', async () => {
    const client = await RawClient.open(base);
    const started = Date.now();
    client.write(
      'POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{',
    );
    await client.trickle(() => ' ', 100, REQUEST_TIMEOUT_MS + CHECK_SLACK_MS + 1_000);
    client.close();

    expect(client.closedAt, 'the gateway never closed the connection').toBeDefined();
    const elapsed = client.closedAt! - started;
    expect(elapsed).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS + CHECK_SLACK_MS);
    expect(client.received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('keeps an idle kept-alive connection past both timeouts, for HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
    const client = await RawClient.open(base);
    try {
      const health = async () => {
        const before = client.received.length;
        client.write('GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n');
        await client.until(() => client.received.slice(before).includes('\r\n\r\n'), 2_000);
        return client.received.slice(before);
      };
      expect(await health()).toMatch(/^HTTP\/1\.1 200 /);
      await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS + CHECK_SLACK_MS));
      expect(client.closedAt).toBeUndefined();
      expect(await health()).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      client.close();
    }
  });

  it('answers a request whose answer takes longer than HTTP_REQUEST_TIMEOUT_MS', async () => {
    // The timeout bounds how long a client takes to send; a slow upstream is GRAPH_TIMEOUT_MS's.
    harness.graph.setLatency(REQUEST_TIMEOUT_MS + CHECK_SLACK_MS);
    try {
      const started = Date.now();
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await harness.token('user')}`,
        },
        body: JSON.stringify({
          query: `{ outboundSharedUserProfile(userId: "${PERSONAS.user.objectId}") { userId } }`,
        }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        data: { outboundSharedUserProfile: { userId: expect.any(String) } },
      });
      expect(Date.now() - started).toBeGreaterThan(REQUEST_TIMEOUT_MS + CHECK_SLACK_MS);
    } finally {
      harness.graph.setLatency(0);
    }
  });

  it.each([
    ['a chunked upload', 'Transfer-Encoding: chunked', () => `400\r\n${'x'.repeat(0x400)}\r\n`],
    ['a declared Content-Length', 'Content-Length: 1000000', () => 'x'.repeat(1024)],
  ])('closes the connection after the 413 of %s', async (_name, framing, chunk) => {
    const client = await RawClient.open(base);
    try {
      client.write(
        `POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n${framing}\r\n\r\n`,
      );
      // 8 KiB, over MAX_BODY_BYTES, and then the client waits without ending its upload.
      for (let sent = 0; sent < 8; sent += 1) client.write(chunk());
      await client.until(() => client.received.includes('\r\n\r\n'), 2_000);
      const answeredAt = Date.now();
      expect(client.received).toMatch(/^HTTP\/1\.1 413 /);
      expect(client.received.toLowerCase()).toContain('\r\nconnection: close\r\n');
      await client.until(() => client.closedAt !== undefined, 1_000);
      expect(client.closedAt, 'the connection stayed open after the 413').toBeDefined();
      expect(client.closedAt! - answeredAt).toBeLessThan(500);
    } finally {
      client.close();
    }
  });
});
