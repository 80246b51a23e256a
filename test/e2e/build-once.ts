import { execFileSync } from 'node:child_process';

/** The e2e tests run the compiled entry point, as `npm start` does (the emulators compiled too). */
export default function buildOnce(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
}
