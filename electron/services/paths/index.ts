/**
 * Where the app keeps its files. Pure functions of (env, platform, home) so the main process, the CLI and tests
 * resolve the same folder; nothing here imports Electron (app.getPath would tie the CLI to Electron).
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const appFolderName = 'DianJin Workbench';
/** Linux convention is lower-case, dash-separated folder names under XDG_DATA_HOME. */
export const linuxAppFolderName = 'dianjin-workbench';
export const dbFileName = 'workbench.sqlite3';

/** Path rules of the target platform, so that resolving for 'win32' gives Windows paths even when run elsewhere. */
function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Empty strings count as unset: `DIANJIN_HOME= app` should not mean "the current directory". */
function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

/**
 * The folder holding the database, logs and (by default) models.
 * `DIANJIN_HOME` wins when set (made absolute); otherwise the platform's per-user app-data folder.
 */
export function resolveDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const p = pathFor(platform);
  const override = nonEmpty(env.DIANJIN_HOME);
  if (override) return p.resolve(override);

  switch (platform) {
    case 'darwin':
      return p.join(home, 'Library', 'Application Support', appFolderName);
    case 'win32': {
      const appData = nonEmpty(env.APPDATA);
      return p.join(appData ?? p.join(home, 'AppData', 'Roaming'), appFolderName);
    }
    default: {
      // The XDG spec says relative values are invalid and must be ignored.
      const xdg = nonEmpty(env.XDG_DATA_HOME);
      const base = xdg && p.isAbsolute(xdg) ? xdg : p.join(home, '.local', 'share');
      return p.join(base, linuxAppFolderName);
    }
  }
}

export interface AppPaths {
  /** Root of everything the app writes. */
  dataDir: string;
  /** SQLite database (conversations, messages, settings). */
  dbFile: string;
  /** Where downloaded / imported GGUF models live. */
  modelsDir: string;
  logsDir: string;
}

export interface AppPathsOptions {
  /** Keep models somewhere else (e.g. a larger disk). Defaults to `<dataDir>/models`. */
  modelsDir?: string;
}

export function appPaths(dataDir: string, options: AppPathsOptions = {}): AppPaths {
  const root = path.resolve(dataDir);
  return {
    dataDir: root,
    dbFile: path.join(root, dbFileName),
    modelsDir: options.modelsDir ? path.resolve(options.modelsDir) : path.join(root, 'models'),
    logsDir: path.join(root, 'logs'),
  };
}

/** Creates the folders (mkdir -p); the database file itself is created by the store. Returns `paths` for chaining. */
export function ensureAppPaths(paths: AppPaths): AppPaths {
  for (const dir of [paths.dataDir, paths.modelsDir, paths.logsDir]) mkdirSync(dir, { recursive: true });
  return paths;
}
