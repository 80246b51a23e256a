import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_DAEMON_CLIENT_ID,
  DEMO_FRONTEND_CLIENT_ID,
  DEMO_TENANT_ID,
  PERSONAS,
  PROFILE_SHARING_PERMISSIONS,
} from '@shared-profile-gateway/emulators';
import { PERSONAL_ACCOUNTS_TENANT } from '../../src/auth/caller.js';
import { dueDate } from '../../src/ledger/settling.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';
import { LOOSE_LIMITS } from '../support/loose-limits.js';
import {
  type BulkView,
  type RequestView,
  EXPORT_INBOUND,
  REMOVE_INBOUND,
  REMOVE_OUTBOUND,
  REMOVE_OUTBOUND_BULK,
  REQUEST_BY_ID,
  REQUEST_FIELDS,
  listRequests,
  readRequest,
  requestUuid,
} from '../support/personal-data-requests.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SAS_QUERY = 'sv=2024-01-01&sr=c&sp=w&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D';
const STORAGE_PATH = 'https://contosoexports.blob.core.example/exports/gdpr';
const unknownId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

type Payload = { upstreamRequestId: string | null; request: RequestView };

describe('the ledger records every personal-data request', () => {
  let harness: GatewayHarness;
  const tokens = {} as Record<'user' | 'admin' | 'reader' | 'app', string>;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: LOOSE_LIMITS });
    for (const persona of ['user', 'admin', 'reader', 'app'] as const) {
      tokens[persona] = await harness.token(persona);
    }
  });
  afterAll(() => harness?.close());
  beforeEach(() => {
    harness.graph.faults.clear();
    harness.graph.resetRecording();
  });

  async function removeOutbound(token: string, userId: string, tenantId?: string): Promise<Payload> {
    const response = await harness.post<{ removeOutboundSharedUserProfilePersonalData: Payload }>(
      { query: REMOVE_OUTBOUND, variables: { userId, tenantId } },
      token,
    );
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.removeOutboundSharedUserProfilePersonalData;
  }

  async function bulk(token: string, userIds: string[]): Promise<BulkView> {
    const response = await harness.post<{ removeOutboundSharedUserProfilesPersonalData: BulkView }>(
      { query: REMOVE_OUTBOUND_BULK, variables: { userIds } },
      token,
    );
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.removeOutboundSharedUserProfilesPersonalData;
  }

  const rowOf = async (id: string) =>
    (await harness.database.query('SELECT * FROM personal_data_requests WHERE id = $1', [requestUuid(id)]))
      .rows[0] as Record<string, unknown> | undefined;
  const attemptsOf = async (id: string) =>
    (
      await harness.database.query(
        'SELECT * FROM personal_data_request_attempts WHERE request_id = $1 ORDER BY kind, attempt',
        [requestUuid(id)],
      )
    ).rows as Array<Record<string, unknown>>;

  describe('recording', () => {
    it('answers a single removal with its request, settled, and writes it and its attempt', async () => {
      const userId = PERSONAS.user.objectId;
      const before = Date.now();
      const payload = await removeOutbound(tokens.user, userId);
      const { request } = payload;

      expect(request).toMatchObject({
        operation: 'REMOVE_OUTBOUND',
        userId,
        tenantId: null,
        batchId: null,
        requestedBy: {
          kind: 'USER',
          userId: PERSONAS.user.objectId,
          tenantId: DEMO_TENANT_ID,
          clientId: DEMO_FRONTEND_CLIENT_ID,
        },
        status: 'SUCCEEDED',
        attempts: 1,
        error: null,
        export: null,
      });
      const requestedAt = Date.parse(request.requestedAt);
      expect(requestedAt).toBeGreaterThanOrEqual(before - 1);
      expect(requestedAt).toBeLessThanOrEqual(Date.now());
      expect(request.dueAt).toBe(dueDate(new Date(requestedAt)).toISOString());
      const days = (Date.parse(request.dueAt) - requestedAt) / 86_400_000;
      expect(days).toBeGreaterThanOrEqual(28);
      expect(days).toBeLessThanOrEqual(31);
      expect(Date.parse(request.completedAt!)).toBeGreaterThanOrEqual(requestedAt);
      expect(request.upstreamRequestId).toMatch(GUID);
      expect(request.upstreamRequestId).toBe(payload.upstreamRequestId);
      expect(requestUuid(request.id)).toMatch(GUID);

      const [call] = harness.graph.requests;
      expect(harness.graph.requests).toHaveLength(1);
      expect(call!.clientRequestId).toMatch(GUID);

      expect(await rowOf(request.id)).toMatchObject({
        operation: 'REMOVE_OUTBOUND',
        user_id: userId,
        tenant_id: null,
        batch_id: null,
        requester_kind: 'USER',
        requester_id: PERSONAS.user.objectId,
        requester_tenant_id: DEMO_TENANT_ID,
        requester_client_id: DEMO_FRONTEND_CLIENT_ID,
        status: 'SUCCEEDED',
        attempts: 1,
        upstream_request_id: request.upstreamRequestId,
        requested_at: new Date(request.requestedAt),
        due_at: new Date(request.dueAt),
        leased_by: null,
        leased_until: null,
        error_code: null,
      });
      const attempts = await attemptsOf(request.id);
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({
        attempt: 1,
        kind: 'SEND',
        http_status: 204,
        upstream_request_id: request.upstreamRequestId,
        client_request_id: call!.clientRequestId,
        error_code: null,
      });
      expect(attempts[0]!.answered_at).toBeInstanceOf(Date);
      expect(attempts[0]!.sent_by).toEqual(expect.any(String));
    });

    it('records the tenant of a tenant-scoped removal', async () => {
      const userId = PERSONAS.user.objectId;
      const tenantId = harness.graph.data.outbound.find((p) => p.userId === userId)!.tenantIds[0]!;
      const { request } = await removeOutbound(tokens.user, userId, tenantId.toUpperCase());

      expect(request).toMatchObject({ status: 'SUCCEEDED', tenantId: tenantId.toLowerCase() });
      expect(await rowOf(request.id)).toMatchObject({ tenant_id: tenantId.toLowerCase() });
      expect(harness.graph.requests.map((call) => call.path)).toEqual([expect.stringContaining(`/tenants/`)]);
    });

    it('records an inbound removal as REMOVE_INBOUND, requested by the application', async () => {
      const userId = harness.graph.data.inbound[2]!.userId;
      const response = await harness.post<{ removeInboundSharedUserProfilePersonalData: Payload }>(
        { query: REMOVE_INBOUND, variables: { userId } },
        tokens.app,
      );
      expect(response.body.errors).toBeUndefined();
      const { request } = response.body.data!.removeInboundSharedUserProfilePersonalData;
      expect(request).toMatchObject({
        operation: 'REMOVE_INBOUND',
        userId: userId.toLowerCase(),
        status: 'SUCCEEDED',
        requestedBy: {
          kind: 'APPLICATION',
          userId: PERSONAS.app.objectId,
          tenantId: DEMO_TENANT_ID,
          clientId: DEMO_DAEMON_CLIENT_ID,
        },
      });
      expect(await rowOf(request.id)).toMatchObject({
        operation: 'REMOVE_INBOUND',
        requester_kind: 'APPLICATION',
      });
    });

    it('records a failed removal as FAILED with the contract’s error', async () => {
      const response = await harness.post<{ removeOutboundSharedUserProfilePersonalData: Payload }>(
        { query: REMOVE_OUTBOUND, variables: { userId: unknownId(77) } },
        tokens.admin,
      );
      expect(errorCodes(response)).toEqual(['NOT_FOUND']);
      const requestId = response.body.errors![0]!.extensions!.requestId as string;
      const request = await readRequest(harness, requestId, tokens.admin);
      expect(request).toMatchObject({
        status: 'FAILED',
        attempts: 1,
        error: { code: 'NOT_FOUND' },
        upstreamRequestId: response.body.errors![0]!.extensions!.upstreamRequestId,
      });
      expect(request!.completedAt).not.toBeNull();
      expect((await attemptsOf(requestId))[0]).toMatchObject({ http_status: 404, error_code: 'NOT_FOUND' });
    });

    it('gives a bulk a batchId and each recorded id a request; refused ids are not requests', async () => {
      const [first, second] = harness.graph.data.outbound.map((profile) => profile.userId);
      const userIds = [first!, first!.toUpperCase(), 'not-a-guid', second!, first!];

      const payload = await bulk(tokens.admin, userIds);

      expect(payload.batchId).toMatch(GUID);
      expect(payload.results.map((result) => result.userId)).toEqual(userIds);
      const [a, aUpper, malformed, b, aAgain] = payload.results;
      expect(malformed).toMatchObject({ ok: false, requestId: null, error: { code: 'BAD_USER_INPUT' } });
      expect(a!.requestId).toEqual(expect.any(String));
      expect(aUpper!.requestId).toBe(a!.requestId);
      expect(aAgain!.requestId).toBe(a!.requestId);
      expect(b!.requestId).not.toBe(a!.requestId);

      const { rows } = await harness.database.query(
        'SELECT id, user_id, batch_id, status FROM personal_data_requests WHERE batch_id = $1 ORDER BY user_id',
        [payload.batchId],
      );
      expect(rows).toEqual(
        [
          { id: requestUuid(a!.requestId!), user_id: first!.toLowerCase() },
          { id: requestUuid(b!.requestId!), user_id: second!.toLowerCase() },
        ]
          .sort((x, y) => x.user_id.localeCompare(y.user_id))
          .map((row) => ({ ...row, batch_id: payload.batchId, status: 'SUCCEEDED' })),
      );
      const request = await readRequest(harness, a!.requestId!, tokens.admin);
      expect(request).toMatchObject({ batchId: payload.batchId, status: 'SUCCEEDED', attempts: 1 });
      expect(harness.graph.requests.filter((call) => call.viaBatch)).toHaveLength(2);
    });

    it('records no request for an id the caller may not remove', async () => {
      const own = PERSONAS.user.objectId;
      const payload = await bulk(tokens.user, [own, PERSONAS.admin.objectId]);

      expect(
        payload.results.map((result) => [result.ok, result.error?.code ?? null, result.requestId !== null]),
      ).toEqual([
        [true, null, true],
        [false, 'FORBIDDEN', false],
      ]);
      const { rows } = await harness.database.query(
        'SELECT user_id FROM personal_data_requests WHERE batch_id = $1',
        [payload.batchId],
      );
      expect(rows).toEqual([{ user_id: own }]);
    });
  });

  describe('who sees what', () => {
    let adminAboutUser: string;
    let userOwn: string;
    let adminOwnAboutOther: string;

    beforeAll(async () => {
      adminAboutUser = (await removeOutbound(tokens.admin, PERSONAS.user.objectId)).request.id;
      userOwn = (await removeOutbound(tokens.user, PERSONAS.user.objectId)).request.id;
      adminOwnAboutOther = (await removeOutbound(tokens.admin, harness.graph.data.outbound[3]!.userId))
        .request.id;
    });

    const allRows = async () =>
      (
        await harness.database.query<{ count: number }>(
          'SELECT count(*)::int AS count FROM personal_data_requests',
        )
      ).rows[0]!.count;

    it('shows a user the requests they made and those about them, and nothing else', async () => {
      expect(await readRequest(harness, userOwn, tokens.user)).toMatchObject({ id: userOwn });
      expect(await readRequest(harness, adminAboutUser, tokens.user)).toMatchObject({
        id: adminAboutUser,
        requestedBy: { userId: PERSONAS.admin.objectId },
        userId: PERSONAS.user.objectId,
      });
      expect(await readRequest(harness, adminOwnAboutOther, tokens.user)).toBeNull();

      const listing = (await listRequests(harness, tokens.user, { first: 100 })).body.data!
        .personalDataRequests!;
      const { rows } = await harness.database.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM personal_data_requests WHERE requester_id = $1 OR user_id = $1',
        [PERSONAS.user.objectId],
      );
      expect(listing.totalCount).toBe(rows[0]!.count);
      expect(listing.edges).toHaveLength(rows[0]!.count);
      for (const { node } of listing.edges) {
        expect([node.userId, node.requestedBy.userId]).toContain(PERSONAS.user.objectId);
      }
      const ids = listing.edges.map((edge) => edge.node.id);
      expect(ids).toEqual(expect.arrayContaining([userOwn, adminAboutUser]));
      expect(ids).not.toContain(adminOwnAboutOther);
    });

    it('shows another user none of them, as null and an empty page, never an error', async () => {
      const other = await harness.token('user', { oid: randomUUID() });
      for (const id of [userOwn, adminAboutUser, adminOwnAboutOther]) {
        const one = await harness.post<{ personalDataRequest: unknown }>(
          { query: REQUEST_BY_ID, variables: { id } },
          other,
        );
        expect(one.body).toEqual({ data: { personalDataRequest: null } });
        const node = await harness.post(
          { query: 'query ($id: ID!) { node(id: $id) { id } }', variables: { id } },
          other,
        );
        expect(node.body).toEqual({ data: { node: null } });
      }
      const listing = await listRequests(harness, other, { first: 100 });
      expect(listing.body.errors).toBeUndefined();
      expect(listing.body.data!.personalDataRequests).toMatchObject({
        totalCount: 0,
        edges: [],
        pageInfo: { hasNextPage: false, endCursor: null },
      });
    });

    it('shows a delegated caller with Read.All but no directory role only their own', async () => {
      const readerWithoutRole = await harness.token('reader', { wids: [] });
      expect(await readRequest(harness, adminAboutUser, readerWithoutRole)).toBeNull();
      const listing = (await listRequests(harness, readerWithoutRole)).body.data!.personalDataRequests!;
      expect(listing.totalCount).toBe(0);
    });

    it.each(['admin', 'reader', 'app'] as const)('shows the %s persona every request', async (persona) => {
      for (const id of [userOwn, adminAboutUser, adminOwnAboutOther]) {
        expect(await readRequest(harness, id, tokens[persona])).toMatchObject({ id });
      }
      const listing = (await listRequests(harness, tokens[persona], { first: 100 })).body.data!
        .personalDataRequests!;
      expect(listing.totalCount).toBe(await allRows());
    });

    it('shows an application with the Read.All role every request', async () => {
      const readApp = await harness.token('app', { roles: [PROFILE_SHARING_PERMISSIONS.readAll] });
      expect(await readRequest(harness, userOwn, readApp)).toMatchObject({ id: userOwn });
      const noRoleApp = await harness.token('app', { roles: [] });
      expect(await readRequest(harness, userOwn, noRoleApp)).toBeNull();
    });

    it('answers 401 UNAUTHENTICATED without a token', async () => {
      for (const body of [
        { query: REQUEST_BY_ID, variables: { id: userOwn } },
        { query: 'query { personalDataRequests { totalCount } }' },
        { query: 'query ($id: ID!) { node(id: $id) { id } }', variables: { id: userOwn } },
      ]) {
        const response = await harness.post(body);
        expect(response.status).toBe(401);
        expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
      }
    });

    it('refuses a personal Microsoft account with FORBIDDEN', async () => {
      const personal = await harness.token('admin', { tid: PERSONAL_ACCOUNTS_TENANT });
      for (const body of [
        { query: REQUEST_BY_ID, variables: { id: userOwn } },
        { query: 'query { personalDataRequests { totalCount } }' },
        { query: 'query ($id: ID!) { node(id: $id) { id } }', variables: { id: userOwn } },
      ]) {
        const response = await harness.post(body, personal);
        expect(errorCodes(response)).toEqual(['FORBIDDEN']);
        expect(JSON.stringify(response.body.data ?? null)).not.toContain('SUCCEEDED');
      }
    });
  });

  describe('personalDataRequests', () => {
    // Requests of one dedicated requester, so that counts do not depend on other tests.
    let requester: string;
    let requesterId: string;
    const made: string[] = [];

    beforeAll(async () => {
      requesterId = randomUUID();
      requester = await harness.token('admin', { oid: requesterId });
      for (const profile of harness.graph.data.outbound.slice(0, 5)) {
        made.push((await removeOutbound(requester, profile.userId)).request.id);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    });

    const mine = (filter: Record<string, unknown> = {}) => ({ requestedBy: requesterId, ...filter });

    it('lists newest first with totalCount', async () => {
      const response = await listRequests(harness, requester, { first: 100, filter: mine() });
      expect(response.body.errors).toBeUndefined();
      const listing = response.body.data!.personalDataRequests!;
      expect(listing.totalCount).toBe(5);
      expect(listing.edges.map((edge) => edge.node.id)).toEqual([...made].reverse());
      const times = listing.edges.map((edge) => Date.parse(edge.node.requestedAt));
      expect([...times].sort((x, y) => y - x)).toEqual(times);
      expect(listing.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    });

    it('pages through every request with cursors, without duplicates', async () => {
      // Every request of the ledger, as an admin sees them, two at a time.
      const all = (await listRequests(harness, tokens.admin, { first: 100 })).body.data!
        .personalDataRequests!;
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 100; page += 1) {
        const response = await listRequests(harness, tokens.admin, { first: 2, ...(after ? { after } : {}) });
        expect(response.body.errors).toBeUndefined();
        const listing = response.body.data!.personalDataRequests!;
        expect(listing.totalCount).toBe(all.totalCount);
        expect(listing.edges.length).toBeLessThanOrEqual(2);
        expect(listing.pageInfo.hasPreviousPage).toBe(after !== undefined);
        seen.push(...listing.edges.map((edge) => edge.node.id));
        if (!listing.pageInfo.hasNextPage) break;
        expect(listing.edges).toHaveLength(2);
        after = listing.pageInfo.endCursor!;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(all.edges.map((edge) => edge.node.id));
      expect(seen).toHaveLength(all.totalCount);
    });

    it.each([0, -1, 101, 1000])('refuses first: %i with BAD_USER_INPUT', async (first) => {
      const response = await listRequests(harness, requester, { first });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.data?.personalDataRequests ?? null).toBeNull();
    });

    it.each([1, 100])('takes first: %i', async (first) => {
      const response = await listRequests(harness, requester, { first, filter: mine() });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.personalDataRequests!.edges).toHaveLength(Math.min(first, 5));
    });

    it('refuses a cursor of another connection, and a forged one, with BAD_USER_INPUT', async () => {
      const profiles = await harness.post<{
        inboundSharedUserProfiles: { pageInfo: { endCursor: string } };
      }>({ query: 'query { inboundSharedUserProfiles(first: 1) { pageInfo { endCursor } } }' }, tokens.admin);
      const foreign = profiles.body.data!.inboundSharedUserProfiles.pageInfo.endCursor;
      expect(foreign).toEqual(expect.any(String));
      const own = (await listRequests(harness, requester, { first: 1 })).body.data!.personalDataRequests!
        .pageInfo.endCursor!;
      for (const after of [foreign, 'not-a-cursor', `${own.slice(0, -2)}AA`, '']) {
        const response = await listRequests(harness, requester, { first: 1, after });
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      }
    });

    it('filters by status, operation, userId, requestedBy and batchId', async () => {
      const failed = await harness.post(
        { query: REMOVE_OUTBOUND, variables: { userId: unknownId(91) } },
        requester,
      );
      expect(errorCodes(failed)).toEqual(['NOT_FOUND']);
      const inbound = await harness.post(
        { query: REMOVE_INBOUND, variables: { userId: harness.graph.data.inbound[7]!.userId } },
        requester,
      );
      expect(inbound.body.errors).toBeUndefined();
      const batch = await bulk(
        requester,
        harness.graph.data.outbound.slice(5, 8).map((p) => p.userId),
      );

      const count = async (filter: Record<string, unknown>) => {
        const response = await listRequests(harness, requester, { first: 100, filter });
        expect(response.body.errors).toBeUndefined();
        const listing = response.body.data!.personalDataRequests!;
        expect(listing.edges).toHaveLength(listing.totalCount);
        return listing;
      };

      expect((await count(mine())).totalCount).toBe(10);
      const failedOnes = await count(mine({ status: ['FAILED'] }));
      expect(failedOnes.edges.map((edge) => [edge.node.status, edge.node.userId])).toEqual([
        ['FAILED', unknownId(91)],
      ]);
      expect((await count(mine({ status: ['FAILED', 'SUCCEEDED'] }))).totalCount).toBe(10);
      expect((await count(mine({ status: ['PENDING'] }))).totalCount).toBe(0);
      const inboundOnes = await count(mine({ operation: ['REMOVE_INBOUND'] }));
      expect(inboundOnes.edges.map((edge) => edge.node.operation)).toEqual(['REMOVE_INBOUND']);
      expect((await count(mine({ operation: ['REMOVE_OUTBOUND', 'EXPORT_INBOUND'] }))).totalCount).toBe(9);
      const target = harness.graph.data.outbound[0]!.userId;
      const aboutTarget = await count(mine({ userId: target.toUpperCase() }));
      expect(aboutTarget.edges.map((edge) => edge.node.id)).toEqual([made[0]]);
      const ofBatch = await count({ batchId: batch.batchId });
      expect(ofBatch.edges.map((edge) => edge.node.id).sort()).toEqual(
        batch.results.map((result) => result.requestId).sort(),
      );
      expect(ofBatch.edges.every((edge) => edge.node.batchId === batch.batchId)).toBe(true);
      expect((await count({ batchId: randomUUID() })).totalCount).toBe(0);
      const byRequester = await count({ requestedBy: requesterId.toUpperCase() });
      expect(byRequester.totalCount).toBe(10);
      expect(byRequester.edges.every((edge) => edge.node.requestedBy.userId === requesterId)).toBe(true);
    });

    it.each(['userId', 'requestedBy', 'batchId'])(
      'refuses a malformed filter.%s with BAD_USER_INPUT',
      async (name) => {
        for (const value of ['not-a-guid', '../x', '']) {
          const response = await listRequests(harness, requester, { filter: { [name]: value } });
          expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
        }
      },
    );
  });

  describe('node and personalDataRequest by id', () => {
    let id: string;
    beforeAll(async () => {
      id = (await removeOutbound(tokens.admin, harness.graph.data.outbound[9]!.userId)).request.id;
    });

    it('finds the request through node(id) with its __typename', async () => {
      const response = await harness.post<{ node: RequestView & { __typename: string } }>(
        {
          query: `query ($id: ID!) { node(id: $id) { __typename id ... on PersonalDataRequest { ${REQUEST_FIELDS} } } }`,
          variables: { id },
        },
        tokens.reader,
      );
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.node).toEqual({
        __typename: 'PersonalDataRequest',
        ...(await readRequest(harness, id, tokens.reader)),
      });
    });

    it('answers null for a well-formed id that is not recorded', async () => {
      const unknown = Buffer.from(`PersonalDataRequest:${randomUUID()}`).toString('base64');
      expect(await readRequest(harness, unknown, tokens.admin)).toBeNull();
      const node = await harness.post(
        { query: 'query ($id: ID!) { node(id: $id) { id } }', variables: { id: unknown } },
        tokens.admin,
      );
      expect(node.body).toEqual({ data: { node: null } });
    });

    it.each([
      ['junk', 'junk'],
      ['empty', ''],
      ['a raw UUID', '0f8fad5b-d9cb-469f-a165-70867728950e'],
      ['another typename', Buffer.from('User:0f8fad5b-d9cb-469f-a165-70867728950e').toString('base64')],
      ['a non-UUID', Buffer.from('PersonalDataRequest:1').toString('base64')],
      ['an over-long id', 'QUFB'.repeat(500)],
      ['a path', '../../etc/passwd'],
    ])('refuses %s with BAD_USER_INPUT, never a masked internal error', async (_what, badId) => {
      for (const query of [
        'query ($id: ID!) { node(id: $id) { id } }',
        'query ($id: ID!) { personalDataRequest(id: $id) { id } }',
      ]) {
        const response = await harness.post({ query, variables: { id: badId } }, tokens.admin);
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
        expect(response.body.errors![0]!.message).not.toMatch(/unexpected error/i);
      }
    });
  });

  describe('never stored', () => {
    it('keeps no token, no storage query and no display name in any column of any table', async () => {
      const callerTokens = Object.values(tokens);
      // The gateway reads display names of inbound profiles; none of them may reach the ledger.
      const profiles = await harness.post(
        { query: 'query { inboundSharedUserProfiles(first: 100) { edges { node { displayName } } } }' },
        tokens.admin,
      );
      expect(profiles.body.errors).toBeUndefined();
      harness.graph.faults.add({
        pathPattern: /removePersonalData$/,
        status: 429,
        retryAfter: '0',
        times: 1,
      });
      await removeOutbound(tokens.user, PERSONAS.user.objectId);
      await bulk(
        tokens.admin,
        harness.graph.data.outbound.slice(0, 4).map((p) => p.userId),
      );
      const inbound = harness.graph.data.inbound.slice(0, 3);
      for (const profile of inbound) {
        const response = await harness.post<{ exportInboundSharedUserProfilePersonalData: Payload }>(
          {
            query: EXPORT_INBOUND,
            variables: { userId: profile.userId, storageLocation: `${STORAGE_PATH}?${SAS_QUERY}` },
          },
          tokens.reader,
        );
        expect(response.body.errors).toBeUndefined();
      }
      await harness.post({ query: REMOVE_INBOUND, variables: { userId: inbound[0]!.userId } }, tokens.app);
      await harness.gateway.ledgerWorker.runOnce();

      const { rows: tables } = await harness.database.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(
        expect.arrayContaining([
          'personal_data_requests',
          'personal_data_request_attempts',
          'idempotency_keys',
        ]),
      );
      let stored = '';
      for (const { table_name } of tables) {
        const { rows } = await harness.database.query<{ row: string }>(
          `SELECT row_to_json(t)::text AS row FROM "${table_name}" t`,
        );
        stored += rows.map((r) => r.row).join('\n');
      }
      expect(stored).toContain('EXPORT_INBOUND');
      const graphTokens = harness.graph.tokensSeen();
      expect(graphTokens.length).toBeGreaterThan(0);
      for (const token of [...callerTokens, ...graphTokens]) {
        expect(stored).not.toContain(token);
        expect(stored).not.toContain(token.split('.').at(-1));
      }
      expect(stored).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
      expect(stored).not.toContain('sig=');
      expect(stored).not.toContain('c2VjcmV0LXNpZ25hdHVyZQ');
      expect(stored).not.toContain(harness.config.azure.clientSecret);
      for (const profile of harness.graph.data.inbound) expect(stored).not.toContain(profile.displayName);
      for (const persona of Object.values(PERSONAS)) expect(stored).not.toContain(persona.displayName);

      const { rows: storage } = await harness.database.query<{ export_storage: string }>(
        `SELECT DISTINCT export_storage FROM personal_data_requests WHERE operation = 'EXPORT_INBOUND'`,
      );
      expect(storage).toEqual([{ export_storage: STORAGE_PATH }]);
    });
  });
});
