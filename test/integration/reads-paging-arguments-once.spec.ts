import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CursorCodec } from '../../src/schema/connection-cursors.js';
import { InboundSharedUserProfilesDocument as InboundProfiles } from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';

describe('paging arguments', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
  });
  afterAll(() => {
    vi.restoreAllMocks();
    return harness.close();
  });

  it('are checked once per field: the cursor authorization opened is the one the page resumes from', async () => {
    const token = await harness.token('reader');
    const first = await harness.execute(InboundProfiles, { first: 1 }, token);
    const after = first.body.data!.inboundSharedUserProfiles!.pageInfo.endCursor!;
    const decode = vi.spyOn(CursorCodec.prototype, 'decode');

    const second = await harness.execute(InboundProfiles, { first: 1, after }, token);

    expect(second.body.errors).toBeUndefined();
    expect(second.body.data!.inboundSharedUserProfiles!.edges).toHaveLength(1);
    expect(decode).toHaveBeenCalledTimes(1);
    decode.mockRestore();
  });

  it('are still refused before the permission rule is applied', async () => {
    const response = await harness.execute(InboundProfiles, { first: 0 }, await harness.token('user'));
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });
});
