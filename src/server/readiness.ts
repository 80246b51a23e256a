import type { Logger } from '../observability/logger.js';

export interface ReadinessProbe {
  name: string;
  /** Resolves once the dependency has answered. */
  check(): Promise<void>;
  /**
   * Reported while it has not answered, without holding readiness back: for dependencies the
   * gateway can serve without (the shared rate-limit store falls back to memory).
   */
  informational?: boolean;
  /**
   * Checked again this often after it has answered, and not ready again until it answers: for
   * dependencies without which no request can be served (the ledger's database).
   */
  recheckMs?: number;
}

/**
 * Ready when every dependency has answered at least once and no shutdown has begun. Probes that
 * fail are retried in the background until they succeed, so a gateway started before its
 * authority is reachable becomes ready on its own.
 */
export class Readiness {
  private readonly pending: Set<string>;
  private shuttingDown = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly probes: ReadinessProbe[],
    private readonly logger: Logger,
    private readonly retryMs = 2_000,
  ) {
    this.pending = new Set(probes.map((probe) => probe.name));
  }

  start(): void {
    for (const probe of this.probes) void this.run(probe);
  }

  isReady(): boolean {
    if (this.shuttingDown) return false;
    return this.probes.every((probe) => probe.informational || !this.pending.has(probe.name));
  }

  /** Names of the dependencies that have not answered yet. */
  waitingFor(): string[] {
    return [...this.pending];
  }

  beginShutdown(): void {
    this.shuttingDown = true;
    this.stop();
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async run(probe: ReadinessProbe): Promise<void> {
    let answered = false;
    try {
      await probe.check();
      answered = true;
      this.pending.delete(probe.name);
    } catch {
      if (this.shuttingDown) return;
      if (!this.pending.has(probe.name))
        this.logger.warn({ dependency: probe.name }, 'dependency stopped answering');
      else this.logger.warn({ dependency: probe.name }, 'dependency not answering yet; retrying');
      this.pending.add(probe.name);
    }
    if (answered && probe.recheckMs === undefined) return;
    if (this.shuttingDown) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        void this.run(probe);
      },
      answered ? probe.recheckMs! : this.retryMs,
    );
    timer.unref();
    this.timers.add(timer);
  }
}
