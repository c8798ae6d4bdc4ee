#!/usr/bin/env node
// Builds the Node/Electron side with esbuild (main, preload, inference process, CLI) and the renderer with Vite.
// `node scripts/build.mjs --no-renderer` skips Vite.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'electron');
const skipRenderer = process.argv.includes('--no-renderer');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

const esmEntries = {
  cli: 'electron/cli/main.ts',
  inferenceWorker: 'electron/services/inference/inferenceWorker.ts',
  documentWorker: 'electron/services/documents/loaders/documentWorker.ts',
  trainingPrepWorker: 'electron/services/training/prep/trainingPrepWorker.ts',
};
if (existsSync(path.join(root, 'electron/main/main.ts'))) esmEntries.main = 'electron/main/main.ts';

await build({
  ...common,
  entryPoints: esmEntries,
  outdir: out,
  format: 'esm',
  // node_modules stay external: native addons (better-sqlite3, node-llama-cpp) load from node_modules.
  packages: 'external',
  external: ['electron'],
  // ESM bundles have no `require`; some dependencies' CJS interop needs one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});

if (existsSync(path.join(root, 'electron/preload/preload.ts'))) {
  // Sandboxed preloads can only require('electron'): everything else is bundled in, as CommonJS.
  await build({
    ...common,
    entryPoints: { preload: 'electron/preload/preload.ts' },
    outdir: out,
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    platform: 'browser',
    target: 'chrome130',
    external: ['electron'],
  });
}

if (!skipRenderer) {
  const vite = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}
console.log('built dist/electron' + (skipRenderer ? '' : ' and dist/renderer'));
