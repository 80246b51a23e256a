import { readFileSync } from 'node:fs';

/** `npm start`'s command: `node [flags] <entry>`, after `exec`. */
const START = /^exec node((?: --[\w-]+(?:=\S+)?)*) (\S+\.js)$/;

/**
 * How `npm start` runs the gateway (package.json), so that the e2e tests and the benchmarks start
 * the very process an operator does, Node flags included.
 */
export function startCommand(): { nodeFlags: string[]; entry: string } {
  const root = new URL('../../', import.meta.url);
  const { scripts } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
    scripts: { start: string };
  };
  const match = START.exec(scripts.start);
  if (!match) throw new Error(`package.json: start is not \`exec node [flags] <entry>\`: ${scripts.start}`);
  return {
    nodeFlags: match[1]!.trim().split(' ').filter(Boolean),
    entry: new URL(match[2]!, root).pathname,
  };
}
