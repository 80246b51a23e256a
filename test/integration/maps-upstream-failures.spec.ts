import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exchangeBuffered } from '../../src/graph/transport/buffered-exchange.js';
import { AnswerTooLargeError } from '../../src/errors/upstream-failures.js';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { RemoveOutboundSharedUserProfilePersonalDataDocument as Remove } from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';

/** README: "An answer is read up to 4 MiB" (the documented number, not the source's constant). */
const MAX_GRAPH_ANSWER_BYTES = 4 * 1024 * 1024;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REMOVAL = /removePersonalData$/;

describe('upstream failures of removeOutboundSharedUserProfilePersonalData', () => {
  let harness: GatewayHarness;
  let token: string;
  const userId = PERSONAS.user.objectId;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { GRAPH_TIMEOUT_MS: '1500', GRAPH_MAX_ATTEMPTS: '3' } });
    token = await harness.token('user');
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    harness.graph.faults.clear();
    harness.graph.resetRecording();
  });

  const remove = () => harness.execute(Remove, { userId }, token);

  function expectUpstreamIds(response: Awaited<ReturnType<typeof remove>>) {
    const extensions = response.body.errors![0]!.extensions!;
    expect(extensions.clientRequestId).toMatch(GUID);
    expect(extensions.clientRequestId).toBe(harness.graph.requests.at(-1)!.clientRequestId);
    expect(extensions.upstreamRequestId).toMatch(GUID);
  }

  it('retries a 429 after the Retry-After Graph asked for, then succeeds', async () => {
    harness.graph.faults.add({ pathPattern: REMOVAL, status: 429, retryAfter: '0.3', times: 1 });
    const started = Date.now();
    const response = await remove();
    expect(response.body.errors).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(harness.graph.requests).toHaveLength(2);
    const [first, second] = harness.graph.requests;
    expect(second!.clientRequestId).toBe(first!.clientRequestId);
  });

  it('honours a Retry-After given as an HTTP date, waiting until that date', async () => {
    // HTTP dates have whole seconds: start just after one, and ask for the next, about 1 s away
    // (beyond any backoff, within the 1.5 s deadline).
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 10));
    const at = Math.floor(Date.now() / 1000) * 1000 + 1000;
    harness.graph.faults.add({
      pathPattern: REMOVAL,
      status: 429,
      retryAfter: new Date(at).toUTCString(),
      times: 1,
    });
    const response = await remove();
    const answeredAt = Date.now();
    expect(response.body.errors).toBeUndefined();
    expect(harness.graph.requests).toHaveLength(2);
    // Timers may fire a little early; never a whole backoff early, and not much late either.
    expect(answeredAt).toBeGreaterThanOrEqual(at - 50);
    expect(answeredAt).toBeLessThan(at + 400);
  });

  it('ignores a Retry-After that is neither seconds nor an HTTP date, and backs off instead', async () => {
    // JavaScript's Date.parse alone reads this as a day in 2099: a wait far beyond the deadline.
    harness.graph.faults.add({ pathPattern: REMOVAL, status: 429, retryAfter: 'Dec 25 2099', times: 1 });
    const response = await remove();
    expect(response.body.errors).toBeUndefined();
    expect(harness.graph.requests).toHaveLength(2);
  });

  it.each([503, 504])('retries a transient %i with backoff when no Retry-After is given', async (status) => {
    harness.graph.faults.add({ pathPattern: REMOVAL, status, times: 2 });
    const response = await remove();
    expect(response.body.errors).toBeUndefined();
    expect(harness.graph.requests).toHaveLength(3);
  });

  it('answers THROTTLED with retryAfterSeconds when Graph keeps throttling', async () => {
    harness.graph.faults.add({ pathPattern: REMOVAL, status: 429, retryAfter: '0.1', times: Infinity });
    const response = await remove();
    expect(errorCodes(response)).toEqual(['THROTTLED']);
    expect(response.body.errors![0]!.extensions!.retryAfterSeconds).toBe(1);
    expect(harness.graph.requests).toHaveLength(3);
    expectUpstreamIds(response);
  });

  it('gives up at once with THROTTLED when Retry-After exceeds the deadline', async () => {
    harness.graph.faults.add({ pathPattern: REMOVAL, status: 429, retryAfter: '120', times: Infinity });
    const response = await remove();
    expect(errorCodes(response)).toEqual(['THROTTLED']);
    expect(response.body.errors![0]!.extensions!.retryAfterSeconds).toBe(120);
    expect(harness.graph.requests).toHaveLength(1);
  });

  it('answers UPSTREAM_TIMEOUT when Graph does not answer within GRAPH_TIMEOUT_MS', async () => {
    harness.graph.faults.add({ pathPattern: REMOVAL, hang: true, times: Infinity });
    const started = Date.now();
    const response = await remove();
    const elapsed = Date.now() - started;
    expect(errorCodes(response)).toEqual(['UPSTREAM_TIMEOUT']);
    expect(response.body.errors![0]!.extensions!.clientRequestId).toMatch(GUID);
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(3000);
  });

  it('passes Graph’s own 403 on as FORBIDDEN with the upstream ids', async () => {
    harness.graph.faults.add({ pathPattern: REMOVAL, status: 403, times: 1 });
    const response = await remove();
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expectUpstreamIds(response);
  });

  it.each([400, 500, 502])(
    'answers a %i with a generic UPSTREAM_ERROR, without Graph’s internals',
    async (status) => {
      harness.graph.faults.add({ pathPattern: REMOVAL, status, times: 1 });
      const response = await remove();
      expect(errorCodes(response)).toEqual(['UPSTREAM_ERROR']);
      expect(response.body.errors![0]!.message).toBe('Microsoft Graph could not complete the request.');
      expect(JSON.stringify(response.body)).not.toMatch(
        /innerError|"code":"(BadRequest|InternalServerError)"/,
      );
      expectUpstreamIds(response);
    },
  );

  it('answers UPSTREAM_ERROR, without a retry, when Graph’s answer is longer than a Graph call reads', async () => {
    harness.graph.faults.add({ pathPattern: REMOVAL, answerBytes: MAX_GRAPH_ANSWER_BYTES + 1, times: 1 });
    const response = await remove();
    expect(errorCodes(response)).toEqual(['UPSTREAM_ERROR']);
    expectUpstreamIds(response);
    expect(harness.graph.requests).toHaveLength(1);
    expect(harness.logEntries().map((entry) => entry.msg)).toContain(
      'Graph answered with more than a Graph call reads',
    );
    expect((await remove()).body.errors).toBeUndefined();
  });

  it('reads an answer just short of that length', async () => {
    harness.graph.faults.add({ pathPattern: REMOVAL, answerBytes: MAX_GRAPH_ANSWER_BYTES - 1_000, times: 1 });
    const response = await remove();
    expect(response.body.errors).toBeUndefined();
    expect(harness.graph.requests).toHaveLength(1);
  });

  it('answers UPSTREAM_UNAVAILABLE when Graph keeps answering 503', async () => {
    harness.graph.faults.add({ pathPattern: REMOVAL, status: 503, times: Infinity });
    const response = await remove();
    expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expectUpstreamIds(response);
  });
});

describe('unreachable upstreams', () => {
  it('answers UPSTREAM_UNAVAILABLE when Graph cannot be reached', async () => {
    const harness = await GatewayHarness.start({ env: { GRAPH_BASE_URL: 'https://127.0.0.1:9/beta' } });
    try {
      const response = await harness.execute(
        Remove,
        { userId: PERSONAS.user.objectId },
        await harness.token('user'),
      );
      expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
      expect(response.body.errors![0]!.extensions!.clientRequestId).toMatch(GUID);
    } finally {
      await harness.close();
    }
  });

  it('answers UPSTREAM_TIMEOUT when the authority does not answer the exchange within GRAPH_TIMEOUT_MS', async () => {
    const harness = await GatewayHarness.start({ env: { GRAPH_TIMEOUT_MS: '1000' } });
    try {
      harness.identityProvider.faults.add({ route: 'token', hang: true, times: 1 });
      const started = Date.now();
      const response = await harness.execute(
        Remove,
        { userId: PERSONAS.user.objectId },
        await harness.token('user'),
      );
      const elapsed = Date.now() - started;
      expect(errorCodes(response)).toEqual(['UPSTREAM_TIMEOUT']);
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(2000);
      expect(harness.graph.requests).toHaveLength(0);
    } finally {
      await harness.close();
    }
  });

  it('answers UPSTREAM_ERROR when the authority refuses the on-behalf-of exchange', async () => {
    const harness = await GatewayHarness.start();
    try {
      harness.identityProvider.faults.add({ route: 'token', status: 400, times: 1 });
      const response = await harness.execute(
        Remove,
        { userId: PERSONAS.user.objectId },
        await harness.token('user'),
      );
      expect(errorCodes(response)).toEqual(['UPSTREAM_ERROR']);
      expect(harness.graph.requests).toHaveLength(0);
    } finally {
      await harness.close();
    }
  });
});

describe('an upstream answer without end', () => {
  it('is given up at the length limit, and its connection closed, long before any deadline', async () => {
    let connectionClosed!: () => void;
    const closed = new Promise<void>((resolve) => {
      connectionClosed = resolve;
    });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'request-id': 'endless' });
      const pump = () => {
        while (response.write(chunk));
      };
      response.on('drain', pump);
      response.on('close', connectionClosed);
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new Agent();
    try {
      const { port } = server.address() as AddressInfo;
      const outcome = await exchangeBuffered(
        agent,
        { origin: `http://127.0.0.1:${port}`, path: '/', method: 'GET' },
        new AbortController().signal,
        1024 * 1024,
      ).catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(AnswerTooLargeError);
      expect((outcome as AnswerTooLargeError).statusCode).toBe(200);
      expect((outcome as AnswerTooLargeError).headers['request-id']).toBe('endless');
      await closed;
    } finally {
      await agent.close();
      server.closeAllConnections();
      server.close();
    }
  });
});
