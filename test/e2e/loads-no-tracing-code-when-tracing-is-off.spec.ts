import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedServices, startEmbeddedServices } from '@shared-profile-gateway/emulators';
import { GatewayProcess } from '../support/gateway-process.js';

// Preloaded with --import: records every ES module the process resolves (through a resolve hook)
// and every CommonJS module it requires, one line each, in MODULE_LOAD_LOG.
const REGISTER = `
import Module, { register } from 'node:module';
import { appendFileSync } from 'node:fs';
register(new URL('./hooks.mjs', import.meta.url));
const load = Module._load;
Module._load = function (request, ...rest) {
  appendFileSync(process.env.MODULE_LOAD_LOG, 'require ' + request + '\\n');
  return load.call(this, request, ...rest);
};
`;
const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.MODULE_LOAD_LOG, 'import ' + resolved.url + '\\n');
  return resolved;
}
`;

describe('the cost of tracing when it is off', () => {
  let services: EmbeddedServices;
  let directory: string;

  beforeAll(async () => {
    services = await startEmbeddedServices();
    directory = mkdtempSync(join(tmpdir(), 'module-loads-'));
    writeFileSync(join(directory, 'register.mjs'), REGISTER);
    writeFileSync(join(directory, 'hooks.mjs'), HOOKS);
  });
  afterAll(async () => {
    await services?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  /** The modules a production process loaded while starting and answering one GraphQL request. */
  async function modulesLoaded(name: string, env: Record<string, string>): Promise<string> {
    const log = join(directory, `${name}.log`);
    writeFileSync(log, '');
    const gateway = await GatewayProcess.startInProduction(services, {
      NODE_OPTIONS: `--import ${pathToFileURL(join(directory, 'register.mjs')).href}`,
      MODULE_LOAD_LOG: log,
      ...env,
    });
    try {
      await gateway.untilReady();
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await services.personaToken('user')}`,
        },
        body: JSON.stringify({ query: '{ viewer { kind } }' }),
      });
      expect(response.status).toBe(200);
    } finally {
      await gateway.stop();
    }
    return readFileSync(log, 'utf8');
  }

  it('loads no OpenTelemetry module without an OTLP endpoint', async () => {
    const loaded = await modulesLoaded('off', {});
    // The recording works: the gateway's own modules and packages are in it.
    expect(loaded).toContain('/dist/src/server/run-gateway.js');
    expect(loaded).toContain('/node_modules/graphql-yoga/');
    // prom-client requires the API package (a no-op without an SDK) for its exemplars, with or
    // without tracing; nothing else of OpenTelemetry's may load: no SDK, exporter or instrumentation.
    const tracingModules = loaded
      .split('\n')
      .filter((line) => /opentelemetry|start-tracing|use-tracing/.test(line))
      .filter((line) => line !== 'require @opentelemetry/api');
    expect(tracingModules).toEqual([]);
  });

  it('loads the SDK and the instrumentations with one', async () => {
    const loaded = await modulesLoaded('on', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(loaded).toContain('/node_modules/@opentelemetry/sdk-node/');
    expect(loaded).toContain('/dist/src/server/plugins/use-tracing.js');
  });
});
