/**
 * Just enough of Electron's main-process and preload modules to run ipc.ts and preload.ts against each other in
 * vitest (the Electron binary is not needed, nor present on every machine). Used through `vi.mock('electron', …)`.
 * Models what those files rely on: ipcMain.handle/on with an event carrying `sender` and `senderFrame`, web
 * contents that emit 'did-navigate'/'destroyed' and receive `send`, and a preload side connected to one of them.
 */
import { EventEmitter } from 'node:events';

export class FakeFrame {
  parent: FakeFrame | null = null;
  constructor(
    public url: string,
    public processId = 1,
    public routingId = 1,
  ) {}
}

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  mainFrame: FakeFrame;
  destroyed = false;
  /** Everything `send` delivered, per channel. */
  readonly sent: { channel: string; args: unknown[] }[] = [];
  /** Where `send` delivers besides `sent` (the preload side's ipcRenderer). */
  deliver: ((channel: string, args: unknown[]) => void) | null = null;

  constructor(url = 'app://renderer/index.html') {
    super();
    this.mainFrame = new FakeFrame(url);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args: structuredClone(args) });
    this.deliver?.(channel, structuredClone(args));
  }

  /** A new document committed in the main frame (reload or navigation). */
  navigate(url = this.mainFrame.url): void {
    this.mainFrame = new FakeFrame(url, this.mainFrame.processId, this.mainFrame.routingId + 1);
    this.emit('did-navigate', {}, url, 200, 'OK');
  }

  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export interface FakeIpcEvent {
  sender: FakeWebContents;
  senderFrame: FakeFrame | null;
}

type Handler = (event: FakeIpcEvent, ...args: unknown[]) => unknown;

export class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Handler>();

  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** What ipcRenderer.invoke does: structured-clones the arguments and runs the handler. */
  async invoke(event: FakeIpcEvent, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return structuredClone(await handler(event, ...structuredClone(args)));
  }

  /** What ipcRenderer.send does. */
  sendFrom(event: FakeIpcEvent, channel: string, ...args: unknown[]): void {
    this.emit(channel, event, ...structuredClone(args));
  }
}

/** A utilityProcess child: records what it was sent and whether it was killed; tests emit its events. */
export class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined = undefined;
  readonly posted: unknown[] = [];
  killed = 0;
  constructor(
    readonly modulePath: string,
    readonly options: Record<string, unknown>,
  ) {
    super();
  }
  postMessage(message: unknown): void {
    this.posted.push(structuredClone(message));
  }
  kill(): boolean {
    this.killed++;
    return true;
  }
  spawned(pid: number): void {
    this.pid = pid;
    this.emit('spawn');
  }
  exited(code: number): void {
    this.emit('exit', code);
    this.pid = undefined;
  }
}

/** The fake module's state; tests reset it with `resetFakeElectron()`. */
export const fake = {
  ipcMain: new FakeIpcMain(),
  /** What `contextBridge.exposeInMainWorld` received, by key. */
  exposed: new Map<string, unknown>(),
  /** The web contents the preload side lives in. */
  preloadContents: null as FakeWebContents | null,
  openDialogResult: { canceled: true, filePaths: [] as string[] },
  pathForFile: (file: unknown) => (file as { path?: string }).path ?? '',
  /** What `protocol.handle` registered, by scheme, and what was registered as privileged. */
  protocolHandlers: new Map<string, (request: Request) => Response | Promise<Response>>(),
  privilegedSchemes: [] as unknown[],
  /** Children started with `utilityProcess.fork`; set `forkError` to make the next fork throw. */
  utilityProcesses: [] as FakeUtilityProcess[],
  forkError: null as Error | null,
};

export function resetFakeElectron(): void {
  fake.ipcMain.removeAllListeners();
  fake.ipcMain.handlers.clear();
  fake.exposed.clear();
  fake.preloadContents = null;
  fake.openDialogResult = { canceled: true, filePaths: [] };
  fake.protocolHandlers.clear();
  fake.privilegedSchemes = [];
  fake.utilityProcesses = [];
  fake.forkError = null;
}

function preloadEvent(): FakeIpcEvent {
  const contents = fake.preloadContents;
  if (!contents) throw new Error('fake.preloadContents is not set');
  return { sender: contents, senderFrame: contents.mainFrame };
}

const rendererListeners = new EventEmitter();

/** Connects `contents.send` to the preload's ipcRenderer listeners. */
export function attachPreload(contents: FakeWebContents): void {
  fake.preloadContents = contents;
  contents.deliver = (channel, args) => rendererListeners.emit(channel, { sender: 'ipc-renderer-event' }, ...args);
}

/** The module object `vi.mock('electron', …)` returns. */
export const fakeElectronModule = {
  ipcMain: fake.ipcMain,
  BrowserWindow: { fromWebContents: () => null },
  dialog: { showOpenDialog: async () => fake.openDialogResult },
  contextBridge: {
    exposeInMainWorld(key: string, value: unknown) {
      fake.exposed.set(key, value);
    },
  },
  ipcRenderer: {
    invoke: (channel: string, ...args: unknown[]) => fake.ipcMain.invoke(preloadEvent(), channel, ...args),
    send: (channel: string, ...args: unknown[]) => fake.ipcMain.sendFrom(preloadEvent(), channel, ...args),
    on: (channel: string, listener: (...args: unknown[]) => void) => rendererListeners.on(channel, listener),
  },
  webUtils: { getPathForFile: (file: unknown) => fake.pathForFile(file) },
  utilityProcess: {
    fork(modulePath: string, _args: string[], options: Record<string, unknown>) {
      if (fake.forkError) throw fake.forkError;
      const child = new FakeUtilityProcess(modulePath, options);
      fake.utilityProcesses.push(child);
      return child;
    },
  },
  protocol: {
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>) {
      fake.protocolHandlers.set(scheme, handler);
    },
    registerSchemesAsPrivileged(schemes: unknown[]) {
      fake.privilegedSchemes.push(...schemes);
    },
  },
};
