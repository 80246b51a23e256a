import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedServices } from '@shared-profile-gateway/emulators';
import { createTestDatabase } from './test-database.js';

/** A production process's environment, and what to remove once the process has stopped. */
export interface ProductionEnv {
  env: Record<string, string>;
  cleanup(): void;
}

/**
 * The environment a production-mode gateway runs with against the emulated Entra ID and Graph:
 * `NODE_ENV=production`, their variables, their private CA trusted through `NODE_EXTRA_CA_CERTS`,
 * and a database of its own for the ledger unless `env` names one. Every test that starts a
 * production process builds its environment here, so that what production mode requires is
 * added in one place.
 */
export async function productionEnv(
  services: EmbeddedServices,
  env: Record<string, string> = {},
): Promise<ProductionEnv> {
  const directory = mkdtempSync(join(tmpdir(), 'gateway-ca-'));
  const caFile = join(directory, 'ca.pem');
  writeFileSync(caFile, services.tls.ca);
  const database: Record<string, string> = env.DATABASE_URL
    ? {}
    : { DATABASE_URL: await createTestDatabase() };
  return {
    env: { NODE_ENV: 'production', NODE_EXTRA_CA_CERTS: caFile, ...services.env, ...database, ...env },
    cleanup: () => rmSync(directory, { recursive: true, force: true }),
  };
}
