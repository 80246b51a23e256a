import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedServices, PERSONAS, startEmbeddedServices } from '@shared-profile-gateway/emulators';
import { RemoveOutboundSharedUserProfilePersonalDataDocument as Remove } from '../generated/graphql.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INCOMING_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const INCOMING_PARENT_ID = '00f067aa0ba902b7';
const SPAN_KIND = { internal: 1, server: 2, client: 3 } as const;

describe('the production entry point with an OTLP endpoint', () => {
  let services: EmbeddedServices;
  let receiver: OtlpReceiver;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    services = await startEmbeddedServices();
    receiver = await OtlpReceiver.start();
    gateway = await GatewayProcess.startInProduction(services, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    await gateway.untilReady();
  });
  afterAll(async () => {
    await gateway?.stop();
    await receiver?.close();
    await services?.close();
  });

  it('sends one trace per removal, continuing the caller’s traceparent, parented correctly', async () => {
    const userId = PERSONAS.user.objectId;
    const token = await services.personaToken('user');
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        traceparent: `00-${INCOMING_TRACE_ID}-${INCOMING_PARENT_ID}-01`,
      },
      body: JSON.stringify({ query: print(Remove), variables: { userId } }),
    });
    const body = (await response.json()) as {
      data: { removeOutboundSharedUserProfilePersonalData: { upstreamRequestId: string } };
    };
    const upstreamRequestId = body.data.removeOutboundSharedUserProfilePersonalData.upstreamRequestId;
    expect(upstreamRequestId).toMatch(GUID);

    const isGraphExchange = (span: ReceivedSpan) =>
      span.kind === SPAN_KIND.client && String(span.attributes['url.path']).endsWith('/removePersonalData');
    // The server span ends after the answer is written, so it may come in a later export batch.
    const isServer = (span: ReceivedSpan) =>
      span.kind === SPAN_KIND.server && span.traceId === INCOMING_TRACE_ID;
    const spans = (await receiver.until((all) => all.some(isGraphExchange) && all.some(isServer))).filter(
      (span) => span.traceId === INCOMING_TRACE_ID,
    );

    const server = spans.find((span) => span.kind === SPAN_KIND.server);
    expect(server).toMatchObject({ parentSpanId: INCOMING_PARENT_ID, name: 'POST' });
    const operation = spans.find(
      (span) => span.name === 'mutation.RemoveOutboundSharedUserProfilePersonalData',
    );
    expect(operation?.parentSpanId).toBe(server?.spanId);
    const resolver = spans.find(
      (span) => span.name === 'Mutation.removeOutboundSharedUserProfilePersonalData',
    );
    expect(resolver?.parentSpanId).toBe(operation?.spanId);
    const exchange = spans.find(isGraphExchange);
    expect(exchange?.parentSpanId).toBe(operation?.spanId);
    // The on-behalf-of exchange for the caller's Graph token, in the same trace.
    const tokenRequest = spans.find(
      (span) => span.kind === SPAN_KIND.client && String(span.attributes['url.path']).endsWith('/token'),
    );
    expect(tokenRequest?.parentSpanId).toBe(operation?.spanId);

    expect(exchange?.attributes['http.response.header.request-id']).toEqual([upstreamRequestId]);
    expect((exchange?.attributes['http.request.header.client-request-id'] as string[])[0]).toMatch(GUID);
    expect(exchange?.attributes['url.path']).toBe(
      '/beta/directory/outboundSharedUserProfiles/{id}/removePersonalData',
    );
    for (const span of spans) {
      expect(span.text).not.toContain(userId);
      expect(span.text).not.toContain(token);
    }
  });

  it('writes the trace id into the request’s log line', async () => {
    const token = await services.personaToken('reader');
    const traceId = 'aaaabbbbccccddddeeeeffff00001111';
    const before = gateway.output.join('').length;
    await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        traceparent: `00-${traceId}-${INCOMING_PARENT_ID}-01`,
      },
      body: JSON.stringify({ query: '{ viewer { kind } }' }),
    });
    // The line is written as the answer finishes, and reaches this process through a pipe.
    let requestLine: string | undefined;
    for (let waited = 0; !requestLine && waited < 5_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      requestLine = gateway.output
        .join('')
        .slice(before)
        .split('\n')
        .find((line) => line.includes('"msg":"request"'));
    }
    expect(JSON.parse(requestLine ?? '{}')).toMatchObject({ traceId, path: '/graphql', status: 200 });
    await receiver.until((all) =>
      all.some((span) => span.traceId === traceId && span.kind === SPAN_KIND.server),
    );
  });

  it('sends no spans for probes and scrapes', async () => {
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/readiness`)).status).toBe(200);
    // A request after them, whose span arrives after theirs would have.
    await fetch(`${gateway.url}/graphql?query=%7B__typename%7D`);
    await receiver.until((all) => all.some((span) => span.name === 'query.anonymous'));
    expect(receiver.spans.filter((span) => /\/(health|readiness)/.test(span.text))).toEqual([]);
  });
});
