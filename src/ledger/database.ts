import pg from 'pg';
import type { Logger } from '../observability/logger.js';

/** The ledger's connection pool. */
export type Database = pg.Pool;

/** Connections per process: the worker's claim and the mutations' short statements share them. */
const POOL_SIZE = 10;

/**
 * A pool on `url` (`postgres://…`). A connection that breaks while idle is logged and replaced,
 * never thrown: the readiness probe reports an unreachable database.
 */
export function connectDatabase(url: string, logger: Logger): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    application_name: 'shared-profile-gateway',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) => {
    logger.warn({ err: error.message }, 'ledger database connection lost');
  });
  return pool;
}

/**
 * A small pool on the same database whose commits do not wait for the disk
 * (`synchronous_commit=off`): for writes whose loss in a database crash only means that a request
 * is sent again (the settling of an answered request, which stays pending and leased otherwise).
 */
export function lazyCommitPool(db: Database): Database {
  const pool = new pg.Pool({ ...db.options, max: 4, options: '-c synchronous_commit=off' });
  // As for the main pool: a broken idle connection is replaced, not thrown.
  pool.on('error', () => undefined);
  return pool;
}
