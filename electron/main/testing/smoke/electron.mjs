// A stand-in for the `electron` module, for smoke-running the BUILT main process (dist/electron/main.js) under plain
// Node.js where the Electron binary is missing. It is not Electron: no Chromium, no sandbox, no real windows. What it
// does: emits the app lifecycle, serves `loadURL` through the registered app:// protocol handler, runs the built
// preload (dist/electron/preload.cjs) with a `require` that only knows 'electron', wires ipcRenderer to ipcMain with
// the sender/senderFrame the real one gives, and runs utilityProcess.fork on child_process.fork (the inference worker
// falls back to process.send there). Used by ./run.mjs, through ./hooks.mjs.
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout } from 'node:timers';

/** What the smoke runner inspects. */
export const smoke = {
  errorBoxes: [],
  openedExternally: [],
  privilegedSchemes: [],
  protocolHandlers: new Map(),
  windows: [],
  /** The page's `window.dianjin` per web contents id. */
  bridges: new Map(),
  blockedRequests: 0,
};
globalThis.__dianjinSmoke = smoke;

// ── app ─────────────────────────────────────────────────────────────────────────────────────────────────────────
class App extends EventEmitter {
  isPackaged = false;
  name = 'electron';
  paths = new Map();
  commandLine = { getSwitchValue: (name) => process.env[`SMOKE_SWITCH_${name.toUpperCase()}`] ?? '' };
  #ready = false;
  #resolveReady;
  #readyPromise = new Promise((resolve) => (this.#resolveReady = resolve));
  /** Electron emits `ready` only once the ESM entry point has fully evaluated; the runner calls this then. */
  emitReady() {
    this.#ready = true;
    this.emit('ready');
    this.#resolveReady();
  }
  setName(name) {
    this.name = name;
  }
  getName() {
    return this.name;
  }
  getVersion() {
    return JSON.parse(readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')).version;
  }
  setPath(name, value) {
    if (this.#ready && name === 'userData') throw new Error('userData must be set before ready');
    this.paths.set(name, value);
  }
  getPath(name) {
    return this.paths.get(name) ?? '';
  }
  setAppUserModelId() {}
  enableSandbox() {
    if (this.#ready) throw new Error('enableSandbox must be called before ready');
  }
  isReady() {
    return this.#ready;
  }
  whenReady() {
    return this.#readyPromise;
  }
  requestSingleInstanceLock() {
    return true;
  }
  quit() {
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => {} });
    this.emit('will-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.exit(0);
  }
  exit(code = 0) {
    this.emit('quit');
    process.exit(code);
  }
}
export const app = new App();
smoke.app = app;

// ── protocol, session ───────────────────────────────────────────────────────────────────────────────────────────
export const protocol = {
  registerSchemesAsPrivileged(schemes) {
    if (app.isReady()) throw new Error('registerSchemesAsPrivileged must be called before ready');
    smoke.privilegedSchemes.push(...schemes);
  },
  handle(scheme, handler) {
    smoke.protocolHandlers.set(scheme, handler);
  },
};

const permissionHandlers = {};
export const session = {
  defaultSession: {
    protocol,
    setPermissionRequestHandler: (handler) => (permissionHandlers.request = handler),
    setPermissionCheckHandler: (handler) => (permissionHandlers.check = handler),
    setDevicePermissionHandler: (handler) => (permissionHandlers.device = handler),
    setDisplayMediaRequestHandler: (handler) => (permissionHandlers.displayMedia = handler),
    webRequest: { onBeforeRequest: (handler) => (permissionHandlers.beforeRequest = handler) },
  },
};
smoke.permissionHandlers = permissionHandlers;

// ── ipcMain ─────────────────────────────────────────────────────────────────────────────────────────────────────
class IpcMain extends EventEmitter {
  handlers = new Map();
  handle(channel, handler) {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel) {
    this.handlers.delete(channel);
  }
}
export const ipcMain = new IpcMain();

// ── web contents and windows ────────────────────────────────────────────────────────────────────────────────────
let nextId = 1;
class WebFrameMain {
  parent = null;
  constructor(url, routingId) {
    this.url = url;
    this.processId = 1;
    this.routingId = routingId;
  }
}

class WebContents extends EventEmitter {
  id = nextId++;
  mainFrame = new WebFrameMain('about:blank', 1);
  #destroyed = false;
  #rendererListeners = new EventEmitter();
  windowOpenHandler = null;
  isDestroyed() {
    return this.#destroyed;
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
  send(channel, ...args) {
    if (this.#destroyed) throw new Error('Object has been destroyed');
    const cloned = structuredClone(args);
    setTimeout(() => this.#rendererListeners.emit(channel, { sender: 'IpcRendererEvent' }, ...cloned), 0);
  }
  reload() {
    void this.load(this.mainFrame.url);
  }
  destroy() {
    this.#destroyed = true;
    this.emit('destroyed');
  }

  /** Navigation as the main process sees it: will-navigate (cancellable), fetch, commit, preload, did-navigate. */
  async load(url, { rendererInitiated = false } = {}) {
    if (rendererInitiated) {
      let prevented = false;
      this.emit('will-navigate', { url, isMainFrame: true, preventDefault: () => (prevented = true) }, url);
      if (prevented) return { blocked: true };
    }
    const scheme = new URL(url).protocol.slice(0, -1);
    const handler = smoke.protocolHandlers.get(scheme);
    if (!handler) throw new Error(`ERR_UNKNOWN_URL_SCHEME: ${url}`);
    const response = await handler(new Request(url));
    const html = await response.text();
    this.mainFrame = new WebFrameMain(url, this.mainFrame.routingId + 1);
    this.page = { url, status: response.status, headers: Object.fromEntries(response.headers), html };
    this.#runPreload();
    this.emit('did-navigate', {}, url, response.status, '');
    this.emit('dom-ready');
    return { blocked: false };
  }

  #runPreload() {
    const preloadPath = this.webPreferences?.preload;
    if (!preloadPath) return;
    this.#rendererListeners.removeAllListeners();
    const listeners = this.#rendererListeners;
    // The page's messages carry this web contents and its current main frame, as Electron's do.
    const event = () => ({ sender: this, senderFrame: this.mainFrame });
    const rendererModule = {
      contextBridge: {
        exposeInMainWorld: (key, value) => {
          if (key === 'dianjin') smoke.bridges.set(this.id, value);
        },
      },
      ipcRenderer: {
        invoke: async (channel, ...args) => {
          const handler = ipcMain.handlers.get(channel);
          if (!handler) throw new Error(`Error invoking remote method '${channel}': No handler registered`);
          return structuredClone(await handler(event(), ...structuredClone(args)));
        },
        send: (channel, ...args) => {
          const cloned = structuredClone(args);
          setTimeout(() => ipcMain.emit(channel, event(), ...cloned), 0);
        },
        on: (channel, listener) => listeners.on(channel, listener),
      },
      webUtils: { getPathForFile: (file) => file?.path ?? '' },
    };
    // A sandboxed preload can require 'electron' and nothing else.
    const sandboxRequire = (name) => {
      if (name === 'electron') return rendererModule;
      throw new Error(`module not found: ${name}`);
    };
    const module = { exports: {} };
    const code = readFileSync(preloadPath, 'utf8');
    new Function('require', 'module', 'exports', code)(sandboxRequire, module, module.exports);
  }
}

export class BrowserWindow extends EventEmitter {
  static #all = new Set();
  static getAllWindows() {
    return [...BrowserWindow.#all];
  }
  static fromWebContents(contents) {
    return BrowserWindow.getAllWindows().find((window) => window.webContents === contents) ?? null;
  }
  #destroyed = false;
  #maximized = false;
  constructor(options = {}) {
    super();
    this.options = options;
    this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 };
    this.webContents = new WebContents();
    this.webContents.webPreferences = options.webPreferences ?? {};
    BrowserWindow.#all.add(this);
    smoke.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url) {
    await this.webContents.load(url);
    this.emit('ready-to-show');
  }
  isDestroyed() {
    return this.#destroyed;
  }
  show() {
    this.visible = true;
  }
  focus() {}
  isMinimized() {
    return false;
  }
  restore() {}
  maximize() {
    this.#maximized = true;
  }
  isMaximized() {
    return this.#maximized;
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
  close() {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.#destroyed = true;
    BrowserWindow.#all.delete(this);
    this.webContents.destroy();
    this.emit('closed');
    if (BrowserWindow.#all.size === 0) app.emit('window-all-closed');
  }
}

// ── the rest ────────────────────────────────────────────────────────────────────────────────────────────────────
export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };
export const nativeTheme = { shouldUseDarkColors: false };
export const dialog = {
  showErrorBox: (title, content) => smoke.errorBoxes.push({ title, content }),
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
};
export const shell = {
  openExternal: async (url) => {
    smoke.openedExternally.push(url);
  },
};
export const safeStorage = {
  isEncryptionAvailable: () => false,
  encryptString: () => {
    throw new Error('not available');
  },
  decryptString: () => {
    throw new Error('not available');
  },
};

export const utilityProcess = {
  fork(modulePath, args = [], options = {}) {
    if (!app.isReady()) throw new Error('utilityProcess cannot be created before app is ready.');
    const emitter = new EventEmitter();
    const child = fork(modulePath, args, {
      env: options.env ?? process.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    emitter.serviceName = options.serviceName;
    Object.defineProperty(emitter, 'pid', { get: () => (child.exitCode === null && child.signalCode === null ? child.pid : undefined) });
    child.on('spawn', () => emitter.emit('spawn'));
    child.on('message', (message) => emitter.emit('message', message));
    child.on('exit', (code, signal) => emitter.emit('exit', code ?? (signal ? 1 : 0)));
    child.on('error', () => {});
    emitter.postMessage = (message) => {
      if (child.connected) child.send(message);
    };
    emitter.kill = () => child.kill('SIGTERM');
    return emitter;
  },
};

export default { app, protocol, session, ipcMain, BrowserWindow, screen, nativeTheme, dialog, shell, safeStorage, utilityProcess };
