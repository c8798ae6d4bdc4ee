/** vitest global setup: the model-dependent tests need the built inference process and the tiny test model. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureTestModel } from '../../models/testModel/generateTestModel';

export default async function setup(): Promise<void> {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--no-renderer'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('Building the inference process failed.');
  await ensureTestModel();
}
