import { randomUUID } from 'node:crypto';
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAS, personaClaims } from '@shared-profile-gateway/emulators';
import { RemoveOutboundSharedUserProfilePersonalDataDocument as Remove } from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';
import { metricValue } from '../support/metric-values.js';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('a flood of invalid tokens', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
  });
  afterAll(() => harness.close());

  /** 40 tokens of each kind an attacker might script: none of them may cost a JWKS fetch. */
  async function invalidTokens(): Promise<string[]> {
    const { identityProvider } = harness;
    const claims = {
      ...personaClaims('user'),
      iss: identityProvider.issuer,
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    const genuine = await harness.token('user');
    const publishedKid = JSON.parse(Buffer.from(genuine.split('.')[0]!, 'base64url').toString())
      .kid as string;
    const { privateKey } = await generateKeyPair('RS256');
    const kinds: Array<(i: number) => Promise<string> | string> = [
      () => identityProvider.issueToken(personaClaims('user'), { kid: randomUUID() }),
      (i) =>
        new SignJWT({ ...claims, jti: String(i) })
          .setProtectedHeader({ alg: 'RS256', kid: publishedKid, typ: 'JWT' })
          .sign(privateKey),
      (i) => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, jti: i })}.`,
      (i) =>
        `${genuine.slice(0, genuine.lastIndexOf('.') + 1)}${Buffer.from(`forged-${i}`).toString('base64url')}`,
      (i) => `${base64url({ alg: 'RS256', kid: publishedKid })}.${'A'.repeat(20_000)}.${i}`,
    ];
    return Promise.all(kinds.flatMap((kind) => Array.from({ length: 40 }, (_, i) => kind(i))));
  }

  it('is refused without JWKS refetches, token exchanges or upstream calls', async () => {
    const tokens = await invalidTokens();
    const { stats } = harness.identityProvider;
    const jwksBefore = stats.jwksRequests;
    const exchangesBefore = stats.tokenRequests.on_behalf_of;
    const refusedBefore = await metricValue(harness, 'gateway_token_verifications_total', {
      outcome: 'refused',
    });
    harness.graph.resetRecording();

    const responses = await Promise.all(
      tokens.map((token) => harness.execute(Remove, { userId: PERSONAS.user.objectId }, token)),
    );
    for (const response of responses) {
      expect(response.status).toBe(401);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    }
    expect(stats.jwksRequests - jwksBefore).toBeLessThanOrEqual(1);
    expect(stats.tokenRequests.on_behalf_of).toBe(exchangesBefore);
    expect(harness.graph.requests).toHaveLength(0);
    expect(await metricValue(harness, 'gateway_token_verifications_total', { outcome: 'refused' })).toBe(
      refusedBefore + tokens.length,
    );
  });

  it('leaves genuine callers served', async () => {
    await Promise.all(
      (await invalidTokens()).map((token) =>
        harness.execute(Remove, { userId: PERSONAS.user.objectId }, token),
      ),
    );
    const response = await harness.execute(
      Remove,
      { userId: PERSONAS.user.objectId },
      await harness.token('user'),
    );
    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual([]);
  });
});
