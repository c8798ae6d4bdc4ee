#!/usr/bin/env node
// `npm start`: launches the desktop app with Electron when its binary is installed. Electron's binary is a separate
// download (node_modules/electron/install.js, not run at install time here); when it is missing this tries that
// download once, time-boxed, and otherwise starts the browser mode (`dianjin serve`) instead.
// better-sqlite3 in node_modules is built for Node (CLI, `dianjin serve`, tests); Electron's main process gets a
// second build for Electron's ABI (scripts/electronNative.mjs), named in DIANJIN_SQLITE_BINDING. When that build
// cannot be made, this starts the browser mode too.
// Arguments after `npm start --` are passed on (to Electron, or to `dianjin serve`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { ensureElectronSqlite } from './electronNative.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const forwardedArgs = process.argv.slice(2);
const downloadTimeoutMs = Number(process.env.DIANJIN_ELECTRON_DOWNLOAD_TIMEOUT_MS) || 60_000;

/** The Electron executable's path when it is installed, else null (`require('electron')` throws when it is not). */
function electronBinary() {
  try {
    const resolved = require.resolve('electron');
    delete require.cache[resolved];
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/**
 * Runs a command with the terminal attached; resolves its exit code. Ctrl+C reaches the child from the terminal
 * itself (same process group), so this process only waits for it; SIGTERM is passed on.
 */
function run(command, args, { env = process.env, timeoutMs, captureStderr = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['inherit', 'inherit', captureStderr ? 'pipe' : 'inherit'] });
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    const ignoreInterrupt = () => {};
    const forwardTerminate = () => child.kill('SIGTERM');
    process.on('SIGINT', ignoreInterrupt);
    process.on('SIGTERM', forwardTerminate);
    let timedOut = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, timeoutMs);
    const done = (code) => {
      clearTimeout(timer);
      process.off('SIGINT', ignoreInterrupt);
      process.off('SIGTERM', forwardTerminate);
      resolve({ code, stderr, timedOut });
    };
    child.on('error', (error) => {
      stderr += error.message;
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

async function tryDownloadElectron() {
  const installer = path.join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return;
  const seconds = Math.round(downloadTimeoutMs / 1000);
  console.log(`The Electron binary is not installed; trying once to download it (at most ${seconds} s)…`);
  const { code, stderr, timedOut } = await run(process.execPath, [installer], { timeoutMs: downloadTimeoutMs, captureStderr: true });
  if (timedOut) console.log(`The Electron download did not finish within ${seconds} s.`);
  else if (code !== 0) {
    const reason = stderr.split('\n').find((line) => line.trim() !== '') ?? `exit code ${code}`;
    console.log(`The Electron download failed: ${reason.trim()}`);
  }
}

function electronVersion() {
  try {
    return require('electron/package.json').version;
  } catch {
    return null;
  }
}

/**
 * better-sqlite3 built for the installed Electron (built on first use); binding is null when it cannot be, after
 * saying why.
 */
async function electronSqliteBinding() {
  const version = electronVersion();
  if (!version) {
    console.log('Could not read the installed Electron version from node_modules/electron/package.json.');
    return { binding: null, interrupted: false };
  }
  // Ctrl+C reaches only this process while the build runs (the build has its own process group): stop the build.
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  try {
    const binding = await ensureElectronSqlite({ root, electronVersion: version, signal: controller.signal });
    return { binding, interrupted: controller.signal.aborted };
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

async function main() {
  const mainBundle = path.join(root, 'dist', 'electron', 'main.js');
  let electron = electronBinary();
  if (!electron) {
    await tryDownloadElectron();
    electron = electronBinary();
  }

  if (electron) {
    if (!existsSync(mainBundle)) {
      console.error('The app is not built yet: run `npm run build`, then `npm start` again.');
      return 1;
    }
    const sqlite = await electronSqliteBinding();
    if (sqlite.interrupted) return 130;
    if (sqlite.binding) {
      // ELECTRON_RUN_AS_NODE (set by some editors' terminals) would make Electron behave as plain Node.
      const env = { ...process.env, DIANJIN_SQLITE_BINDING: sqlite.binding };
      delete env.ELECTRON_RUN_AS_NODE;
      return (await run(electron, ['.', ...forwardedArgs], { env })).code;
    }
    console.log(
      'The Electron app cannot open its database without that build. Starting the browser mode instead: ' +
        'open the address printed below in your browser.',
    );
  } else {
    console.log(
      'The Electron binary is not installed here (it could not be downloaded). Starting the browser mode instead: ' +
        'open the address printed below in your browser.',
    );
  }
  return (await run(process.execPath, [path.join(root, 'bin', 'dianjin.js'), 'serve', ...forwardedArgs])).code;
}

process.exitCode = await main();
