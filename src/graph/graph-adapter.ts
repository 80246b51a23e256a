import type { Caller } from '../auth/caller.js';

/** What Graph gave back for an accepted request. */
export interface UpstreamReceipt {
  /** Graph's `request-id` response header. */
  upstreamRequestId: string | undefined;
  /** The GUID the gateway sent as `client-request-id`. */
  clientRequestId: string;
}

export interface OutboundRemovalTarget {
  userId: string;
  /** When given, only the data shared with this tenant (the tenant-scoped action). */
  tenantId?: string | undefined;
}

/**
 * The upstream as the schema sees it: one method per Graph action, no HTTP. Implementations
 * throw `UpstreamError` with the contract's codes. Ids are already validated by the caller.
 */
export interface GraphAdapter {
  removeOutboundSharedUserProfilePersonalData(
    caller: Caller,
    target: OutboundRemovalTarget,
    signal?: AbortSignal,
  ): Promise<UpstreamReceipt>;
}
