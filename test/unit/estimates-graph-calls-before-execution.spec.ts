import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { GRAPH_CALLS_PER_FIELD, estimateOperation } from '../../src/server/paging-cost.js';

/** The estimate of a document's only (or named) operation, parsed anew (no cache shared between tests). */
function estimate(query: string, variables?: Record<string, unknown>, operationName?: string) {
  return estimateOperation(parse(query), operationName, variables);
}

const ids = (count: number) => Array.from({ length: count }, (_, index) => `id-${index}`);
const idList = (count: number) => JSON.stringify(ids(count));

const PROFILES_WITH_TENANTS = (first: string, tenantsFirst = '') => `{
  outboundSharedUserProfiles${first} { edges { node { userId tenants${tenantsFirst} { edges { node { tenantId } } } } } }
}`;

describe('Graph calls an operation may make, known before it runs', () => {
  it.each([
    ['a field that reaches no Graph', '{ viewer { kind } }', 0],
    ['one profile', '{ outboundSharedUserProfile(userId: "x") { userId } }', 1],
    [
      'two aliased profiles',
      '{ a: outboundSharedUserProfile(userId: "x") { userId } b: outboundSharedUserProfile(userId: "y") { userId } }',
      2,
    ],
    ['a page of 5 profiles, each with its tenants', PROFILES_WITH_TENANTS('(first: 5)', '(first: 3)'), 6],
    ['a page of an omitted size (20), each with its tenants', PROFILES_WITH_TENANTS(''), 21],
    ['a page of a null size (20), each with its tenants', PROFILES_WITH_TENANTS('(first: null)'), 21],
    ['a page size beyond 100, counted as 100', PROFILES_WITH_TENANTS('(first: 500)'), 101],
    ['a page size of 0, counted as 1', PROFILES_WITH_TENANTS('(first: 0)'), 2],
    ['`last` like `first`', PROFILES_WITH_TENANTS('(last: 4)'), 5],
    [
      'a page with nothing below it that calls Graph',
      '{ inboundSharedUserProfiles(first: 50) { edges { node { userId } } } }',
      1,
    ],
    [
      'fields under @skip, which count all the same',
      '{ outboundSharedUserProfile(userId: "x") @skip(if: true) { userId } }',
      1,
    ],
    ['introspection', '{ __schema { types { name } } }', 0],
    [
      'a bulk removal of 20 ids: one $batch',
      `mutation { removeInboundSharedUserProfilesPersonalData(userIds: ${idList(20)}) { results { userId } } }`,
      1,
    ],
    [
      'a bulk removal of 21 ids: two',
      `mutation { removeInboundSharedUserProfilesPersonalData(userIds: ${idList(21)}) { results { userId } } }`,
      2,
    ],
    [
      'a bulk removal of one id written without a list',
      'mutation { removeOutboundSharedUserProfilesPersonalData(userIds: "x") { results { userId } } }',
      1,
    ],
    [
      'a bulk removal with a tenant and 40 ids',
      `mutation { removeOutboundSharedUserProfilesPersonalData(tenantId: "t", userIds: ${idList(40)}) { results { userId } } }`,
      2,
    ],
    [
      'a removal and an export',
      'mutation { removeInboundSharedUserProfilePersonalData(userId: "x") { userId } exportInboundSharedUserProfilePersonalData(userId: "x", storageLocation: "https://s") { userId } }',
      2,
    ],
  ])('%s: %i', (_what, query, graphCalls) => {
    expect(estimate(query)).toEqual({ cost: undefined, graphCalls });
  });

  it('counts what fragments select, once per spread', () => {
    const fragment =
      'fragment F on Query { outboundSharedUserProfiles(first: 2) { edges { node { tenants { edges { node { tenantId } } } } } } }';
    expect(estimate(`{ ...F } ${fragment}`)?.graphCalls).toBe(3);
    expect(
      estimate(`{ ...F a: outboundSharedUserProfile(userId: "x") { userId } } ${fragment}`)?.graphCalls,
    ).toBe(4);
    expect(estimate(`{ ... on Query { ...F } } ${fragment}`)?.graphCalls).toBe(3);
    expect(
      estimate(
        `{ outboundSharedUserProfiles(first: 4) { ...E } } fragment E on OutboundSharedUserProfileConnection { edges { node { tenants { edges { node { tenantId } } } } } }`,
      )?.graphCalls,
    ).toBe(5);
    // A spread of a fragment the document does not define costs nothing (validation refuses it).
    expect(estimate('{ ...Missing }')).toEqual({ cost: undefined, graphCalls: 0 });
  });

  it('reads page sizes and ids from variables, and then gives armor’s cost too', () => {
    const paged = 'query ($n: Int) { outboundSharedUserProfiles(first: $n) { edges { node { userId } } } }';
    // armor's model: node 2 + 1.5·1, edges 2 + 1.5·3.5, the connection (2 + 1.5·7.25) × 7.
    expect(estimate(paged, { n: 7 })).toEqual({ cost: 90.125, graphCalls: 1 });
    expect(estimate(paged, {})).toEqual({ cost: 12.875, graphCalls: 1 });
    expect(estimate(paged, { n: 'seven' })).toEqual({ cost: 12.875, graphCalls: 1 });
    expect(estimate(paged, null as unknown as undefined)).toEqual({ cost: 12.875, graphCalls: 1 });

    const withDefault =
      'query ($n: Int = 4) { outboundSharedUserProfiles(first: $n) { edges { node { tenants { edges { node { tenantId } } } } } } }';
    expect(estimate(withDefault)?.graphCalls).toBe(5);
    expect(estimate(withDefault, { n: 9 })?.graphCalls).toBe(10);
    const stringDefault =
      'query ($n: String = "4") { outboundSharedUserProfiles(first: $n) { edges { node { tenants { edges { node { tenantId } } } } } } }';
    expect(estimate(stringDefault)?.graphCalls).toBe(21);

    const bulk =
      'mutation ($ids: [ID!]!) { removeInboundSharedUserProfilesPersonalData(userIds: $ids) { results { userId } } }';
    expect(estimate(bulk, { ids: ids(41) })?.graphCalls).toBe(3);
    expect(estimate(bulk, { ids: [] })?.graphCalls).toBe(1);
    expect(estimate(bulk, { ids: 'x' })?.graphCalls).toBe(1);
    // Ids alone change no page size: armor's cost, judged while validating, stands.
    expect(estimate(bulk, { ids: ids(5) })?.cost).toBeUndefined();
  });

  it('gives introspection no cost, and fragments armor’s cost', () => {
    const paged = 'outboundSharedUserProfiles(first: $n) { edges { node { userId } } }';
    expect(estimate(`query ($n: Int) { __schema { types { name } } ${paged} }`, { n: 7 })?.cost).toBe(90.125);
    // The spread: 1 + 1.5 × the fragment (2 + 1.5 × 90.125).
    expect(estimate(`query ($n: Int) { ...F } fragment F on Query { ${paged} }`, { n: 7 })?.cost).toBe(
      206.78125,
    );
  });

  it('reads the default of the variable named, not of another', () => {
    const query =
      'query ($a: Int = 3, $n: Int = 4) { outboundSharedUserProfiles(first: $n) { edges { node { tenants { edges { node { tenantId } } } } } } }';
    expect(estimate(query)?.graphCalls).toBe(5);
  });

  it('estimates a bulk whose ids are a variable anew for each request', () => {
    const document = parse(
      'mutation ($ids: [ID!]!) { removeInboundSharedUserProfilesPersonalData(userIds: $ids) { results { userId } } }',
    );
    expect(estimateOperation(document, undefined, { ids: ids(41) })?.graphCalls).toBe(3);
    expect(estimateOperation(document, undefined, { ids: ids(5) })?.graphCalls).toBe(1);
  });

  it('estimates a document paged by variables anew for each request', () => {
    const document = parse(
      'query ($n: Int) { outboundSharedUserProfiles(first: $n) { edges { node { tenants { edges { node { tenantId } } } } } } }',
    );
    expect(estimateOperation(document, undefined, { n: 2 })?.graphCalls).toBe(3);
    expect(estimateOperation(document, undefined, { n: 3 })?.graphCalls).toBe(4);
  });

  it('gives a variable of another field (not a page size, not a bulk) no say', () => {
    const query = 'query ($id: ID!) { outboundSharedUserProfile(userId: $id) { userId } }';
    expect(estimate(query, { id: 'x' })).toEqual({ cost: undefined, graphCalls: 1 });
  });

  it('remembers the estimate of a document without variables, per operation', () => {
    const document = parse(
      'query A { viewer { kind } } query B { outboundSharedUserProfile(userId: "x") { userId } }',
    );
    const first = estimateOperation(document, 'B', undefined);
    expect(first).toEqual({ cost: undefined, graphCalls: 1 });
    expect(estimateOperation(document, 'B', undefined)).toBe(first);
    expect(estimateOperation(document, 'A', undefined)).toEqual({ cost: undefined, graphCalls: 0 });
  });

  it('knows no estimate for an operation the document does not have', () => {
    const document = parse('query A { viewer { kind } }');
    expect(estimateOperation(document, 'Nope', undefined)).toBeUndefined();
    expect(estimateOperation(document, 'Nope', undefined)).toBeUndefined();
    expect(
      estimateOperation(
        parse('query A { viewer { kind } } query B { viewer { kind } }'),
        undefined,
        undefined,
      ),
    ).toBeUndefined();
  });

  it('lists every field that calls Graph, with its kind of cost', () => {
    expect(GRAPH_CALLS_PER_FIELD).toEqual({
      outboundSharedUserProfiles: 'one',
      outboundSharedUserProfile: 'one',
      tenants: 'one',
      inboundSharedUserProfiles: 'one',
      inboundSharedUserProfile: 'one',
      removeOutboundSharedUserProfilePersonalData: 'one',
      removeInboundSharedUserProfilePersonalData: 'one',
      exportInboundSharedUserProfilePersonalData: 'one',
      removeOutboundSharedUserProfilesPersonalData: 'per-batch-of-ids',
      removeInboundSharedUserProfilesPersonalData: 'per-batch-of-ids',
    });
  });
});
