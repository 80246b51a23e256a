import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { renderConfigurationPage } from '../../scripts/configuration-page.js';

describe('docs/configuration.md', () => {
  it('is what the configuration schema prints (run `npm run docs:print` after changing it)', async () => {
    const target = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));
    const committed = readFileSync(target, 'utf8');
    const printed = await format(renderConfigurationPage(), {
      ...(await resolveConfig(target)),
      filepath: target,
    });
    expect(committed).toBe(printed);
  });
});
