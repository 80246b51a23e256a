import { RequestCache } from '@pothos/plugin-scope-auth';
import type { Plugin } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { type GatewayContext, builder } from '../../src/schema/builder.js';
import { RemoveOutboundSharedUserProfilePersonalDataDocument as Remove } from '../generated/graphql.js';
import { GatewayHarness } from '../support/gateway-harness.js';

type ScopeCache = ReturnType<typeof RequestCache.fromContext<never>>;

describe('per-request state', () => {
  const operations: Array<{ context: GatewayContext; scopeCache: ScopeCache }> = [];
  // Made when execution starts, the cache is the one scope-auth then uses for the operation.
  const observe: Plugin<GatewayContext> = {
    onExecute({ args }) {
      operations.push({
        context: args.contextValue,
        scopeCache: RequestCache.fromContext(args.contextValue, builder) as ScopeCache,
      });
    },
  };
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ plugins: [observe as Plugin] });
  });
  afterAll(() => harness.close());

  it('lets go of the authorization cache once the operation is done', async () => {
    const userId = PERSONAS.user.objectId;
    const response = await harness.execute(Remove, { userId }, await harness.token('user'));
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.removeOutboundSharedUserProfilePersonalData.userId).toBe(userId);

    expect(operations).toHaveLength(1);
    const [{ context, scopeCache }] = operations as [(typeof operations)[number]];
    // Still held, it would keep the whole context (loaders, caller, signal) out of the young
    // generation until a full collection (docs/decisions/0023-per-request-state-released-at-the-response.md).
    expect(RequestCache.fromContext(context, builder)).not.toBe(scopeCache);
  });
});
