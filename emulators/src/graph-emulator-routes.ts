import { randomUUID } from 'node:crypto';
import { isAllowed, type GraphAccess } from './graph-emulator-auth.js';
import type { DemoData, InboundSharedUserProfile, OutboundSharedUserProfile } from './graph-emulator-data.js';
import { pageOf } from './graph-emulator-paging.js';
import { graphError, isGuid, type GraphRequest, type GraphResponse } from './graph-emulator-protocol.js';

/** The names between braces in a route template, e.g. `userId` in `.../{userId}/tenants`. */
type ParamNames<Template extends string> = Template extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamNames<Rest>
  : never;

type Params = Readonly<Record<string, string>>;

interface Route {
  method: string;
  segments: readonly string[];
  handle(request: GraphRequest, params: Params): GraphResponse;
}

function route<Template extends string>(
  method: string,
  template: Template,
  handler: (request: GraphRequest, params: Readonly<Record<ParamNames<Template>, string>>) => GraphResponse,
): Route {
  // matchSegments fills exactly the template's parameter names, which is what the cast asserts.
  return {
    method,
    segments: template.split('/'),
    handle: (request, params) => handler(request, params as Record<ParamNames<Template>, string>),
  };
}

/** Segment names compare case-insensitively, as Graph's do; parameters are taken as sent. */
function matchSegments(template: readonly string[], actual: readonly string[]): Params | undefined {
  if (template.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, expected] of template.entries()) {
    const segment = actual[index] ?? '';
    const name = /^\{(\w+)\}$/.exec(expected)?.[1];
    if (name) params[name] = decodeSegment(segment);
    else if (expected.toLowerCase() !== segment.toLowerCase()) return undefined;
  }
  return params;
}

/** A malformed escape is left as sent, to be refused as an invalid id rather than crash the route. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

interface DataPolicyOperation {
  id: string;
  status: 'running' | 'complete';
  storageLocation: string;
  submittedDateTime: string;
  completedDateTime?: string;
}

/** Server-side paging settings that tests may change while the emulator runs. */
export interface PagingSettings {
  /** The most items Graph puts in one page, whatever `$top` asks. */
  maxPageSize: number | undefined;
}

/** How an export's operation runs: `running` until `completesAfterMs` after submission, then `complete`. */
export interface ExportSettings {
  completesAfterMs: number;
  /** `Retry-After` on the export's 202 and on a poll of a running operation. */
  retryAfterSeconds: number;
}

export const DEFAULT_EXPORT_SETTINGS: ExportSettings = { completesAfterMs: 3_000, retryAfterSeconds: 2 };

/** Graph's routes for shared user profiles, over one directory's data. */
export function createGraphRoutes(
  data: DemoData,
  baseUrl: string,
  paging: PagingSettings = { maxPageSize: undefined },
  exports: ExportSettings = { ...DEFAULT_EXPORT_SETTINGS },
): (request: GraphRequest) => GraphResponse {
  const page = <T>(
    request: GraphRequest,
    items: readonly T[],
    toEntity: (item: T) => Record<string, unknown>,
  ) => pageOf(request, baseUrl, items, toEntity, paging.maxPageSize);
  const outboundById = new Map(data.outbound.map((profile) => [profile.userId.toLowerCase(), profile]));
  const inboundById = new Map(data.inbound.map((profile) => [profile.userId.toLowerCase(), profile]));
  const operations = new Map<string, DataPolicyOperation>();
  const noContent: GraphResponse = { status: 204 };
  const entity = (path: string, fields: object) => ({
    status: 200,
    body: { '@odata.context': `${baseUrl}/$metadata#${path}/$entity`, ...fields },
  });

  /** Graph's order of refusals before any lookup: malformed ids (400), then permission (403). */
  function refusal(request: GraphRequest, access: GraphAccess, ...ids: string[]): GraphResponse | undefined {
    const malformed = ids.find((id) => !isGuid(id));
    if (malformed !== undefined) {
      return graphError(request.ids, 400, 'Request_BadRequest', `Invalid object identifier '${malformed}'.`);
    }
    if (!isAllowed(request.principal, access)) {
      return graphError(
        request.ids,
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
      );
    }
    return undefined;
  }
  const notFound = (request: GraphRequest, ...ids: string[]) =>
    graphError(
      request.ids,
      404,
      'Request_ResourceNotFound',
      `Resource '${ids.join("', '")}' does not exist or one of its queried reference-property objects are not present.`,
    );
  const read: GraphAccess = { action: 'read' };
  const writeFor = (ownerId: string): GraphAccess => ({ action: 'write', ownerId });
  const findOutbound = (userId: string) => outboundById.get(userId.toLowerCase());
  const findInbound = (userId: string) => inboundById.get(userId.toLowerCase());
  const isSharedWith = (profile: OutboundSharedUserProfile, tenantId: string) =>
    profile.tenantIds.some((id) => id.toLowerCase() === tenantId.toLowerCase());
  const inboundFields = ({
    userId,
    displayName,
    homeTenantId,
    userPrincipalName,
  }: InboundSharedUserProfile) => ({
    userId,
    displayName,
    homeTenantId,
    userPrincipalName,
  });

  const routes: Route[] = [
    route(
      'GET',
      'directory/outboundSharedUserProfiles',
      (request) => refusal(request, read) ?? page(request, data.outbound, ({ userId }) => ({ userId })),
    ),
    route('GET', 'directory/outboundSharedUserProfiles/{userId}', (request, { userId }) => {
      const profile = findOutbound(userId);
      return (
        refusal(request, read, userId) ??
        (profile
          ? entity('directory/outboundSharedUserProfiles', { userId: profile.userId })
          : notFound(request, userId))
      );
    }),
    route('GET', 'directory/outboundSharedUserProfiles/{userId}/tenants', (request, { userId }) => {
      const profile = findOutbound(userId);
      return (
        refusal(request, read, userId) ??
        (profile ? page(request, profile.tenantIds, (tenantId) => ({ tenantId })) : notFound(request, userId))
      );
    }),
    route(
      'POST',
      'directory/outboundSharedUserProfiles/{userId}/removePersonalData',
      (request, { userId }) => {
        return (
          refusal(request, writeFor(userId), userId) ??
          (findOutbound(userId) ? noContent : notFound(request, userId))
        );
      },
    ),
    route(
      'POST',
      'directory/outboundSharedUserProfiles/{userId}/tenants/{tenantId}/removePersonalData',
      (request, { userId, tenantId }) => {
        const profile = findOutbound(userId);
        return (
          refusal(request, writeFor(userId), userId, tenantId) ??
          (profile && isSharedWith(profile, tenantId) ? noContent : notFound(request, userId, tenantId))
        );
      },
    ),
    route(
      'GET',
      'directory/inboundSharedUserProfiles',
      (request) => refusal(request, read) ?? page(request, data.inbound, inboundFields),
    ),
    route('GET', 'directory/inboundSharedUserProfiles/{userId}', (request, { userId }) => {
      const profile = findInbound(userId);
      return (
        refusal(request, read, userId) ??
        (profile
          ? entity('directory/inboundSharedUserProfiles', inboundFields(profile))
          : notFound(request, userId))
      );
    }),
    route(
      'POST',
      'directory/inboundSharedUserProfiles/{userId}/removePersonalData',
      (request, { userId }) => {
        return (
          refusal(request, writeFor(userId), userId) ??
          (findInbound(userId) ? noContent : notFound(request, userId))
        );
      },
    ),
    route(
      'POST',
      'directory/inboundSharedUserProfiles/{userId}/exportPersonalData',
      (request, { userId }) => {
        return (
          refusal(request, read, userId) ??
          (findInbound(userId) ? startExport(request) : notFound(request, userId))
        );
      },
    ),
    route('GET', 'dataPolicyOperations/{operationId}', (request, { operationId }) => {
      const operation = operations.get(operationId.toLowerCase());
      const refused = refusal(request, read, operationId);
      if (refused) return refused;
      if (!operation) return notFound(request, operationId);
      const submitted = Date.parse(operation.submittedDateTime);
      if (operation.status === 'running' && Date.now() - submitted >= exports.completesAfterMs) {
        operation.status = 'complete';
        operation.completedDateTime = new Date().toISOString();
      }
      const answer = entity('dataPolicyOperations', operation);
      return operation.status === 'running'
        ? { ...answer, headers: { 'Retry-After': String(exports.retryAfterSeconds) } }
        : answer;
    }),
  ];

  /** Graph answers an export at once with 202 and the operation to poll. */
  function startExport(request: GraphRequest): GraphResponse {
    const storageLocation = (request.body as { storageLocation?: unknown } | undefined)?.storageLocation;
    if (typeof storageLocation !== 'string' || storageLocation === '') {
      return graphError(request.ids, 400, 'BadRequest', "The parameter 'storageLocation' is required.");
    }
    const operation: DataPolicyOperation = {
      id: randomUUID(),
      status: 'running',
      storageLocation,
      submittedDateTime: new Date().toISOString(),
    };
    operations.set(operation.id, operation);
    return {
      status: 202,
      headers: {
        Location: `${baseUrl}/dataPolicyOperations/${operation.id}`,
        'Retry-After': String(exports.retryAfterSeconds),
      },
    };
  }

  return (request) => {
    const segments = request.path.split('/').filter(Boolean);
    const candidates = routes
      .map((candidate) => ({ candidate, params: matchSegments(candidate.segments, segments) }))
      .filter((match) => match.params !== undefined);
    const matched = candidates.find(({ candidate }) => candidate.method === request.method);
    if (matched?.params) return matched.candidate.handle(request, matched.params);
    if (candidates.length > 0) {
      return graphError(
        request.ids,
        405,
        'Request_BadRequest',
        'Specified HTTP method is not allowed for the request uri.',
      );
    }
    return graphError(
      request.ids,
      404,
      'ResourceNotFound',
      `Resource not found for the segment '${segments.at(-1) ?? ''}'.`,
    );
  };
}
