import type { Caller } from '../../auth/caller.js';
import type { UpstreamError } from '../../errors/gateway-errors.js';

/** What Graph gave back for an accepted request. */
export interface UpstreamReceipt {
  /** Graph's `request-id` response header. */
  upstreamRequestId: string | undefined;
  /** The GUID the gateway sent as `client-request-id`. */
  clientRequestId: string;
  /** Graph's HTTP status (an item's own inside a `$batch`), for the ledger's attempts. */
  status?: number | undefined;
}

export interface OutboundRemovalTarget {
  userId: string;
  /** When given, only the data shared with this tenant (the tenant-scoped action). */
  tenantId?: string | undefined;
}

/** Many users' outbound data: all of it, or only what is shared with `tenantId`. */
export interface BulkOutboundRemovalTarget {
  userIds: readonly string[];
  tenantId?: string | undefined;
}

/** One id's fate in a bulk request: Graph accepted it, or the contract's error for that id alone. */
export type BulkRemovalOutcome = { ok: true; receipt: UpstreamReceipt } | { ok: false; error: UpstreamError };

/** `outboundSharedUserProfile`: a user of this tenant whose profile is shared with other tenants. */
export interface OutboundSharedUserProfile {
  userId: string;
}

/** `tenantReference`: a tenant an outbound profile is shared with. */
export interface TenantReference {
  tenantId: string;
}

/** `inboundSharedUserProfile`: a user of another tenant whose profile is shared with this one. */
export interface InboundSharedUserProfile {
  userId: string;
  displayName: string | null;
  homeTenantId: string | null;
  userPrincipalName: string | null;
}

/**
 * Which page of a collection to read: the first one, asking Graph for `top` items, or the page at
 * a link Graph handed out for this same collection earlier (followed exactly as given).
 */
export type GraphPageRequest = { top: number } | { link: string };

export interface GraphPage<T> {
  items: T[];
  /** Graph's `@odata.nextLink`, already checked to be a page of the same collection on the same Graph. */
  nextLink: string | undefined;
}

export interface ExportTarget {
  userId: string;
  /** Where Graph writes the export (an Azure Storage SAS URL): a secret, never logged. */
  storageLocation: string;
}

/** Graph's 202 to an export: the `dataPolicyOperation` to poll and how long to wait first. */
export interface ExportReceipt extends UpstreamReceipt {
  operationLocation: string;
  retryAfterSeconds: number | undefined;
}

/** Graph's `dataPolicyOperation`: how an export is going. */
export interface DataPolicyOperation {
  /** Graph's `status`: `notStarted`, `running`, `complete` or `failed` (kept as Graph spells it). */
  status: string;
  receipt: UpstreamReceipt;
  /** Graph's `Retry-After` on the poll, in milliseconds, when it gave one. */
  retryAfterMs: number | undefined;
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

  /*
   * Reads. A profile Graph does not know is `null`. A page request whose link is not a page of
   * that collection is refused with BadUserInputError before any upstream call.
   */
  listOutboundSharedUserProfiles(
    caller: Caller,
    page: GraphPageRequest,
    signal?: AbortSignal,
  ): Promise<GraphPage<OutboundSharedUserProfile>>;
  getOutboundSharedUserProfile(
    caller: Caller,
    userId: string,
    signal?: AbortSignal,
  ): Promise<OutboundSharedUserProfile | null>;
  listOutboundSharedUserProfileTenants(
    caller: Caller,
    userId: string,
    page: GraphPageRequest,
    signal?: AbortSignal,
  ): Promise<GraphPage<TenantReference>>;
  listInboundSharedUserProfiles(
    caller: Caller,
    page: GraphPageRequest,
    signal?: AbortSignal,
  ): Promise<GraphPage<InboundSharedUserProfile>>;
  getInboundSharedUserProfile(
    caller: Caller,
    userId: string,
    signal?: AbortSignal,
  ): Promise<InboundSharedUserProfile | null>;

  removeInboundSharedUserProfilePersonalData(
    caller: Caller,
    userId: string,
    signal?: AbortSignal,
  ): Promise<UpstreamReceipt>;
  exportInboundSharedUserProfilePersonalData(
    caller: Caller,
    target: ExportTarget,
    signal?: AbortSignal,
  ): Promise<ExportReceipt>;
  /**
   * Reads the operation at an export's `Location`. `undefined` when the location is not a
   * `dataPolicyOperations/{id}` of this Graph: the gateway's token never goes anywhere else.
   */
  getDataPolicyOperation(
    caller: Caller,
    operationLocation: string,
    signal?: AbortSignal,
  ): Promise<DataPolicyOperation | undefined>;

  /*
   * Bulk twins of the removals: one outcome per id, in the order given (ids arrive distinct and
   * authorized); one id's failure never fails the others, so these reject only when aborted or
   * when the caller's token has expired.
   */
  removeOutboundSharedUserProfilesPersonalData(
    caller: Caller,
    target: BulkOutboundRemovalTarget,
    signal?: AbortSignal,
  ): Promise<BulkRemovalOutcome[]>;
  removeInboundSharedUserProfilesPersonalData(
    caller: Caller,
    userIds: readonly string[],
    signal?: AbortSignal,
  ): Promise<BulkRemovalOutcome[]>;
}
