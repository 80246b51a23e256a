import { inject } from 'vitest';
import { copyDatabase } from './postgres-template.js';

/**
 * A database of its own for one test (a gateway, or several sharing one ledger), copied from the
 * migrated template that `postgres-global-setup.ts` made: the real PostgreSQL, the real schema.
 */
export function createTestDatabase(): Promise<string> {
  return copyDatabase(inject('postgresTemplateUrl'), 'test');
}
