import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { connectDatabase } from '../../src/ledger/database.js';
import { startEmbeddedDatabase } from '../../src/ledger/embedded-postgres.js';
import { migrate } from '../../src/ledger/migrations.js';
import { createLogger } from '../../src/observability/logger.js';

/** A temporary folder that the `postgres` user can enter when the tests run as root. */
export function traversableTempDir(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(folder, 0o755);
  return folder;
}

/** A PostgreSQL of the tests' or the benchmarks' own, and its migrated template database. */
export interface TemplatePostgres {
  /** The migrated database that `copyDatabase` copies. */
  url: string;
  /** Stops the server and deletes its folder. */
  close(): Promise<void>;
}

/**
 * Starts PostgreSQL from `embedded-postgres`, as the embedded mode does, in a temporary folder,
 * and migrates its database once, to be copied for each test or benchmarked gateway. `settings`
 * are extra server settings (the tests turn durability off; the benchmarks keep it).
 */
export async function startTemplatePostgres(
  prefix: string,
  settings: Record<string, string> = {},
): Promise<TemplatePostgres> {
  const folder = traversableTempDir(prefix);
  const logger = createLogger('error');
  const server = await startEmbeddedDatabase({ dataDir: folder, logger, settings });
  const db = connectDatabase(server.url, logger);
  await migrate(db);
  await db.end();
  return {
    url: server.url,
    close: async () => {
      await server.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A new database named `{prefix}_…`, copied from the migrated template at `templateUrl`. */
export async function copyDatabase(templateUrl: string, prefix: string): Promise<string> {
  const url = new URL(templateUrl);
  const template = url.pathname.slice(1);
  const name = `${prefix}_${randomUUID().replaceAll('-', '')}`;
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.href });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  return url.href;
}
