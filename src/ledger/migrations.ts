import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

/** The advisory lock held while migrating: replicas starting together apply each file once. */
const MIGRATION_LOCK = 0x5eed_1ed9;

const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.sql$/;

/**
 * The repository's `migrations/` folder, found from this module whether it runs from `src/`
 * (tests) or from `dist/src/` (the build).
 */
export function migrationsFolder(from: string = fileURLToPath(import.meta.url)): string {
  for (let folder = dirname(from); folder !== dirname(folder); folder = dirname(folder)) {
    const candidate = join(folder, 'migrations');
    if (existsSync(join(folder, 'package.json')) && existsSync(candidate)) return candidate;
  }
  throw new Error(`no migrations/ folder above ${from}`);
}

/**
 * Applies the versioned SQL files of `folder` that the database has not seen, in name order, each
 * in its own transaction, under an advisory lock. Returns the names it applied.
 */
export async function migrate(db: Database, folder: string = migrationsFolder()): Promise<string[]> {
  const files = readdirSync(folder)
    .filter((name) => MIGRATION_FILE.test(name))
    .sort();
  const client = await db.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ name: string }>('SELECT name FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.name));
    const pending = files.filter((name) => !applied.has(name));
    for (const name of pending) {
      try {
        await client.query('BEGIN');
        await client.query(readFileSync(join(folder, name), 'utf8'));
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(
          `migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
          },
        );
      }
    }
    return pending;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
