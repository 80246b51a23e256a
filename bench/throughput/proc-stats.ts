import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (almost always 100 on Linux). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User plus system CPU time the process has used so far, in milliseconds. */
export function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; the fields after its closing ")" do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS;
}

/**
 * Starts counting the CPU time of `processes` (name → pid) and of this process (`generator`, the
 * load generator); `stop(responses)` gives each one's microseconds per response.
 */
export function startCpuMeter(processes: Record<string, number>): {
  stop(responses: number): Record<string, number>;
} {
  const pids = { ...processes, generator: process.pid };
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuTimeMs(pid)]));
  return {
    stop(responses) {
      return Object.fromEntries(
        Object.entries(pids).map(([name, pid]) => [
          name,
          responses === 0 ? Number.NaN : ((cpuTimeMs(pid) - (before[name] ?? 0)) * 1000) / responses,
        ]),
      );
    },
  };
}

/** Resident set size now and its peak so far (VmRSS, VmHWM), in MiB. */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** The machine, for the record: CPU model, core count, Node version, load average. */
export function describeMachine(): { cpu: string; cores: number; node: string } {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown';
  const cores = Number(execFileSync('nproc').toString().trim());
  return { cpu, cores, node: process.version };
}

/** The 1, 5 and 15 minute load averages, as `uptime` prints them. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(', ');
}
