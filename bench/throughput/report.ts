import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BENCHMARKS_FILE = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));

/**
 * Replaces the block between `<!-- {name}:start -->` and `<!-- {name}:end -->` in BENCHMARKS.md,
 * or appends it: each benchmark owns its block and reruns leave everything else (other
 * benchmarks' sections, hand-written notes) as it was.
 */
export function writeBlock(name: string, markdown: string, file = BENCHMARKS_FILE): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from !== -1 && to > from
      ? `${current.slice(0, from)}${block}${current.slice(to + end.length)}`
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

/** A Markdown table; cells are printed as given, every column but the first right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(header),
    line(header.map((_, index) => (index === 0 ? '---' : '---:'))),
    ...rows.map(line),
  ].join('\n');
}

export const fixed = (value: number | undefined, digits = 0): string =>
  value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);

/** "✅ met" or "❌ missed", for the goals table. */
export const verdict = (met: boolean): string => (met ? 'met' : '**missed**');
