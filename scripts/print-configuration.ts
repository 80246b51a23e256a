// Prints docs/configuration.md from the configuration's schema and its documentation
// (src/config/config.ts); with --check, fails when the committed page drifts.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { renderConfigurationPage } from './configuration-page.js';

const target = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));
const printed = await format(renderConfigurationPage(), {
  ...(await resolveConfig(target)),
  filepath: target,
});

if (process.argv.includes('--check')) {
  const committed = readFileSync(target, 'utf8');
  if (committed !== printed) {
    console.error('docs/configuration.md is out of date: run `npm run docs:print` and commit it.');
    process.exit(1);
  }
  console.log('docs/configuration.md matches the configuration schema.');
} else {
  writeFileSync(target, printed);
  console.log('wrote docs/configuration.md');
}
