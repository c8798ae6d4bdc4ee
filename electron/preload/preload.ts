/**
 * The sandboxed preload: exposes `window.dianjin` (DianJinBridge) through contextBridge — one named function per
 * API method, a file picker and a path helper. The page never sees ipcRenderer or an IPC event object; stream
 * messages arrive on one listener here and are handed to the right stream by id.
 * Bundled to dist/electron/preload.cjs with everything inlined: a sandboxed preload can only require 'electron'.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { MethodName } from '../shared/api';
import { ipcChannels, type BridgeApi, type BridgeStream, type DianjinBridge, type StreamEventMessage } from '../shared/bridge';
import type { SerializedError } from '../shared/errors';
import type { Envelope } from '../shared/transport';
import { methodKinds } from './methodKinds';

function failure(code: SerializedError['code'], message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isEnvelope(value: unknown): value is Envelope<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

// ── Streams ──────────────────────────────────────────────────────────────────────────────────────────────────
/** Random per page load, so this page's stream ids never match a previous page's streams still ending. */
const pageId = Array.from(crypto.getRandomValues(new Uint32Array(2)), (n) => n.toString(36)).join('');
let streamCounter = 0;

interface OpenStream {
  onChunk(chunk: unknown): void;
  resolve(end: Envelope<unknown>): void;
}
const openStreams = new Map<string, OpenStream>();

ipcRenderer.on(ipcChannels.streamEvent, (_event, message: StreamEventMessage) => {
  if (typeof message !== 'object' || message === null || typeof message.streamId !== 'string') return;
  const stream = openStreams.get(message.streamId);
  if (!stream) return;
  if ('end' in message) {
    openStreams.delete(message.streamId);
    stream.resolve(isEnvelope(message.end) ? message.end : failure('INTERNAL', 'The stream ended without a result.'));
    return;
  }
  try {
    stream.onChunk(message.chunk);
  } catch (error) {
    // The page's callback threw: that is the page's bug, and must not stop the other streams' delivery.
    console.error('[dianjin] a stream callback threw:', error);
  }
});

function startStream(method: MethodName, input: unknown, onChunk: (chunk: unknown) => void): BridgeStream {
  const streamId = `${pageId}-${++streamCounter}`;
  let resolve!: (end: Envelope<unknown>) => void;
  const result = new Promise<Envelope<unknown>>((r) => (resolve = r));
  if (typeof onChunk !== 'function') {
    resolve(failure('INVALID_INPUT', `${method} needs a chunk callback.`));
    return { result, cancel() {} };
  }
  openStreams.set(streamId, { onChunk, resolve });
  try {
    ipcRenderer.send(ipcChannels.streamStart, { streamId, method, input });
  } catch (error) {
    // Input that cannot be structured-cloned (functions, DOM nodes…).
    openStreams.delete(streamId);
    resolve(failure('INVALID_INPUT', `Invalid input for ${method}: ${messageOf(error)}`));
  }
  return {
    result,
    cancel() {
      // The main process still answers with the stream's end, which resolves `result`.
      if (openStreams.has(streamId)) ipcRenderer.send(ipcChannels.streamCancel, { streamId });
    },
  };
}

// ── Calls ────────────────────────────────────────────────────────────────────────────────────────────────────
async function invokeCall(method: MethodName, input: unknown): Promise<Envelope<unknown>> {
  try {
    const envelope: unknown = await ipcRenderer.invoke(ipcChannels.call(method), input);
    return isEnvelope(envelope) ? envelope : failure('INTERNAL', `${method} returned no result.`);
  } catch (error) {
    return failure('INTERNAL', `${method} could not be sent: ${messageOf(error)}`);
  }
}

// ── The bridge ───────────────────────────────────────────────────────────────────────────────────────────────
function buildApi(): BridgeApi {
  const entries = (Object.keys(methodKinds) as MethodName[]).map((method) =>
    methodKinds[method] === 'call'
      ? [method, (input: unknown) => invokeCall(method, input)]
      : [method, (input: unknown, onChunk: (chunk: unknown) => void) => startStream(method, input, onChunk)],
  );
  return Object.fromEntries(entries) as BridgeApi;
}

const bridge: DianjinBridge = {
  host: 'electron',
  api: buildApi(),
  async pickModelFile() {
    const picked: unknown = await ipcRenderer.invoke(ipcChannels.pickModelFile);
    return typeof picked === 'string' ? picked : null;
  },
  async pickDocumentFiles() {
    const picked: unknown = await ipcRenderer.invoke(ipcChannels.pickDocumentFiles);
    return Array.isArray(picked) ? picked.filter((p): p is string => typeof p === 'string') : [];
  },
  pathForFile(file) {
    try {
      return webUtils.getPathForFile(file);
    } catch {
      return '';
    }
  },
};

contextBridge.exposeInMainWorld('dianjin', bridge);
