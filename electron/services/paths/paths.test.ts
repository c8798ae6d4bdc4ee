import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appPaths, ensureAppPaths, resolveDataDir } from './index';

describe('resolveDataDir', () => {
  it('uses DIANJIN_HOME when set, made absolute', () => {
    expect(resolveDataDir({ DIANJIN_HOME: '/srv/dianjin' }, 'linux', '/home/a')).toBe('/srv/dianjin');
    expect(resolveDataDir({ DIANJIN_HOME: 'rel/dir' }, 'linux', '/home/a')).toBe(path.resolve('rel/dir'));
    expect(resolveDataDir({ DIANJIN_HOME: 'D:\\data\\dj', APPDATA: 'C:\\x' }, 'win32', 'C:\\Users\\a')).toBe('D:\\data\\dj');
  });

  it('ignores an empty DIANJIN_HOME', () => {
    expect(resolveDataDir({ DIANJIN_HOME: '' }, 'linux', '/home/a')).toBe('/home/a/.local/share/dianjin-workbench');
  });

  it('macOS: ~/Library/Application Support', () => {
    expect(resolveDataDir({}, 'darwin', '/Users/a')).toBe('/Users/a/Library/Application Support/DianJin Workbench');
  });

  it('Windows: %APPDATA%, falling back to ~/AppData/Roaming', () => {
    expect(resolveDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32', 'C:\\Users\\a')).toBe(
      'C:\\Users\\a\\AppData\\Roaming\\DianJin Workbench',
    );
    expect(resolveDataDir({}, 'win32', 'C:\\Users\\b')).toBe('C:\\Users\\b\\AppData\\Roaming\\DianJin Workbench');
  });

  it('Linux: $XDG_DATA_HOME, falling back to ~/.local/share; relative XDG values are ignored', () => {
    expect(resolveDataDir({ XDG_DATA_HOME: '/data/xdg' }, 'linux', '/home/a')).toBe('/data/xdg/dianjin-workbench');
    expect(resolveDataDir({}, 'linux', '/home/a')).toBe('/home/a/.local/share/dianjin-workbench');
    expect(resolveDataDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/a')).toBe('/home/a/.local/share/dianjin-workbench');
  });

  it('defaults to the real environment', () => {
    expect(path.isAbsolute(resolveDataDir())).toBe(true);
  });
});

describe('appPaths / ensureAppPaths', () => {
  let tmp: string | undefined;
  afterEach(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    tmp = undefined;
  });

  it('derives the files under the data dir', () => {
    const p = appPaths('/d');
    expect(p).toEqual({
      dataDir: path.resolve('/d'),
      dbFile: path.resolve('/d/workbench.sqlite3'),
      modelsDir: path.resolve('/d/models'),
      logsDir: path.resolve('/d/logs'),
    });
    expect(appPaths('/d', { modelsDir: '/big/models' }).modelsDir).toBe(path.resolve('/big/models'));
  });

  it('creates the folders, and is idempotent', () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'dianjin-paths-'));
    const p = appPaths(path.join(tmp, 'nested', '数据'));
    expect(ensureAppPaths(p)).toBe(p);
    ensureAppPaths(p);
    for (const dir of [p.dataDir, p.modelsDir, p.logsDir]) expect(statSync(dir).isDirectory()).toBe(true);
    expect(existsSync(p.dbFile)).toBe(false);
  });
});
