import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAS, personaClaims } from '@shared-profile-gateway/emulators';
import {
  RemoveOutboundSharedUserProfilePersonalDataDocument as Remove,
  ViewerDocument,
} from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';

describe('token header policy', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
  });
  afterAll(() => harness.close());

  const signed = (header: Record<string, unknown>) =>
    harness.identityProvider.issueToken(personaClaims('user'), { header });

  it.each([
    ['a crit extension jose understands (b64)', { crit: ['b64'], b64: true }],
    ['an unknown crit extension', { crit: ['x-unknown'], 'x-unknown': true }],
    ['typ at+jwt', { typ: 'at+jwt' }],
    ['typ dpop+jwt', { typ: 'dpop+jwt' }],
    ['typ JOSE', { typ: 'JOSE' }],
    ['no kid', { kid: undefined }],
  ])('refuses a correctly signed token with %s, before any upstream call', async (_name, header) => {
    harness.graph.resetRecording();
    const response = await harness.execute(Remove, { userId: PERSONAS.user.objectId }, await signed(header));
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(harness.graph.requests).toHaveLength(0);
  });

  it.each([
    ['typ JWT', { typ: 'JWT' }],
    ['typ in another case', { typ: 'jwt' }],
    ['typ as a media type', { typ: 'application/jwt' }],
    ['no typ at all', { typ: undefined }],
  ])('accepts a token with %s', async (_name, header) => {
    const response = await harness.execute(ViewerDocument, {}, await signed(header));
    expect(response.status).toBe(200);
    expect(response.body.data?.viewer.userId).toBe(PERSONAS.user.objectId);
  });
});
