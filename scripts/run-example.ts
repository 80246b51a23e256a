// `npm run example`: the embedded gateway (as `npm start` runs it) and the example app's Vite dev
// server pointed at it. `--trusted-documents` starts the gateway with the app's manifest
// (`TRUSTED_DOCUMENTS`) and the app in trusted mode (`VITE_TRUSTED_DOCUMENTS=true`). Ctrl+C stops both.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const trusted = process.argv.includes('--trusted-documents');
const port = process.env.PORT ?? '4000';
const host = process.env.HOST ?? '127.0.0.1';
const gatewayUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
const MANIFEST = 'examples/web/src/gql/persisted-documents.json';

/** Polls `/readiness` until the gateway answers 200, or fails when it exits or takes too long. */
async function untilReady(gateway: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gateway.exitCode !== null) throw new Error(`the gateway exited with code ${gateway.exitCode}`);
    const status = await fetch(`${gatewayUrl}/readiness`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the gateway was not ready at ${gatewayUrl} within ${timeoutMs / 1000} s`);
}

// As `npm start` does: compile (the gateway and the emulators), then run the compiled entry point.
execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
const gateway = spawn(process.execPath, ['dist/src/server/main.js'], {
  cwd: root,
  env: { ...process.env, PORT: port, ...(trusted ? { TRUSTED_DOCUMENTS: MANIFEST } : {}) },
  stdio: 'inherit',
});

let app: Awaited<ReturnType<typeof createServer>> | undefined;
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await app?.close();
  if (gateway.exitCode === null) {
    gateway.kill('SIGTERM');
    await new Promise((resolve) => gateway.once('exit', resolve));
  }
  process.exit(code);
};
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
gateway.once('exit', (code) => {
  if (!stopping) {
    console.error(`The gateway stopped (exit code ${code}); stopping the app too.`);
    void stop(code ?? 1);
  }
});

try {
  await untilReady(gateway);
  // Vite puts process.env's VITE_* variables into import.meta.env.
  process.env.VITE_GATEWAY_URL = gatewayUrl;
  process.env.VITE_TRUSTED_DOCUMENTS = String(trusted);
  app = await createServer({ configFile: `${root}/examples/web/vite.config.ts` });
  await app.listen();
  const appUrl = app.resolvedUrls?.local[0] ?? '(unknown)';
  console.log(
    [
      '',
      `  Example app:  ${appUrl}`,
      `  Gateway:      ${gatewayUrl}/graphql${trusted ? ` (trusted documents only: ${MANIFEST})` : ''}`,
      '  Sign in as a demo persona; Ctrl+C stops both.',
      '',
    ].join('\n'),
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}
