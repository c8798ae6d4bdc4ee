/** Shared helpers for model-dependent tests: real inference process, real tiny GGUF, real SQLite in a temp dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAppServices, type AppServices, type AppServicesOptions } from '../services/app';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const builtWorker = path.join(repoRoot, 'dist', 'electron', 'inferenceWorker.js');
export const tinyModel = path.join(repoRoot, 'models', 'test-qwen2-tiny.gguf');

export function tempDir(prefix = 'dianjin-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Services on a temp data dir with the tiny model, 1 thread (see threads.ts), a small context. */
export async function createTestServices(options: Partial<AppServicesOptions> = {}): Promise<AppServices & { cleanup(): Promise<void> }> {
  const { dir, cleanup } = tempDir();
  const services = await createAppServices({ dataDir: dir, host: 'cli', version: 'test', workerPath: builtWorker, preloadModel: false, ...options });
  services.store.updateSettings({ load: { threads: 1, contextSize: 1024 }, sampling: { maxTokens: 48, seed: 7 } });
  return Object.assign(services, {
    async cleanup() {
      await services.dispose();
      cleanup();
    },
  });
}
