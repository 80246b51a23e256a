import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type EmbeddedServices,
  createDemoData,
  nameBasedGuid,
  startEmbeddedServices,
} from '@shared-profile-gateway/emulators';
import { GatewayProcess } from '../support/gateway-process.js';
import { createTestDatabase } from '../support/test-database.js';

const IDS = 1_000;
/** Short, so that the test waits little for a dead process's lease to expire. */
const LEASE_MS = 3_000;
/** What "a few seconds" after the lease means here: the worker's round, claims and batches. */
const TAKEOVER_MS = LEASE_MS + 6_000;

const BULK = `mutation Bulk($userIds: [ID!]!) {
  removeOutboundSharedUserProfilesPersonalData(userIds: $userIds) {
    batchId accepted failed results { userId ok requestId }
  }
}`;

interface BulkAnswer {
  data?: {
    removeOutboundSharedUserProfilesPersonalData: {
      batchId: string;
      accepted: number;
      failed: number;
      results: Array<{ userId: string; ok: boolean; requestId: string | null }>;
    };
  };
  errors?: unknown[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 19, "Done when": `kill -9` during a 1,000-id bulk removal; every id still reaches Graph,
 * the ledger shows all of them settled, and the same Idempotency-Key returns every result without
 * sending a settled id again — with a restart, and with a second live replica.
 */
describe('personal-data requests survive a killed gateway', () => {
  let services: EmbeddedServices;
  const userIds = Array.from({ length: IDS }, (_, n) => nameBasedGuid(`crash-test:${n}`));
  const started: GatewayProcess[] = [];
  let databaseUrl: string;
  let db: pg.Pool;
  let token: string;

  beforeAll(async () => {
    const data = createDemoData();
    data.outbound.push(...userIds.map((userId) => ({ userId, tenantIds: [] })));
    services = await startEmbeddedServices({ graphData: data });
    token = await services.personaToken('admin');
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((gateway) => gateway.stop()));
    await db?.end();
  });
  afterAll(() => services?.close());

  async function startReplica(): Promise<GatewayProcess> {
    const gateway = await GatewayProcess.startInProduction(services, {
      DATABASE_URL: databaseUrl,
      LEDGER_LEASE_MS: String(LEASE_MS),
      RATE_LIMIT_REMOVALS_PER_MINUTE: '100000',
    });
    started.push(gateway);
    await gateway.untilReady();
    return gateway;
  }

  const bulk = (gateway: GatewayProcess, key: string) =>
    fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'idempotency-key': key,
      },
      body: JSON.stringify({ query: BULK, variables: { userIds } }),
    });

  /** Removal calls Graph received per id (inside `$batch`es), since the emulator's last reset. */
  function removalsPerId(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const request of services.graph.requests) {
      const id = /outboundSharedUserProfiles\/([^/]+)\/removePersonalData/.exec(request.path)?.[1];
      if (id) counts.set(id.toLowerCase(), (counts.get(id.toLowerCase()) ?? 0) + 1);
    }
    return counts;
  }

  const statusCounts = async () =>
    Object.fromEntries(
      (
        await db.query<{ status: string; n: number }>(
          'SELECT status, count(*)::int AS n FROM personal_data_requests GROUP BY status',
        )
      ).rows.map((row) => [row.status, row.n]),
    );

  /** Sends the bulk to `victim`, and kills it with SIGKILL once Graph has seen part of it. */
  async function killMidBulk(victim: GatewayProcess, key: string): Promise<number> {
    // About 2.5 s for the whole bulk: 50 batches of 20, 4 at a time, 200 ms each.
    services.graph.setLatency(200);
    const answer = bulk(victim, key).catch((error: unknown) => error);
    const deadline = Date.now() + 20_000;
    while (removalsPerId().size < 100 && Date.now() < deadline) await sleep(10);
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await answer).toBeInstanceOf(Error);
    services.graph.setLatency(0);
    const counts = await statusCounts();
    expect((counts.PENDING ?? 0) + (counts.SUCCEEDED ?? 0)).toBe(IDS);
    expect(counts.PENDING).toBeGreaterThan(0);
    return killedAt;
  }

  async function untilAllSettled(killedAt: number): Promise<number> {
    const deadline = killedAt + TAKEOVER_MS + 20_000;
    while ((await statusCounts()).SUCCEEDED !== IDS) {
      if (Date.now() > deadline) {
        throw new Error(`not settled: ${JSON.stringify(await statusCounts())}`);
      }
      await sleep(100);
    }
    return Date.now() - killedAt;
  }

  async function expectEachIdSettledOnce(): Promise<void> {
    const removals = removalsPerId();
    expect(userIds.filter((id) => !removals.has(id.toLowerCase()))).toEqual([]);
    // At least once, and only a request that no live holder had settled was sent twice.
    const settledTwice = await db.query(
      `SELECT request_id FROM personal_data_request_attempts
       WHERE kind = 'SEND' AND http_status = 204 GROUP BY request_id HAVING count(*) > 1`,
    );
    expect(settledTwice.rows).toEqual([]);
  }

  async function expectReplayWithoutResending(gateway: GatewayProcess, key: string): Promise<void> {
    services.graph.resetRecording();
    const replay = (await (await bulk(gateway, key)).json()) as BulkAnswer;
    expect(replay.errors).toBeUndefined();
    const payload = replay.data!.removeOutboundSharedUserProfilesPersonalData;
    expect(payload).toMatchObject({ accepted: IDS, failed: 0 });
    expect(payload.results.map((result) => result.userId)).toEqual(userIds);
    expect(new Set(payload.results.map((result) => result.requestId)).size).toBe(IDS);
    expect(removalsPerId().size).toBe(0);
  }

  it('a restarted gateway completes every id within the lease plus a few seconds', async () => {
    databaseUrl = await createTestDatabase();
    db = new pg.Pool({ connectionString: databaseUrl });
    services.graph.resetRecording();
    const first = await startReplica();
    const killedAt = await killMidBulk(first, 'restart-key');

    const restarted = await startReplica();
    const recoveredInMs = await untilAllSettled(killedAt);
    expect(recoveredInMs).toBeLessThan(TAKEOVER_MS);
    await expectEachIdSettledOnce();
    await expectReplayWithoutResending(restarted, 'restart-key');
  });

  it('a second live replica completes every id of one killed mid-bulk', async () => {
    databaseUrl = await createTestDatabase();
    db = new pg.Pool({ connectionString: databaseUrl });
    services.graph.resetRecording();
    const [victim, survivor] = [await startReplica(), await startReplica()];
    const killedAt = await killMidBulk(victim, 'replica-key');

    const recoveredInMs = await untilAllSettled(killedAt);
    expect(recoveredInMs).toBeLessThan(TAKEOVER_MS);
    await expectEachIdSettledOnce();
    await expectReplayWithoutResending(survivor, 'replica-key');
  });
});
