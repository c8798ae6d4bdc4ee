/** Where the built pieces are, seen from a bundle in dist/electron/ (CLI, serve, Electron main). */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));

export const builtWorkerPath = (): string => path.join(here, 'inferenceWorker.js');

export function builtRendererDir(): string | null {
  const dir = path.resolve(here, '..', 'renderer');
  return existsSync(path.join(dir, 'index.html')) ? dir : null;
}

export function packageVersion(): string {
  for (const candidate of [path.resolve(here, '..', '..', 'package.json'), path.resolve(here, '..', 'package.json')]) {
    if (existsSync(candidate)) return (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
}

/**
 * The models folder: DIANJIN_MODELS_DIR if set; else, when running from a source checkout, the project's own
 * `models/` folder (where the brief keeps users' models by default); else undefined (→ `<dataDir>/models`).
 */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.DIANJIN_MODELS_DIR) return path.resolve(env.DIANJIN_MODELS_DIR);
  const checkout = path.resolve(here, '..', '..', 'models');
  return existsSync(path.join(checkout, 'testModel')) ? checkout : undefined;
}
