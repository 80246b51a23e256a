import { cpus } from 'node:os';

/** What one benchmark file's default export resolves with. */
export interface BenchReport {
  /** Names its block in BENCHMARKS.md (`<!-- {name}:start -->`), e.g. `bulk-removal`. */
  name: string;
  /** The block's `##` heading, e.g. `Bulk removal`. */
  title: string;
  /** The block's body: setup, a table of figures, what they mean. */
  markdown: string;
  /** One line for the console. */
  summary: string;
}

/** A benchmark file (`bench/*.bench.ts`): its default export runs it once. */
export interface BenchModule {
  default: () => Promise<BenchReport>;
}

/** Where and when a figure was measured: numbers mean little without it. */
export function machineLine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const date = new Date().toISOString().slice(0, 10);
  return `_Measured ${date} on ${cpus().length} CPUs (${model}), Node ${process.version}._`;
}
