import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { RemoveOutboundSharedUserProfilePersonalDataDocument as Remove } from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';

const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';
const PERSONAL_ACCOUNTS = '9188040d-6c67-4c5b-b112-36a304b66dad';
const SCOPE = 'CrossTenantUserProfileSharing';

describe('authorization of removeOutboundSharedUserProfilePersonalData', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.graph.resetRecording());

  const own = PERSONAS.user.objectId;
  const other = PERSONAS.admin.objectId;

  const allowed: Array<[string, Record<string, unknown>, string]> = [
    ['a user with ReadWrite, own data', { scp: `${SCOPE}.ReadWrite` }, own],
    ['a user with ReadWrite.All, own data', { scp: `${SCOPE}.ReadWrite.All` }, own],
    [
      'a Global Administrator with ReadWrite.All, another user',
      { scp: `${SCOPE}.ReadWrite.All`, wids: [GLOBAL_ADMINISTRATOR] },
      other,
    ],
  ];
  it.each(allowed)('allows %s', async (_name, claims, userId) => {
    const response = await harness.execute(Remove, { userId }, await harness.token('user', claims));
    expect(response.body.errors).toBeUndefined();
    expect(harness.graph.requests).toHaveLength(1);
  });

  const refused: Array<[string, Record<string, unknown>, string]> = [
    ['a user with ReadWrite, another user', { scp: `${SCOPE}.ReadWrite` }, other],
    ['a user with Read, own data', { scp: `${SCOPE}.Read` }, own],
    ['a user with Read.All, own data', { scp: `${SCOPE}.Read.All` }, own],
    ['a user with an unrelated scope, own data', { scp: 'User.Read' }, own],
    ['ReadWrite.All without a directory role, another user', { scp: `${SCOPE}.ReadWrite.All` }, other],
    [
      'a Global Reader with ReadWrite.All, another user',
      { scp: `${SCOPE}.ReadWrite.All`, wids: [GLOBAL_READER] },
      other,
    ],
    [
      'a Global Administrator with only ReadWrite, another user',
      { scp: `${SCOPE}.ReadWrite`, wids: [GLOBAL_ADMINISTRATOR] },
      other,
    ],
    ['a personal Microsoft account, own data', { scp: `${SCOPE}.ReadWrite`, tid: PERSONAL_ACCOUNTS }, own],
    [
      'a personal Microsoft account with an upper-case tid, own data',
      { scp: `${SCOPE}.ReadWrite`, tid: PERSONAL_ACCOUNTS.toUpperCase() },
      own,
    ],
    // Issue 21: a user's token (idtyp) with the application role and no scope is still a user's.
    [
      'a user token without scp holding the ReadWrite.All role, another user',
      { scp: undefined, idtyp: 'user', roles: [`${SCOPE}.ReadWrite.All`] },
      other,
    ],
  ];
  it.each(refused)('refuses %s with FORBIDDEN before any upstream call', async (_name, claims, userId) => {
    const tokenRequests = { ...harness.identityProvider.stats.tokenRequests };
    const response = await harness.execute(Remove, { userId }, await harness.token('user', claims));

    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(response.body.data).toBeNull();
    expect(harness.graph.requests).toHaveLength(0);
    expect(harness.identityProvider.stats.tokenRequests).toEqual(tokenRequests);
  });

  const refusedApps: Array<[string, string[]]> = [
    ['no role', []],
    ['only Read.All', [`${SCOPE}.Read.All`]],
    ['only the delegated-style ReadWrite', [`${SCOPE}.ReadWrite`]],
  ];
  it.each(refusedApps)('refuses an application with %s', async (_name, roles) => {
    const response = await harness.execute(Remove, { userId: own }, await harness.token('app', { roles }));
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(harness.graph.requests).toHaveLength(0);
  });

  it('refuses a personal Microsoft account even with admin rights', async () => {
    const token = await harness.token('admin', { tid: PERSONAL_ACCOUNTS });
    const response = await harness.execute(Remove, { userId: other }, token);
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(response.body.errors![0]!.message).toMatch(/personal Microsoft account/i);
  });

  it('answers 401 with WWW-Authenticate when no token is sent', async () => {
    const response = await harness.execute(Remove, { userId: own });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(harness.graph.requests).toHaveLength(0);
  });

  it('answers 401 before looking at malformed arguments when no token is sent', async () => {
    const response = await harness.execute(Remove, { userId: '../../users' });
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });
});
