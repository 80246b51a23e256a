import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { GatewayHarness } from '../support/gateway-harness.js';

/** Text that each malformed request carries and that must come back nowhere: not in the answer, not in the log. */
const MARK = 'ECHO-7f3a9c';

const json = (body: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body,
});
const get = (search: Record<string, string>) => ({
  path: `/graphql?${new URLSearchParams(search).toString()}`,
  headers: { 'x-graphql-yoga-csrf': '1' },
});
const TYPENAME = '{ __typename }';

/** Requests a careless or hostile client sends, each answered with the status given. */
const MALFORMED: Array<[string, RequestInit & { path?: string }, number]> = [
  ['a body that is not JSON', json(`{"query": ${MARK}`), 400],
  ['an empty JSON body', json(''), 400],
  ['a JSON body that is not an object', json(JSON.stringify(MARK)), 400],
  ['a numeric operationName', json(JSON.stringify({ query: TYPENAME, operationName: 7 })), 400],
  ['a boolean operationName', json(JSON.stringify({ query: TYPENAME, operationName: true })), 400],
  ['an object operationName', json(JSON.stringify({ query: TYPENAME, operationName: { a: MARK } })), 400],
  ['an array operationName', json(JSON.stringify({ query: TYPENAME, operationName: [MARK] })), 400],
  [
    'an operationName naming no operation',
    json(JSON.stringify({ query: 'query A { __typename }', operationName: 'B' })),
    400,
  ],
  [
    'two operations and no operationName',
    json(JSON.stringify({ query: 'query A { __typename } query B { __typename }' })),
    400,
  ],
  ['a numeric query', json(JSON.stringify({ query: 7 })), 400],
  ['an object query', json(JSON.stringify({ query: { text: MARK } })), 400],
  ['string variables', json(JSON.stringify({ query: TYPENAME, variables: MARK })), 400],
  ['array variables', json(JSON.stringify({ query: TYPENAME, variables: [MARK] })), 400],
  ['string extensions', json(JSON.stringify({ query: TYPENAME, extensions: MARK })), 400],
  ['GET variables that are not JSON', get({ query: TYPENAME, variables: `{${MARK}` }), 400],
  ['GET extensions that are not JSON', get({ query: TYPENAME, extensions: `{${MARK}` }), 400],
  ['GET variables that are an array', get({ query: TYPENAME, variables: JSON.stringify([MARK]) }), 400],
  [
    'GET operationName naming no operation',
    get({ query: 'query A { __typename }', operationName: 'B' }),
    400,
  ],
  [
    'a content type no parser reads',
    {
      method: 'POST',
      headers: { 'content-type': 'application/xml', 'x-graphql-yoga-csrf': '1' },
      body: `<${MARK}/>`,
    },
    415,
  ],
  [
    'an Accept header that admits no answer',
    {
      ...json(JSON.stringify({ query: TYPENAME })),
      headers: { 'content-type': 'application/json', accept: 'text/html' },
    },
    406,
  ],
  [
    'an Accept header asking for another charset',
    {
      ...json(JSON.stringify({ query: TYPENAME })),
      headers: { 'content-type': 'application/json', accept: 'application/json; charset=latin1' },
    },
    406,
  ],
  [
    'a POST without a content type',
    { method: 'POST', headers: { 'x-graphql-yoga-csrf': '1' }, body: MARK },
    415,
  ],
];

/**
 * Every request a client can get wrong is answered as a request error: a 4xx with the contract's
 * `BAD_USER_INPUT`, never a 500 or a code of yoga's own, repeating nothing of what was sent, and
 * logged as one request line at most, never at `error`. Over a real socket, as a client sends them.
 */
describe('malformed GraphQL-over-HTTP requests (over a socket)', () => {
  let harness: GatewayHarness;
  let base: string;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { PORT: '0', LOG_LEVEL: 'info' } });
    base = await harness.gateway.listen();
  });
  afterAll(() => harness.close());

  it.each(MALFORMED)('answers %s with BAD_USER_INPUT, echoing nothing', async (_name, init, status) => {
    const since = harness.logs().length;
    const response = await fetch(`${base}${init.path ?? '/graphql'}`, init);
    const text = await response.text();

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = JSON.parse(text) as { errors: Array<{ extensions?: Record<string, unknown> }> };
    expect(body.errors.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(text).not.toContain(MARK);
    expect(text).not.toContain('originalError');
    expect(harness.graph.requests).toHaveLength(0);

    const lines = harness.logEntries(since);
    expect(lines.map((line) => [line.msg, line.status])).toEqual([['request', status]]);
    expect(harness.logs().slice(since)).not.toContain(MARK);
  });

  it('refuses a removal whose Accept header admits no answer before it reaches Graph', async () => {
    harness.graph.resetRecording();
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/xml',
        authorization: `Bearer ${await harness.token('user')}`,
      },
      body: JSON.stringify({
        query: `mutation { removeOutboundSharedUserProfilePersonalData(userId: "${PERSONAS.user.objectId}") { userId } }`,
      }),
    });
    expect(response.status).toBe(406);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors.map((error) => error.extensions.code)).toEqual(['BAD_USER_INPUT']);
    expect(harness.graph.requests).toHaveLength(0);
  });

  it.each([
    undefined,
    '*/*',
    'application/*',
    'application/graphql-response+json',
    'text/html, application/json;q=0.1',
  ])('still answers a request with Accept: %s', async (accept) => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}) },
      body: JSON.stringify({ query: TYPENAME }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
