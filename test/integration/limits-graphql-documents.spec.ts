import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import {
  OutboundSharedUserProfilesWithTenantsDocument as WithTenants,
  RemoveOutboundSharedUserProfilesPersonalDataDocument as BulkRemove,
  RemoveOutboundSharedUserProfilePersonalDataDocument as Remove,
} from '../generated/graphql.js';
import { GatewayHarness, type GraphQLHttpResponse, errorCodes } from '../support/gateway-harness.js';

const USER = PERSONAS.user.objectId;
const removal = (alias: string) =>
  `${alias}: removeOutboundSharedUserProfilePersonalData(userId: "${USER}") { userId }`;
const aliasedRemovals = (count: number) =>
  `mutation { ${Array.from({ length: count }, (_, i) => removal(`r${i}`)).join(' ')} }`;
const nestedTypes = (levels: number) =>
  `{ __type(name: "Query") { ${'fields { type { '.repeat(levels)}name${' } }'.repeat(levels)} } }`;
const pagesOfProfilesWithTenants = (alias: string, first: string, tenantsFirst: string) =>
  `${alias}: outboundSharedUserProfiles(first: ${first}) { edges { node { userId tenants(first: ${tenantsFirst}) { edges { node { tenantId } } } } } }`;
const profilesWithTenants = (first: number, tenantsFirst: number) =>
  `{ ${pagesOfProfilesWithTenants('profiles', String(first), String(tenantsFirst))} }`;
/** Four of the largest pages of profiles, each with the largest pages of tenants. */
const costBomb = (first: string, tenantsFirst: string) =>
  `{ ${['a', 'b', 'c', 'd'].map((alias) => pagesOfProfilesWithTenants(alias, first, tenantsFirst)).join(' ')} }`;

/** Refused as the contract says (BAD_USER_INPUT), with `reason` in a message, and Graph never called. */
function expectRefused(
  harness: GatewayHarness,
  response: GraphQLHttpResponse<unknown>,
  reason: RegExp,
): void {
  expect(response.status).toBeLessThan(500);
  expect(response.body.data ?? null).toBeNull();
  const refusals = (response.body.errors ?? []).filter(
    (error) => error.extensions?.code === 'BAD_USER_INPUT',
  );
  expect(refusals.map((error) => error.message).join('\n')).toMatch(reason);
  expect(harness.graph.requests).toHaveLength(0);
}

describe('document limits, with the defaults', () => {
  let harness: GatewayHarness;
  let admin: string;
  let reader: string;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { RATE_LIMIT_OPERATIONS_PER_MINUTE: '10000' } });
    [admin, reader] = await Promise.all([harness.token('admin'), harness.token('reader')]);
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.graph.resetRecording());

  it('documents its defaults', () => {
    expect(harness.config.documentLimits).toEqual({
      enabled: true,
      maxDepth: 10,
      maxAliases: 15,
      maxTokens: 1000,
      maxDirectives: 50,
      maxCost: 1_000_000,
      maxGraphCalls: 101,
      maxListItems: 1000,
      maxMutationFields: 1,
    });
  });

  it('has the defaults docs/configuration.md documents', () => {
    // Read from the configuration page's table, so that the code and the documentation cannot
    // drift apart; the literals above pin both to the numbers the issue was reviewed against.
    const readme = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const documented = (name: string) => {
      const row = new RegExp(`^\\| \`${name}\`\\s*\\|[^\\n]*\\| \`(\\d+)\`\\s*\\|$`, 'm').exec(readme);
      expect(row, `${name} in docs/configuration.md`).not.toBeNull();
      return Number(row![1]);
    };
    expect(loadConfig({ ...harness.services.env }).documentLimits).toEqual({
      enabled: true,
      maxDepth: documented('MAX_DEPTH'),
      maxAliases: documented('MAX_ALIASES'),
      maxTokens: documented('MAX_TOKENS'),
      maxDirectives: documented('MAX_DIRECTIVES'),
      maxCost: documented('MAX_COST'),
      maxGraphCalls: documented('MAX_GRAPH_CALLS'),
      maxListItems: documented('MAX_LIST_ITEMS'),
      maxMutationFields: documented('MAX_MUTATION_FIELDS'),
    });
  });

  it('refuses an alias bomb of removals without a single upstream call', async () => {
    const response = await harness.post({ query: aliasedRemovals(50) }, admin);
    expectRefused(harness, response, /Aliases limit of 15 exceeded, found 50/);
    expect(harness.identityProvider.stats.tokenRequests.on_behalf_of).toBe(0);
  });

  it('refuses two aliased removals in one mutation: one irreversible action per request', async () => {
    expectRefused(harness, await harness.post({ query: aliasedRemovals(2) }, admin), /at most 1 field/);
  });

  it('refuses a document again when it is repeated: validation results are remembered, refusals included', async () => {
    for (let i = 0; i < 3; i += 1) {
      expectRefused(harness, await harness.post({ query: aliasedRemovals(50) }, admin), /Aliases limit/);
      expectRefused(harness, await harness.post({ query: aliasedRemovals(2) }, admin), /at most 1 field/);
    }
    expect(harness.identityProvider.stats.tokenRequests.on_behalf_of).toBe(0);
  });

  it('refuses an alias bomb of profile reads', async () => {
    const reads = Array.from(
      { length: 40 },
      (_, i) => `p${i}: outboundSharedUserProfile(userId: "${USER}") { userId }`,
    );
    expectRefused(harness, await harness.post({ query: `{ ${reads.join(' ')} }` }, reader), /Aliases limit/);
  });

  it('refuses a depth bomb', async () => {
    expectRefused(
      harness,
      await harness.post({ query: nestedTypes(15) }, reader),
      /depth limit of 10 exceeded/,
    );
  });

  it('refuses a token-count bomb at parse time, again when repeated', async () => {
    const bomb = { query: `{ viewer { ${'kind '.repeat(5_000)}} }` };
    for (let i = 0; i < 2; i += 1) {
      expectRefused(harness, await harness.post(bomb, reader), /Token limit of 1000 exceeded/);
    }
  });

  it('refuses a directive bomb', async () => {
    const query = `{ ${'__typename @skip(if: false) '.repeat(60)}}`;
    expectRefused(
      harness,
      await harness.post({ query }, reader),
      /Directives limit of 50 exceeded, found 60/,
    );
  });

  it('refuses a cost bomb of nested pages written in the document', async () => {
    const response = await harness.post({ query: costBomb('100', '100') }, reader);
    expectRefused(harness, response, /Cost limit of 1000000 exceeded/);
  });

  it('refuses the same cost bomb when the page sizes come as variables', async () => {
    const query = `query Bomb($first: Int, $tenantsFirst: Int) ${costBomb('$first', '$tenantsFirst')}`;
    const response = await harness.post({ query, variables: { first: 100, tenantsFirst: 100 } }, reader);
    expectRefused(harness, response, /Cost limit of 1000000 exceeded/);
  });

  it('lets the largest single page of profiles with the largest pages of tenants through', async () => {
    const response = await harness.execute(WithTenants, { first: 100, tenantsFirst: 100 }, reader);
    expect(errorCodes(response)).toEqual([]);
  });

  it('answers a page of profiles with their tenants within the cost limit', async () => {
    const response = await harness.execute(WithTenants, { first: 30, tenantsFirst: 5 }, reader);
    expect(errorCodes(response)).toEqual([]);
    expect(response.body.data?.outboundSharedUserProfiles?.edges.length).toBeGreaterThan(0);
  });

  it('caps list arguments, passed as variables or written in the document', async () => {
    const ids = Array.from({ length: 1001 }, () => USER);
    expectRefused(
      harness,
      await harness.execute(BulkRemove, { userIds: ids }, admin),
      /at most 1000 items, found 1001/,
    );
    // Written out, that many ids also run into the token limit, which is checked first.
    const literal = `mutation { removeOutboundSharedUserProfilesPersonalData(userIds: [${ids.map((id) => `"${id}"`).join(',')}]) { accepted } }`;
    expectRefused(
      harness,
      await harness.post({ query: literal }, admin),
      /Token limit of 1000 exceeded|at most 1000 items/,
    );
  });

  it('lets ordinary operations through', async () => {
    const response = await harness.execute(Remove, { userId: USER }, admin);
    expect(errorCodes(response)).toEqual([]);
    expect(harness.graph.requests).toHaveLength(1);
  });
});

describe('document limits, configured', () => {
  let harness: GatewayHarness;
  let reader: string;
  beforeAll(async () => {
    harness = await GatewayHarness.start({
      env: {
        MAX_DEPTH: '5',
        MAX_ALIASES: '2',
        MAX_TOKENS: '40',
        MAX_DIRECTIVES: '2',
        MAX_COST: '100',
        MAX_LIST_ITEMS: '3',
        MAX_MUTATION_FIELDS: '2',
      },
    });
    reader = await harness.token('reader');
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.graph.resetRecording());

  it.each([
    ['MAX_DEPTH', profilesWithTenants(1, 1), /depth limit of 5 exceeded/],
    ['MAX_ALIASES', '{ a: viewer { kind } b: viewer { kind } c: viewer { kind } }', /Aliases limit of 2/],
    ['MAX_TOKENS', `{ viewer { ${'kind '.repeat(40)}} }`, /Token limit of 40/],
    [
      'MAX_DIRECTIVES',
      '{ viewer { kind @skip(if: false) userId @skip(if: false) tenantId @skip(if: false) } }',
      /Directives limit of 2/,
    ],
    [
      'MAX_COST',
      '{ outboundSharedUserProfiles(first: 50) { edges { cursor } } }',
      /Cost limit of 100 exceeded/,
    ],
    ['MAX_MUTATION_FIELDS', aliasedRemovals(3).replace(/r2: /, ''), /at most 2 field/],
  ])('applies %s', async (_variable, query, reason) => {
    expectRefused(harness, await harness.post({ query }, await harness.token('admin')), reason);
  });

  it('applies MAX_LIST_ITEMS', async () => {
    const query =
      'mutation($ids: [ID!]!) { removeOutboundSharedUserProfilesPersonalData(userIds: $ids) { accepted } }';
    const response = await harness.post({ query, variables: { ids: [USER, USER, USER, USER] } }, reader);
    expectRefused(harness, response, /at most 3 items, found 4/);
  });
});

describe('document limits, turned off (DOCUMENT_LIMITS=false)', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { DOCUMENT_LIMITS: 'false' } });
  });
  afterAll(() => harness.close());

  it('answers a document the defaults would refuse', async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `v${i}: viewer { kind }`).join(' ');
    const response = await harness.post({ query: `{ ${aliases} }` }, await harness.token('reader'));
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toMatchObject({ v19: { kind: 'USER' } });
  });
});
