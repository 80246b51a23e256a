import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { connectDatabase } from '../../src/ledger/database.js';
import { migrate, migrationsFolder } from '../../src/ledger/migrations.js';
import { createLogger } from '../../src/observability/logger.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';
import { LOOSE_LIMITS } from '../support/loose-limits.js';
import { metricValue } from '../support/metric-values.js';
import { REMOVE_OUTBOUND, eventually, requestUuid } from '../support/personal-data-requests.js';
import { createTestDatabase } from '../support/test-database.js';

/** A connection string for `database` on the test cluster. */
function databaseUrl(database: string): string {
  const url = new URL(inject('postgresTemplateUrl'));
  url.pathname = `/${database}`;
  return url.href;
}

/** Runs `work` on a connection to the cluster's `postgres` database, as its administrator. */
async function asAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('the ledger in /metrics', () => {
  let harness: GatewayHarness;
  let admin: string;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { ...LOOSE_LIMITS, GRAPH_MAX_ATTEMPTS: '1' } });
    admin = await harness.token('admin');
  });
  afterAll(() => harness?.close());

  const metric = (name: string, labels?: Record<string, string>) => metricValue(harness, name, labels);

  it('shows pending, oldest pending, overdue requests and attempts by outcome', async () => {
    expect(await metric('gateway_ledger_pending_requests')).toBe(0);
    expect(await metric('gateway_ledger_oldest_pending_seconds')).toBe(0);
    expect(await metric('gateway_ledger_overdue_requests')).toBe(0);
    const attempts = async () => ({
      succeeded: await metric('gateway_ledger_attempts_total', { outcome: 'succeeded' }),
      failed: await metric('gateway_ledger_attempts_total', { outcome: 'failed' }),
      pending: await metric('gateway_ledger_attempts_total', { outcome: 'pending' }),
    });
    const before = await attempts();

    const ok = await harness.post(
      { query: REMOVE_OUTBOUND, variables: { userId: PERSONAS.user.objectId } },
      admin,
    );
    expect(ok.body.errors).toBeUndefined();
    const missing = await harness.post(
      { query: REMOVE_OUTBOUND, variables: { userId: '00000000-0000-4000-8000-000000000042' } },
      admin,
    );
    expect(errorCodes(missing)).toEqual(['NOT_FOUND']);
    harness.graph.faults.add({
      pathPattern: /removePersonalData$/,
      status: 503,
      retryAfter: '3600',
      times: 2,
    });
    const pendingIds: string[] = [];
    for (const userId of [PERSONAS.user.objectId, PERSONAS.admin.objectId]) {
      const response = await harness.post({ query: REMOVE_OUTBOUND, variables: { userId } }, admin);
      expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
      pendingIds.push(requestUuid(response.body.errors![0]!.extensions!.requestId as string));
    }

    expect(await attempts()).toEqual({
      succeeded: before.succeeded + 1,
      failed: before.failed + 1,
      pending: before.pending + 2,
    });
    expect(await metric('gateway_ledger_pending_requests')).toBe(2);
    expect(await metric('gateway_ledger_overdue_requests')).toBe(0);
    const age = await metric('gateway_ledger_oldest_pending_seconds');
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);

    // As if the oldest had waited two hours, and had been due for an hour.
    await harness.database.query(
      `UPDATE personal_data_requests SET requested_at = now() - interval '2 hours', due_at = now() - interval '1 hour'
       WHERE id = $1`,
      [pendingIds[0]],
    );
    expect(await metric('gateway_ledger_overdue_requests')).toBe(1);
    const oldest = await metric('gateway_ledger_oldest_pending_seconds');
    expect(oldest).toBeGreaterThanOrEqual(7_200);
    expect(oldest).toBeLessThan(7_260);

    // Settled requests leave the gauges.
    await harness.database.query(
      `UPDATE personal_data_requests SET next_attempt_at = now(), leased_until = NULL WHERE id = ANY ($1::uuid[])`,
      [pendingIds],
    );
    await harness.gateway.ledgerWorker.runOnce();
    expect(await metric('gateway_ledger_pending_requests')).toBe(0);
    expect(await metric('gateway_ledger_overdue_requests')).toBe(0);
    expect(await metric('gateway_ledger_oldest_pending_seconds')).toBe(0);
    expect((await attempts()).succeeded).toBe(before.succeeded + 3);
  });
});

describe('the ledger’s database in /readiness', () => {
  let harness: GatewayHarness;
  let database: string;

  beforeAll(async () => {
    const url = await createTestDatabase();
    database = new URL(url).pathname.slice(1);
    harness = await GatewayHarness.start({ databaseUrl: url });
  });
  afterAll(async () => {
    await asAdmin((client) => client.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`));
    await harness?.close();
  });

  const readiness = async () => (await harness.fetch('/readiness')).status;
  /** The ledger gauges' samples as `/metrics` writes them. */
  const ledgerGauges = async () => {
    const text = await (await harness.fetch('/metrics')).text();
    return Object.fromEntries(
      [...text.matchAll(/^(gateway_ledger_(?!attempts)\w+) (\S+)$/gm)].map((match) => [match[1], match[2]]),
    );
  };

  it('answers 503 while the database is unreachable, with the ledger gauges unknown, and 200 once it is back', async () => {
    expect(await readiness()).toBe(200);

    await asAdmin(async (client) => {
      await client.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
        database,
      ]);
    });

    // Readiness asks the database again every 2 s.
    await eventually(async () => (await readiness()) === 503, 10_000, '/readiness to answer 503');
    const body = (await (await harness.fetch('/readiness')).json()) as { waitingFor: string[] };
    expect(body.waitingFor).toContain('database');
    // The ledger's gauges are unknown meanwhile, not their last values, and say so.
    expect(await ledgerGauges()).toEqual({
      gateway_ledger_readable: '0',
      gateway_ledger_pending_requests: 'Nan',
      gateway_ledger_oldest_pending_seconds: 'Nan',
      gateway_ledger_overdue_requests: 'Nan',
    });

    await asAdmin((client) => client.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`));

    await eventually(async () => (await readiness()) === 200, 10_000, '/readiness to answer 200 again');
    const removal = await harness.post(
      { query: REMOVE_OUTBOUND, variables: { userId: PERSONAS.user.objectId } },
      await harness.token('user'),
    );
    expect(removal.body.errors).toBeUndefined();
    expect(await ledgerGauges()).toEqual({
      gateway_ledger_readable: '1',
      gateway_ledger_pending_requests: '0',
      gateway_ledger_oldest_pending_seconds: '0',
      gateway_ledger_overdue_requests: '0',
    });
  });
});

describe('migrations', () => {
  it('are applied once when several pools migrate a fresh database at the same time', async () => {
    const name = `fresh_${randomUUID().replaceAll('-', '')}`;
    // Not from the migrated template: an empty database, as a first deployment finds it.
    await asAdmin((client) => client.query(`CREATE DATABASE ${name}`));
    const logger = createLogger('error');
    const pools = Array.from({ length: 3 }, () => connectDatabase(databaseUrl(name), logger));
    try {
      const files = readdirSync(migrationsFolder())
        .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
        .sort();
      expect(files.length).toBeGreaterThan(0);

      const applied = await Promise.all(pools.map((pool) => migrate(pool)));

      // One pool applied every file; the others found them applied.
      expect(applied.filter((names) => names.length > 0)).toEqual([files]);
      expect(applied.filter((names) => names.length === 0)).toHaveLength(2);
      const { rows } = await pools[0]!.query<{ name: string }>(
        'SELECT name FROM schema_migrations ORDER BY name',
      );
      expect(rows.map((row) => row.name)).toEqual(files);
      const { rows: tables } = await pools[0]!.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      );
      expect(tables.map((row) => row.table_name)).toEqual(
        [
          'idempotency_keys',
          'personal_data_request_attempts',
          'personal_data_requests',
          'schema_migrations',
        ].sort(),
      );
      // And once more, later: nothing to do.
      expect(await migrate(pools[1]!)).toEqual([]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
      await asAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name}`));
    }
  });
});
