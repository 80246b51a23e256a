import { once } from 'node:events';
import { type Socket, connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { GatewayHarness, type LogEntry } from '../support/gateway-harness.js';

const READ_PROFILE = `{ outboundSharedUserProfile(userId: "${PERSONAS.user.objectId}") { userId } }`;

/**
 * A client whose connection closes before its answer is out is logged as departed
 * (`clientDeparted: true`), not as the 200 it never received. That includes a client that
 * half-closes its socket right after sending its request: at the TCP level that is the same FIN as
 * a client that left, and the gateway treats it as one (its Graph calls are cancelled;
 * docs/decisions/0012-half-closed-clients-are-departed.md). Raw sockets against a listening gateway.
 */
describe('departed clients in the request log (raw sockets)', () => {
  let harness: GatewayHarness;
  let base: string;
  let token: string;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { PORT: '0', LOG_LEVEL: 'info' } });
    base = await harness.gateway.listen();
    token = await harness.token('user');
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    harness.graph.faults.clear();
    harness.graph.resetRecording();
  });

  async function open(): Promise<{ socket: Socket; received: () => string }> {
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    await once(socket, 'connect');
    let received = '';
    socket.setEncoding('latin1').on('data', (text: string) => (received += text));
    socket.on('error', () => undefined);
    return { socket, received: () => received };
  }

  function request(query: string): string {
    const body = JSON.stringify({ query });
    return (
      `POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n` +
      `Authorization: Bearer ${token}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
    );
  }

  async function until(condition: () => boolean): Promise<void> {
    const deadline = Date.now() + 3_000;
    while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  async function requestLine(since: number): Promise<LogEntry | undefined> {
    const find = () => harness.logEntries(since).find((entry) => entry.msg === 'request');
    await until(() => find() !== undefined);
    return find();
  }

  it('logs a client that half-closes after sending its request as departed, not as a 200', async () => {
    const since = harness.logs().length;
    const { socket, received } = await open();
    socket.end(request(READ_PROFILE));
    await once(socket, 'close');

    expect(received()).toBe('');
    expect(await requestLine(since)).toMatchObject({
      path: '/graphql',
      callerObjectId: PERSONAS.user.objectId,
      clientDeparted: true,
    });
  });

  it('logs a client that leaves while Graph answers as departed, and cancels its call', async () => {
    harness.graph.faults.add({ pathPattern: /outboundSharedUserProfiles/, hang: true, times: Infinity });
    const since = harness.logs().length;
    const { socket } = await open();
    socket.write(request(READ_PROFILE));
    await until(() => harness.graph.requests.length === 1);
    socket.destroy();

    expect(await requestLine(since)).toMatchObject({ path: '/graphql', clientDeparted: true });
    await until(() => harness.graph.abandonedRequests === 1);
    expect(harness.graph.abandonedRequests).toBe(1);
  });

  it('does not mark a client that read its answer', async () => {
    const since = harness.logs().length;
    const { socket, received } = await open();
    socket.write(request(READ_PROFILE));
    await until(() => /\r\n\r\n\{.*\}$/s.test(received()));
    socket.destroy();

    expect(received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const line = await requestLine(since);
    expect(line).toMatchObject({ status: 200, callerObjectId: PERSONAS.user.objectId });
    expect(line).not.toHaveProperty('clientDeparted');
  });
});
