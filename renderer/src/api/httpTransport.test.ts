import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHttpTransport, uploadEnvelope, type SocketLike } from './httpTransport';
import { clientErrorKind } from './clientErrors';
import { takeAccessToken, tokenStorageKey } from './token';

class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
}

const latest = () => FakeSocket.all[FakeSocket.all.length - 1]!;

function jsonResponse(status: number, body: unknown): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function transport(fetchImpl?: typeof fetch) {
  return createHttpTransport({
    origin: 'http://127.0.0.1:7821',
    token: 'secret-token',
    fetch: fetchImpl ?? (async () => jsonResponse(200, { ok: true, value: null })),
    createSocket: (url) => new FakeSocket(url),
    initialBackoffMs: 100,
    maxBackoffMs: 1000,
    cancelGraceMs: 5000,
  });
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('HTTP calls', () => {
  it('POSTs the input with the bearer token and returns the envelope', async () => {
    const fetchMock = vi.fn(async () => jsonResponse(200, { ok: true, value: { id: 'c1' } }));
    const t = transport(fetchMock as unknown as typeof fetch);
    await expect(t.call('chat.get', { id: 'c1' })).resolves.toEqual({ ok: true, value: { id: 'c1' } });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:7821/api/call/chat.get');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer secret-token');
    expect(JSON.parse(init.body as string)).toEqual({ id: 'c1' });
  });

  it('reads the error envelope on 4xx/5xx and keeps its code', async () => {
    const t = transport(async () => jsonResponse(422, { ok: false, error: { code: 'MODEL_NOT_GGUF', message: 'Not a GGUF.', details: { path: '/x' } } }));
    await expect(t.call('models.select', { path: '/x' })).resolves.toEqual({
      ok: false,
      error: { code: 'MODEL_NOT_GGUF', message: 'Not a GGUF.', details: { path: '/x' } },
    });
  });

  it('maps an unknown error code from the server to INTERNAL, message kept', async () => {
    const t = transport(async () => jsonResponse(500, { ok: false, error: { code: 'SOMETHING_NEW', message: 'New kind.' } }));
    await expect(t.call('app.info', {})).resolves.toEqual({ ok: false, error: { code: 'INTERNAL', message: 'New kind.' } });
  });

  it('turns a 401 without an envelope into UNAUTHORIZED, and other non-envelopes into a client error', async () => {
    await expect(transport(async () => new Response('nope', { status: 401 })).call('app.info', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    const bad = await transport(async () => new Response('<html>', { status: 502 })).call('app.info', {});
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(clientErrorKind(bad.error)).toBe('badResponse');
  });

  it('reports an unreachable server as a client error, not a throw', async () => {
    const result = await transport(async () => {
      throw new TypeError('Failed to fetch');
    }).call('app.info', {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(clientErrorKind(result.error)).toBe('serverUnreachable');
  });
});

describe('WebSocket streams', () => {
  it('opens one socket with the token and multiplexes streams by id', async () => {
    const t = transport();
    const chunksA: unknown[] = [];
    const chunksB: unknown[] = [];
    const a = t.stream('chat.send', { question: 'A' }, (c) => chunksA.push(c), new AbortController().signal);
    const b = t.stream('app.events', {}, (c) => chunksB.push(c), new AbortController().signal);
    expect(FakeSocket.all).toHaveLength(1);
    const socket = latest();
    expect(socket.url).toBe('ws://127.0.0.1:7821/api/ws?token=secret-token');
    expect(socket.sent).toEqual([]); // queued until open
    socket.open();
    expect(socket.sent).toEqual([
      { op: 'stream', id: 's1', method: 'chat.send', input: { question: 'A' } },
      { op: 'stream', id: 's2', method: 'app.events', input: {} },
    ]);
    socket.receive({ id: 's2', chunk: { type: 'conversations.changed' } });
    socket.receive({ id: 's1', chunk: { type: 'delta', reasoning: 'r', answer: '', completionTokens: 1 } });
    socket.receive({ id: 's1', end: { ok: true, value: { status: 'complete' } } });
    socket.receive({ id: 'unknown', chunk: 1 });
    socket.onmessage?.({ data: 'not json' });
    await expect(a).resolves.toEqual({ ok: true, value: { status: 'complete' } });
    expect(chunksA).toEqual([{ type: 'delta', reasoning: 'r', answer: '', completionTokens: 1 }]);
    expect(chunksB).toEqual([{ type: 'conversations.changed' }]);
    socket.receive({ id: 's2', end: { ok: false, error: { code: 'INTERNAL', message: 'x' } } });
    await expect(b).resolves.toEqual({ ok: false, error: { code: 'INTERNAL', message: 'x' } });
    expect(t.connection).toBe('open');
  });

  it('cancels by sending {op:cancel} and still resolves with what the server ends the stream with', async () => {
    const t = transport();
    const controller = new AbortController();
    const result = t.stream('chat.send', { question: 'A' }, () => {}, controller.signal);
    latest().open();
    controller.abort();
    expect(latest().sent).toContainEqual({ op: 'cancel', id: 's1' });
    latest().receive({ id: 's1', end: { ok: true, value: { status: 'stopped' } } });
    await expect(result).resolves.toEqual({ ok: true, value: { status: 'stopped' } });
  });

  it('gives up on a cancelled stream the server never ends', async () => {
    const t = transport();
    const controller = new AbortController();
    const result = t.stream('chat.send', { question: 'A' }, () => {}, controller.signal);
    latest().open();
    controller.abort();
    vi.advanceTimersByTime(5000);
    const end = await result;
    expect(end.ok).toBe(false);
    if (!end.ok) expect(clientErrorKind(end.error)).toBe('connectionLost');
  });

  it('a stream aborted before it was sent resolves as cancelled and is never sent', async () => {
    const t = transport();
    const controller = new AbortController();
    const result = t.stream('chat.send', { question: 'A' }, () => {}, controller.signal);
    controller.abort();
    latest().open();
    expect(latest().sent).toEqual([]);
    const end = await result;
    expect(!end.ok && clientErrorKind(end.error)).toBe('cancelled');
  });

  it('ends streams in flight with "connection lost" when the socket drops, then reconnects with backoff', async () => {
    const t = transport();
    const states: string[] = [];
    t.onConnectionChange((s) => states.push(s));
    const inFlight = t.stream('app.events', {}, () => {}, new AbortController().signal);
    latest().open();
    latest().drop();
    const end = await inFlight;
    expect(!end.ok && clientErrorKind(end.error)).toBe('connectionLost');
    expect(t.connection).toBe('reconnecting');

    // A stream started while down waits for the next socket.
    const waiting = t.stream('app.events', {}, () => {}, new AbortController().signal);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(2);
    latest().drop(); // the reconnect attempt fails: next delay doubles
    vi.advanceTimersByTime(150);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(50);
    expect(FakeSocket.all).toHaveLength(3);
    latest().open();
    expect(latest().sent).toEqual([{ op: 'stream', id: 's2', method: 'app.events', input: {} }]);
    latest().receive({ id: 's2', end: { ok: true, value: undefined } });
    await expect(waiting).resolves.toEqual({ ok: true, value: undefined });
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });

  it('a stream started while the server is down fails after the connect wait instead of hanging', async () => {
    const t = transport();
    const started = t.stream('chat.send', { question: 'A' }, () => {}, new AbortController().signal);
    latest().drop(); // first connection attempt fails
    vi.advanceTimersByTime(5000);
    const end = await started;
    expect(!end.ok && clientErrorKind(end.error)).toBe('connectionLost');
    // Nothing is sent later for it.
    latest().open();
    expect(latest().sent).toEqual([]);
  });

  it('dispose ends everything and stops reconnecting', async () => {
    const t = transport();
    const pending = t.stream('app.events', {}, () => {}, new AbortController().signal);
    latest().open();
    t.dispose();
    const end = await pending;
    expect(end.ok).toBe(false);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(t.connection).toBe('closed');
  });
});

describe('takeAccessToken', () => {
  function env(href: string, stored: string | null = null) {
    const storage = new Map<string, string>(stored ? [[tokenStorageKey, stored]] : []);
    const replaced: string[] = [];
    return {
      replaced,
      storage,
      env: {
        location: { href },
        history: { state: null, replaceState: (_: unknown, __: string, url?: string | URL | null) => void replaced.push(String(url)) },
        storage: { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) },
      },
    };
  }

  it('takes the token from the query, stores it and removes it from the address', () => {
    const e = env('http://127.0.0.1:7821/?token=abc123&x=1#top');
    expect(takeAccessToken(e.env)).toBe('abc123');
    expect(e.storage.get(tokenStorageKey)).toBe('abc123');
    expect(e.replaced).toEqual(['/?x=1#top']);
  });

  it('falls back to the stored token, and to null', () => {
    expect(takeAccessToken(env('http://127.0.0.1:7821/', 'kept').env)).toBe('kept');
    expect(takeAccessToken(env('http://127.0.0.1:7821/').env)).toBeNull();
  });
});

describe('uploads', () => {
  class FakeRequest {
    static all: FakeRequest[] = [];
    status = 0;
    responseText = '';
    upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = { onprogress: null };
    onload: ((event: unknown) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;
    onabort: ((event: unknown) => void) | null = null;
    opened: [string, string] | null = null;
    headers: Record<string, string> = {};
    body: Blob | null = null;
    constructor() {
      FakeRequest.all.push(this);
    }
    open(method: string, url: string) {
      this.opened = [method, url];
    }
    setRequestHeader(name: string, value: string) {
      this.headers[name] = value;
    }
    send(body: Blob) {
      this.body = body;
    }
    abort() {
      this.onabort?.({});
    }
    respond(status: number, text: string) {
      this.status = status;
      this.responseText = text;
      this.onload?.({});
    }
  }

  const uploader = () =>
    createHttpTransport({ origin: 'http://127.0.0.1:7821', token: 'secret-token', createSocket: (url) => new FakeSocket(url), createUploadRequest: () => new FakeRequest() });

  beforeEach(() => {
    FakeRequest.all = [];
  });

  it('posts the file with the token and its name encoded, reports progress, resolves with the path', async () => {
    const progress: [number, number][] = [];
    const file = new Blob(['%PDF-1.7 …']);
    const pending = uploader().upload('2024 年报 & notes.pdf', file, { onProgress: (sent, total) => progress.push([sent, total]) });
    const request = FakeRequest.all[0]!;
    expect(request.opened).toEqual(['POST', 'http://127.0.0.1:7821/api/upload?name=2024%20%E5%B9%B4%E6%8A%A5%20%26%20notes.pdf']);
    expect(request.headers).toEqual({ Authorization: 'Bearer secret-token', 'Content-Type': 'application/octet-stream' });
    expect(request.body).toBe(file);
    request.upload.onprogress?.({ loaded: 4, total: 10, lengthComputable: true });
    request.respond(200, JSON.stringify({ ok: true, value: { path: '/data/uploads/u1/2024 年报 & notes.pdf', sizeBytes: 10 } }));
    expect(await pending).toEqual({ ok: true, value: { path: '/data/uploads/u1/2024 年报 & notes.pdf', sizeBytes: 10 } });
    expect(progress).toEqual([[4, 10]]);
  });

  it('aborting the signal aborts the request and resolves as cancelled', async () => {
    const controller = new AbortController();
    const pending = uploader().upload('a.pdf', new Blob(['x']), { signal: controller.signal });
    controller.abort();
    const result = await pending;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(clientErrorKind(result.error)).toBe('cancelled');
  });
});

describe('uploadEnvelope', () => {
  it('passes the server’s error envelope through (also on 4xx/5xx)', () => {
    expect(uploadEnvelope(413, JSON.stringify({ ok: false, error: { code: 'DOCUMENT_TOO_LARGE', message: 'a.pdf is larger than 512 MB.' } }))).toEqual({
      ok: false,
      error: { code: 'DOCUMENT_TOO_LARGE', message: 'a.pdf is larger than 512 MB.' },
    });
  });

  it('needs a path in a success', () => {
    const result = uploadEnvelope(200, JSON.stringify({ ok: true, value: { sizeBytes: 3 } }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(clientErrorKind(result.error)).toBe('badResponse');
  });

  it('says what went wrong when the body is not an envelope', () => {
    const refused = uploadEnvelope(401, '<html>Unauthorized</html>');
    expect(refused.ok === false && refused.error.code).toBe('UNAUTHORIZED');
    const unreachable = uploadEnvelope(0, '');
    expect(unreachable.ok === false && clientErrorKind(unreachable.error)).toBe('serverUnreachable');
    const garbled = uploadEnvelope(502, 'Bad gateway');
    expect(garbled.ok === false && clientErrorKind(garbled.error)).toBe('badResponse');
  });
});
