import type { GatewayHarness } from './gateway-harness.js';

/** A sample's value from the gateway's `/metrics` (Prometheus text format); 0 when absent. */
export async function metricValue(
  harness: GatewayHarness,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await harness.fetch('/metrics')).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(',');
    if (wanted.every((label) => present.includes(label))) return Number(match[3]);
  }
  return 0;
}
