// The benchmarks' PostgreSQL: the embedded one the gateway starts outside production, with its
// durable defaults (a benchmark of the ledger with fsync off would flatter it), in a temporary
// folder. Each gateway gets a database of its own, copied from one migrated template.
import {
  type TemplatePostgres,
  copyDatabase,
  startTemplatePostgres,
} from '../../test/support/postgres-template.js';

let server: Promise<TemplatePostgres> | undefined;

/** A fresh, migrated database on the benchmarks' PostgreSQL. */
export async function benchDatabaseUrl(): Promise<string> {
  server ??= startTemplatePostgres('gateway-bench-pg-');
  return copyDatabase((await server).url, 'bench');
}

/** Stops the benchmarks' PostgreSQL, when one was started. */
export async function stopBenchDatabase(): Promise<void> {
  if (!server) return;
  await (await server).close();
  server = undefined;
}
