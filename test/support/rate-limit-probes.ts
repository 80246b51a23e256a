import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { RemoveOutboundSharedUserProfilePersonalDataDocument as Remove } from '../generated/graphql.js';
import { type GatewayHarness, type GraphQLHttpResponse, errorCodes } from './gateway-harness.js';

/** A Global Administrator nobody else in the test uses: a budget of its own. */
export function freshAdmin(harnesses: GatewayHarness[], oid = randomUUID()): Promise<string[]> {
  return Promise.all(harnesses.map((harness) => harness.token('admin', { oid })));
}

/** One removal of the demo user's data, as an administrator. */
export function removeOnce(harness: GatewayHarness, token: string): Promise<GraphQLHttpResponse<unknown>> {
  return harness.execute(Remove, { userId: PERSONAS.user.objectId }, token);
}

/** Asserts the contract's answer to a caller over its limit: 429, `Retry-After` in whole seconds. */
export function expectRateLimited(response: GraphQLHttpResponse<unknown>): number {
  expect(response.status).toBe(429);
  expect(errorCodes(response)).toEqual(['RATE_LIMITED']);
  const retryAfter = response.headers.get('retry-after') ?? '';
  expect(retryAfter).toMatch(/^\d+$/);
  const seconds = Number(retryAfter);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(60);
  expect(response.body.errors![0]!.extensions?.retryAfterSeconds).toBe(seconds);
  expect(response.body.data ?? null).toBeNull();
  return seconds;
}

/** Upstream calls the Graph emulators of these gateways have answered since their last reset. */
export function upstreamCalls(...harnesses: GatewayHarness[]): number {
  return harnesses.reduce((sum, harness) => sum + harness.graph.requests.length, 0);
}
