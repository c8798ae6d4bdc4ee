/**
 * Transport for a browser talking to `dianjin serve`:
 * - calls: `POST /api/call/<method>` with `Authorization: Bearer <token>`; the body is always an Envelope, also on 4xx/5xx;
 * - streams: one WebSocket per page (`/api/ws?token=…`), multiplexed by stream id:
 *   → `{op:'stream', id, method, input}`, `{op:'cancel', id}`; ← `{id, chunk}`…, then `{id, end: Envelope}`.
 * When the socket drops, streams in flight end with a "connection lost" error and the socket reconnects with
 * exponential backoff; streams started while it is down wait for it.
 */
import type { ApiTransport, Envelope } from '../contract';
import { asEnvelope, clientError, failed } from './clientErrors';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

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
}

export interface HttpWsTransport extends ApiTransport {
  readonly connection: ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
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
