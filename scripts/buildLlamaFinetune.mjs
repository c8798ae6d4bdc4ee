#!/usr/bin/env node
/**
 * Builds llama.cpp's own `llama-finetune` (examples/training/finetune.cpp, full F32 fine-tuning through llama_opt_*)
 * from the same source as the project's trainer, as the reference point for `npm run bench:train`.
 *
 *   node scripts/buildLlamaFinetune.mjs [--jobs N] [--force]
 *
 * Reuses the source that `npm run build:trainer` extracted from node-llama-cpp's gitRelease.bundle
 * (build/trainer/llama.cpp; this script runs build:trainer's extraction first when it is missing or from another
 * bundle). cmake works in build/llama-finetune/cmake and the binary lands at build/llama-finetune/bin/llama-finetune.
 * Nothing is done when the binary was built from the same source with the same options (a hash stamp beside it).
 * CPU only, static (one binary), no curl / OpenSSL, examples on, tests / tools / server off. Takes about 8 minutes on
 * 2 cores. Progress goes to stderr; the last line on stdout is the binary's path. Needs git, cmake (3.14+), a C++17
 * compiler.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundlePath = path.join(root, 'node_modules', 'node-llama-cpp', 'llama', 'gitRelease.bundle');
const sourceDir = path.join(root, 'build', 'trainer', 'llama.cpp');
const sourceStampPath = path.join(sourceDir, '.dianjin-bundle-sha256');
const buildRoot = path.join(root, 'build', 'llama-finetune');
const cmakeDir = path.join(buildRoot, 'cmake');
const exe = process.platform === 'win32' ? 'llama-finetune.exe' : 'llama-finetune';
const finetuneBinaryPath = path.join(buildRoot, 'bin', exe);

const { values } = parseArgs({
  options: {
    // 2 by default: the build is long and other work shares this machine.
    jobs: { type: 'string', default: '2' },
    force: { type: 'boolean', default: false },
  },
  strict: true,
});
const jobs = Number(values.jobs);
if (!Number.isInteger(jobs) || jobs < 1) fail(`--jobs must be a positive integer, got "${values.jobs}".`);

const started = Date.now();
const log = (line) => process.stderr.write(`[build:llama-finetune ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

function fail(message) {
  process.stderr.write(`build:llama-finetune: ${message}\n`);
  process.exit(1);
}

function requireTool(command, hint) {
  const probe = spawnSync(command, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) fail(`${command} was not found; ${hint}`);
  return probe.stdout.split('\n')[0].trim();
}

/**
 * Runs a command; with `quiet`, only cmake's "[ 42%] Building …" progress lines are echoed (the full output is kept
 * and shown when the command fails).
 */
function run(command, args, { quiet = false } = {}) {
  log(`$ ${command} ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const kept = [];
    let pending = '';
    const onData = (chunk) => {
      if (!quiet) return void process.stderr.write(chunk);
      kept.push(chunk);
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (/^\[\s*\d+%\]/.test(line)) log(line.trim());
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) return resolve();
      if (quiet) process.stderr.write(Buffer.concat(kept));
      reject(new Error(`${command} exited with ${code}`));
    });
  });
}

const cmakeOptions = [
  '-DCMAKE_BUILD_TYPE=Release',
  '-DBUILD_SHARED_LIBS=OFF',
  '-DGGML_BACKEND_DL=OFF',
  '-DGGML_CUDA=OFF',
  '-DGGML_CCACHE=OFF',
  '-DLLAMA_CURL=OFF',
  '-DLLAMA_OPENSSL=OFF',
  '-DLLAMA_BUILD_COMMON=ON',
  '-DLLAMA_BUILD_EXAMPLES=ON',
  '-DLLAMA_BUILD_TESTS=OFF',
  '-DLLAMA_BUILD_TOOLS=OFF',
  '-DLLAMA_BUILD_SERVER=OFF',
  '-DLLAMA_BUILD_APP=OFF',
];

if (!existsSync(sourceStampPath) || !existsSync(path.join(sourceDir, 'examples', 'training', 'finetune.cpp'))) {
  // build:trainer owns the extraction; its stamp check makes this cheap when the trainer is already built.
  if (!existsSync(bundlePath)) fail(`${bundlePath} is missing; run npm install first.`);
  log('the llama.cpp source is not extracted yet; running build:trainer first');
  await run(process.execPath, [path.join(root, 'scripts', 'buildTrainer.mjs'), '--jobs', String(jobs)]);
}
const stamp = JSON.stringify({ source: readFileSync(sourceStampPath, 'utf8'), options: cmakeOptions });
const stampPath = `${finetuneBinaryPath}.stamp`;

if (!values.force && existsSync(finetuneBinaryPath) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) {
  log('up to date');
  console.log(finetuneBinaryPath);
  process.exit(0);
}

log(`cmake: ${requireTool('cmake', 'install CMake 3.14 or newer (e.g. apt-get install cmake).')}`);
try {
  await run('cmake', ['-S', sourceDir, '-B', cmakeDir, ...cmakeOptions], { quiet: true });
  await run('cmake', ['--build', cmakeDir, '--config', 'Release', '--target', 'llama-finetune', '-j', String(jobs)], { quiet: true });
} catch (error) {
  fail(`the build failed (${error.message}); the output is above.`);
}

const built = [path.join(cmakeDir, 'bin', exe), path.join(cmakeDir, 'bin', 'Release', exe)].find((candidate) => existsSync(candidate));
if (!built) fail(`cmake finished but ${exe} is not in ${path.join(cmakeDir, 'bin')}.`);
mkdirSync(path.dirname(finetuneBinaryPath), { recursive: true });
const partial = `${finetuneBinaryPath}.partial`;
copyFileSync(built, partial);
chmodSync(partial, 0o755);
renameSync(partial, finetuneBinaryPath);
writeFileSync(stampPath, stamp);
log(`built ${path.relative(root, finetuneBinaryPath)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(finetuneBinaryPath);
