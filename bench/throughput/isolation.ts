import type { BenchProcess } from './child-processes.js';
import type { LoadTarget } from './load.js';

/**
 * Runs one target at a time on the targets' core: the one being measured runs, the others are
 * paused (SIGSTOP). Idle is not free for a Node.js server: some seconds after its own load ends,
 * V8's memory reducer collects its heap, and in probes the idle Apollo peer (250 MiB) used 80–250 ms
 * of the shared core in the next target's 6 s window (the idle gateway 10–40 ms), so a target's
 * result depended on who ran before it. A paused target pays for that work in its own settling
 * second instead. The upstream (on the load generator's core) is never paused.
 */
export class TargetIsolation {
  readonly #processes: BenchProcess[];

  constructor(processes: readonly BenchProcess[]) {
    this.#processes = [...processes];
  }

  /** Resumes the target's process (if it is one of these) and pauses every other one. */
  only(target: LoadTarget): void {
    for (const child of this.#processes) {
      if (child.pid === target.pid) child.resume();
      else child.pause();
    }
  }
}
