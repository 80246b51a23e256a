import { type IncomingMessage, request } from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import {
  ExportInboundSharedUserProfilePersonalDataDocument as Export,
  RemoveInboundSharedUserProfilesPersonalDataDocument as RemoveInbound,
  RemoveOutboundSharedUserProfilePersonalDataDocument as Remove,
} from '../generated/graphql.js';
import { startTracing } from '../../src/observability/tracing/start-tracing.js';
import type { Tracing } from '../../src/observability/tracing/tracing.js';
import { freePort } from '../support/free-port.js';
import { GatewayHarness } from '../support/gateway-harness.js';

const SAS_SIGNATURE = 'sig=Zm9yIHRyYWNlcyBvbmx5%3D';
const STORAGE = `https://contosoexports.blob.core.example/exports?sv=2024-01-01&sr=c&sp=w&${SAS_SIGNATURE}`;
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_ID = 'b7ad6b7169203331';

/**
 * A request through node:http's client: this process is instrumented too, and undici's (that is,
 * fetch's) instrumentation would replace the `traceparent` a test sends with one of its own.
 */
async function send(url: string, init: { method?: string; headers: Record<string, string>; body?: string }) {
  const response = await new Promise<IncomingMessage>((resolve, reject) =>
    request(url, { method: init.method ?? 'GET', headers: init.headers }, resolve)
      .on('error', reject)
      .end(init.body),
  );
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return { status: response.statusCode, text: Buffer.concat(chunks).toString('utf8') };
}

/** What an exported span would disclose: its name and every attribute, its events' included. */
function disclosed(span: ReadableSpan): string {
  return JSON.stringify([span.name, span.attributes, span.events.map((event) => event.attributes)]);
}

describe('traces through the real HTTP surface, with an in-memory exporter', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let harness: GatewayHarness;
  let url: string;
  const tokens: string[] = [];

  beforeAll(async () => {
    tracing = await startTracing({ exporter, env: {} });
    harness = await GatewayHarness.start({
      env: { HOST: '127.0.0.1', PORT: String(await freePort()) },
      plugins: tracing.plugins,
      logFields: tracing.logFields,
    });
    url = await harness.gateway.listen();
  });
  afterAll(async () => {
    await harness?.close();
    await tracing?.shutdown();
  });

  async function post(persona: 'user' | 'admin' | 'reader', body: unknown, traceparent?: string) {
    const token = await harness.token(persona);
    tokens.push(token);
    const response = await send(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        ...(traceparent ? { traceparent } : {}),
      },
      body: JSON.stringify(body),
    });
    return JSON.parse(response.text) as {
      data?: Record<string, { upstreamRequestId?: string }>;
      errors?: unknown;
    };
  }

  it('continues the caller’s trace: HTTP server → operation → ledger statements, token request and Graph exchange', async () => {
    const userId = PERSONAS.user.objectId;
    const body = await post(
      'user',
      { query: print(Remove), variables: { userId } },
      `00-${TRACE_ID}-${PARENT_ID}-01`,
    );
    expect(body.errors).toBeUndefined();
    await tracing.flush();
    const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === TRACE_ID);
    const parentOf = (span: ReadableSpan | undefined) => span?.parentSpanContext?.spanId;

    const server = spans.find((span) => span.kind === SpanKind.SERVER);
    expect(parentOf(server)).toBe(PARENT_ID);
    const operation = spans.find(
      (span) => span.name === 'mutation.RemoveOutboundSharedUserProfilePersonalData',
    );
    expect(parentOf(operation)).toBe(server?.spanContext().spanId);
    const clients = spans.filter(
      (span) => span.kind === SpanKind.CLIENT && span.attributes['url.path'] !== undefined,
    );
    // The ledger's statements: the request recorded before the Graph call, settled after it.
    const statements = spans.filter(
      (span) => span.kind === SpanKind.CLIENT && span.attributes['db.system.name'] === 'postgresql',
    );
    // The statements' text, never their values (ids, the requester).
    for (const statement of statements) expect(JSON.stringify(statement.attributes)).not.toContain(userId);
    expect(statements.map((span) => span.name)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('ledger-record-many-requests'),
        expect.stringContaining('ledger-settle-requests'),
      ]),
    );
    expect(clients.map((span) => span.attributes['url.path']).sort()).toEqual([
      '/beta/directory/outboundSharedUserProfiles/{id}/removePersonalData',
      '/{id}/oauth2/v2.0/token',
    ]);
    for (const client of clients) expect(parentOf(client)).toBe(operation?.spanContext().spanId);

    const exchange = clients.find((span) => String(span.attributes['url.path']).startsWith('/beta/'));
    const upstreamRequestId = body.data?.removeOutboundSharedUserProfilePersonalData?.upstreamRequestId;
    expect(exchange?.attributes['http.response.header.request-id']).toEqual([upstreamRequestId]);
    expect(exchange?.attributes['http.request.header.client-request-id']).toEqual([
      expect.stringMatching(/^[0-9a-f-]{36}$/),
    ]);
  });

  it('writes the trace id into the request’s log line', async () => {
    const since = harness.logs().length;
    await post('user', { query: '{ viewer { kind } }' }, `00-${'ab'.repeat(16)}-${PARENT_ID}-01`);
    await harness.until(() => harness.logEntries(since).some((entry) => entry.msg === 'request'));
    const line = harness.logEntries(since).find((entry) => entry.msg === 'request');
    expect(line).toMatchObject({ traceId: 'ab'.repeat(16), spanId: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it('exports no token, user id, id list or SAS signature in any span', async () => {
    const inbound = harness.graph.data.inbound.slice(0, 3).map((profile) => profile.userId);
    await post('admin', { query: print(RemoveInbound), variables: { userIds: inbound } });
    await post('reader', {
      query: print(Export),
      variables: { userId: inbound[0], storageLocation: STORAGE },
    });
    // A document with an inline id, sent by GET: the id is in the request's query string.
    const inline = `{ outboundSharedUserProfile(userId: "${PERSONAS.user.objectId}") { userId } }`;
    const reader = await harness.token('reader');
    tokens.push(reader);
    await send(`${url}/graphql?query=${encodeURIComponent(inline)}`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    // A refused token: its text reaches the verifier's error path.
    await send(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${reader}x` },
      body: JSON.stringify({ query: '{ viewer { kind } }' }),
    });
    await tracing.flush();

    const spans = exporter.getFinishedSpans();
    const kinds = new Set(spans.map((span) => span.kind));
    expect(kinds).toEqual(new Set([SpanKind.SERVER, SpanKind.INTERNAL, SpanKind.CLIENT]));
    const secrets = [
      ...Object.values(PERSONAS).map((persona) => persona.objectId),
      ...harness.graph.data.outbound.map((profile) => profile.userId),
      ...harness.graph.data.inbound.map((profile) => profile.userId),
      ...tokens,
      SAS_SIGNATURE,
      'Bearer',
    ];
    const leaks = spans.flatMap((span) =>
      secrets.filter((secret) => disclosed(span).includes(secret)).map((secret) => `${span.name}: ${secret}`),
    );
    expect(leaks).toEqual([]);
    // The scan reads what the exporter received: ids were there to redact.
    expect(spans.some((span) => disclosed(span).includes('{id}'))).toBe(true);
  });
});
