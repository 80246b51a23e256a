// The benchmarks' entry point (`npm run bench`): runs every `bench/*.bench.ts` in turn, one at a
// time so that they do not compete for the CPUs, and rewrites each one's block of BENCHMARKS.md
// (other blocks and hand-written notes stay). `npm run bench -- <text>` runs only the files whose
// name contains <text>. A new benchmark is a new `<name>.bench.ts` whose default export resolves
// with a BenchReport.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import type { BenchModule } from './support/bench-report.js';
import { BENCHMARKS_FILE, writeBlock } from './throughput/report.js';

const benchDirectory = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);

const files = (await readdir(benchDirectory))
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => only.length === 0 || only.some((wanted) => name.includes(wanted)))
  .sort();
if (files.length === 0) {
  process.stderr.write(`No benchmark file matches ${only.join(', ')}.\n`);
  process.exit(1);
}

for (const file of files) {
  process.stdout.write(`${file}: running…\n`);
  const module = (await import(pathToFileURL(join(benchDirectory, file)).href)) as BenchModule;
  const report = await module.default();
  writeBlock(report.name, `## ${report.title}\n\n${report.markdown.trim()}`);
  process.stdout.write(`${file}: ${report.summary}\n`);
}
// The report is committed and `npm run lint` checks its formatting like every other file's.
const options = await resolveConfig(BENCHMARKS_FILE);
const text = await readFile(BENCHMARKS_FILE, 'utf8');
await writeFile(BENCHMARKS_FILE, await format(text, { ...options, filepath: BENCHMARKS_FILE }));
process.stdout.write(`Results written to ${BENCHMARKS_FILE}.\n`);
