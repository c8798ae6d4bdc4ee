#!/usr/bin/env node
// The `dianjin` command: runs the built CLI (dist/electron/cli.js), building the app first if it was never built.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'electron', 'cli.js');
if (!existsSync(cli) && existsSync(path.join(root, 'scripts', 'build.mjs'))) {
  process.stderr.write('dianjin: building the app once (npm run build)…\n');
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) {
    process.stderr.write('dianjin: the build failed; run `npm run build` to see why.\n');
    process.exit(1);
  }
}
if (!existsSync(cli)) {
  process.stderr.write('dianjin: the app is not built. Run `npm run build` first.\n');
  process.exit(1);
}
await import(pathToFileURL(cli).href);
