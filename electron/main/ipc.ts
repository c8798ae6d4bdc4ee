/**
 * Binds the API declaration to Electron IPC. Every method gets its channel; every message is checked to come from
 * the main frame of one of our windows showing `app://renderer/` before anything runs, and its input is validated
 * by the dispatcher with the method's zod schema. Streams are multiplexed by a renderer-chosen id and cancelled
 * when the renderer asks, navigates, crashes or goes away.
 */
import {
  BrowserWindow,
  dialog,
  ipcMain,
  type IpcMainEvent,
  type IpcMainInvokeEvent,
  type OpenDialogOptions,
  type WebContents,
} from 'electron';
import { api, isMethodName, methodNames } from '../shared/api';
import { ipcChannels, type StreamEventMessage } from '../shared/bridge';
import type { SerializedError } from '../shared/errors';
import type { ApiDispatcher, Envelope, RequestContext } from '../shared/transport';
import { isRendererUrl } from './security';

export interface IpcBindingOptions {
  dispatcher: ApiDispatcher;
  /** True for the web contents of windows this app created (the main window). */
  isAppWebContents(contents: WebContents): boolean;
}

/** Stream ids are chosen by the preload; bounded so a page cannot grow the registry's keys without limit. */
const streamIdPattern = /^[A-Za-z0-9_.:-]{1,100}$/;
/** Open streams per page; a working renderer has a handful (app.events plus a generation or two). */
const maxStreamsPerPage = 32;

function errorEnvelope(code: SerializedError['code'], message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}

/** The state tied to one page load of one web contents. */
interface PageScope {
  /** Aborted when the page reloads or navigates, crashes or closes; passed to calls. */
  controller: AbortController;
  streams: Map<string, AbortController>;
  /** Removes the web contents listeners that end this scope. */
  detach(): void;
}

export function bindIpc({ dispatcher, isAppWebContents }: IpcBindingOptions): () => void {
  const scopes = new Map<number, PageScope>();

  /** The sender's web contents when the message comes from our page's main frame; null (and logged) otherwise. */
  function trustedSender(event: IpcMainEvent | IpcMainInvokeEvent, channel: string): WebContents | null {
    const contents = event.sender;
    const frame = event.senderFrame;
    const trusted =
      frame !== null &&
      !contents.isDestroyed() &&
      isAppWebContents(contents) &&
      frame.parent === null &&
      frame.processId === contents.mainFrame.processId &&
      frame.routingId === contents.mainFrame.routingId &&
      isRendererUrl(frame.url);
    if (!trusted) {
      console.warn(`[ipc] rejected ${channel} from ${frame ? frame.url.slice(0, 200) : 'a detached frame'}`);
      return null;
    }
    return contents;
  }

  function endScope(contentsId: number, reason: string): void {
    const scope = scopes.get(contentsId);
    if (!scope) return;
    scopes.delete(contentsId);
    scope.detach();
    scope.controller.abort(new Error(reason));
    for (const controller of scope.streams.values()) controller.abort(new Error(reason));
    scope.streams.clear();
  }

  function scopeFor(contents: WebContents): PageScope {
    const existing = scopes.get(contents.id);
    if (existing) return existing;
    const id = contents.id;
    // 'did-navigate' (a new document committed in the main frame, reloads included) rather than
    // 'did-start-navigation': a navigation can still be blocked after it starts, and the page would stay with its
    // streams silently gone. Same-document (hash/history) navigations do not emit it.
    const onNavigated = (): void => endScope(id, 'the page navigated');
    const onGone = (): void => endScope(id, 'the renderer process is gone');
    const onDestroyed = (): void => endScope(id, 'the window closed');
    contents.on('did-navigate', onNavigated);
    contents.on('render-process-gone', onGone);
    contents.on('destroyed', onDestroyed);
    const scope: PageScope = {
      controller: new AbortController(),
      streams: new Map(),
      detach() {
        if (contents.isDestroyed()) return;
        contents.off('did-navigate', onNavigated);
        contents.off('render-process-gone', onGone);
        contents.off('destroyed', onDestroyed);
      },
    };
    scopes.set(id, scope);
    return scope;
  }

  const contextFor = (signal: AbortSignal): RequestContext => ({ signal, host: 'electron' });

  // ── Calls ──────────────────────────────────────────────────────────────────────────────────────────────────
  const callChannels: string[] = [];
  for (const method of methodNames) {
    if (api[method].kind !== 'call') continue;
    const channel = ipcChannels.call(method);
    callChannels.push(channel);
    ipcMain.handle(channel, async (event, input: unknown): Promise<Envelope<unknown>> => {
      const contents = trustedSender(event, channel);
      if (!contents) return errorEnvelope('UNAUTHORIZED', 'This request did not come from the DianJin Workbench window.');
      return dispatcher.callEnveloped(method, input, contextFor(scopeFor(contents).controller.signal));
    });
  }

  // ── Streams ────────────────────────────────────────────────────────────────────────────────────────────────
  const onStreamStart = (event: IpcMainEvent, payload: unknown): void => {
    const contents = trustedSender(event, ipcChannels.streamStart);
    if (!contents) return;
    const { streamId, method, input } = (payload ?? {}) as { streamId?: unknown; method?: unknown; input?: unknown };
    if (typeof streamId !== 'string' || !streamIdPattern.test(streamId)) {
      console.warn('[ipc] stream start without a valid stream id');
      return;
    }
    const scope = scopeFor(contents);
    const send = (message: StreamEventMessage): void => {
      // Only while this stream is still registered for this page: after a navigation its messages would reach a
      // page that never asked for them.
      if (scopes.get(contents.id) !== scope || contents.isDestroyed()) return;
      try {
        contents.send(ipcChannels.streamEvent, message);
      } catch (error) {
        console.error(`[ipc] could not send a stream message for ${String(method)}:`, error);
      }
    };
    if (scope.streams.has(streamId)) {
      // Answering would end the stream already using this id; the preload never reuses ids.
      console.warn(`[ipc] ignored a second stream with id ${streamId}`);
      return;
    }
    if (!isMethodName(method) || api[method].kind !== 'stream') {
      send({ streamId, end: errorEnvelope('NOT_FOUND', `Unknown stream method: ${String(method).slice(0, 100)}.`) });
      return;
    }
    if (scope.streams.size >= maxStreamsPerPage) {
      send({ streamId, end: errorEnvelope('INVALID_INPUT', `Too many open streams (${maxStreamsPerPage}); cancel some first.`) });
      return;
    }

    const controller = new AbortController();
    scope.streams.set(streamId, controller);
    void dispatcher
      .runStream(method, input, contextFor(controller.signal), (chunk) => {
        if (scope.streams.get(streamId) === controller) send({ streamId, chunk });
      })
      .then((end) => {
        if (scope.streams.get(streamId) !== controller) return;
        scope.streams.delete(streamId);
        send({ streamId, end });
      });
  };

  const onStreamCancel = (event: IpcMainEvent, payload: unknown): void => {
    const contents = trustedSender(event, ipcChannels.streamCancel);
    if (!contents) return;
    const streamId = (payload as { streamId?: unknown } | null)?.streamId;
    if (typeof streamId !== 'string' || !streamIdPattern.test(streamId)) return;
    // The stream stays registered: its end (the partial result or an abort error) still goes to the page.
    scopes.get(contents.id)?.streams.get(streamId)?.abort(new Error('cancelled by the renderer'));
  };

  ipcMain.on(ipcChannels.streamStart, onStreamStart);
  ipcMain.on(ipcChannels.streamCancel, onStreamCancel);

  // ── Native dialogs ─────────────────────────────────────────────────────────────────────────────────────────
  ipcMain.handle(ipcChannels.pickModelFile, async (event): Promise<string | null> => {
    const contents = trustedSender(event, ipcChannels.pickModelFile);
    if (!contents) throw new Error('This request did not come from the DianJin Workbench window.');
    const options: OpenDialogOptions = {
      title: 'Open a GGUF model',
      properties: ['openFile', 'dontAddToRecent'],
      filters: [{ name: 'GGUF models', extensions: ['gguf'] }],
    };
    const window = BrowserWindow.fromWebContents(contents);
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });

  ipcMain.handle(ipcChannels.pickDocumentFiles, async (event): Promise<string[]> => {
    const contents = trustedSender(event, ipcChannels.pickDocumentFiles);
    if (!contents) throw new Error('This request did not come from the DianJin Workbench window.');
    const options: OpenDialogOptions = {
      title: 'Add reports',
      properties: ['openFile', 'multiSelections', 'dontAddToRecent'],
      filters: [{ name: 'Reports', extensions: ['pdf', 'docx', 'xlsx', 'csv', 'html', 'htm', 'txt', 'md'] }],
    };
    const window = BrowserWindow.fromWebContents(contents);
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? [] : result.filePaths;
  });

  return () => {
    for (const channel of callChannels) ipcMain.removeHandler(channel);
    ipcMain.removeHandler(ipcChannels.pickModelFile);
    ipcMain.removeHandler(ipcChannels.pickDocumentFiles);
    ipcMain.off(ipcChannels.streamStart, onStreamStart);
    ipcMain.off(ipcChannels.streamCancel, onStreamCancel);
    for (const id of [...scopes.keys()]) endScope(id, 'the app is shutting down');
  };
}
