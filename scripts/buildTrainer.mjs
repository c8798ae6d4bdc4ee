#!/usr/bin/env node
/**
 * Builds the native LoRA trainer (electron/services/training/native) from the llama.cpp/ggml source that
 * node-llama-cpp ships (node_modules/node-llama-cpp/llama/gitRelease.bundle), so training and inference run the same
 * ggml. Only ggml and the trainer are compiled, not llama.cpp.
 *
 *   npm run build:trainer [-- --cuda] [--jobs N] [--force] [--if-possible]
 *
 * --if-possible (what `npm test` uses): on a machine without cmake, git or a C++ compiler, say what is missing and
 * exit 0 instead of failing; the trainer's tests then skip with that reason. CI installs the tools, so they run there.
 *
 * The source is extracted to build/trainer/llama.cpp, cmake works in build/trainer/cmake (build/trainer/cmake-cuda
 * with --cuda) and the binary lands at build/trainer/bin/dianjin-trainer (.exe on Windows). Nothing is done when the
 * binary was built from the same bundle, the same native sources and the same options (a hash stamp beside it).
 * Progress goes to stderr; the last line on stdout is the binary's path. Needs git, cmake (3.14+) and a C++17 compiler.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = path.join(root, 'electron', 'services', 'training', 'native');
const llamaDir = path.join(root, 'node_modules', 'node-llama-cpp', 'llama');
const bundlePath = path.join(llamaDir, 'gitRelease.bundle');
const infoPath = path.join(llamaDir, 'llama.cpp.info.json');
const buildRoot = path.join(root, 'build', 'trainer');
const sourceDir = path.join(buildRoot, 'llama.cpp');
const exe = process.platform === 'win32' ? 'dianjin-trainer.exe' : 'dianjin-trainer';
const trainerBinaryPath = path.join(buildRoot, 'bin', exe);

const { values } = parseArgs({
  options: {
    cuda: { type: 'boolean', default: false },
    jobs: { type: 'string' },
    force: { type: 'boolean', default: false },
    'if-possible': { type: 'boolean', default: false },
  },
  strict: true,
});
const jobs = values.jobs !== undefined ? Number(values.jobs) : Math.max(1, os.availableParallelism());
if (!Number.isInteger(jobs) || jobs < 1) fail(`--jobs must be a positive integer, got "${values.jobs}".`);

const started = Date.now();
const log = (line) => process.stderr.write(`[build:trainer ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

function fail(message) {
  process.stderr.write(`build:trainer: ${message}\n`);
  process.exit(1);
}

function sha256(...parts) {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

function requireTool(command, hint) {
  const probe = spawnSync(command, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    if (values['if-possible']) {
      process.stderr.write(`build:trainer: skipped: ${command} was not found; ${hint} Fine-tuning stays unavailable until it is built.\n`);
      process.exit(0);
    }
    fail(`${command} was not found; ${hint}`);
  }
  return probe.stdout.split('\n')[0].trim();
}

/** Runs a command, echoing its output to stderr line by line; rejects with its exit code. */
function run(command, args, options = {}) {
  log(`$ ${command} ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    const echo = (chunk) => process.stderr.write(chunk);
    child.stdout.on('data', echo);
    child.stderr.on('data', echo);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
  });
}

if (!existsSync(bundlePath)) fail(`${bundlePath} is missing; run npm install first.`);
const release = existsSync(infoPath) ? JSON.parse(readFileSync(infoPath, 'utf8')) : {};
const bundleHash = sha256(readFileSync(bundlePath));
const nativeFiles = readdirSync(nativeDir)
  .filter((name) => /\.(c|cc|cpp|h|hpp|txt)$/.test(name))
  .sort();
const nativeHash = sha256(...nativeFiles.flatMap((name) => [name, readFileSync(path.join(nativeDir, name))]));
const stamp = JSON.stringify({ release: release.tag ?? null, bundle: bundleHash, native: nativeHash, cuda: values.cuda });
const stampPath = `${trainerBinaryPath}.stamp`;

if (!values.force && existsSync(trainerBinaryPath) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) {
  log(`up to date (llama.cpp ${release.tag ?? '?'}, ${values.cuda ? 'CUDA' : 'CPU'})`);
  console.log(trainerBinaryPath);
  process.exit(0);
}

log(`cmake: ${requireTool('cmake', 'install CMake 3.14 or newer (e.g. apt-get install cmake).')}`);
requireTool('git', 'install git; it extracts the llama.cpp source from node-llama-cpp\'s bundle.');
// On Windows cmake finds Visual Studio itself; elsewhere the default C++ compiler must exist.
if (process.platform !== 'win32') requireTool(process.env.CXX || 'c++', 'install a C++17 compiler (e.g. apt-get install g++, or Xcode\'s command line tools).');

// Extract the source once per bundle: a stamp inside the folder says which bundle it came from.
const sourceStampPath = path.join(sourceDir, '.dianjin-bundle-sha256');
if (!existsSync(sourceStampPath) || readFileSync(sourceStampPath, 'utf8') !== bundleHash) {
  log(`extracting llama.cpp ${release.tag ?? ''} from ${path.relative(root, bundlePath)}`);
  rmSync(sourceDir, { recursive: true, force: true });
  mkdirSync(buildRoot, { recursive: true });
  await run('git', ['-c', 'advice.detachedHead=false', 'clone', '--quiet', bundlePath, sourceDir]);
  writeFileSync(sourceStampPath, bundleHash);
}

const cmakeDir = path.join(buildRoot, values.cuda ? 'cmake-cuda' : 'cmake');
try {
  await run('cmake', [
    '-S', nativeDir,
    '-B', cmakeDir,
    `-DLLAMA_CPP_DIR=${sourceDir}`,
    '-DCMAKE_BUILD_TYPE=Release',
    `-DGGML_CUDA=${values.cuda ? 'ON' : 'OFF'}`,
  ]);
  await run('cmake', ['--build', cmakeDir, '--config', 'Release', '--target', 'dianjin-trainer', '-j', String(jobs)]);
} catch (error) {
  fail(`the build failed (${error.message}); the compiler output is above.`);
}

const built = [path.join(cmakeDir, exe), path.join(cmakeDir, 'Release', exe)].find((candidate) => existsSync(candidate));
if (!built) fail(`cmake finished but ${exe} is not in ${cmakeDir}.`);
mkdirSync(path.dirname(trainerBinaryPath), { recursive: true });
const partial = `${trainerBinaryPath}.partial`;
copyFileSync(built, partial);
chmodSync(partial, 0o755);
renameSync(partial, trainerBinaryPath);
writeFileSync(stampPath, stamp);
log(`built ${path.relative(root, trainerBinaryPath)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(trainerBinaryPath);
