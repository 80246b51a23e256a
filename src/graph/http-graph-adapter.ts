import type { Caller } from '../auth/caller.js';
import type { GraphAdapter, OutboundRemovalTarget, UpstreamReceipt } from './graph-adapter.js';
import type { GraphHttpClient } from './graph-http-client.js';

const OUTBOUND = '/directory/outboundSharedUserProfiles';

/** The Graph adapter over HTTPS. Ids arrive validated; they are still encoded as path segments. */
export function createHttpGraphAdapter(client: GraphHttpClient): GraphAdapter {
  return {
    async removeOutboundSharedUserProfilePersonalData(
      caller: Caller,
      target: OutboundRemovalTarget,
      signal?: AbortSignal,
    ): Promise<UpstreamReceipt> {
      const profile = `${OUTBOUND}/${encodeURIComponent(target.userId)}`;
      const path = target.tenantId
        ? `${profile}/tenants/${encodeURIComponent(target.tenantId)}/removePersonalData`
        : `${profile}/removePersonalData`;
      const response = await client.send(
        caller,
        { operation: 'removeOutboundPersonalData', method: 'POST', path },
        signal,
      );
      return { upstreamRequestId: response.upstreamRequestId, clientRequestId: response.clientRequestId };
    },
  };
}
