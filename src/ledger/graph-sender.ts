import type { Caller } from '../auth/caller.js';
import type { GatewayError } from '../errors/gateway-errors.js';
import { UpstreamError } from '../errors/gateway-errors.js';
import type { GraphAdapter, UpstreamReceipt } from '../graph/adapter/graph-adapter.js';
import type { PersonalDataOperation } from './personal-data-request.js';
import type { SendOutcome } from './settling.js';

/** Requests of one operation (and tenant) sent together. */
export interface SendGroup {
  operation: PersonalDataOperation;
  tenantId: string | undefined;
  userIds: readonly string[];
  /** JSON batches even for one id (a bulk mutation's own call); otherwise one id is sent alone. */
  asBulk: boolean;
  /** An export's full storage location: held in memory for its one send, never stored. */
  storageLocation?: string | undefined;
}

/** One id's exchange: what the ledger records, and the error the mutation answers with. */
export interface SentRequest {
  outcome: SendOutcome;
  clientRequestId: string | undefined;
  /** The contract's error for this id when Graph did not accept it. */
  error: GatewayError | undefined;
  exportLocation?: string | undefined;
  /** Graph's `Retry-After` on an export's 202: when its operation is worth a first look. */
  retryAfterSeconds?: number | undefined;
}

/**
 * Sends a group through the Graph adapter: one outcome per id, in order. Rejects only for what
 * is not Graph's answer (the caller went away, the caller's token expired): the ledger then
 * releases the requests for another attempt.
 */
export async function sendGroup(
  graph: GraphAdapter,
  caller: Caller,
  group: SendGroup,
  signal: AbortSignal | undefined,
): Promise<SentRequest[]> {
  const { operation, tenantId, userIds } = group;
  if (operation === 'EXPORT_INBOUND') {
    const userId = userIds[0]!;
    return [
      await single(async () => {
        const receipt = await graph.exportInboundSharedUserProfilePersonalData(
          caller,
          { userId, storageLocation: group.storageLocation ?? '' },
          signal,
        );
        return {
          receipt,
          exportLocation: receipt.operationLocation,
          retryAfterSeconds: receipt.retryAfterSeconds,
        };
      }),
    ];
  }
  if (!group.asBulk && userIds.length === 1) {
    const userId = userIds[0]!;
    return [
      await single(async () => ({
        receipt:
          operation === 'REMOVE_OUTBOUND'
            ? await graph.removeOutboundSharedUserProfilePersonalData(caller, { userId, tenantId }, signal)
            : await graph.removeInboundSharedUserProfilePersonalData(caller, userId, signal),
      })),
    ];
  }
  const outcomes =
    operation === 'REMOVE_OUTBOUND'
      ? await graph.removeOutboundSharedUserProfilesPersonalData(caller, { userIds, tenantId }, signal)
      : await graph.removeInboundSharedUserProfilesPersonalData(caller, userIds, signal);
  return outcomes.map((outcome) => (outcome.ok ? accepted(outcome.receipt) : refused(outcome.error)));
}

async function single(
  send: () => Promise<{
    receipt: UpstreamReceipt;
    exportLocation?: string;
    retryAfterSeconds?: number | undefined;
  }>,
): Promise<SentRequest> {
  try {
    const { receipt, exportLocation, retryAfterSeconds } = await send();
    return { ...accepted(receipt), exportLocation, retryAfterSeconds };
  } catch (error) {
    if (error instanceof UpstreamError) return refused(error);
    throw error;
  }
}

function accepted(receipt: UpstreamReceipt): SentRequest {
  return {
    outcome: { ok: true, httpStatus: receipt.status, upstreamRequestId: receipt.upstreamRequestId },
    clientRequestId: receipt.clientRequestId,
    error: undefined,
  };
}

function refused(error: UpstreamError): SentRequest {
  const ids = error.extensions as { upstreamRequestId?: unknown; clientRequestId?: unknown };
  return {
    outcome: {
      ok: false,
      error: { code: error.code, message: error.message, retryAfterSeconds: error.retryAfterSeconds },
      httpStatus: error.upstreamStatus,
      upstreamRequestId: typeof ids.upstreamRequestId === 'string' ? ids.upstreamRequestId : undefined,
    },
    clientRequestId: typeof ids.clientRequestId === 'string' ? ids.clientRequestId : undefined,
    error,
  };
}
