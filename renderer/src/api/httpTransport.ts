/**
 * Transport for a browser talking to `dianjin serve`:
 * - calls: `POST /api/call/<method>` with `Authorization: Bearer <token>`; the body is always an Envelope, also on 4xx/5xx;
 * - streams: one WebSocket per page (`/api/ws?token=…`), multiplexed by stream id:
 *   → `{op:'stream', id, method, input}`, `{op:'cancel', id}`; ← `{id, chunk}`…, then `{id, end: Envelope}`.
 * - uploads (browser only; the server then ingests by path): `POST /api/upload?name=<file name>`, the file as the body,
 *   answered with an Envelope `{ path, sizeBytes }`. XHR rather than fetch, for upload progress.
 * When the socket drops, streams in flight end with a "connection lost" error and the socket reconnects with
 * exponential backoff; streams started while it is down wait for it.
 */
import type { ApiTransport, Envelope } from '../contract';
import { asEnvelope, clientError, failed } from './clientErrors';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Where the server put an uploaded file (a path `docs.add` accepts). */
export interface UploadedFile {
  path: string;
  sizeBytes: number;
}

export interface UploadOptions {
  signal?: AbortSignal;
  /** Bytes sent so far and in all, as the browser reports them. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
}

/** The parts of XMLHttpRequest an upload uses, so tests can pass a fake. */
export interface UploadRequestLike {
  readonly status: number;
  readonly responseText: string;
  readonly upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  onload: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onabort: ((event: unknown) => void) | null;
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: Blob): void;
  abort(): void;
}

/**
 * What the server answered an upload with: its Envelope (also on 4xx/5xx), checked to hold a path; otherwise an error
 * saying what went wrong (refused token, unexpected body).
 */
export function uploadEnvelope(status: number, responseText: string): Envelope<UploadedFile> {
  let body: unknown;
  try {
    body = JSON.parse(responseText);
  } catch {
    body = undefined;
  }
  const envelope = asEnvelope(body);
  if (envelope && !envelope.ok) return envelope;
  if (envelope?.ok) {
    const value = envelope.value as Partial<UploadedFile> | null | undefined;
    if (value && typeof value.path === 'string' && value.path.length > 0) {
      return { ok: true, value: { path: value.path, sizeBytes: typeof value.sizeBytes === 'number' ? value.sizeBytes : 0 } };
    }
    return failed(clientError('badResponse', 'The server accepted the upload but did not say where it put the file.'));
  }
  if (status === 401 || status === 403) return failed({ code: 'UNAUTHORIZED', message: `The server refused the access token (HTTP ${status}).` });
  if (status === 0) return failed(clientError('serverUnreachable', 'Could not reach the DianJin server to upload.'));
  return failed(clientError('badResponse', `The server sent an unexpected response to the upload (HTTP ${status}).`));
}

/** The parts of WebSocket used here, so tests can pass a fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type SocketFactory = (url: string) => SocketLike;

export interface HttpTransportOptions {
  /** Origin of the server, e.g. "http://127.0.0.1:7821". */
  origin: string;
  token: string;
  /** Defaults to globalThis.fetch. */
  fetch?: typeof fetch;
  /** Defaults to `new WebSocket(url)`. */
  createSocket?: SocketFactory;
  /** First reconnect delay. Defaults to 500 ms; doubles up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  /** Defaults to 10 000 ms. */
  maxBackoffMs?: number;
  /** How long to wait for the server to end a cancelled stream before giving up on it. Defaults to 15 000 ms. */
  cancelGraceMs?: number;
  /** How long a stream started while the socket is not open waits for it before failing. Defaults to 5 000 ms. */
  connectWaitMs?: number;
  /** Defaults to `new XMLHttpRequest()`. */
  createUploadRequest?: () => UploadRequestLike;
}

export interface HttpWsTransport extends ApiTransport {
  readonly connection: ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  /** Sends one file to the server's upload folder; resolves with where it landed (never rejects). */
  upload(name: string, body: Blob, options?: UploadOptions): Promise<Envelope<UploadedFile>>;
  dispose(): void;
}

interface PendingStream {
  message: string;
  sent: boolean;
  onChunk: (chunk: unknown) => void;
  resolve: (envelope: Envelope<unknown>) => void;
  cancelTimer: ReturnType<typeof setTimeout> | null;
  /** Fails the stream if the socket does not open in time. */
  waitTimer: ReturnType<typeof setTimeout> | null;
}

const OPEN = 1;

export function createHttpTransport(options: HttpTransportOptions): HttpWsTransport {
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const createSocket: SocketFactory = options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
  const initialBackoffMs = options.initialBackoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const cancelGraceMs = options.cancelGraceMs ?? 15_000;
  const connectWaitMs = options.connectWaitMs ?? 5_000;
  const createUploadRequest = options.createUploadRequest ?? (() => new XMLHttpRequest() as unknown as UploadRequestLike);

  const wsUrl = (() => {
    const url = new URL('/api/ws', options.origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', options.token);
    return url.toString();
  })();

  const pending = new Map<string, PendingStream>();
  const listeners = new Set<(state: ConnectionState) => void>();
  let socket: SocketLike | null = null;
  let state: ConnectionState = 'idle';
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let nextId = 1;
  let disposed = false;

  function setState(next: ConnectionState) {
    if (state === next) return;
    state = next;
    for (const listener of listeners) listener(next);
  }

  function settle(id: string, envelope: Envelope<unknown>) {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    if (entry.cancelTimer) clearTimeout(entry.cancelTimer);
    if (entry.waitTimer) clearTimeout(entry.waitTimer);
    entry.resolve(envelope);
  }

  function flushQueue() {
    if (!socket || socket.readyState !== OPEN) return;
    for (const entry of pending.values()) {
      if (entry.sent) continue;
      entry.sent = true;
      if (entry.waitTimer) clearTimeout(entry.waitTimer);
      entry.waitTimer = null;
      socket.send(entry.message);
    }
  }

  function handleMessage(data: unknown) {
    if (typeof data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { id } = message as { id?: unknown };
    if (typeof id !== 'string') return;
    const entry = pending.get(id);
    if (!entry) return;
    if ('end' in message) {
      const envelope = asEnvelope((message as { end: unknown }).end);
      settle(id, envelope ?? failed(clientError('badResponse', 'The server ended the stream with an unreadable result.')));
    } else if ('chunk' in message) {
      entry.onChunk((message as { chunk: unknown }).chunk);
    }
  }

  function connect() {
    reconnectTimer = null;
    if (disposed || socket) return;
    setState(attempt === 0 ? 'connecting' : 'reconnecting');
    const ws = createSocket(wsUrl);
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      attempt = 0;
      setState('open');
      flushQueue();
    };
    ws.onmessage = (event) => {
      if (socket === ws) handleMessage(event.data);
    };
    ws.onerror = () => {
      // A close event always follows; handled there.
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      // Streams the server had been told about are gone with the connection; queued ones wait for the next one.
      for (const [id, entry] of [...pending]) {
        if (entry.sent) settle(id, failed(clientError('connectionLost', 'The connection to the DianJin server was lost.')));
      }
      if (disposed) {
        setState('closed');
        return;
      }
      const delay = Math.min(maxBackoffMs, initialBackoffMs * 2 ** attempt);
      attempt += 1;
      setState('reconnecting');
      reconnectTimer = setTimeout(connect, delay);
    };
  }

  function ensureSocket() {
    if (!socket && !reconnectTimer && !disposed) connect();
  }

  return {
    get connection() {
      return state;
    },

    onConnectionChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async call(method, input) {
      let response: Response;
      try {
        response = await doFetch(new URL(`/api/call/${encodeURIComponent(method)}`, options.origin).toString(), {
          method: 'POST',
          headers: { Authorization: `Bearer ${options.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(input ?? {}),
        });
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        return failed(clientError('serverUnreachable', `Could not reach the DianJin server (${detail}).`));
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        body = undefined;
      }
      const envelope = asEnvelope(body);
      if (envelope) return envelope;
      if (response.status === 401 || response.status === 403) {
        return failed({ code: 'UNAUTHORIZED', message: `The server refused the access token (HTTP ${response.status}).` });
      }
      return failed(clientError('badResponse', `The server sent an unexpected response (HTTP ${response.status}).`));
    },

    stream(method, input, onChunk, signal) {
      if (disposed) return Promise.resolve(failed(clientError('connectionLost', 'The connection was closed.')));
      if (signal.aborted) return Promise.resolve(failed(clientError('cancelled', 'Cancelled before it started.')));
      const id = `s${nextId++}`;
      return new Promise<Envelope<unknown>>((resolve) => {
        const entry: PendingStream = {
          message: JSON.stringify({ op: 'stream', id, method, input: input ?? {} }),
          sent: false,
          onChunk,
          resolve,
          cancelTimer: null,
          waitTimer: null,
        };
        pending.set(id, entry);
        if (!socket || socket.readyState !== OPEN) {
          // Fail fast rather than leave a question hanging while the server is down; callers retry.
          entry.waitTimer = setTimeout(() => {
            if (!entry.sent) settle(id, failed(clientError('connectionLost', 'The DianJin server is not reachable.')));
          }, connectWaitMs);
        }
        signal.addEventListener(
          'abort',
          () => {
            if (!pending.has(id)) return;
            if (!entry.sent) {
              settle(id, failed(clientError('cancelled', 'Cancelled before it started.')));
              return;
            }
            // The server ends a cancelled stream with its final result (e.g. the "stopped" message): keep waiting.
            if (socket && socket.readyState === OPEN) socket.send(JSON.stringify({ op: 'cancel', id }));
            entry.cancelTimer = setTimeout(
              () => settle(id, failed(clientError('connectionLost', 'The server did not confirm the cancellation.'))),
              cancelGraceMs,
            );
          },
          { once: true },
        );
        ensureSocket();
        flushQueue();
      });
    },

    upload(name, body, { signal, onProgress } = {}) {
      if (signal?.aborted) return Promise.resolve(failed(clientError('cancelled', 'Cancelled before the upload started.')));
      return new Promise<Envelope<UploadedFile>>((resolve) => {
        const request = createUploadRequest();
        const onAbort = () => request.abort();
        const finish = (envelope: Envelope<UploadedFile>) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(envelope);
        };
        request.open('POST', new URL(`/api/upload?name=${encodeURIComponent(name)}`, options.origin).toString());
        request.setRequestHeader('Authorization', `Bearer ${options.token}`);
        request.setRequestHeader('Content-Type', 'application/octet-stream');
        request.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : body.size);
        request.onload = () => finish(uploadEnvelope(request.status, request.responseText));
        request.onerror = () => finish(failed(clientError('serverUnreachable', `Could not upload ${name}: the server did not answer.`)));
        request.onabort = () => finish(failed(clientError('cancelled', `The upload of ${name} was cancelled.`)));
        signal?.addEventListener('abort', onAbort, { once: true });
        request.send(body);
      });
    },

    dispose() {
      disposed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      for (const id of [...pending.keys()]) settle(id, failed(clientError('connectionLost', 'The connection was closed.')));
      const ws = socket;
      socket = null;
      ws?.close(1000, 'disposed');
      setState('closed');
    },
  };
}
