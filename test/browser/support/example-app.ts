import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'vite';
import { freePort } from '../../support/free-port.js';

const CONFIG = new URL('../../../examples/web/vite.config.ts', import.meta.url).pathname;

/** The example app's manifest, which a gateway in trusted mode is started with. */
export const EXAMPLE_APP_MANIFEST = new URL(
  '../../../examples/web/src/gql/persisted-documents.json',
  import.meta.url,
).pathname;

export interface ExampleApp {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The example app in Vite's dev server, as `npm run example` serves it, pointed at `gatewayUrl`.
 * Its `VITE_*` settings come from a `.env` of its own (`envDir`), so that several apps with
 * different settings can run in one process.
 */
export async function startExampleApp(options: {
  gatewayUrl: string;
  trustedDocuments?: boolean;
}): Promise<ExampleApp> {
  const envDir = mkdtempSync(join(tmpdir(), 'example-app-env-'));
  writeFileSync(
    join(envDir, '.env'),
    `VITE_GATEWAY_URL=${options.gatewayUrl}\nVITE_TRUSTED_DOCUMENTS=${options.trustedDocuments === true}\n`,
  );
  const server = await createServer({
    configFile: CONFIG,
    envDir,
    logLevel: 'warn',
    server: { port: await freePort(), strictPort: false },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0]?.replace(/\/$/, '');
  if (!url) throw new Error('The example app’s dev server has no local URL.');
  return {
    url,
    close: async () => {
      await server.close();
      rmSync(envDir, { recursive: true, force: true });
    },
  };
}
