/**
 * The Electron main process: one instance per data dir, the app services (SQLite, inference host, chat) with the
 * model in a utilityProcess, one locked-down window showing the renderer from `app://renderer/`, and the IPC
 * binding between them. Built to dist/electron/main.js (ESM); its siblings there are preload.cjs and
 * inferenceWorker.js, and the renderer is in dist/renderer.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, nativeTheme, safeStorage, screen, session, type WebContents } from 'electron';
import { createAppServices, type AppServices } from '../services/app/index';
import { resolveDataDir } from '../services/paths/index';
import { hardenApp, hardenSession } from './hardening';
import { bindIpc } from './ipc';
import { registerRendererScheme, serveRenderer } from './rendererProtocol';
import { rendererEntryUrl } from './security';
import { SecretStore } from './secrets';
import { spawnUtilityInferenceProcess } from './utilityInferenceProcess';
import { minWindowSize, readWindowState, writeWindowState, type WindowState } from './windowState';

const productName = 'DianJin Workbench';
const appUserModelId = 'com.dianjin.workbench';

const here = path.dirname(fileURLToPath(import.meta.url));
const layout = {
  preload: path.join(here, 'preload.cjs'),
  inferenceWorker: path.join(here, 'inferenceWorker.js'),
  renderer: path.join(here, '..', 'renderer'),
};

const dataDir = resolveDataDir();
const windowStateFile = path.join(dataDir, 'window-state.json');

// ── Before `ready` ───────────────────────────────────────────────────────────────────────────────────────────
app.setName(productName);
// Chromium's profile (caches, local storage) lives inside our data dir, so DIANJIN_HOME isolates a whole instance
// (the e2e tests rely on it) and the single-instance lock below is per data dir: two apps never share a database.
app.setPath('userData', path.join(dataDir, 'electron'));
if (process.platform === 'win32') app.setAppUserModelId(appUserModelId);
app.enableSandbox();
registerRendererScheme();
hardenApp();

let services: AppServices | null = null;
let unbindIpc: (() => void) | null = null;
let mainWindow: BrowserWindow | null = null;
const appWindows = new Set<BrowserWindow>();

function isAppWebContents(contents: WebContents): boolean {
  for (const window of appWindows) if (!window.isDestroyed() && window.webContents === contents) return true;
  return false;
}

function createMainWindow(): BrowserWindow {
  const workAreas = screen.getAllDisplays().map((display) => display.workArea);
  const state = readWindowState(windowStateFile, workAreas);
  const window = new BrowserWindow({
    width: state.width,
    height: state.height,
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    minWidth: minWindowSize.width,
    minHeight: minWindowSize.height,
    title: productName,
    show: false,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1b1d21' : '#ffffff',
    autoHideMenuBar: process.platform !== 'darwin',
    webPreferences: {
      preload: layout.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: !app.isPackaged,
    },
  });
  appWindows.add(window);
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());

  // Remember the restored (not maximized) bounds, so un-maximizing next time gives the size the user chose.
  window.on('close', () => {
    const bounds = window.getNormalBounds();
    const saved: WindowState = { ...bounds, maximized: window.isMaximized() };
    writeWindowState(windowStateFile, saved);
  });
  window.on('closed', () => {
    appWindows.delete(window);
    if (mainWindow === window) mainWindow = null;
  });

  let crashReloads = 0;
  window.webContents.on('render-process-gone', (_event, details) => {
    console.error(`[window] renderer process gone: ${details.reason} (exit code ${details.exitCode})`);
    // A crashed or OOM-killed renderer leaves a blank window; reload it a few times, then leave it for the user.
    if (details.reason !== 'clean-exit' && !window.isDestroyed() && crashReloads++ < 3) window.webContents.reload();
  });

  void window.loadURL(rendererEntryUrl).catch((error: unknown) => console.error('[window] could not load the renderer:', error));
  return window;
}

function showMainWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    mainWindow = createMainWindow();
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

async function start(): Promise<void> {
  await app.whenReady();
  hardenSession(session.defaultSession);
  serveRenderer(layout.renderer, session.defaultSession);

  const model = app.commandLine.getSwitchValue('model');
  // `npm start` builds better-sqlite3 a second time for Electron's ABI (node_modules keeps Node's build for the CLI and
  // tests) and names it here; a packaged app's own copy is already built for Electron.
  const sqliteBinding = app.isPackaged ? undefined : process.env.DIANJIN_SQLITE_BINDING;
  services = await createAppServices({
    dataDir,
    host: 'electron',
    version: app.getVersion(),
    workerPath: layout.inferenceWorker,
    spawnInferenceProcess: spawnUtilityInferenceProcess,
    // The remote engine's API key, encrypted with the OS keyring (safeStorage works after `ready`).
    secrets: new SecretStore(dataDir, safeStorage),
    ...(model ? { modelPath: path.resolve(model) } : {}),
    ...(sqliteBinding ? { sqliteNativeBinding: sqliteBinding } : {}),
  });
  unbindIpc = bindIpc({ dispatcher: services.dispatcher, isAppWebContents });
  showMainWindow();

  app.on('activate', () => {
    // macOS: clicking the dock icon with no window open.
    if (BrowserWindow.getAllWindows().length === 0) showMainWindow();
  });
}

// ── Shutdown: stop the inference process and close the database before the process exits ───────────────────
let shutdown: Promise<void> | null = null;
const shutdownTimeoutMs = 5_000;

function disposeServices(): Promise<void> {
  shutdown ??= (async () => {
    unbindIpc?.();
    unbindIpc = null;
    const current = services;
    services = null;
    if (!current) return;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, shutdownTimeoutMs).unref());
    await Promise.race([current.dispose().catch((error: unknown) => console.error('[app] error while shutting down:', error)), timeout]);
  })();
  return shutdown;
}

let shutdownComplete = false;
app.on('will-quit', (event) => {
  if (shutdownComplete) return;
  event.preventDefault();
  void disposeServices().finally(() => {
    shutdownComplete = true;
    app.quit();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

function describeStartupError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // A native addon (better-sqlite3) built for Node.js rather than Electron: the usual state of a development checkout.
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(message)) {
    return `${message}\n\nNative modules must be rebuilt for Electron: run \`npx electron-builder install-app-deps\` (and \`npm rebuild better-sqlite3\` before using the CLI again).`;
  }
  return message;
}

// ── Single instance per data dir ─────────────────────────────────────────────────────────────────────────────
if (!app.requestSingleInstanceLock()) {
  console.log(`${productName} is already running with data in ${dataDir}; focusing it.`);
  app.quit();
} else {
  app.on('second-instance', () => {
    if (services) showMainWindow();
  });
  start().catch(async (error: unknown) => {
    console.error('[app] could not start:', error);
    await app.whenReady();
    dialog.showErrorBox(`${productName} could not start`, `${describeStartupError(error)}\n\nData folder: ${dataDir}`);
    await disposeServices();
    app.exit(1);
  });
}
