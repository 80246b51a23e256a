import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EmbeddedServices } from '@shared-profile-gateway/emulators';
import { nodeFlags } from '../../scripts/node-flags.js';
import { freePort } from './free-port.js';
import { productionEnv } from './production-env.js';
import { traversableTempDir } from './postgres-template.js';

const ENTRY = new URL('../../dist/src/server/main.js', import.meta.url).pathname;

/** The compiled entry point as `npm start` runs it, with only the environment it is given. */
export class GatewayProcess {
  readonly output: string[] = [];
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    private readonly cleanup: () => void = () => {},
  ) {
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
  }

  /**
   * Without `DATABASE_URL` (and outside production) the process starts its embedded PostgreSQL:
   * in a fresh `DATA_DIR` unless `env` names one.
   */
  static start(env: Record<string, string>, cleanup?: () => void): Promise<GatewayProcess> {
    const dataDir = env.DATABASE_URL || env.DATA_DIR ? undefined : traversableTempDir('gateway-data-');
    return GatewayProcess.run(
      [process.execPath, ...nodeFlags(), ENTRY],
      { env: { ...(dataDir ? { DATA_DIR: dataDir } : {}), ...env } },
      () => {
        cleanup?.();
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      },
    );
  }

  /**
   * Any command that starts the gateway (a container's entry point), in `cwd`, on a free loopback
   * port, with only the environment it is given and this process's Node.js first on PATH.
   */
  static async run(
    command: readonly string[],
    options: { env: Record<string, string>; cwd?: string },
    cleanup?: () => void,
  ): Promise<GatewayProcess> {
    const port = await freePort();
    const [file = process.execPath, ...args] = command;
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: {
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
        HOST: '127.0.0.1',
        PORT: String(port),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new GatewayProcess(child, `http://127.0.0.1:${port}`, cleanup);
  }

  /**
   * In production mode against emulated Entra ID and Graph, trusting their private CA through
   * `NODE_EXTRA_CA_CERTS`, as the acceptance tests run it.
   */
  static async startInProduction(
    services: EmbeddedServices,
    env: Record<string, string> = {},
  ): Promise<GatewayProcess> {
    const production = await productionEnv(services, env);
    return GatewayProcess.start(production.env, production.cleanup);
  }

  async untilReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`gateway exited: ${this.output.join('')}`);
      const status = await fetch(`${this.url}/readiness`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return;
      if (Date.now() > deadline) throw new Error(`gateway not ready: ${this.output.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Resolves with the exit code. */
  async exited(): Promise<number | null> {
    // A process killed by a signal has no exit code, only `signalCode`.
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const [code] = (await once(this.child, 'exit')) as [number | null];
    return code;
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const code = await this.exited();
    this.cleanup();
    return code;
  }
}
