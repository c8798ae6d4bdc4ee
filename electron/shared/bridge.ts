/**
 * The shape the Electron preload exposes on `window.dianjin` (contextBridge). One named function per API method,
 * derived from the API declaration; no raw ipcRenderer, no event objects. Runtime-neutral (types only).
 */
import type { Api, MethodName } from './api';
import type { Envelope } from './transport';

export interface BridgeStream {
  result: Promise<Envelope<unknown>>;
  cancel(): void;
}

export type BridgeApi = {
  [K in MethodName]: Api[K]['kind'] extends 'call'
    ? (input: unknown) => Promise<Envelope<unknown>>
    : (input: unknown, onChunk: (chunk: unknown) => void) => BridgeStream;
};

export interface DianjinBridge {
  readonly host: 'electron';
  readonly api: BridgeApi;
  /** Native "Open GGUF…" dialog; resolves null when cancelled. */
  pickModelFile(): Promise<string | null>;
  /** Native "Add reports…" dialog (PDF, DOCX, XLSX, CSV, HTML, TXT, MD; several files); resolves [] when cancelled. */
  pickDocumentFiles(): Promise<string[]>;
  /** The filesystem path of a dropped File (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string;
}

/** IPC channel names, shared by the preload and the main-process binding. */
export const ipcChannels = {
  call: (method: string) => `api:call:${method}`,
  streamStart: 'api:stream:start',
  streamCancel: 'api:stream:cancel',
  streamEvent: 'api:stream:event',
  pickModelFile: 'dialog:pick-model-file',
  pickDocumentFiles: 'dialog:pick-document-files',
} as const;

/** Messages on ipcChannels.streamEvent. */
export type StreamEventMessage = { streamId: string; chunk: unknown } | { streamId: string; end: Envelope<unknown> };
