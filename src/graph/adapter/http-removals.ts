import type { Caller } from '../../auth/caller.js';
import type { BulkRemovalOutcome, GraphAdapter } from './graph-adapter.js';
import type { GraphBatchClient } from '../transport/graph-batch-client.js';
import { type GraphHttpClient, receiptOf } from '../transport/graph-http-client.js';
import { OutboundRemovalFanOut } from './outbound-removal-fan-out.js';
import { inboundRemovalPath, outboundRemovalPath } from './graph-paths.js';

export interface HttpRemovalOptions {
  batch: GraphBatchClient;
  /** `per-tenant`: a profile-wide outbound removal becomes one tenant-scoped removal per tenant. */
  outboundRemoval: 'profile' | 'per-tenant';
  /** The deadline of one fan-out, its listing and removals together. */
  timeoutMs: number;
}

type RemovalMethods = Pick<
  GraphAdapter,
  | 'removeOutboundSharedUserProfilePersonalData'
  | 'removeOutboundSharedUserProfilesPersonalData'
  | 'removeInboundSharedUserProfilesPersonalData'
>;

/**
 * The outbound removal and both bulk removals over HTTPS. A bulk removal is a set of JSON batches
 * (see `GraphBatchClient`); with `outboundRemoval: 'per-tenant'` a profile-wide outbound removal,
 * single or bulk, goes through `OutboundRemovalFanOut` instead of the profile-wide action.
 */
export function createHttpRemovals(client: GraphHttpClient, options: HttpRemovalOptions): RemovalMethods {
  const fanOut =
    options.outboundRemoval === 'per-tenant'
      ? new OutboundRemovalFanOut({ client, batch: options.batch, timeoutMs: options.timeoutMs })
      : undefined;

  async function inBatches(
    caller: Caller,
    operation: string,
    paths: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<BulkRemovalOutcome[]> {
    const results = await options.batch.execute(
      caller,
      operation,
      paths.map((path) => ({ method: 'POST', path })),
      signal,
    );
    return results.map((result) => (result.ok ? { ok: true, receipt: result.receipt } : result));
  }

  return {
    async removeOutboundSharedUserProfilePersonalData(caller, { userId, tenantId }, signal) {
      if (fanOut && !tenantId) {
        // The fan-out answers one outcome per id, in order: never the profile-wide action here.
        const outcome = (await fanOut.remove(caller, [userId], signal))[0]!;
        if (!outcome.ok) throw outcome.error;
        return outcome.receipt;
      }
      const response = await client.send(
        caller,
        {
          operation: 'removeOutboundPersonalData',
          method: 'POST',
          path: outboundRemovalPath(userId, tenantId),
        },
        signal,
      );
      return receiptOf(response);
    },

    removeOutboundSharedUserProfilesPersonalData: (caller, { userIds, tenantId }, signal) =>
      fanOut && !tenantId
        ? fanOut.remove(caller, userIds, signal)
        : inBatches(
            caller,
            'removeOutboundPersonalData',
            userIds.map((userId) => outboundRemovalPath(userId, tenantId)),
            signal,
          ),

    removeInboundSharedUserProfilesPersonalData: (caller, userIds, signal) =>
      inBatches(caller, 'removeInboundPersonalData', userIds.map(inboundRemovalPath), signal),
  };
}
