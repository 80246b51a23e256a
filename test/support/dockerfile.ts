import { readFileSync } from 'node:fs';

/** One instruction of a Dockerfile: its keyword and the rest of its (joined) line. */
export interface Instruction {
  keyword: string;
  args: string;
}

/** A build stage: `FROM image AS name` and the instructions up to the next FROM. */
export interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

/** A COPY instruction's flags, sources and destination. */
export interface Copy {
  from?: string;
  sources: string[];
  destination: string;
}

/** The stages of a Dockerfile: comments dropped, continued lines joined. */
export function parseDockerfile(path: string): Stage[] {
  const lines = readFileSync(path, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = line.slice(keyword.length).trim();
    if (keyword.toUpperCase() === 'FROM') {
      const [image = '', , name = `${stages.length}`] = rest;
      stages.push({ name, image, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${path}: ${keyword} before FROM`);
      stage.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

export function stage(stages: readonly Stage[], name: string): Stage {
  const found = stages.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
}

/** `COPY [--from=stage] [--chown=…] source… destination` (the shell form). */
export function parseCopy(args: string): Copy {
  const words = args.split(/\s+/);
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
  const destination = paths.pop();
  if (!destination || paths.length === 0) throw new Error(`COPY without source or destination: ${args}`);
  return { ...(from ? { from } : {}), sources: paths, destination };
}

/** An exec-form instruction's argument vector (`["node", "-e", "…"]`). */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    throw new Error(`not an exec form: ${args}`);
  }
  return parsed;
}

/** `ENV NAME=value` (one variable per instruction). */
export function parseEnv(args: string): [string, string] {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(args);
  if (!match) throw new Error(`ENV is not NAME=value: ${args}`);
  return [match[1]!, match[2]!];
}
