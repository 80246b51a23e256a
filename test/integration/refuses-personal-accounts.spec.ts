import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAL_ACCOUNTS_TENANT } from '../../src/auth/caller.js';
import { ViewerDocument } from '../generated/graphql.js';
import { GatewayHarness } from '../support/gateway-harness.js';

describe('personal Microsoft accounts', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
  });
  afterAll(() => harness.close());

  it('are told who they are not: viewer refuses them with the personal-account refusal', async () => {
    const token = await harness.token('user', { tid: PERSONAL_ACCOUNTS_TENANT });
    const response = await harness.execute(ViewerDocument, {}, token);
    expect(response.body.data ?? null).toBeNull();
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        message: 'Personal Microsoft accounts are not supported.',
        extensions: expect.objectContaining({ code: 'FORBIDDEN' }),
      }),
    ]);
  });

  it('leave organizational callers alone', async () => {
    const response = await harness.execute(ViewerDocument, {}, await harness.token('user'));
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.viewer.kind).toBe('USER');
  });
});
