import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** Every child this benchmark started and has not yet seen exit: killed on any way out. */
const running = new Set<ChildProcess>();
let cleanupInstalled = false;

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  // 'exit' handlers must be synchronous, so this only signals. Every child stops on SIGTERM within
  // a bounded time (the gateway after its shutdown grace) and cleans up its temporary files.
  process.on('exit', () => {
    for (const child of running) {
      child.kill('SIGTERM');
      // A paused child holds SIGTERM until it runs again.
      child.kill('SIGCONT');
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => process.exit(130));
  }
}

/** A child process of the benchmark, with the tail of its output kept for error messages. */
export class BenchProcess {
  private output = '';

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-8_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid`);
    return this.child.pid;
  }

  get recentOutput(): string {
    return this.output;
  }

  /**
   * Starts `node [nodeArgs] entry` with exactly `env` (plus PATH). `ipc` opens a channel, which
   * the TypeScript children use to report readiness and which closes when this process dies.
   * `cpus` pins it (`taskset`, which execs node in its place: the pid is node's).
   */
  static start(
    name: string,
    entry: string,
    options: { env: Record<string, string>; nodeArgs?: string[]; ipc?: boolean; cpus?: string },
  ): BenchProcess {
    installCleanup();
    const node = [process.execPath, ...(options.nodeArgs ?? []), entry];
    const [command, ...args] = options.cpus === undefined ? node : ['taskset', '-c', options.cpus, ...node];
    const child = spawn(command!, args, {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
    });
    running.add(child);
    child.once('exit', () => running.delete(child));
    return new BenchProcess(name, child);
  }

  /** Resolves with the first IPC message of the child (its "ready" report). */
  async firstMessage<T>(timeoutMs = 60_000): Promise<T> {
    const message = once(this.child, 'message').then(([value]) => value as T);
    return this.raceExit(message, timeoutMs, 'did not report ready');
  }

  /** Polls `url` until it answers 200. */
  async untilHttpOk(url: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null) throw this.failure('exited before it was ready');
      const status = await fetch(url).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return;
      if (Date.now() > deadline) throw this.failure(`not ready within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Stops it where it is (SIGSTOP): it uses no CPU until `resume`. Its sockets stay open. */
  pause(): void {
    if (this.running) this.child.kill('SIGSTOP');
  }

  resume(): void {
    if (this.running) this.child.kill('SIGCONT');
  }

  private get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    this.resume();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private failure(what: string): Error {
    return new Error(`${this.name} ${what}:\n${this.output}`);
  }

  private async raceExit<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const exit = once(this.child, 'exit').then(() => {
      throw this.failure('exited');
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.failure(what)), timeoutMs);
    });
    try {
      return await Promise.race([promise, exit, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
