import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedServices } from '@shared-profile-gateway/emulators';

/** A production process's environment, and what to remove once the process has stopped. */
export interface ProductionEnv {
  env: Record<string, string>;
  cleanup(): void;
}

/**
 * The environment a production-mode gateway runs with against the emulated Entra ID and Graph:
 * `NODE_ENV=production`, their variables, and their private CA trusted through
 * `NODE_EXTRA_CA_CERTS`. Every test that starts a production process builds its environment here,
 * so that what production mode requires is added in one place.
 */
export function productionEnv(services: EmbeddedServices, env: Record<string, string> = {}): ProductionEnv {
  const directory = mkdtempSync(join(tmpdir(), 'gateway-ca-'));
  const caFile = join(directory, 'ca.pem');
  writeFileSync(caFile, services.tls.ca);
  return {
    env: { NODE_ENV: 'production', NODE_EXTRA_CA_CERTS: caFile, ...services.env, ...env },
    cleanup: () => rmSync(directory, { recursive: true, force: true }),
  };
}
