import type { Caller } from '../auth/caller.js';
import { type ProfileRule, permits, profileScopes, refusalFor } from '../auth/permissions.js';
import {
  BadUserInputError,
  type ErrorCode,
  type GatewayError,
  UpstreamError,
} from '../errors/gateway-errors.js';
import type { BulkRemovalOutcome } from '../graph/adapter/graph-adapter.js';
import { requireGuid } from './identifiers.js';

/**
 * Most ids one bulk mutation takes: 50 JSON batches, which Graph answers well within the default
 * deadline. Larger waves are split by the client, which can then pace them.
 */
export const MAX_BULK_IDS = 1000;

export interface OperationErrorShape {
  code: ErrorCode;
  message: string;
  retryAfterSeconds: number | undefined;
}

export interface BulkRemovalResultShape {
  userId: string;
  ok: boolean;
  error: OperationErrorShape | undefined;
  upstreamRequestId: string | undefined;
}

export interface BulkRemovalPayloadShape {
  results: BulkRemovalResultShape[];
  accepted: number;
  failed: number;
}

/** One id of the request: refused by the gateway, or to be sent as the distinct id `send`. */
type PlannedId = { userId: string; refusal: GatewayError } | { userId: string; send: string };

export interface BulkRemovalPlan {
  ids: PlannedId[];
  /** The distinct ids to send upstream (case-insensitively distinct, first spelling kept). */
  toSend: string[];
}

/** Refused before any upstream call, as a whole: the arguments themselves are malformed. */
export function requireBulkArguments(userIds: readonly string[], tenantId: string | null | undefined): void {
  if (userIds.length > MAX_BULK_IDS) {
    throw new BadUserInputError(
      `userIds takes at most ${MAX_BULK_IDS} ids (got ${userIds.length}); split the request.`,
      'userIds',
    );
  }
  if (tenantId != null) requireGuid(tenantId, 'tenantId');
}

/**
 * Decides each id on its own, exactly as the single mutation would (the same `rule` over the same
 * scopes): a malformed id is BAD_USER_INPUT and an id the caller may not remove is refused as
 * scope-auth refuses the single mutation, in that order, and neither reaches Graph. A repeated id
 * is sent once and shares its outcome.
 */
export function planBulkRemoval(
  caller: Caller,
  userIds: readonly string[],
  rule: ProfileRule,
): BulkRemovalPlan {
  const scopes = profileScopes(caller);
  const distinct = new Map<string, string>();
  const ids = userIds.map((userId, index): PlannedId => {
    try {
      requireGuid(userId, `userIds[${index}]`);
    } catch (error) {
      if (error instanceof BadUserInputError) return { userId, refusal: error };
      throw error;
    }
    if (!permits(scopes, rule, userId)) return { userId, refusal: refusalFor(caller) };
    const key = userId.toLowerCase();
    if (!distinct.has(key)) distinct.set(key, userId);
    return { userId, send: key };
  });
  return { ids, toSend: [...distinct.values()] };
}

/**
 * Sends the plan's distinct ids (when there are any) and answers one result per requested id, in
 * the request's order.
 */
export async function bulkRemovalPayload(
  plan: BulkRemovalPlan,
  send: (userIds: string[]) => Promise<BulkRemovalOutcome[]>,
): Promise<BulkRemovalPayloadShape> {
  const outcomes = plan.toSend.length === 0 ? [] : await send(plan.toSend);
  const byKey = new Map(plan.toSend.map((userId, index) => [userId.toLowerCase(), outcomes[index]]));
  const results = plan.ids.map((planned): BulkRemovalResultShape => {
    if ('refusal' in planned) return failure(planned.userId, planned.refusal);
    const outcome = byKey.get(planned.send);
    // The adapter answers every id it was given; a missing answer would be a gateway bug.
    if (!outcome) throw new Error(`No upstream outcome for ${planned.send}`);
    if (!outcome.ok) return failure(planned.userId, outcome.error);
    return {
      userId: planned.userId,
      ok: true,
      error: undefined,
      upstreamRequestId: outcome.receipt.upstreamRequestId,
    };
  });
  const accepted = results.filter((result) => result.ok).length;
  return { results, accepted, failed: results.length - accepted };
}

function failure(userId: string, error: GatewayError): BulkRemovalResultShape {
  const upstreamRequestId = error.extensions.upstreamRequestId;
  return {
    userId,
    ok: false,
    error: {
      code: error.code,
      message: error.message,
      retryAfterSeconds: error instanceof UpstreamError ? error.retryAfterSeconds : undefined,
    },
    upstreamRequestId: typeof upstreamRequestId === 'string' ? upstreamRequestId : undefined,
  };
}
