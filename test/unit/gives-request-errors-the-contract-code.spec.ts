import { GraphQLError, Source, parse } from 'graphql';
import { type Plugin, createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useErrorAnswers } from '../../src/server/plugins/use-error-answers.js';

type ResultHook = NonNullable<Plugin['onResultProcess']>;
type ResultPayload = Parameters<ResultHook>[0];

/** Runs the plugin's hook on `result` and returns what it set (the same object when it set nothing). */
function recoded(result: unknown): unknown {
  let current = result;
  const hook = useErrorAnswers().onResultProcess!;
  const payload = {
    result,
    setResult: (next: unknown) => {
      current = next;
    },
  };
  void hook(payload as unknown as ResultPayload);
  return current;
}

function codesOf(result: unknown): unknown[] {
  return (result as { errors: GraphQLError[] }).errors.map((error) => error.extensions.code);
}

describe('request errors get the contract’s code', () => {
  it.each([
    'GRAPHQL_PARSE_FAILED',
    'GRAPHQL_VALIDATION_FAILED',
    'BAD_REQUEST',
    'OPERATION_RESOLUTION_FAILURE',
    undefined,
  ])('yoga’s %s becomes BAD_USER_INPUT, keeping its status and message', (code) => {
    const source = new Source('{ a }');
    const document = parse(source);
    const original = new GraphQLError('it is wrong', {
      nodes: document.definitions[0]!,
      extensions: { ...(code ? { code } : {}), http: { status: 400 } },
    });
    const result = recoded({ errors: [original] }) as { errors: GraphQLError[] };
    const [error] = result.errors;
    expect(error!.message).toBe('it is wrong');
    expect(error!.extensions).toEqual({ code: 'BAD_USER_INPUT', http: { status: 400 } });
    expect(error!.locations).toEqual([{ line: 1, column: 1 }]);
  });

  it('drops yoga’s originalError, which quotes the body, and keeps the status as the error’s own', () => {
    const original = new GraphQLError('Unexpected token', {
      extensions: { http: { status: 400, spec: true }, originalError: { message: 'quotes the body' } },
    });
    const result = recoded({ errors: [original] }) as { errors: GraphQLError[] };
    expect(result.errors[0]!.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      http: { status: 400, spec: false },
    });
  });

  it('drops originalError without inventing an http extension the error did not have', () => {
    const original = new GraphQLError('x', {
      extensions: { code: 'BAD_REQUEST', originalError: { message: 'm' } },
    });
    const result = recoded({ errors: [original] }) as { errors: GraphQLError[] };
    expect(Object.keys(result.errors[0]!.extensions)).toEqual(['code']);
    // yoga's types know no null `http`; a plugin before ours could still write one.
    const withNullHttp: Record<string, unknown> = { http: null, originalError: { message: 'm' } };
    const nullHttp = new GraphQLError('x', { extensions: withNullHttp });
    expect(
      (recoded({ errors: [nullHttp] }) as { errors: GraphQLError[] }).errors[0]!.extensions.http,
    ).toBeNull();
  });

  it('leaves originalError-free http untouched', () => {
    const original = new GraphQLError('x', {
      extensions: { code: 'BAD_REQUEST', http: { status: 403, spec: true } },
    });
    const result = recoded({ errors: [original] }) as { errors: GraphQLError[] };
    expect(result.errors[0]!.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      http: { status: 403, spec: true },
    });
  });

  it('recodes only the request errors of a mixed list, in order', () => {
    const result = recoded({
      errors: [
        new GraphQLError('a', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
        new GraphQLError('b', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } }),
        new GraphQLError('c', { extensions: { code: 'RATE_LIMITED' } }),
      ],
      data: null,
    });
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'RATE_LIMITED']);
    expect((result as { data: unknown }).data).toBeNull();
  });

  it.each([
    ['a field error (with a path)', new GraphQLError('f', { path: ['viewer'] })],
    ['an unexpected error', new GraphQLError('Unexpected error.', { extensions: { unexpected: true } })],
    ['a 500', new GraphQLError('x', { extensions: { http: { status: 500 } } })],
    ['a 503', new GraphQLError('x', { extensions: { code: 'BAD_REQUEST', http: { status: 503 } } })],
    ['a contract code', new GraphQLError('x', { extensions: { code: 'FORBIDDEN' } })],
  ])('leaves %s alone', (_what, error) => {
    const result = { errors: [error] };
    expect(recoded(result)).toBe(result);
  });

  it('keeps a 499 (below 500) a request error', () => {
    expect(
      codesOf(recoded({ errors: [new GraphQLError('x', { extensions: { http: { status: 499 } } })] })),
    ).toEqual(['BAD_USER_INPUT']);
  });

  it('leaves results without errors, batches and streams alone', () => {
    const ok = { data: { a: 1 } };
    expect(recoded(ok)).toBe(ok);
    const empty = { data: { a: 1 }, errors: [] };
    expect(recoded(empty)).toBe(empty);
    const batch = [{ errors: [new GraphQLError('x')] }];
    expect(recoded(batch)).toBe(batch);
    const stream = {
      errors: [new GraphQLError('x')],
      async *[Symbol.asyncIterator]() {
        yield 1;
      },
    };
    expect(recoded(stream)).toBe(stream);
  });

  it('answers a document that does not parse with BAD_USER_INPUT through yoga', async () => {
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { a: Int }', resolvers: {} }),
      logging: false,
      plugins: [useErrorAnswers()],
    });
    const response = await yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ a' }),
    });
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors.map((error) => error.extensions.code)).toEqual(['BAD_USER_INPUT']);
  });
});
