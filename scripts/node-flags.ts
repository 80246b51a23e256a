import { readFileSync } from 'node:fs';

/**
 * The V8 flags `npm start` runs the gateway with (`config.node_flags` in package.json), for the
 * tests and benchmarks that start the compiled gateway themselves, so that they measure and test
 * what operators run. Why each flag: docs/operations.md.
 */
export function nodeFlags(): string[] {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    config: { node_flags: string };
  };
  return manifest.config.node_flags.split(' ').filter(Boolean);
}
