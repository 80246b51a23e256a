// 200,000 removals through the gateway: does its memory stay flat? See bench/throughput/run-soak.ts.
import type { BenchReport } from './support/bench-report.js';
import { soakOptions } from './throughput/options.js';
import { runSoak } from './throughput/run-soak.js';

export default async function soak(): Promise<BenchReport> {
  const { markdown, summary } = await runSoak(soakOptions());
  return { name: 'soak', title: 'Soak: 200,000 removals', markdown, summary };
}
