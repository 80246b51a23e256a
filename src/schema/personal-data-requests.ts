import type { Caller } from '../auth/caller.js';
import { permits, profileScopes } from '../auth/permissions.js';
import {
  EXPORT_STATUSES,
  PERSONAL_DATA_OPERATIONS,
  REQUEST_STATUSES,
  type PersonalDataRequest,
  type RecordedExport,
  type RequestActor,
  type Visibility,
} from '../ledger/personal-data-request.js';
import { BadUserInputError } from '../errors/gateway-errors.js';
import { builder } from './builder.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './connection-paging.js';
import { REQUEST_TYPENAME, decodeRequestId } from './global-ids.js';
import { requireGuid } from './identifiers.js';
import { OperationError } from './operation-error.js';
import { ViewerKind } from './viewer.js';

const PersonalDataOperationEnum = builder.enumType('PersonalDataOperation', {
  description: 'What a personal-data request asks of Microsoft Graph.',
  values: PERSONAL_DATA_OPERATIONS,
});

const PersonalDataRequestStatusEnum = builder.enumType('PersonalDataRequestStatus', {
  description:
    'SUCCEEDED: Graph accepted it (204, or 202 for an export); FAILED: Graph refused it for good, or it could not be sent in time; PENDING: it may still succeed and is being retried.',
  values: REQUEST_STATUSES,
});

const ExportStatusEnum = builder.enumType('ExportStatus', {
  description:
    "Graph's `dataPolicyOperation` status, polled by the gateway; UNKNOWN when Graph does not let the gateway look (it lacks the `User.Export.All` and `User.Read.All` application permissions).",
  values: EXPORT_STATUSES,
});

const RequestActorRef = builder.objectRef<RequestActor>('RequestActor').implement({
  description: 'Who asked: the verified caller when the request was accepted.',
  fields: (t) => ({
    kind: t.field({ type: ViewerKind, resolve: (actor) => actor.kind }),
    userId: t.exposeID('userId', { description: "The caller's `oid`." }),
    tenantId: t.exposeID('tenantId'),
    clientId: t.exposeID('clientId', { nullable: true, description: 'The client application (`azp`).' }),
  }),
});

const PersonalDataExportRef = builder.objectRef<RecordedExport>('PersonalDataExport').implement({
  description: 'How an export is going, as the gateway last read it from Graph.',
  fields: (t) => ({
    operationLocation: t.exposeString('operationLocation', {
      nullable: true,
      description: "Graph's `Location`: the `dataPolicyOperation` the gateway polls.",
    }),
    status: t.field({ type: ExportStatusEnum, resolve: (record) => record.status }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
  }),
});

/** Whether the caller may see every request, or only those they made or that are about them. */
export function visibilityOf(caller: Caller): Visibility {
  return permits(profileScopes(caller), 'readAnyProfile', '')
    ? { all: true }
    : { all: false, userId: caller.objectId.toLowerCase() };
}

function visibleTo(caller: Caller | null, request: PersonalDataRequest): boolean {
  if (!caller) return false;
  const visibility = visibilityOf(caller);
  return (
    visibility.all || request.requestedBy.userId === visibility.userId || request.userId === visibility.userId
  );
}

export const PersonalDataRequestRef = builder.node(builder.objectRef<PersonalDataRequest>(REQUEST_TYPENAME), {
  description:
    'One removal or export of one user’s personal data, recorded before it was sent to Graph and completed at least once.',
  id: { resolve: (request) => request.id },
  loadOne: async (id, { caller, ledger }) => {
    const request = await ledger.find(id);
    return request && visibleTo(caller, request) ? request : null;
  },
  fields: (t) => ({
    operation: t.field({ type: PersonalDataOperationEnum, resolve: (request) => request.operation }),
    userId: t.exposeID('userId', { description: 'Whose data.' }),
    tenantId: t.exposeID('tenantId', { nullable: true, description: 'A tenant-scoped outbound removal.' }),
    batchId: t.exposeID('batchId', { nullable: true, description: 'Set when it came from a bulk mutation.' }),
    requestedBy: t.expose('requestedBy', { type: RequestActorRef }),
    requestedAt: t.expose('requestedAt', { type: 'DateTime' }),
    dueAt: t.expose('dueAt', {
      type: 'DateTime',
      description: '`requestedAt` plus one calendar month (GDPR art. 12(3)).',
    }),
    status: t.field({ type: PersonalDataRequestStatusEnum, resolve: (request) => request.status }),
    attempts: t.exposeInt('attempts', { description: 'Exchanges with Graph to send it so far.' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    error: t.expose('error', {
      type: OperationError,
      nullable: true,
      description: 'The last error; set when FAILED, and while PENDING after a failed attempt.',
    }),
    upstreamRequestId: t.exposeString('upstreamRequestId', {
      nullable: true,
      description: "Graph's `request-id` of the last exchange that sent it.",
    }),
    export: t.expose('export', {
      type: PersonalDataExportRef,
      nullable: true,
      description: 'EXPORT_INBOUND only.',
    }),
  }),
});

builder.queryField('personalDataRequest', (t) =>
  t.field({
    type: PersonalDataRequestRef,
    nullable: true,
    description:
      'One personal-data request, or null when it does not exist or the caller may not see it: users see the requests they made and those about themselves; Global Readers and Global Administrators with `Read.All` or `ReadWrite.All`, and applications with either role, see all.',
    args: { id: t.arg.id({ required: true }) },
    authScopes: { organizationalAccount: true },
    resolve: async (_root, args, { caller, ledger }) => {
      const request = await ledger.find(decodeRequestId(args.id).id);
      return request && visibleTo(caller, request) ? request : null;
    },
  }),
);

const PersonalDataRequestFilter = builder.inputType('PersonalDataRequestFilter', {
  description: 'Every field given must match; a list matches any of its values.',
  fields: (t) => ({
    status: t.field({ type: [PersonalDataRequestStatusEnum], required: false }),
    operation: t.field({ type: [PersonalDataOperationEnum], required: false }),
    userId: t.id({ required: false, description: 'Whose data.' }),
    requestedBy: t.id({ required: false, description: "The requester's `oid`." }),
    batchId: t.id({ required: false }),
  }),
});

const PersonalDataRequestConnection = builder.connectionObject(
  {
    type: PersonalDataRequestRef,
    name: 'PersonalDataRequestConnection',
    fields: (t) => ({
      totalCount: t.int({
        description: 'Requests that match the filter and that the caller may see, on every page.',
        resolve: (connection) => (connection as unknown as { totalCount: number }).totalCount,
      }),
    }),
  },
  { name: 'PersonalDataRequestEdge' },
);

/** A listing's position, sealed in its cursors like every connection's. */
const LISTING = 'personalDataRequests';

builder.queryField('personalDataRequests', (t) =>
  t.field({
    type: PersonalDataRequestConnection,
    nullable: true,
    description:
      'Personal-data requests, newest first, that the caller may see (as `personalDataRequest` says) and that match `filter`.',
    args: {
      first: t.arg.int({
        required: false,
        description: `How many requests, 1 to ${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} when omitted.`,
      }),
      after: t.arg.string({
        required: false,
        description: 'An `endCursor` (or edge `cursor`) of this listing.',
      }),
      filter: t.arg({ type: PersonalDataRequestFilter, required: false }),
    },
    authScopes: { organizationalAccount: true },
    resolve: async (_root, { first, after, filter }, { caller, ledger, cursors }) => {
      if (first != null && (first < 1 || first > MAX_PAGE_SIZE)) {
        throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE_SIZE}.`, 'first');
      }
      const limit = first ?? DEFAULT_PAGE_SIZE;
      const position = after == null ? undefined : openPosition(cursors.open(LISTING, after));
      const optionalGuid = (value: string | null | undefined, name: string) =>
        value == null ? undefined : requireGuid(value, `filter.${name}`).toLowerCase();
      const { requests, totalCount } = await ledger.list(
        visibilityOf(caller!),
        {
          status: filter?.status ?? undefined,
          operation: filter?.operation ?? undefined,
          userId: optionalGuid(filter?.userId, 'userId'),
          requestedBy: optionalGuid(filter?.requestedBy, 'requestedBy'),
          batchId: optionalGuid(filter?.batchId, 'batchId'),
        },
        position,
        limit + 1,
      );
      const page = requests.slice(0, limit);
      const edges = page.map((request) => ({
        node: request,
        cursor: cursors.seal(LISTING, [request.requestedAt.toISOString(), request.id]),
      }));
      return {
        edges,
        totalCount,
        pageInfo: {
          hasNextPage: requests.length > limit,
          hasPreviousPage: position !== undefined,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
);

function openPosition(sealed: unknown): { requestedAt: Date; id: string } {
  if (
    Array.isArray(sealed) &&
    sealed.length === 2 &&
    typeof sealed[0] === 'string' &&
    typeof sealed[1] === 'string'
  ) {
    const requestedAt = new Date(sealed[0]);
    if (!Number.isNaN(requestedAt.getTime())) return { requestedAt, id: sealed[1] };
  }
  throw new BadUserInputError('`after` is not a cursor of this connection.', 'after');
}
