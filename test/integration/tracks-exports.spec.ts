import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_GATEWAY_CLIENT_ID } from '@shared-profile-gateway/emulators';
import { GatewayHarness } from '../support/gateway-harness.js';
import { LOOSE_LIMITS } from '../support/loose-limits.js';
import {
  type RequestView,
  EXPORT_INBOUND,
  readRequest,
  requestUuid,
} from '../support/personal-data-requests.js';

const STORAGE = 'https://contosoexports.blob.core.example/exports?sv=2024-01-01&sr=c&sp=w&sig=dGVzdA%3D%3D';

type ExportPayload = {
  exportInboundSharedUserProfilePersonalData: {
    operationLocation: string;
    retryAfterSeconds: number | null;
    upstreamRequestId: string;
    request: RequestView;
  };
};

describe('tracked exports', () => {
  let harness: GatewayHarness;
  let reader: string;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: LOOSE_LIMITS });
    reader = await harness.token('reader');
  });
  afterAll(() => harness?.close());
  beforeEach(() => {
    harness.graph.faults.clear();
    harness.graph.resetRecording();
    harness.graph.exportSettings.retryAfterSeconds = 1;
    harness.graph.exportSettings.completesAfterMs = 2_500;
  });

  async function startExport(index: number) {
    const response = await harness.post<ExportPayload>(
      {
        query: EXPORT_INBOUND,
        variables: { userId: harness.graph.data.inbound[index]!.userId, storageLocation: STORAGE },
      },
      reader,
    );
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.exportInboundSharedUserProfilePersonalData;
  }

  /** The polls of one export's operation (other tests' exports may be polled in the same round). */
  const polls = (location?: string) =>
    harness.graph.requests.filter((call) =>
      location === undefined
        ? call.path.startsWith('/dataPolicyOperations/')
        : call.path === location.slice(harness.graph.baseUrl.length),
    );
  const nextPollAt = async (id: string) =>
    (
      await harness.database.query<{ export_next_poll_at: Date | null }>(
        'SELECT export_next_poll_at FROM personal_data_requests WHERE id = $1',
        [requestUuid(id)],
      )
    ).rows[0]!.export_next_poll_at;
  const pollRows = async (id: string) =>
    (
      await harness.database.query(
        `SELECT attempt, http_status, error_code, client_request_id, upstream_request_id
         FROM personal_data_request_attempts WHERE request_id = $1 AND kind = 'POLL' ORDER BY attempt`,
        [requestUuid(id)],
      )
    ).rows as Array<Record<string, unknown>>;
  /** Waits until the export's next poll is due, then runs one round of the worker. */
  async function pollWhenDue(id: string): Promise<void> {
    const due = await nextPollAt(id);
    expect(due).toBeInstanceOf(Date);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due!.getTime() - Date.now() + 20)));
    await harness.gateway.ledgerWorker.runOnce();
  }

  it('answers with the request, NOT_STARTED, at Graph’s Location', async () => {
    const payload = await startExport(0);
    const location = payload.operationLocation;

    expect(location).toMatch(new RegExp(`^${harness.graph.baseUrl}/dataPolicyOperations/[0-9a-f-]{36}$`));
    expect(payload.request).toMatchObject({
      operation: 'EXPORT_INBOUND',
      status: 'SUCCEEDED',
      attempts: 1,
      upstreamRequestId: payload.upstreamRequestId,
      export: { status: 'NOT_STARTED', operationLocation: location, completedAt: null },
    });
    expect(await readRequest(harness, payload.request.id, reader)).toMatchObject({
      export: { status: 'NOT_STARTED', operationLocation: location },
    });
  });

  it('waits for the Retry-After of Graph’s 202 before its first poll', async () => {
    harness.graph.exportSettings.retryAfterSeconds = 3;
    const payload = await startExport(1);
    expect(payload.retryAfterSeconds).toBe(3);

    await harness.gateway.ledgerWorker.runOnce();

    expect(polls(payload.operationLocation)).toHaveLength(0);
    const due = await nextPollAt(payload.request.id);
    expect(due!.getTime()).toBeGreaterThanOrEqual(Date.parse(payload.request.requestedAt) + 3_000);
  });

  it('polls with the gateway’s application token until COMPLETE, each poll an attempt', async () => {
    const payload = await startExport(2);
    const { id } = payload.request;

    await pollWhenDue(id);
    expect(await readRequest(harness, id, reader)).toMatchObject({
      export: { status: 'RUNNING', completedAt: null },
    });

    const seen: string[] = ['RUNNING'];
    const deadline = Date.now() + 15_000;
    for (;;) {
      await pollWhenDue(id);
      const status = (await readRequest(harness, id, reader))!.export!.status;
      seen.push(status);
      if (status === 'COMPLETE' || Date.now() > deadline) break;
    }
    expect(seen.at(-1)).toBe('COMPLETE');
    expect(new Set(seen.slice(0, -1))).toEqual(new Set(['RUNNING']));
    const done = (await readRequest(harness, id, reader))!;
    expect(Date.parse(done.export!.completedAt!)).toBeGreaterThan(Date.parse(done.requestedAt));
    expect(done.export!.operationLocation).toBe(payload.operationLocation);
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });

    const operationPath = payload.operationLocation.slice(harness.graph.baseUrl.length);
    expect(polls(payload.operationLocation).map((call) => `${call.method} ${call.path}`)).toEqual(
      Array(seen.length).fill(`GET ${operationPath}`),
    );
    for (const call of polls(payload.operationLocation)) {
      expect(call).toMatchObject({ idtyp: 'app', appid: DEMO_GATEWAY_CLIENT_ID, scp: undefined });
    }
    const rows = await pollRows(id);
    expect(rows.map((row) => [row.attempt, row.http_status, row.error_code])).toEqual(
      seen.map((_, n) => [n + 1, 200, null]),
    );
    expect(rows.map((row) => row.client_request_id)).toEqual(
      polls(payload.operationLocation).map((call) => call.clientRequestId),
    );

    // Settled: no poll any more.
    expect(await nextPollAt(id)).toBeNull();
    harness.graph.resetRecording();
    await harness.gateway.ledgerWorker.runOnce();
    expect(polls(payload.operationLocation)).toHaveLength(0);
  });

  it('makes the status UNKNOWN on a 403, stops polling and names the missing permissions', async () => {
    const payload = await startExport(3);
    const { id } = payload.request;
    harness.graph.faults.add({
      method: 'GET',
      pathPattern: /^\/dataPolicyOperations\//,
      status: 403,
      times: Infinity,
    });
    const since = harness.logs().length;

    await pollWhenDue(id);

    expect(await readRequest(harness, id, reader)).toMatchObject({
      status: 'SUCCEEDED',
      export: { status: 'UNKNOWN', completedAt: null },
    });
    expect(polls(payload.operationLocation)).toHaveLength(1);
    expect((await pollRows(id)).map((row) => [row.attempt, row.http_status, row.error_code])).toEqual([
      [1, 403, 'FORBIDDEN'],
    ]);
    const warnings = harness.logEntries(since).filter((entry) => entry.level === 40);
    expect(
      warnings.some((entry) => /User\.Export\.All/.test(entry.msg) && /User\.Read\.All/.test(entry.msg)),
    ).toBe(true);

    expect(await nextPollAt(id)).toBeNull();
    harness.graph.resetRecording();
    await harness.gateway.ledgerWorker.runOnce();
    expect(polls(payload.operationLocation)).toHaveLength(0);
  });

  it('never requests a Location that is not an operation of the configured Graph', async () => {
    let caught = 0;
    const catcher = createServer((_request, response) => {
      caught += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"complete"}');
    });
    await new Promise<void>((resolve) => catcher.listen(0, '127.0.0.1', resolve));
    try {
      const port = (catcher.address() as AddressInfo).port;
      const operation = randomUUID();
      const graph = new URL(harness.graph.baseUrl);
      const foreign = [
        `http://127.0.0.1:${port}/beta/dataPolicyOperations/${operation}`,
        `https://127.0.0.1:${port}/beta/dataPolicyOperations/${operation}`,
        `${graph.protocol}//user:pass@${graph.host}/beta/dataPolicyOperations/${operation}`,
        `${graph.origin}/v1.0/dataPolicyOperations/${operation}`,
        `${harness.graph.baseUrl}/dataPolicyOperations/${operation}/../../directory/inboundSharedUserProfiles`,
        `${harness.graph.baseUrl}/directory/inboundSharedUserProfiles?x=/dataPolicyOperations/${operation}`,
        `${harness.graph.baseUrl}/dataPolicyOperations/${operation}?$select=storageLocation`,
        `${harness.graph.baseUrl}/dataPolicyOperations/not-an-operation`,
      ];
      const ids: string[] = [];
      for (const [n, location] of foreign.entries()) {
        const { request } = await startExport(10 + n);
        ids.push(request.id);
        // Graph's Location is what the emulator gave; the test plants a hostile one in its place,
        // as a compromised or misconfigured upstream would hand out.
        await harness.database.query(
          'UPDATE personal_data_requests SET export_location = $2, export_next_poll_at = now() WHERE id = $1',
          [requestUuid(request.id), location],
        );
      }
      // Other tests' exports stay out of this round, so that any Graph call is one of these.
      await harness.database.query(
        'UPDATE personal_data_requests SET export_next_poll_at = NULL WHERE NOT (id = ANY ($1::uuid[]))',
        [ids.map(requestUuid)],
      );
      harness.graph.resetRecording();
      const since = harness.logs().length;

      await harness.gateway.ledgerWorker.runOnce();

      expect(caught).toBe(0);
      expect(harness.graph.requests).toHaveLength(0);
      for (const id of ids) {
        expect((await readRequest(harness, id, reader))!.export!.status).toBe('UNKNOWN');
        expect(await nextPollAt(id)).toBeNull();
      }
      const warnings = harness
        .logEntries(since)
        .filter((entry) => /not an operation of the configured Graph/.test(entry.msg));
      expect(warnings).toHaveLength(foreign.length);
    } finally {
      await new Promise((resolve) => catcher.close(resolve));
    }
  });
});
