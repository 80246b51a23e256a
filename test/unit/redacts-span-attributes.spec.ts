import { describe, expect, it } from 'vitest';
import { redactAttributes } from '../../src/observability/tracing/redacting-span-processor.js';
import { tracingRequested } from '../../src/observability/tracing/tracing.js';

const USER = '94f8b0e3-8930-4b5c-b4b5-554bc95775e2';
const REQUEST_ID = '1be298a8-a7df-440f-9c6f-02de1d945dbc';

describe('redactAttributes', () => {
  it('replaces object ids in paths, URLs and documents, and cuts query strings', () => {
    expect(
      redactAttributes({
        'url.full': `https://graph.microsoft.com/beta/directory/outboundSharedUserProfiles/${USER}/removePersonalData?$select=x`,
        'url.path': `/beta/directory/outboundSharedUserProfiles/${USER.toUpperCase()}/removePersonalData`,
        'http.target': `/graphql?query=%7Bviewer%7D&variables=${USER}`,
        'graphql.execute.document': `{ outboundSharedUserProfile(userId: "${USER}") { userId } }`,
        'http.response.status_code': 204,
      }),
    ).toEqual({
      'url.full':
        'https://graph.microsoft.com/beta/directory/outboundSharedUserProfiles/{id}/removePersonalData',
      'url.path': '/beta/directory/outboundSharedUserProfiles/{id}/removePersonalData',
      'http.target': '/graphql',
      'graphql.execute.document': '{ outboundSharedUserProfile(userId: "{id}") { userId } }',
      'http.response.status_code': 204,
    });
  });

  it('drops arguments, variables, results, query strings and authorization headers', () => {
    expect(
      redactAttributes({
        'graphql.resolver.args': JSON.stringify({ userIds: ['a', 'b'] }),
        'graphql.execute.variables': '{}',
        'graphql.execute.result': '{}',
        'url.query': 'sig=abc',
        'http.request.header.authorization': ['Bearer x'],
        'graphql.resolver.fieldName': 'removeOutboundSharedUserProfilePersonalData',
      }),
    ).toEqual({ 'graphql.resolver.fieldName': 'removeOutboundSharedUserProfilePersonalData' });
  });

  it('keeps Graph’s request-id and our client-request-id, and hides tokens everywhere else', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJ4In0.c2lnbmF0dXJl';
    expect(
      redactAttributes({
        'http.response.header.request-id': [REQUEST_ID],
        'http.request.header.client-request-id': [REQUEST_ID],
        'exception.message': `invalid token ${token} for ${USER}`,
        'other.list': [USER, 'plain'],
      }),
    ).toEqual({
      'http.response.header.request-id': [REQUEST_ID],
      'http.request.header.client-request-id': [REQUEST_ID],
      'exception.message': 'invalid token {token} for {id}',
      'other.list': ['{id}', 'plain'],
    });
  });
});

describe('tracingRequested', () => {
  it('is on with an OTLP endpoint for all signals or for traces, unless the SDK is disabled', () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(
      true,
    );
    expect(
      tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' }),
    ).toBe(false);
  });
});
