import type { Caller } from '../auth/caller.js';
import { type ProfileRule, permits, profileScopes, refusalFor } from '../auth/permissions.js';
import { BadUserInputError, UpstreamError } from '../errors/gateway-errors.js';
import type { SubmissionEntry, SubmissionResult } from '../ledger/ledger.js';
import { encodeRequestId } from './global-ids.js';
import { requireGuid } from './identifiers.js';
import type { OperationErrorShape } from './operation-error.js';

/**
 * Most ids one bulk mutation takes: 50 JSON batches, which Graph answers well within the default
 * deadline. Larger waves are split by the client, which can then pace them.
 */
export const MAX_BULK_IDS = 1000;

export interface BulkRemovalResultShape {
  userId: string;
  ok: boolean;
  error: OperationErrorShape | undefined;
  upstreamRequestId: string | undefined;
  /** The opaque id of the request recorded for this id; undefined when it was refused before. */
  requestId: string | undefined;
}

export interface BulkRemovalPayloadShape {
  batchId: string;
  results: BulkRemovalResultShape[];
  accepted: number;
  failed: number;
}

/**
 * Each id of the request: refused by the gateway, or to be sent as `send`, the first spelling of
 * the ids equal to it regardless of case (so that a repeated id is one request).
 */
export type BulkRemovalPlan = SubmissionEntry[];

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
  return userIds.map((userId, index): SubmissionEntry => {
    try {
      requireGuid(userId, `userIds[${index}]`);
    } catch (error) {
      if (error instanceof BadUserInputError) return { userId, refusal: error };
      throw error;
    }
    if (!permits(scopes, rule, userId)) return { userId, refusal: refusalFor(caller) };
    const key = userId.toLowerCase();
    if (!distinct.has(key)) distinct.set(key, userId);
    return { userId, send: distinct.get(key)! };
  });
}

/** One answer per requested id, in the request's order, from what the ledger recorded and Graph said. */
export function bulkRemovalPayload(result: SubmissionResult): BulkRemovalPayloadShape {
  const results = result.entries.map((entry): BulkRemovalResultShape => {
    const { request } = entry;
    if (!request) {
      return {
        userId: entry.userId,
        ok: false,
        error: { code: entry.refusal!.code, message: entry.refusal!.message, retryAfterSeconds: undefined },
        upstreamRequestId: undefined,
        requestId: undefined,
      };
    }
    const ok = request.status === 'SUCCEEDED';
    const error = entry.upstreamError;
    const upstreamRequestId = error?.extensions.upstreamRequestId;
    return {
      userId: entry.userId,
      ok,
      error: error
        ? {
            code: error.code,
            message: error.message,
            retryAfterSeconds: error instanceof UpstreamError ? error.retryAfterSeconds : undefined,
          }
        : ok
          ? undefined
          : request.error,
      upstreamRequestId: error
        ? typeof upstreamRequestId === 'string'
          ? upstreamRequestId
          : undefined
        : request.upstreamRequestId,
      requestId: encodeRequestId(request.id),
    };
  });
  const accepted = results.filter((item) => item.ok).length;
  return { batchId: result.batchId!, results, accepted, failed: results.length - accepted };
}
