import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './free-port.js';

const HOW_TO_ENABLE =
  'install redis-server (Debian/Ubuntu: `apt-get install -y redis-server`; macOS: `brew install redis`) and run the tests again';

/**
 * Whether `redis-server` can run here. Without it the Redis tests skip and say how to enable them,
 * except when `CI` is set to anything at all (`true`, `1`, `yes`: CI systems differ), where its
 * absence is a failure: CI must never pass without them. `env` is a parameter for its own test.
 */
export function redisServerInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore', env });
  if (probe.error === undefined && probe.status === 0) return true;
  if (env.CI !== undefined && env.CI !== '') {
    throw new Error(`CI=${env.CI} but redis-server is not installed: ${HOW_TO_ENABLE}.`);
  }
  console.warn(`Skipping the Redis rate-limit tests: ${HOW_TO_ENABLE}.`);
  return false;
}

/** A private, throwaway Redis on a free loopback port: no persistence, stopped after the tests. */
export class RedisServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(timeoutMs = 10_000): Promise<RedisServer> {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${output}`)));
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      await ready;
    } finally {
      clearTimeout(timer);
    }
    return new RedisServer(child, port);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }
}
