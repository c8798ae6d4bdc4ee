// Types for scripts/electronNative.mjs (its tests are TypeScript).

export interface EnsureElectronSqliteOptions {
  /** The project root (holds node_modules). */
  root: string;
  /** e.g. '41.7.1' (node_modules/electron/package.json's version). */
  electronVersion: string;
  /** Limit for the whole build. Defaults to 120 000 ms. */
  timeoutMs?: number;
  /** Stops a build in progress (Ctrl+C); it then resolves null without a message. */
  signal?: AbortSignal;
  /** Progress and failure messages. Defaults to `console.log`. */
  log?: (message: string) => void;
  /** Try a prebuilt binary (prebuild-install) before compiling. Defaults to true. */
  tryPrebuilt?: boolean;
  /** Where node-gyp downloads Electron's headers. Defaults to https://electronjs.org/headers. */
  headersUrl?: string;
}

/** The path of better-sqlite3's addon built for this Electron version, building it when needed; null when it cannot. */
export function ensureElectronSqlite(options: EnsureElectronSqliteOptions): Promise<string | null>;
