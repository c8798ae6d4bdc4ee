// A second build of better-sqlite3's native addon, for Electron's ABI, used only by the Electron main process in
// development (`npm start`). `npm install` builds node_modules/better-sqlite3 for Node's ABI, which the CLI,
// `dianjin serve` and the tests need; rebuilding it in place for Electron would break them. So this copies the package
// (sources, without its build/) to node_modules/.dianjin-electron/better-sqlite3 and builds the copy for Electron:
// first a prebuilt binary (prebuild-install, as the package's own install script does), else node-gyp against
// Electron's headers. Packaged apps are rebuilt by electron-builder (npmRebuild) and never use this.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';

const moduleName = 'better-sqlite3';
const bindingRelativePath = path.join('build', 'Release', 'better_sqlite3.node');
const markerName = '.dianjin-electron.json';
const electronHeadersUrl = 'https://electronjs.org/headers';

/**
 * The path of better-sqlite3's addon built for this Electron version, building it first when needed (about a minute,
 * once per Electron or better-sqlite3 version). Resolves null when it cannot be built, after `log` has said why; a
 * failed or interrupted build leaves nothing behind.
 *
 * @param {object} options
 * @param {string} options.root The project root (holds node_modules).
 * @param {string} options.electronVersion e.g. '41.7.1' (node_modules/electron/package.json's version).
 * @param {number} [options.timeoutMs] Limit for the whole build. Defaults to 120 000 ms.
 * @param {AbortSignal} [options.signal] Stops a build in progress (Ctrl+C); it then resolves null without a message.
 * @param {(message: string) => void} [options.log] Progress and failure messages. Defaults to `console.log`.
 * @param {boolean} [options.tryPrebuilt] Try a prebuilt binary before compiling. Defaults to true.
 * @param {string} [options.headersUrl] Where node-gyp downloads Electron's headers. Defaults to electronjs.org.
 * @returns {Promise<string | null>}
 */
export async function ensureElectronSqlite({
  root,
  electronVersion,
  timeoutMs = 120_000,
  signal,
  log = console.log,
  tryPrebuilt = true,
  headersUrl = electronHeadersUrl,
}) {
  const source = path.join(root, 'node_modules', moduleName);
  const home = path.join(root, 'node_modules', '.dianjin-electron');
  const target = path.join(home, moduleName);
  const sourceVersion = readVersion(source);
  if (!sourceVersion) {
    log(`${moduleName} is not installed in ${path.join(root, 'node_modules')}: run \`npm install\` first.`);
    return null;
  }
  const marker = { electronVersion, [moduleName]: sourceVersion, platform: process.platform, arch: process.arch };
  if (isBuilt(target, marker)) return path.join(target, bindingRelativePath);

  removeAbandonedStaging(home);
  // A per-process staging folder, renamed into place only once complete: a half-done build is never mistaken for a
  // finished one, and two launches at once do not write into the same folder.
  const staging = path.join(home, `staging-${process.pid}`);
  const stagedModule = path.join(staging, moduleName);
  log(`Building ${moduleName} ${sourceVersion} for Electron ${electronVersion} (once per version; about a minute)…`);
  try {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    cpSync(source, stagedModule, { recursive: true, filter: (from) => from !== path.join(source, 'build') });

    const deadline = Date.now() + timeoutMs;
    const step = { cwd: stagedModule, deadline, limitSeconds: Math.round(timeoutMs / 1000), signal };
    const require = createRequire(path.join(root, 'package.json'));
    let built = false;
    if (tryPrebuilt) {
      const prebuildInstall = resolveFrom(require, 'prebuild-install/bin.js');
      if (prebuildInstall) {
        const args = [prebuildInstall, '--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`, `--platform=${process.platform}`];
        built = (await runStep(process.execPath, args, step)).ok && existsSync(path.join(stagedModule, bindingRelativePath));
      }
    }
    if (!built) {
      const nodeGyp = resolveFrom(require, 'node-gyp/bin/node-gyp.js');
      if (!nodeGyp) throw new BuildError('node-gyp is not installed (it comes with electron-builder): run `npm install`.');
      const args = [
        nodeGyp,
        'rebuild',
        '--release',
        '--runtime=electron',
        `--target=${electronVersion}`,
        `--arch=${process.arch}`,
        `--dist-url=${headersUrl}`,
        // The headers cache @electron/rebuild and electron-builder use, so Electron's headers are downloaded once.
        `--devdir=${path.join(os.homedir(), '.electron-gyp')}`,
      ];
      const result = await runStep(process.execPath, args, step);
      if (!result.ok) throw new BuildError(result.reason);
      if (!existsSync(path.join(stagedModule, bindingRelativePath))) throw new BuildError(`node-gyp finished but wrote no ${bindingRelativePath}`);
    }

    writeFileSync(path.join(stagedModule, markerName), `${JSON.stringify(marker, null, 2)}\n`);
    rmSync(target, { recursive: true, force: true });
    renameSync(stagedModule, target);
    return path.join(target, bindingRelativePath);
  } catch (error) {
    if (signal?.aborted) return null;
    const reason = error instanceof Error ? error.message : String(error);
    log(
      `Could not build ${moduleName} for Electron ${electronVersion}: ${reason}. ` +
        'This needs network access (for Electron headers or a prebuilt binary) and a C++ toolchain (Python 3 with make and g++ on Linux, the Xcode command line tools on macOS, Visual Studio Build Tools on Windows).',
    );
    return null;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmEmptyDir(home);
  }
}

class BuildError extends Error {
  name = 'BuildError';
}

function readVersion(moduleDir) {
  try {
    const { version } = JSON.parse(readFileSync(path.join(moduleDir, 'package.json'), 'utf8'));
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

function isBuilt(moduleDir, marker) {
  if (!existsSync(path.join(moduleDir, bindingRelativePath))) return false;
  try {
    const recorded = JSON.parse(readFileSync(path.join(moduleDir, markerName), 'utf8'));
    return Object.entries(marker).every(([key, value]) => recorded?.[key] === value);
  } catch {
    return false;
  }
}

/** Staging folders left by a launch that was killed mid-build (its process is gone). */
function removeAbandonedStaging(home) {
  let names;
  try {
    names = readdirSync(home);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^staging-(\d+)$/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !isRunning(pid)) rmSync(path.join(home, name), { recursive: true, force: true });
  }
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error?.code === 'EPERM';
  }
}

function rmEmptyDir(dir) {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty (it holds a finished build) or already gone.
  }
}

function resolveFrom(require, request) {
  try {
    return require.resolve(request);
  } catch {
    return null;
  }
}

/**
 * Runs one build step with its output captured (shown only in the failure reason). It runs in its own process group
 * so that on timeout or abort the compilers it started are stopped too, before the staging folder is removed.
 * @returns {Promise<{ ok: boolean, reason: string }>}
 */
function runStep(command, args, { cwd, deadline, limitSeconds, signal }) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ ok: false, reason: 'interrupted' });
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) return resolve({ ok: false, reason: `it did not finish within ${limitSeconds} s` });
    const env = { ...process.env };
    // npm sets these for `npm start`; they would point node-gyp at Node's headers and flags, not Electron's.
    for (const key of Object.keys(env)) if (/^npm_config_(target|runtime|disturl|dist_url|arch|nodedir|devdir)$/i.test(key)) delete env[key];
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32', windowsHide: true });
    let output = '';
    const collect = (chunk) => (output = (output + chunk).slice(-20_000));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let stopped = null;
    const stop = (why) => {
      stopped ??= why;
      killTree(child);
    };
    const timer = setTimeout(() => stop(`it did not finish within ${limitSeconds} s`), remainingMs);
    const onAbort = () => stop('interrupted');
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (ok, fallbackReason) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve({ ok: ok && !stopped, reason: stopped ?? describeFailure(output, fallbackReason) });
    };
    child.on('error', (error) => done(false, error.message));
    child.on('close', (code, exitSignal) => done(code === 0, exitSignal ? `it was stopped by ${exitSignal}` : `exit code ${code}`));
  });
}

function killTree(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (process.platform === 'win32') spawn('taskkill', ['/pid', String(child.pid), '/t', '/f'], { stdio: 'ignore', windowsHide: true });
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/**
 * The cause from node-gyp's error stack ("…related to network connectivity…", "not found: make"), else the output's
 * last line, without a final period (the caller's sentence goes on).
 */
function describeFailure(output, fallback) {
  const lines = output.split('\n').map((line) => line.trim());
  const stack = lines.filter((line) => line.startsWith('gyp ERR! stack ')).map((line) => line.slice('gyp ERR! stack '.length).trim());
  const firstFrame = stack.findIndex((line) => line.startsWith('at '));
  const cause = stack.slice(0, firstFrame === -1 ? stack.length : firstFrame).join(' ').replace(/^\w*Error: /, '');
  const reason = cause || lines.findLast((line) => line !== '') || fallback;
  return reason.replace(/\.$/, '');
}
