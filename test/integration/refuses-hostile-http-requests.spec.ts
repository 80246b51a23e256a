import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { GatewayHarness } from '../support/gateway-harness.js';

const REMOVAL = `mutation { removeOutboundSharedUserProfilePersonalData(userId: "${PERSONAS.user.objectId}") { userId } }`;
const TEN_MEBIBYTES = 10 * 1024 * 1024;

/**
 * Attacks at the HTTP layer, each sent with a Global Administrator's valid token so that, were it
 * let through, it would reach Graph. The gateway runs with its defaults and listens on a real
 * socket, as in production.
 */
describe('hostile HTTP requests (defaults, over a socket)', () => {
  let harness: GatewayHarness;
  let base: string;
  let authorization: string;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { PORT: '0' } });
    base = await harness.gateway.listen();
    authorization = `Bearer ${await harness.token('admin')}`;
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.graph.resetRecording());

  async function send(init: RequestInit & { path?: string }): Promise<Response> {
    const response = await fetch(`${base}${init.path ?? '/graphql'}`, {
      ...init,
      headers: { authorization, ...(init.headers as Record<string, string>) },
    });
    await response.arrayBuffer();
    return response;
  }

  function expectNothingUpstream(): void {
    expect(harness.graph.requests).toHaveLength(0);
    expect(harness.identityProvider.stats.tokenRequests.on_behalf_of).toBe(0);
  }

  it('answers 413 to a 10 MB body with Content-Length, without reading it', async () => {
    const body = JSON.stringify({ query: REMOVAL, variables: { pad: 'x'.repeat(TEN_MEBIBYTES) } });
    const response = await send({ method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(413);
    expectNothingUpstream();
  });

  it('answers 413 to a 10 MB chunked body, stopping at the limit', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0)
          controller.enqueue(new TextEncoder().encode(`{"query":${JSON.stringify(REMOVAL)},"pad":"`));
        if (sent >= TEN_MEBIBYTES) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await send({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expectNothingUpstream();
  });

  it('refuses an array of operations (batching)', async () => {
    const body = JSON.stringify(Array.from({ length: 10 }, () => ({ query: REMOVAL })));
    const response = await send({ method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(400);
    expectNothingUpstream();
  });

  it.each([
    ['a text/plain post', 'text/plain', JSON.stringify({ query: REMOVAL })],
    ['a form post', 'application/x-www-form-urlencoded', new URLSearchParams({ query: REMOVAL }).toString()],
    [
      'a multipart form post',
      'multipart/form-data; boundary=b',
      `--b\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: REMOVAL })}\r\n--b--\r\n`,
    ],
  ])('refuses %s, which a browser sends cross-site without a preflight', async (_name, contentType, body) => {
    const response = await send({ method: 'POST', headers: { 'content-type': contentType }, body });
    expect(response.status).toBe(403);
    expectNothingUpstream();
  });

  it('refuses multipart even with the CSRF header: uploads are off', async () => {
    const response = await send({
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=b', 'x-graphql-yoga-csrf': '1' },
      body: `--b\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: REMOVAL })}\r\n--b--\r\n`,
    });
    // No parser reads it: 415 Unsupported Media Type.
    expect(response.status).toBe(415);
    expectNothingUpstream();
  });

  it.each([
    ['without the CSRF header', {}, 405],
    ['with the CSRF header', { 'x-graphql-yoga-csrf': '1' }, 405],
  ])('refuses a GET mutation %s', async (_name, headers, status) => {
    const response = await send({
      path: `/graphql?query=${encodeURIComponent(REMOVAL)}`,
      headers: { accept: 'application/json', ...headers },
    });
    expect(response.status).toBe(status);
    expectNothingUpstream();
  });

  /** Sends raw bytes and reads everything the gateway answers until it closes the connection. */
  async function sendRaw(bytes: string): Promise<string> {
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1').on('data', (text: string) => (received += text));
    socket.on('error', () => undefined);
    socket.write(bytes);
    await new Promise((resolve) => socket.once('close', resolve));
    return received;
  }

  it.each([
    ['a request line that does not parse', 'NOT HTTP AT ALL\r\n\r\n', '400 Bad Request'],
    [
      'headers over Node’s 16 KiB',
      `GET /health HTTP/1.1\r\nHost: gateway\r\nX-Pad: ${'x'.repeat(20_000)}\r\n\r\n`,
      '431 Request Header Fields Too Large',
    ],
  ])('answers %s with the security headers and closes', async (_name, bytes, status) => {
    const answer = await sendRaw(bytes);
    expect(answer.startsWith(`HTTP/1.1 ${status}\r\n`)).toBe(true);
    expect(answer.toLowerCase()).toContain('\r\nx-content-type-options: nosniff\r\n');
    expect(answer.toLowerCase()).toContain('\r\nx-frame-options: deny\r\n');
    expect(answer.toLowerCase()).toContain('\r\nreferrer-policy: no-referrer\r\n');
    expect(answer.toLowerCase()).toContain('\r\ncache-control: no-store\r\n');
    expect(answer).toContain("\r\ncontent-security-policy: default-src 'none'; frame-ancestors 'none'\r\n");
    expect(answer.toLowerCase()).toContain('\r\nconnection: close\r\n');
    // The body every error answer of the gateway has, however early the request was refused.
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head.toLowerCase()).toContain(`\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`);
    expect(head.toLowerCase()).toContain('\r\ncontent-type: application/json\r\n');
    const { errors } = JSON.parse(body) as { errors: Array<{ message: string; extensions: unknown }> };
    expect(errors).toHaveLength(1);
    expect(errors[0]!.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expectNothingUpstream();
  });
});
