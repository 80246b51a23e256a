import { type Plugin, createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { combineHttpHooks } from '../../src/server/combine-http-hooks.js';

const schema = createSchema({
  typeDefs: 'type Query { ok: Boolean }',
  resolvers: { Query: { ok: () => true } },
});

/** A yoga serving `plugins` through `combineHttpHooks`, and what its hooks saw, in order. */
function serve(plugins: (seen: string[]) => Plugin[]) {
  const seen: string[] = [];
  const yoga = createYoga({ schema, logging: false, plugins: combineHttpHooks(plugins(seen)) });
  const get = async (path: string) => {
    const response = await yoga.fetch(`http://gateway.test${path}`);
    return { status: response.status, text: await response.text(), headers: response.headers };
  };
  return { seen, get };
}

describe('combineHttpHooks', () => {
  it('runs every request hook, then every response hook, in the plugins’ order', async () => {
    const { seen, get } = serve((seen) => [
      { onRequest: () => void seen.push('request 1'), onResponse: () => void seen.push('response 1') },
      { onResponse: () => void seen.push('response 2') },
      { onRequest: () => void seen.push('request 3') },
    ]);
    const response = await get('/graphql?query={ok}');
    expect(response.text).toBe('{"data":{"ok":true}}');
    expect(seen).toEqual(['request 1', 'request 3', 'response 1', 'response 2']);
  });

  it('stops the request hooks that follow an answer, and still runs the response hooks on it', async () => {
    const { seen, get } = serve((seen) => [
      {
        onRequest: ({ url, endResponse }) => {
          seen.push('answering');
          if (url.pathname === '/answered') endResponse(new Response('early', { status: 418 }));
        },
      },
      {
        onRequest: () => void seen.push('after'),
        onResponse: ({ response }) => void seen.push(`${response.status}`),
      },
    ]);
    expect(await get('/answered')).toMatchObject({ status: 418, text: 'early' });
    expect(seen).toEqual(['answering', '418']);
  });

  it('awaits a hook’s promise before the next hook, and passes replaced requests and responses on', async () => {
    const { seen, get } = serve((seen) => [
      {
        onRequest: async ({ request, setRequest }) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          seen.push('slow');
          setRequest(new Request(request.url, { headers: { 'x-replaced': 'yes' } }));
        },
        onResponse: ({ response, setResponse }) =>
          setResponse(new Response(response.body, { status: response.status, headers: { 'x-step': 'one' } })),
      },
      {
        onRequest: ({ request }) => void seen.push(`replaced ${request.headers.get('x-replaced')}`),
        onResponse: ({ response }) => void seen.push(`step ${response.headers.get('x-step')}`),
      },
    ]);
    const response = await get('/graphql?query={ok}');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-step')).toBe('one');
    expect(seen).toEqual(['slow', 'replaced yes', 'step one']);
  });

  it('leaves the other hooks of each plugin in place', async () => {
    const { seen, get } = serve((seen) => [
      { onRequest: () => void seen.push('request'), onParams: () => void seen.push('params') },
      { onExecute: () => void seen.push('execute') },
    ]);
    await get('/graphql?query={ok}');
    expect(seen).toEqual(['request', 'params', 'execute']);
  });
});
