import type { Caller } from '../auth/caller.js';
import { BadUserInputError, GatewayError } from '../errors/gateway-errors.js';
import { type Submission, type SubmittedEntry, mutationFingerprint } from '../ledger/ledger.js';
import type { PersonalDataOperation, PersonalDataRequest } from '../ledger/personal-data-request.js';
import type { GatewayContext } from './builder.js';
import { encodeRequestId } from './global-ids.js';

/** The IETF draft's `Idempotency-Key`: 1 to 255 printable ASCII characters. */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

/**
 * The mutation's idempotency: its `Idempotency-Key` header, checked, and the fingerprint of the
 * field and its arguments that a repeat must match.
 */
export function idempotencyOf(
  context: GatewayContext,
  field: string,
  args: Record<string, unknown>,
): { key: string; fingerprint: string } | undefined {
  const key = context.idempotencyKey;
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new BadUserInputError(
      'The Idempotency-Key header must be 1 to 255 printable ASCII characters.',
      'Idempotency-Key',
    );
  }
  return { key, fingerprint: mutationFingerprint(field, args) };
}

/** What a single removal or export answers: the request, accepted by Graph. */
export interface AcceptedRequest {
  userId: string;
  request: PersonalDataRequest;
  /** Graph's `Retry-After` on an export's 202, on the call that sent it. */
  retryAfterSeconds: number | undefined;
}

/**
 * Records, sends and settles one id. Answers when Graph accepted it; otherwise throws the error of
 * this call's exchange (or, on a replay, the recorded one) with `extensions.requestId`, so that a
 * client can follow a request that the worker will complete.
 */
export async function submitOne(
  context: GatewayContext & { caller: Caller },
  field: string,
  args: Record<string, unknown>,
  target: {
    operation: PersonalDataOperation;
    userId: string;
    tenantId?: string | undefined;
    storageLocation?: string;
  },
): Promise<AcceptedRequest> {
  const submission: Submission = {
    operation: target.operation,
    tenantId: target.tenantId,
    bulk: false,
    storageLocation: target.storageLocation,
    entries: [{ userId: target.userId, send: target.userId }],
  };
  const { entries } = await context.ledger.submit(context.caller, submission, {
    idempotency: idempotencyOf(context, field, args),
    signal: context.signal,
  });
  const entry = entries[0]!;
  const request = entry.request!;
  if (request.status !== 'SUCCEEDED') throw withRequestId(errorOf(entry, request), request.id);
  return { userId: target.userId, request, retryAfterSeconds: entry.retryAfterSeconds };
}

function errorOf(entry: SubmittedEntry, request: PersonalDataRequest): GatewayError {
  if (entry.upstreamError) return entry.upstreamError;
  if (request.error) {
    return new GatewayError(request.error.code, request.error.message, {
      extensions: {
        upstreamRequestId: request.upstreamRequestId ?? null,
        ...(request.error.retryAfterSeconds === undefined
          ? {}
          : { retryAfterSeconds: request.error.retryAfterSeconds }),
      },
    });
  }
  // Recorded by an earlier call and not answered yet: another process is sending it now.
  return new GatewayError(
    'UPSTREAM_UNAVAILABLE',
    'The request is recorded and being sent; follow it with personalDataRequest(id: extensions.requestId).',
  );
}

function withRequestId(error: GatewayError, requestId: string): GatewayError {
  (error.extensions as Record<string, unknown>).requestId = encodeRequestId(requestId);
  return error;
}
