// Compiles src/ to dist/ so that the gateway's embedded mode runs on plain Node (`npm start`).
// A production install (`npm ci --omit=dev`) links this workspace but installs none of its
// dependencies, which are all development ones: then there is nothing to compile, dist/ is left
// empty, and the gateway's embedded mode says that it needs a development install.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));

// Stale output (a file since deleted from src/, a build from before an --omit=dev install) goes.
rmSync(`${root}/dist`, { recursive: true, force: true });

const missing = Object.keys(manifest.devDependencies).filter((name) => {
  try {
    import.meta.resolve(`${name}/package.json`);
    return false;
  } catch (error) {
    // ERR_PACKAGE_PATH_NOT_EXPORTED (lru-cache hides its package.json) still means installed.
    return error.code === 'ERR_MODULE_NOT_FOUND';
  }
});
if (missing.length > 0) {
  process.stdout.write(
    `${manifest.name}: not compiled, its dependencies are not installed (${missing.join(', ')}): ` +
      'a production install; the embedded mode needs `npm ci` without --omit=dev.\n',
  );
  process.exit(0);
}

const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));
const result = spawnSync(process.execPath, [tsc, '-p', `${root}/tsconfig.json`], { stdio: 'inherit' });
process.exit(result.status ?? 1);
