import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { connectDatabase } from '../../src/ledger/database.js';
import { startEmbeddedDatabase } from '../../src/ledger/embedded-postgres.js';
import { migrate } from '../../src/ledger/migrations.js';
import { createLogger } from '../../src/observability/logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test cluster's migrated database: each test copies it (`test/support/test-database.ts`). */
    postgresTemplateUrl: string;
  }
}

/**
 * One real PostgreSQL for a test project, from the same `embedded-postgres` package as the
 * embedded mode, with durability off (a test's data dies with the run). Its `gateway` database is
 * migrated once and serves as the template of every test's own database.
 */
export default async function startTestPostgres(project: TestProject): Promise<() => Promise<void>> {
  const folder = mkdtempSync(join(tmpdir(), 'gateway-test-pg-'));
  // As root, PostgreSQL runs as the `postgres` user, who must be able to enter the folder.
  chmodSync(folder, 0o755);
  const logger = createLogger('error');
  const server = await startEmbeddedDatabase({
    dataDir: folder,
    logger,
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
  });
  const db = connectDatabase(server.url, logger);
  await migrate(db);
  await db.end();
  project.provide('postgresTemplateUrl', server.url);
  return async () => {
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  };
}
