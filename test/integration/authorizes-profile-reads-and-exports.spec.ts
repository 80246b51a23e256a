import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import {
  ExportInboundSharedUserProfilePersonalDataDocument as Export,
  InboundSharedUserProfileDocument as OneInbound,
  InboundSharedUserProfilesDocument as InboundPage,
  MyProfileAndAllProfilesDocument as Mixed,
  OutboundSharedUserProfileDocument as OneOutbound,
  OutboundSharedUserProfilesDocument as OutboundPage,
  RemoveInboundSharedUserProfilePersonalDataDocument as RemoveInbound,
} from '../generated/graphql.js';
import { GatewayHarness, type GraphQLHttpResponse, errorCodes } from '../support/gateway-harness.js';

const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';
const PERSONAL_ACCOUNTS = '9188040d-6c67-4c5b-b112-36a304b66dad';
const S = 'CrossTenantUserProfileSharing';
const STORAGE = 'https://contosoexports.blob.core.example/exports?sv=2024-01-01&sig=secret';

type Claims = Record<string, unknown>;
/** A persona and the claims that replace its own. */
type Caller = [persona: 'user' | 'app', claims: Claims];
/** Sends one operation, with the bearer token when given. */
type Operation = (token?: string) => Promise<GraphQLHttpResponse<unknown>>;

const delegated = (scp: string, wids: string[] = []): Caller => ['user', { scp, wids }];
const application = (roles: string[]): Caller => ['app', { roles }];

describe('authorization of reads, listings, inbound removal and export', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.graph.resetRecording());

  const inboundUser = () => harness.graph.data.inbound[0]!.userId;
  const operation =
    <TData, TVariables>(
      document: TypedDocumentNode<TData, TVariables>,
      variables: () => TVariables,
    ): Operation =>
    (token) =>
      harness.execute(document, variables(), token);
  const call = async (send: Operation, [persona, claims]: Caller) =>
    send(await harness.token(persona, claims));

  async function expectForbiddenWithoutUpstream(send: Operation, caller: Caller) {
    const tokenRequests = { ...harness.identityProvider.stats.tokenRequests };
    const response = await call(send, caller);
    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(harness.graph.requests).toHaveLength(0);
    expect(harness.identityProvider.stats.tokenRequests).toEqual(tokenRequests);
  }

  // Reading or listing anyone's profile, and exporting: "read any".
  const readAny: Array<[string, Operation]> = [
    ['outboundSharedUserProfiles', operation(OutboundPage, () => ({ first: 1 }))],
    [
      'outboundSharedUserProfile (another user)',
      operation(OneOutbound, () => ({ userId: PERSONAS.admin.objectId })),
    ],
    ['inboundSharedUserProfiles', operation(InboundPage, () => ({ first: 1 }))],
    ['inboundSharedUserProfile', operation(OneInbound, () => ({ userId: inboundUser() }))],
    [
      'exportInboundSharedUserProfilePersonalData',
      operation(Export, () => ({ userId: inboundUser(), storageLocation: STORAGE })),
    ],
  ];
  const mayReadAny: Array<[string, Caller]> = [
    ['Read.All + Global Reader', delegated(`${S}.Read.All`, [GLOBAL_READER])],
    ['Read.All + Global Administrator', delegated(`${S}.Read.All`, [GLOBAL_ADMINISTRATOR])],
    ['ReadWrite.All + Global Reader', delegated(`${S}.ReadWrite.All`, [GLOBAL_READER])],
    ['ReadWrite.All + Global Administrator', delegated(`${S}.ReadWrite.All`, [GLOBAL_ADMINISTRATOR])],
    ['an application with Read.All', application([`${S}.Read.All`])],
    ['an application with ReadWrite.All', application([`${S}.ReadWrite.All`])],
  ];
  const mayNotReadAny: Array<[string, Caller]> = [
    ['Read.All without a directory role', delegated(`${S}.Read.All`)],
    ['ReadWrite.All without a directory role', delegated(`${S}.ReadWrite.All`)],
    ['Read with Global Administrator', delegated(`${S}.Read`, [GLOBAL_ADMINISTRATOR])],
    ['ReadWrite with Global Reader', delegated(`${S}.ReadWrite`, [GLOBAL_READER])],
    ['an unrelated scope with Global Administrator', delegated('User.Read', [GLOBAL_ADMINISTRATOR])],
    [
      'a personal account with Read.All + Global Reader',
      ['user', { scp: `${S}.Read.All`, wids: [GLOBAL_READER], tid: PERSONAL_ACCOUNTS }],
    ],
    ['an application without a role', application([])],
    ['an application with the delegated-style Read', application([`${S}.Read`])],
  ];

  describe.each(readAny)('%s', (_name, send) => {
    it.each(mayReadAny)('allows %s', async (_caller, caller) => {
      const response = await call(send, caller);
      expect(response.body.errors).toBeUndefined();
      expect(harness.graph.requests.length).toBeGreaterThan(0);
    });
    it.each(mayNotReadAny)('refuses %s with FORBIDDEN before any upstream call', async (_caller, caller) => {
      await expectForbiddenWithoutUpstream(send, caller);
    });
    it('answers 401 without a token', async () => {
      const response = await send();
      expect(response.status).toBe(401);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('own outbound profile and its tenants', () => {
    const own = operation(OneOutbound, () => ({ userId: PERSONAS.user.objectId }));
    it.each(['Read', 'ReadWrite', 'Read.All', 'ReadWrite.All'])('allows a user with %s', async (scope) => {
      const response = await harness.execute(
        OneOutbound,
        { userId: PERSONAS.user.objectId },
        await harness.token('user', { scp: `${S}.${scope}` }),
      );
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.outboundSharedUserProfile!.tenants!.edges).toHaveLength(3);
      expect(harness.graph.requests.map((request) => request.oid)).toEqual([
        PERSONAS.user.objectId,
        PERSONAS.user.objectId,
      ]);
    });
    it.each<[string, Caller]>([
      ['an unrelated scope', delegated('User.Read')],
      ['a personal account', ['user', { scp: `${S}.Read`, tid: PERSONAL_ACCOUNTS }]],
    ])('refuses %s', async (_name, caller) => {
      await expectForbiddenWithoutUpstream(own, caller);
    });
    it('refuses a user with Read for another user’s profile', async () => {
      await expectForbiddenWithoutUpstream(
        operation(OneOutbound, () => ({ userId: PERSONAS.admin.objectId })),
        delegated(`${S}.Read`),
      );
    });
  });

  describe('removeInboundSharedUserProfilePersonalData', () => {
    const remove = operation(RemoveInbound, () => ({ userId: inboundUser() }));
    it.each<[string, Caller]>([
      ['a Global Administrator with ReadWrite.All', delegated(`${S}.ReadWrite.All`, [GLOBAL_ADMINISTRATOR])],
      ['an application with ReadWrite.All', application([`${S}.ReadWrite.All`])],
    ])('allows %s', async (_name, caller) => {
      const response = await call(remove, caller);
      expect(response.body.errors).toBeUndefined();
      expect(harness.graph.requests).toHaveLength(1);
    });
    it.each<[string, Caller]>([
      ['a Global Reader with ReadWrite.All', delegated(`${S}.ReadWrite.All`, [GLOBAL_READER])],
      ['ReadWrite.All without a directory role', delegated(`${S}.ReadWrite.All`)],
      ['a Global Administrator with only Read.All', delegated(`${S}.Read.All`, [GLOBAL_ADMINISTRATOR])],
      ['a Global Administrator with only ReadWrite', delegated(`${S}.ReadWrite`, [GLOBAL_ADMINISTRATOR])],
      ['an application with Read.All', application([`${S}.Read.All`])],
    ])('refuses %s', async (_name, caller) => {
      await expectForbiddenWithoutUpstream(remove, caller);
    });
  });

  it('returns the allowed fields and FORBIDDEN for the rest of one query', async () => {
    const response = await harness.execute(
      Mixed,
      { userId: PERSONAS.user.objectId },
      await harness.token('user', { scp: `${S}.Read` }),
    );
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({
      outboundSharedUserProfile: { userId: PERSONAS.user.objectId },
      outboundSharedUserProfiles: null,
    });
    expect(response.body.errors!.map((error) => [error.extensions?.code, error.path])).toEqual([
      ['FORBIDDEN', ['outboundSharedUserProfiles']],
    ]);
    expect(harness.graph.requests.map((request) => request.path)).toEqual([
      `/directory/outboundSharedUserProfiles/${PERSONAS.user.objectId}`,
    ]);
  });

  it('answers BAD_USER_INPUT, not FORBIDDEN, for a malformed id from a caller without rights', async () => {
    const response = await harness.execute(OneInbound, { userId: '../users' }, await harness.token('user'));
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(harness.graph.requests).toHaveLength(0);
  });
});
