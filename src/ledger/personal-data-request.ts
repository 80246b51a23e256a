import type { ErrorCode } from '../errors/gateway-errors.js';

/** What a personal-data request asks of Graph. */
export const PERSONAL_DATA_OPERATIONS = ['REMOVE_OUTBOUND', 'REMOVE_INBOUND', 'EXPORT_INBOUND'] as const;
export type PersonalDataOperation = (typeof PERSONAL_DATA_OPERATIONS)[number];

/** SUCCEEDED: Graph accepted it (204, or 202 for an export); FAILED: it never will. */
export const REQUEST_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Graph's `dataPolicyOperation` status as the gateway last saw it; UNKNOWN when it may not look. */
export const EXPORT_STATUSES = ['NOT_STARTED', 'RUNNING', 'COMPLETE', 'FAILED', 'UNKNOWN'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** Who asked: the verified caller when the request was accepted. */
export interface RequestActor {
  kind: 'USER' | 'APPLICATION';
  userId: string;
  tenantId: string;
  clientId: string | undefined;
}

/** An error as the ledger keeps it: the contract's code, its message, Graph's wait when known. */
export interface RecordedError {
  code: ErrorCode;
  message: string;
  retryAfterSeconds: number | undefined;
}

export interface RecordedExport {
  operationLocation: string | undefined;
  status: ExportStatus;
  completedAt: Date | undefined;
}

/** One personal-data request: one id of one removal or export. */
export interface PersonalDataRequest {
  /** A UUID; the API shows it as an opaque global id. */
  id: string;
  operation: PersonalDataOperation;
  userId: string;
  tenantId: string | undefined;
  batchId: string | undefined;
  requestedBy: RequestActor;
  requestedAt: Date;
  dueAt: Date;
  status: RequestStatus;
  attempts: number;
  completedAt: Date | undefined;
  error: RecordedError | undefined;
  upstreamRequestId: string | undefined;
  export: RecordedExport | undefined;
}

/** Which requests a reader may see: all of them, or those they made or that are about them. */
export type Visibility = { all: true } | { all: false; userId: string };

export interface RequestFilter {
  status?: readonly RequestStatus[] | undefined;
  operation?: readonly PersonalDataOperation[] | undefined;
  userId?: string | undefined;
  requestedBy?: string | undefined;
  batchId?: string | undefined;
}
