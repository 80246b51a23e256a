import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { MAX_UPSTREAM_ANSWER_BYTES } from '../../src/graph/transport/buffered-exchange.js';
import {
  RemoveOutboundSharedUserProfilePersonalDataDocument as Remove,
  ViewerDocument,
} from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';

const TOO_LONG = MAX_UPSTREAM_ANSWER_BYTES + 1;
/** Far longer than any real token or key set, and still under the cap. */
const LONG_BUT_HELD = MAX_UPSTREAM_ANSWER_BYTES - 64 * 1024;

describe('the token authority’s answers are read up to the cap', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
  });
  afterAll(() => harness.close());

  const removeOwnProfile = async () =>
    harness.execute(
      Remove,
      { userId: PERSONAS.user.objectId },
      // A token of its own, so the on-behalf-of exchange is never answered from the cache.
      await harness.token('user', { jti: randomUUID() }),
    );

  it('answers UPSTREAM_ERROR, and calls no Graph, when the token answer is too long', async () => {
    harness.graph.resetRecording();
    harness.identityProvider.faults.add({ route: 'token', answerBytes: TOO_LONG, times: 1 });
    const response = await removeOwnProfile();
    expect(errorCodes(response)).toEqual(['UPSTREAM_ERROR']);
    expect(harness.graph.requests).toHaveLength(0);
  });

  it('takes a long token answer under the cap', async () => {
    harness.identityProvider.faults.add({ route: 'token', answerBytes: LONG_BUT_HELD, times: 1 });
    const response = await removeOwnProfile();
    expect(response.body.errors).toBeUndefined();
  });
});

describe('the JWKS is read up to the cap', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({
      env: { AUTH_TOKEN_CACHE_SIZE: '0', AUTH_JWKS_COOLDOWN_MS: '50' },
    });
  });
  afterAll(() => harness.close());

  const viewerStatus = async (token: string) => (await harness.execute(ViewerDocument, {}, token)).status;
  const pastCooldown = () => new Promise((resolve) => setTimeout(resolve, 100));

  const warnings = () => harness.logs().split('JWKS fetch failed; keeping the last keys').length - 1;

  it('keeps the last good key set, with a warning, when the key set is too long', async () => {
    const { faults, stats } = harness.identityProvider;
    await pastCooldown();
    const signedWithOldKey = await harness.token('user', { jti: randomUUID() });
    await harness.identityProvider.rotateKeys();
    faults.add({ route: 'jwks', answerBytes: TOO_LONG, times: 1 });
    const [before, warned] = [stats.jwksRequests, warnings()];

    expect(await viewerStatus(await harness.token('user', { jti: randomUUID() }))).toBe(401);

    expect(stats.jwksRequests).toBe(before + 1);
    expect(warnings()).toBe(warned + 1);
    expect(await viewerStatus(signedWithOldKey)).toBe(200);
  });

  it('takes a long key set under the cap', async () => {
    const { faults, stats } = harness.identityProvider;
    await pastCooldown();
    faults.add({ route: 'jwks', answerBytes: LONG_BUT_HELD, times: 1 });
    const before = stats.jwksRequests;
    // Signed with the key the too-long set carried: verifying it needs this long one.
    expect(await viewerStatus(await harness.token('user', { jti: randomUUID() }))).toBe(200);
    expect(stats.jwksRequests).toBe(before + 1);
  });
});
