import { execFileSync, execSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedServices, PERSONAS, startEmbeddedServices } from '@shared-profile-gateway/emulators';
import { nodeFlags } from '../../scripts/node-flags.js';
import { RemoveOutboundSharedUserProfilePersonalDataDocument as Remove } from '../generated/graphql.js';
import { execForm, parseCopy, parseDockerfile, parseEnv, stage } from '../support/dockerfile.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { productionEnv } from '../support/production-env.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const stages = parseDockerfile(join(ROOT, 'Dockerfile'));
const build = stage(stages, 'build');
const production = stage(stages, 'production');
const argsOf = (keyword: string) =>
  production.instructions.filter((instruction) => instruction.keyword === keyword).map(({ args }) => args);
/** The build stage's WORKDIR, where `COPY --from=build` sources live: this checkout, once built. */
const BUILD_WORKDIR = build.instructions.find(({ keyword }) => keyword === 'WORKDIR')?.args ?? '/';

/** Every file under `directory`, relative to it. */
function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((path) => statSync(join(directory, path)).isFile())
    .sort();
}

/**
 * The production stage's file set, made the way its instructions make it: each COPY from this
 * checkout (the build stage's output is the checkout after `npm run build`, which the e2e setup
 * ran), each RUN in the directory with the stage's ENV. npm installs from its local cache first.
 */
function assembleFileSet(directory: string): void {
  const env: Record<string, string> = {};
  for (const { keyword, args } of production.instructions) {
    if (keyword === 'ENV') {
      const [name, value] = parseEnv(args);
      env[name] = value;
    } else if (keyword === 'COPY') {
      const copy = parseCopy(args);
      for (const source of copy.sources) {
        const from = copy.from ? join(ROOT, relative(BUILD_WORKDIR, source)) : join(ROOT, source);
        if (!existsSync(from)) throw new Error(`COPY source missing: ${source}`);
        const into =
          copy.destination.endsWith('/') && statSync(from).isFile()
            ? join(directory, copy.destination, basename(from))
            : join(directory, copy.destination);
        cpSync(from, into, { recursive: true });
      }
    } else if (keyword === 'RUN') {
      execSync(args, {
        cwd: directory,
        env: { ...process.env, ...env, npm_config_prefer_offline: 'true' },
        stdio: 'ignore',
      });
    }
  }
}

describe('the container image’s production stage, as a file set started on this machine', () => {
  let services: EmbeddedServices;
  let directory: string;
  let filesBefore: string[];
  let gateway: GatewayProcess;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'production-file-set-'));
    assembleFileSet(directory);
    filesBefore = filesUnder(directory);
    services = await startEmbeddedServices();
    const env = await productionEnv(services, Object.fromEntries(argsOf('ENV').map(parseEnv)));
    gateway = await GatewayProcess.run(
      execForm(argsOf('ENTRYPOINT')[0] ?? '[]'),
      { cwd: directory, env: env.env },
      env.cleanup,
    );
    await gateway.untilReady();
  }, 240_000);
  afterAll(async () => {
    await gateway?.stop();
    await services?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('holds the compiled gateway and its runtime dependencies, without emulators, compiler or sources', () => {
    expect(existsSync(join(directory, 'dist/src/server/main.js'))).toBe(true);
    expect(existsSync(join(directory, 'node_modules/graphql-yoga/package.json'))).toBe(true);
    expect(existsSync(join(directory, 'migrations'))).toBe(true);
    for (const absent of [
      'emulators',
      'dist/emulators',
      'node_modules/@shared-profile-gateway',
      'node_modules/typescript',
      'node_modules/vitest',
      'node_modules/selfsigned',
      'src',
      'test',
    ]) {
      expect({ absent, exists: existsSync(join(directory, absent)) }).toEqual({ absent, exists: false });
    }
    // No TypeScript of ours: the image runs what the build stage compiled.
    expect(filesBefore.filter((file) => !file.startsWith('node_modules/') && /\.ts$/.test(file))).toEqual([]);
  });

  it('answers /health and /readiness, and runs the image’s HEALTHCHECK successfully', async () => {
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/readiness`)).status).toBe(200);
    const healthcheck = argsOf('HEALTHCHECK')[0] ?? '';
    const command = execForm(healthcheck.slice(healthcheck.indexOf('CMD ') + 'CMD '.length));
    const [file = '', ...args] = command;
    // Throws unless it exits 0.
    execFileSync(file === 'node' ? process.execPath : file, args, {
      cwd: directory,
      env: { PORT: new URL(gateway.url).port },
      timeout: 10_000,
    });
  });

  it('removes a user’s data with a real token exchange, in production mode', async () => {
    const userId = PERSONAS.user.objectId;
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await services.personaToken('user')}`,
      },
      body: JSON.stringify({ query: print(Remove), variables: { userId } }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      data: { removeOutboundSharedUserProfilePersonalData: { userId } },
    });
    expect(services.graph.requests.at(-1)).toMatchObject({ oid: userId });
  });

  it('runs Node with the project’s V8 flags, as PID of the entry point itself', () => {
    const commandLine = readFileSync(`/proc/${gateway.child.pid}/cmdline`, 'utf8').split('\0');
    expect(commandLine.slice(1, 1 + nodeFlags().length)).toEqual(nodeFlags());
    expect(commandLine).toContain('dist/src/server/main.js');
  });

  it('writes nothing into its own files (the root filesystem may be read-only)', async () => {
    await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(filesUnder(directory)).toEqual(filesBefore);
  });
});
