import { describe, expect, it } from 'vitest';
import { ExportInboundSharedUserProfilePersonalDataDocument as Export } from '../generated/graphql.js';
import { errorCodes, suiteHarness } from '../support/gateway-harness.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SAS_SIGNATURE = 'sig=Zm9yIHRlc3RzIG9ubHk%3D';
const STORAGE = `https://contosoexports.blob.core.example/exports?sv=2024-01-01&sr=c&sp=w&${SAS_SIGNATURE}`;

describe('exportInboundSharedUserProfilePersonalData', () => {
  const suite = suiteHarness('reader');

  // The emulator answers 400 to an export without `storageLocation`: success means it was sent.
  it('returns the operation location and Retry-After of Graph’s 202', async () => {
    const userId = suite.harness.graph.data.inbound[5]!.userId;
    const response = await suite.harness.execute(Export, { userId, storageLocation: STORAGE }, suite.token);

    expect(response.body.errors).toBeUndefined();
    const payload = response.body.data!.exportInboundSharedUserProfilePersonalData;
    expect(payload.userId).toBe(userId);
    expect(payload.operationLocation).toMatch(
      new RegExp(
        `^${suite.harness.graph.baseUrl.replace(/[.]/g, '\\.')}/dataPolicyOperations/[0-9a-f-]{36}$`,
      ),
    );
    expect(payload.retryAfterSeconds).toBe(suite.harness.graph.exportSettings.retryAfterSeconds);
    expect(payload.upstreamRequestId).toMatch(GUID);
    expect(Date.now() - Date.parse(payload.requestedAt)).toBeLessThan(60_000);
    expect(suite.harness.graph.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: `/directory/inboundSharedUserProfiles/${userId}/exportPersonalData`,
      }),
    ]);
  });

  // README, "Export": a 202 without `Location` is UPSTREAM_ERROR (a client could never learn how
  // the export went). The fault answers 202 with no Location header.
  it('answers UPSTREAM_ERROR, with both request ids, to a 202 without Location', async () => {
    const userId = suite.harness.graph.data.inbound[5]!.userId;
    suite.harness.graph.faults.add({ pathPattern: /\/exportPersonalData$/, status: 202, times: 1 });
    try {
      const response = await suite.harness.execute(Export, { userId, storageLocation: STORAGE }, suite.token);

      expect(errorCodes(response)).toEqual(['UPSTREAM_ERROR']);
      expect(response.body.data ?? null).toBeNull();
      const extensions = response.body.errors![0]!.extensions!;
      expect(extensions.upstreamRequestId).toMatch(GUID);
      expect(extensions.clientRequestId).toMatch(GUID);
      expect(suite.harness.graph.requests).toHaveLength(1);
    } finally {
      suite.harness.graph.faults.clear();
    }
  });

  it('keeps the storage location (a SAS URL) out of the logs', async () => {
    await suite.harness.execute(
      Export,
      { userId: suite.harness.graph.data.inbound[1]!.userId, storageLocation: STORAGE },
      suite.token,
    );
    expect(suite.harness.logs()).not.toContain(SAS_SIGNATURE);
  });

  it('answers NOT_FOUND for a user Graph does not know', async () => {
    const response = await suite.harness.execute(
      Export,
      { userId: '00000000-0000-4000-8000-000000000003', storageLocation: STORAGE },
      suite.token,
    );
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(response.body.data).toBeNull();
  });

  it.each([
    ['plain http', 'http://contosoexports.blob.core.example/exports'],
    ['a relative path', '/exports'],
    ['not a URL', 'exports please'],
    ['credentials in the URL', 'https://user:pass@contosoexports.blob.core.example/exports'],
    ['an overlong URL', `https://contosoexports.blob.core.example/${'a'.repeat(2100)}`],
    ['empty', ''],
  ])(
    'refuses %s as storageLocation with BAD_USER_INPUT before any upstream call',
    async (_name, storageLocation) => {
      const response = await suite.harness.execute(
        Export,
        { userId: suite.harness.graph.data.inbound[0]!.userId, storageLocation },
        suite.token,
      );
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors![0]!.extensions!.argumentName).toBe('storageLocation');
      expect(suite.harness.graph.requests).toHaveLength(0);
    },
  );
});
