import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Which cores the benchmark's processes run on. The server being measured (the target: the proxy,
 * yoga alone, the gateway or the peer) gets cores of its own; the load generator and the upstream
 * share the rest. In production neither a gateway's clients nor Graph run on its machine, so a
 * target that competed with them for the same cores would be charged for their work: its
 * throughput would depend on how much CPU the load generator and the emulator happened to take.
 * `BENCH_PIN=0` (or one core, or no `taskset`) runs everything unpinned, as before.
 */
export interface CpuLayout {
  /** `taskset` core lists, e.g. `0` and `1`; undefined when not pinned. */
  rig: string | undefined;
  target: string | undefined;
  description: string;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const cpuLayout: CpuLayout = (() => {
  const cores = availableParallelism();
  if (process.env.BENCH_PIN === '0' || cores < 2 || !hasTaskset()) {
    return {
      rig: undefined,
      target: undefined,
      description: `unpinned: all processes share ${cores} cores`,
    };
  }
  const target = cores === 2 ? '1' : `1-${cores - 1}`;
  return {
    rig: '0',
    target,
    description: `pinned with \`taskset\`: the target on core ${target}, the load generator and the upstream on core 0`,
  };
})();

/**
 * Moves this process, every thread of it, onto the rig's core; children started afterwards inherit
 * it (the upstream) unless started on the target's cores.
 */
export function pinBenchToRig(): void {
  if (cpuLayout.rig === undefined) return;
  execFileSync('taskset', ['-a', '-cp', cpuLayout.rig, String(process.pid)], { stdio: 'ignore' });
}
