import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { RemoveOutboundSharedUserProfilePersonalDataDocument as Remove } from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';

const VALID = PERSONAS.user.objectId;

const INVALID_IDS: Array<[string, string]> = [
  ['empty', ''],
  ['path traversal', '../../users'],
  ['a traversal after a GUID', `${VALID}/../../../users`],
  ['an encoded slash', `${VALID}%2F..%2Fusers`],
  ['an encoded traversal', '..%2F..%2Fusers'],
  ['a query string', `${VALID}?$select=id`],
  ['a fragment', `${VALID}#x`],
  ['whitespace around a GUID', ` ${VALID} `],
  ['a GUID in braces', `{${VALID}}`],
  ['a huge string', 'a'.repeat(100_000)],
  ['an absolute URL', 'https://evil.example/beta'],
  ['a newline (header injection)', `${VALID}\r\nx-injected: 1`],
];

describe('invalid ids are refused before any upstream call', () => {
  let harness: GatewayHarness;
  let admin: string;
  let user: string;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
    admin = await harness.token('admin');
    user = await harness.token('user');
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.graph.resetRecording());

  it.each(INVALID_IDS)('refuses %s as userId with BAD_USER_INPUT', async (_name, userId) => {
    const tokenRequests = { ...harness.identityProvider.stats.tokenRequests };
    const response = await harness.execute(Remove, { userId }, admin);
    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0]!.extensions!.argumentName).toBe('userId');
    expect(harness.graph.requests).toHaveLength(0);
    expect(harness.identityProvider.stats.tokenRequests).toEqual(tokenRequests);
  });

  it.each(INVALID_IDS)('refuses %s as tenantId with BAD_USER_INPUT', async (_name, tenantId) => {
    const response = await harness.execute(Remove, { userId: VALID, tenantId }, admin);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0]!.extensions!.argumentName).toBe('tenantId');
    expect(harness.graph.requests).toHaveLength(0);
  });

  it('answers BAD_USER_INPUT, not FORBIDDEN, to a caller who could not have been allowed anyway', async () => {
    const response = await harness.execute(Remove, { userId: '../x' }, user);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('accepts an upper-case GUID and treats it as the same user', async () => {
    const response = await harness.execute(Remove, { userId: VALID.toUpperCase() }, user);
    expect(response.body.errors).toBeUndefined();
    expect(harness.graph.requests).toHaveLength(1);
  });
});
