// The benchmarks' PostgreSQL: the embedded one the gateway starts outside production, with its
// durable defaults (a benchmark of the ledger with fsync off would flatter it), in a temporary
// folder. Each gateway gets a database of its own, copied from one migrated template.
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { connectDatabase } from '../../src/ledger/database.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../../src/ledger/embedded-postgres.js';
import { migrate } from '../../src/ledger/migrations.js';
import { createLogger } from '../../src/observability/logger.js';

let server: Promise<EmbeddedDatabase> | undefined;
let folder: string | undefined;

async function template(): Promise<EmbeddedDatabase> {
  server ??= (async () => {
    folder = mkdtempSync(join(tmpdir(), 'gateway-bench-pg-'));
    chmodSync(folder, 0o755);
    const logger = createLogger('error');
    const started = await startEmbeddedDatabase({ dataDir: folder, logger });
    const db = connectDatabase(started.url, logger);
    await migrate(db);
    await db.end();
    return started;
  })();
  return server;
}

/** A fresh, migrated database on the benchmarks' PostgreSQL. */
export async function benchDatabaseUrl(): Promise<string> {
  const url = new URL((await template()).url);
  const name = `bench_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: url.href.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${url.pathname.slice(1)}`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  return url.href;
}

/** Stops the benchmarks' PostgreSQL, when one was started. */
export async function stopBenchDatabase(): Promise<void> {
  if (!server) return;
  await (await server).close();
  if (folder) rmSync(folder, { recursive: true, force: true });
  server = undefined;
}
