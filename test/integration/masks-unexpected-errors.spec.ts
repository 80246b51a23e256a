import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import type { GraphAdapter } from '../../src/graph/adapter/graph-adapter.js';
import {
  OutboundSharedUserProfilesDocument as OutboundProfiles,
  RemoveOutboundSharedUserProfilePersonalDataDocument as Remove,
} from '../generated/graphql.js';
import { GatewayHarness } from '../support/gateway-harness.js';

/** What a bug deep in the gateway would throw: a plain Error, with details no client should see. */
const SECRET_DETAIL = 'connection string postgres://admin:hunter2@10.0.0.7/db';

function failing(): never {
  throw new Error(`adapter bug: ${SECRET_DETAIL}`);
}

/** An upstream whose every call fails unexpectedly (not with a contract error). */
const brokenGraph: GraphAdapter = {
  removeOutboundSharedUserProfilePersonalData: () =>
    Promise.reject(new Error(`adapter bug: ${SECRET_DETAIL}`)),
  listOutboundSharedUserProfiles: failing,
  getOutboundSharedUserProfile: failing,
  listOutboundSharedUserProfileTenants: failing,
  listInboundSharedUserProfiles: failing,
  getInboundSharedUserProfile: failing,
  removeInboundSharedUserProfilePersonalData: failing,
  exportInboundSharedUserProfilePersonalData: failing,
  removeOutboundSharedUserProfilesPersonalData: failing,
  removeInboundSharedUserProfilesPersonalData: failing,
  getDataPolicyOperation: failing,
};

// Issue 21, row "error masking": the old test sent a bad token, an expected 401.
describe('an unexpected error', () => {
  let harness: GatewayHarness;
  let token: string;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ graph: brokenGraph });
    token = await harness.token('admin');
  });
  afterAll(() => harness.close());

  it.each([
    [
      'a rejected promise (mutation)',
      () => harness.execute(Remove, { userId: PERSONAS.user.objectId }, token),
    ],
    ['a synchronous throw (query)', () => harness.execute(OutboundProfiles, {}, token)],
  ])('from %s is masked for the client and kept in the log', async (_how, send) => {
    const logged = harness.logs().length;
    const response = await send();

    expect(response.status).toBe(200);
    expect(response.body.errors).toHaveLength(1);
    const [error] = response.body.errors!;
    expect(error!.message).toBe('Unexpected error.');
    expect(JSON.stringify(response.body)).not.toContain('adapter bug');
    expect(JSON.stringify(response.body)).not.toContain('hunter2');
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(ts|js):\d+/);

    const errors = harness.logEntries(logged).filter((entry) => entry.level === 50);
    expect(JSON.stringify(errors)).toContain(`adapter bug: ${SECRET_DETAIL}`);
  });
});
