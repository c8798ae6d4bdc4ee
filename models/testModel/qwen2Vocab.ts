import { execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Repository root (this file lives in `<root>/models/testModel/`). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where extracted/generated artefacts that must never be committed live (gitignored). */
export const modelsCacheDir = path.join(repoRoot, 'models', '.cache');

const vocabPathInLlamaCpp = 'models/ggml-vocab-qwen2.gguf';

/**
 * node-llama-cpp ships llama.cpp's source as a git bundle; its `models/ggml-vocab-qwen2.gguf` is the real Qwen2
 * tokenizer (vocab + merges + token types, no weights).
 */
export function llamaCppBundlePath(): string {
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve('node-llama-cpp/package.json'));
  } catch {
    packageDir = path.join(repoRoot, 'node_modules', 'node-llama-cpp');
  }
  return path.join(packageDir, 'llama', 'gitRelease.bundle');
}

/**
 * Returns the path of the cached Qwen2 vocab GGUF, extracting it from node-llama-cpp's llama.cpp bundle on first use.
 * Safe to call concurrently from several processes: each extracts into its own temp file and renames it into place.
 */
export async function ensureQwen2Vocab(cacheDir: string = modelsCacheDir): Promise<string> {
  const target = path.join(cacheDir, 'ggml-vocab-qwen2.gguf');
  if (existsSync(target)) return target;

  const bundle = llamaCppBundlePath();
  if (!existsSync(bundle)) {
    throw new Error(`llama.cpp source bundle not found at ${bundle}; run \`npm install\` so node-llama-cpp is present.`);
  }

  await mkdir(cacheDir, { recursive: true });
  const gitDir = await mkdtemp(path.join(os.tmpdir(), 'dianjin-llamacpp-'));
  const partial = `${target}.${process.pid}.${Date.now()}.partial`;
  try {
    await execFileAsync('git', ['init', '--quiet', '--bare', gitDir]);
    await execFileAsync('git', ['--git-dir', gitDir, 'fetch', '--quiet', bundle]);
    const show = spawn('git', ['--git-dir', gitDir, 'show', `FETCH_HEAD:${vocabPathInLlamaCpp}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    show.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number>((resolve, reject) => {
      show.on('error', reject);
      show.on('close', (code) => resolve(code ?? 1));
    });
    await pipeline(show.stdout, createWriteStream(partial));
    const code = await exited;
    if (code !== 0) throw new Error(`git show ${vocabPathInLlamaCpp} failed (${code}): ${stderr.trim()}`);
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
    await rm(gitDir, { recursive: true, force: true });
  }
  return target;
}
