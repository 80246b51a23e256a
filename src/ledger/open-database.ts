import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayConfig } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import { type Database, connectDatabase } from './database.js';
import { startEmbeddedDatabase } from './embedded-postgres.js';
import { migrate } from './migrations.js';

export interface LedgerDatabase {
  db: Database;
  /** Ends the pool, then stops the embedded server when the gateway started one. */
  close(): Promise<void>;
}

/** How long a start waits for the database to answer (a replica may start before it). */
const CONNECT_FOR_MS = 30_000;

/**
 * The ledger's database: `DATABASE_URL`, or (outside production, where the configuration requires
 * the URL) an embedded PostgreSQL in `DATA_DIR`; migrated before the gateway serves anything.
 */
export async function openLedgerDatabase(
  config: GatewayConfig['ledger'],
  logger: Logger,
): Promise<LedgerDatabase> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedDatabase({ dataDir: config.dataDir, logger });
  const db = connectDatabase(config.databaseUrl ?? embedded!.url, logger);
  const close = async () => {
    await db.end();
    await embedded?.close();
  };
  try {
    const applied = await migrateWhenReachable(db, logger);
    if (applied.length > 0) logger.info({ migrations: applied }, 'ledger database migrated');
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return { db, close };
}

async function migrateWhenReachable(db: Database, logger: Logger): Promise<string[]> {
  const deadline = Date.now() + CONNECT_FOR_MS;
  for (;;) {
    try {
      return await migrate(db);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // A migration that ran and failed will fail again: only an unreachable database is waited for.
      if (message.startsWith('migration ') || Date.now() > deadline) {
        throw new Error(`the ledger's database (DATABASE_URL) is not usable: ${message}`, { cause: error });
      }
      logger.warn({ err: message }, "the ledger's database is not answering yet; retrying");
      await sleep(1_000);
    }
  }
}
