import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The example app's own root, so that `vite`, `npm run example` and the browser tests, started from
// the repository's root, all serve `examples/web/index.html`. The port moves on when 5173 is taken.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', port: 4173, strictPort: false },
  build: { outDir: 'dist', emptyOutDir: true },
  clearScreen: false,
});
