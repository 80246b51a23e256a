import type { PersonalDataOperation } from '../ledger/personal-data-request.js';
import type { ProfileRule } from '../auth/permissions.js';
import { authorizeArguments } from './authorization.js';
import { type AuthenticatedContext, builder } from './builder.js';
import {
  type BulkRemovalPayloadShape,
  type BulkRemovalResultShape,
  MAX_BULK_IDS,
  bulkRemovalPayload,
  planBulkRemoval,
  requireBulkArguments,
} from './bulk-removal-plan.js';
import { OperationError } from './operation-error.js';
import { idempotencyOf } from './personal-data-submissions.js';

const BulkRemovePersonalDataResult = builder
  .objectRef<BulkRemovalResultShape>('BulkRemovePersonalDataResult')
  .implement({
    description: "One id's outcome in a bulk removal.",
    fields: (t) => ({
      userId: t.exposeID('userId', { description: 'The id as the request spelled it.' }),
      ok: t.exposeBoolean('ok', { description: 'Whether Microsoft Graph accepted the removal of this id.' }),
      error: t.expose('error', { type: OperationError, nullable: true }),
      upstreamRequestId: t.exposeString('upstreamRequestId', {
        nullable: true,
        description: "Graph's `request-id` of the exchange that answered for this id, accepted or not.",
      }),
      requestId: t.exposeID('requestId', {
        nullable: true,
        description:
          'The personal-data request recorded for this id (`personalDataRequest(id:)`); null for an id refused before recording (BAD_USER_INPUT, FORBIDDEN).',
      }),
    }),
  });

const BulkRemovePersonalDataPayload = builder
  .objectRef<BulkRemovalPayloadShape>('BulkRemovePersonalDataPayload')
  .implement({
    description: 'One result per requested id, in the order of the request.',
    fields: (t) => ({
      batchId: t.exposeID('batchId', {
        description: "Shared by this mutation's requests (`personalDataRequests(filter: { batchId })`).",
      }),
      results: t.expose('results', { type: [BulkRemovePersonalDataResult] }),
      accepted: t.exposeInt('accepted', { description: 'Results with `ok: true`.' }),
      failed: t.exposeInt('failed', { description: 'Results with `ok: false`.' }),
    }),
  });

const BULK_RULES = `At most ${MAX_BULK_IDS} ids (more is BAD_USER_INPUT for the whole request). Each id is decided on its own, as the single mutation would decide it (a malformed id: BAD_USER_INPUT, an id the caller may not remove: FORBIDDEN, neither recorded nor sent to Graph); one id's failure never fails the others. Each id sent is a personal-data request of the ledger, completed later if Graph does not settle it now.`;

/** Plans, records, sends and settles a bulk removal: one request per distinct id allowed. */
async function removeInBulk(
  context: AuthenticatedContext,
  field: string,
  args: { userIds: string[]; tenantId?: string | null | undefined },
  operation: PersonalDataOperation,
  rule: ProfileRule,
): Promise<BulkRemovalPayloadShape> {
  const result = await context.ledger.submit(
    context.caller,
    {
      operation,
      tenantId: args.tenantId ?? undefined,
      bulk: true,
      entries: planBulkRemoval(context.caller, args.userIds, rule),
    },
    { idempotency: idempotencyOf(context, field, args), signal: context.signal },
  );
  return bulkRemovalPayload(result);
}

builder.mutationField('removeOutboundSharedUserProfilesPersonalData', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: BulkRemovePersonalDataPayload,
    description: `The bulk twin of \`removeOutboundSharedUserProfilePersonalData\`, sent to Graph as JSON batches. ${BULK_RULES}`,
    args: {
      userIds: t.arg.idList({ required: true }),
      tenantId: t.arg.id({ required: false }),
    },
    authScopes: (_root, args, context) =>
      authorizeArguments(context, () => {
        requireBulkArguments(args.userIds, args.tenantId);
        return { authenticated: true };
      }),
    resolve: (_root, args, context) =>
      removeInBulk(
        context,
        'removeOutboundSharedUserProfilesPersonalData',
        args,
        'REMOVE_OUTBOUND',
        'removeOutboundProfile',
      ),
  }),
);

builder.mutationField('removeInboundSharedUserProfilesPersonalData', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: BulkRemovePersonalDataPayload,
    description: `The bulk twin of \`removeInboundSharedUserProfilePersonalData\`, sent to Graph as JSON batches. ${BULK_RULES}`,
    args: { userIds: t.arg.idList({ required: true }) },
    authScopes: (_root, args, context) =>
      authorizeArguments(context, () => {
        requireBulkArguments(args.userIds, undefined);
        return { authenticated: true };
      }),
    resolve: (_root, args, context) =>
      removeInBulk(
        context,
        'removeInboundSharedUserProfilesPersonalData',
        args,
        'REMOVE_INBOUND',
        'removeInboundProfile',
      ),
  }),
);
