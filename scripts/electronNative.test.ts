// ensureElectronSqlite without network or compiler: node-gyp is replaced by small stand-ins in a temporary project,
// so these cover the cache check, the staging layout, failure reasons, the time limit and the clean-up — not a real
// Electron build (that needs Electron's headers from the network).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureElectronSqlite } from './electronNative.mjs';

const electronVersion = '41.7.1';
const bindingPath = path.join('build', 'Release', 'better_sqlite3.node');

/** A project root with a stand-in better-sqlite3 (sources only) and, optionally, a stand-in node-gyp. */
function fakeProject(nodeGypScript?: string) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dianjin-electron-native-'));
  writeFileSync(path.join(root, 'package.json'), '{}');
  const sqlite = path.join(root, 'node_modules', 'better-sqlite3');
  mkdirSync(path.join(sqlite, 'src'), { recursive: true });
  mkdirSync(path.join(sqlite, 'build', 'Release'), { recursive: true });
  writeFileSync(path.join(sqlite, 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }));
  writeFileSync(path.join(sqlite, 'src', 'better_sqlite3.cpp'), '// source');
  writeFileSync(path.join(sqlite, bindingPath), 'node-abi build');
  if (nodeGypScript !== undefined) {
    const bin = path.join(root, 'node_modules', 'node-gyp', 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(root, 'node_modules', 'node-gyp', 'package.json'), JSON.stringify({ name: 'node-gyp', version: '0.0.0' }));
    writeFileSync(path.join(bin, 'node-gyp.js'), nodeGypScript);
  }
  const home = path.join(root, 'node_modules', '.dianjin-electron');
  return { root, sqlite, home, target: path.join(home, 'better-sqlite3') };
}

// Records its arguments and writes the addon where node-gyp would, in its working directory.
const succeedingNodeGyp = `
const fs = require('node:fs');
if (fs.existsSync('build')) throw new Error('the copy should not include the Node build');
fs.mkdirSync('build/Release', { recursive: true });
fs.writeFileSync('build/Release/better_sqlite3.node', 'electron build');
fs.writeFileSync('args.json', JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd() }));
`;

const offlineNodeGyp = `
console.log('gyp http GET https://electronjs.org/headers/v41.7.1/node-v41.7.1-headers.tar.gz');
console.error('gyp ERR! stack Error: This is most likely not a problem with node-gyp or the package itself and');
console.error('gyp ERR! stack is related to network connectivity.');
console.error('gyp ERR! stack at go (node-gyp/lib/install.js:244:21)');
console.error('gyp ERR! not ok');
process.exit(1);
`;

// Starts a grandchild (as node-gyp starts make) and never finishes; both must be stopped.
const hangingNodeGyp = `
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
fs.writeFileSync(process.env.DIANJIN_TEST_PIDS, JSON.stringify([process.pid, child.pid]));
setInterval(() => {}, 1000);
`;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('ensureElectronSqlite', () => {
  let project: ReturnType<typeof fakeProject>;
  let messages: string[];
  const log = (message: string) => messages.push(message);
  beforeEach(() => {
    messages = [];
  });
  afterEach(() => {
    rmSync(project.root, { recursive: true, force: true });
  });

  it('says to run npm install when better-sqlite3 is missing, and creates nothing', async () => {
    project = fakeProject();
    rmSync(project.sqlite, { recursive: true });
    expect(await ensureElectronSqlite({ root: project.root, electronVersion, log })).toBeNull();
    expect(messages.join('\n')).toMatch(/npm install/);
    expect(existsSync(project.home)).toBe(false);
  });

  it('builds a copy without the Node build, for Electron, and records what it was built for', async () => {
    project = fakeProject(succeedingNodeGyp);
    const binding = await ensureElectronSqlite({ root: project.root, electronVersion, log, tryPrebuilt: false });
    expect(binding).toBe(path.join(project.target, bindingPath));
    expect(readFileSync(binding!, 'utf8')).toBe('electron build');
    expect(readFileSync(path.join(project.sqlite, bindingPath), 'utf8')).toBe('node-abi build');
    const { args, cwd } = JSON.parse(readFileSync(path.join(project.target, 'args.json'), 'utf8')) as { args: string[]; cwd: string };
    expect(args).toEqual(expect.arrayContaining(['rebuild', '--release', '--runtime=electron', `--target=${electronVersion}`]));
    expect(path.basename(cwd)).toBe('better-sqlite3');
    expect(existsSync(path.join(project.target, 'src', 'better_sqlite3.cpp'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(project.target, '.dianjin-electron.json'), 'utf8'))).toMatchObject({
      electronVersion,
      'better-sqlite3': '12.11.1',
    });
    expect(readdirSync(project.home)).toEqual(['better-sqlite3']);
  });

  it('reuses a build for the same versions and rebuilds when Electron changes', async () => {
    project = fakeProject(succeedingNodeGyp);
    const first = await ensureElectronSqlite({ root: project.root, electronVersion, log, tryPrebuilt: false });
    writeFileSync(first!, 'kept');
    messages = [];
    expect(await ensureElectronSqlite({ root: project.root, electronVersion, log, tryPrebuilt: false })).toBe(first);
    expect(readFileSync(first!, 'utf8')).toBe('kept');
    expect(messages).toEqual([]);

    expect(await ensureElectronSqlite({ root: project.root, electronVersion: '42.0.0', log, tryPrebuilt: false })).toBe(first);
    expect(readFileSync(first!, 'utf8')).toBe('electron build');
  });

  it("fails with node-gyp's reason and leaves no staging folder (offline)", async () => {
    project = fakeProject(offlineNodeGyp);
    expect(await ensureElectronSqlite({ root: project.root, electronVersion, log, tryPrebuilt: false })).toBeNull();
    const failure = messages.at(-1)!;
    expect(failure).toMatch(/^Could not build better-sqlite3 for Electron 41\.7\.1: This is most likely .* network connectivity\. This needs network access/);
    expect(failure).not.toMatch(/install\.js/);
    expect(existsSync(project.home)).toBe(false);
  });

  it('says so when node-gyp is not installed', async () => {
    project = fakeProject();
    expect(await ensureElectronSqlite({ root: project.root, electronVersion, log, tryPrebuilt: false })).toBeNull();
    expect(messages.at(-1)).toMatch(/node-gyp is not installed/);
    expect(existsSync(project.home)).toBe(false);
  });

  it('stops a build that runs past its time limit, with the processes it started, and keeps the previous build', async () => {
    project = fakeProject(hangingNodeGyp);
    mkdirSync(path.dirname(path.join(project.target, bindingPath)), { recursive: true });
    writeFileSync(path.join(project.target, bindingPath), 'older electron build');
    const pidsFile = path.join(project.root, 'pids.json');
    process.env.DIANJIN_TEST_PIDS = pidsFile;
    try {
      const started = Date.now();
      expect(await ensureElectronSqlite({ root: project.root, electronVersion, log, tryPrebuilt: false, timeoutMs: 1500 })).toBeNull();
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      delete process.env.DIANJIN_TEST_PIDS;
    }
    expect(messages.at(-1)).toMatch(/did not finish within 2 s/);
    const pids = JSON.parse(readFileSync(pidsFile, 'utf8')) as number[];
    await expect.poll(() => pids.filter(isRunning), { timeout: 5000 }).toEqual([]);
    expect(readdirSync(project.home)).toEqual(['better-sqlite3']);
    expect(readFileSync(path.join(project.target, bindingPath), 'utf8')).toBe('older electron build');
  });

  it('stops quietly when aborted', async () => {
    project = fakeProject(hangingNodeGyp);
    process.env.DIANJIN_TEST_PIDS = path.join(project.root, 'pids.json');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    try {
      expect(await ensureElectronSqlite({ root: project.root, electronVersion, log, tryPrebuilt: false, signal: controller.signal })).toBeNull();
    } finally {
      delete process.env.DIANJIN_TEST_PIDS;
    }
    expect(messages.filter((message) => message.startsWith('Could not'))).toEqual([]);
    expect(existsSync(project.home)).toBe(false);
  });
});
