import { execFileSync } from 'node:child_process';

/** The e2e tests run the compiled entry point, as `npm start` does. */
export default function buildOnce(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
