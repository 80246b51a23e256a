import { ERROR_CODES } from '../errors/gateway-errors.js';
import { authorizeArguments } from './authorization.js';
import { builder } from './builder.js';
import {
  type BulkRemovalPayloadShape,
  type BulkRemovalResultShape,
  MAX_BULK_IDS,
  type OperationErrorShape,
  bulkRemovalPayload,
  planBulkRemoval,
  requireBulkArguments,
} from './bulk-removal-plan.js';

const ErrorCode = builder.enumType('ErrorCode', {
  description: "The contract's error codes, as `extensions.code` carries them on GraphQL errors.",
  values: ERROR_CODES,
});

const OperationError = builder.objectRef<OperationErrorShape>('OperationError').implement({
  description: 'Why one item of a bulk operation failed.',
  fields: (t) => ({
    code: t.field({ type: ErrorCode, resolve: (error) => error.code }),
    message: t.exposeString('message'),
    retryAfterSeconds: t.exposeInt('retryAfterSeconds', {
      nullable: true,
      description:
        'For THROTTLED (and UPSTREAM_UNAVAILABLE when known): seconds to wait before retrying this id.',
    }),
  }),
});

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
    }),
  });

const BulkRemovePersonalDataPayload = builder
  .objectRef<BulkRemovalPayloadShape>('BulkRemovePersonalDataPayload')
  .implement({
    description: 'One result per requested id, in the order of the request.',
    fields: (t) => ({
      results: t.expose('results', { type: [BulkRemovePersonalDataResult] }),
      accepted: t.exposeInt('accepted', { description: 'Results with `ok: true`.' }),
      failed: t.exposeInt('failed', { description: 'Results with `ok: false`.' }),
    }),
  });

const BULK_RULES = `At most ${MAX_BULK_IDS} ids (more is BAD_USER_INPUT for the whole request). Each id is decided on its own, as the single mutation would decide it (a malformed id: BAD_USER_INPUT, an id the caller may not remove: FORBIDDEN, neither reaches Graph); one id's failure never fails the others.`;

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
    resolve: (_root, { userIds, tenantId }, { caller, graph, signal }) => {
      const plan = planBulkRemoval(caller, userIds, 'removeOutboundProfile');
      return bulkRemovalPayload(plan, (ids) =>
        graph.removeOutboundSharedUserProfilesPersonalData(
          caller,
          { userIds: ids, tenantId: tenantId ?? undefined },
          signal,
        ),
      );
    },
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
    resolve: (_root, { userIds }, { caller, graph, signal }) => {
      const plan = planBulkRemoval(caller, userIds, 'removeInboundProfile');
      return bulkRemovalPayload(plan, (ids) =>
        graph.removeInboundSharedUserProfilesPersonalData(caller, ids, signal),
      );
    },
  }),
);
