import { UpstreamError } from '../../errors/gateway-errors.js';
import type { ExportReceipt, ExportTarget, GraphAdapter, UpstreamReceipt } from './graph-adapter.js';
import { type GraphHttpClient, headerValue, receiptOf } from '../transport/graph-http-client.js';
import { pagePathBelow } from './graph-links.js';
import { inboundProfilePath, inboundRemovalPath } from './graph-paths.js';
import { toRetryAfterSeconds } from '../../errors/graph-answer-codes.js';
import { parseRetryAfter } from '../transport/retry-after.js';

type InboundActions = Pick<
  GraphAdapter,
  | 'removeInboundSharedUserProfilePersonalData'
  | 'exportInboundSharedUserProfilePersonalData'
  | 'getDataPolicyOperation'
>;

/** Graph names its operations by GUID. */
const OPERATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The two actions on one inbound shared profile, remove its data or export it (Graph's 202), and
 * the poll of an export's operation.
 */
export function createHttpInboundActions(client: GraphHttpClient, baseUrl: string): InboundActions {
  return {
    async getDataPolicyOperation(caller, operationLocation, signal) {
      const operationId = operationLocation.split(/[?#]/)[0]!.split('/').pop() ?? '';
      if (!OPERATION_ID.test(operationId)) return undefined;
      const path = pagePathBelow(baseUrl, operationLocation, `/dataPolicyOperations/${operationId}`);
      if (path === undefined || path.includes('?')) return undefined;
      const response = await client.send(
        caller,
        { operation: 'getDataPolicyOperation', method: 'GET', path },
        signal,
      );
      const status = (response.body as { status?: unknown } | undefined)?.status;
      return {
        status: typeof status === 'string' ? status : 'unknown',
        receipt: receiptOf(response),
        retryAfterMs: parseRetryAfter(headerValue(response.headers['retry-after']), Date.now()),
      };
    },

    async removeInboundSharedUserProfilePersonalData(caller, userId, signal): Promise<UpstreamReceipt> {
      const response = await client.send(
        caller,
        {
          operation: 'removeInboundPersonalData',
          method: 'POST',
          path: inboundRemovalPath(userId),
        },
        signal,
      );
      return receiptOf(response);
    },

    async exportInboundSharedUserProfilePersonalData(
      caller,
      { userId, storageLocation }: ExportTarget,
      signal,
    ): Promise<ExportReceipt> {
      const response = await client.send(
        caller,
        {
          operation: 'exportInboundPersonalData',
          method: 'POST',
          path: `${inboundProfilePath(userId)}/exportPersonalData`,
          body: { storageLocation },
        },
        signal,
      );
      const location = headerValue(response.headers.location);
      // Without the operation's location a client could never learn how the export went.
      if (!location) throw new UpstreamError('UPSTREAM_ERROR', receiptOf(response));
      const retryAfterMs = parseRetryAfter(headerValue(response.headers['retry-after']), Date.now());
      return {
        ...receiptOf(response),
        operationLocation: location,
        retryAfterSeconds: retryAfterMs === undefined ? undefined : toRetryAfterSeconds(retryAfterMs),
      };
    },
  };
}
