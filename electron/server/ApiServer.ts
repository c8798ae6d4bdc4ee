/**
 * `dianjin serve`: the same API as the Electron app, over HTTP (calls) and one multiplexed WebSocket (streams),
 * plus the built renderer, on 127.0.0.1 only, behind a token.
 *
 * - Calls: POST /api/call/<method>, `Authorization: Bearer <token>`, JSON body = input, JSON Envelope back.
 * - Streams: WebSocket /api/ws?token=<token>; client → {op:'stream', id, method, input} | {op:'cancel', id};
 *   server → {id, chunk} … {id, end: Envelope}.
 * - The renderer: GET /?token=<token> sets an HttpOnly SameSite=Strict cookie so its assets load; the API never
 *   accepts the cookie (no CSRF), only the bearer token / WS query token. Host and Origin are checked against
 *   loopback names to stop DNS-rebinding and cross-site WebSocket use.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import http from 'node:http';
import path from 'node:path';
import { timingSafeEqual, createHash, randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { serializeError, type ErrorCode } from '../shared/errors';
import type { ApiDispatcher, Envelope } from '../shared/transport';

export interface ApiServerOptions {
  dispatcher: ApiDispatcher;
  token: string;
  /** 0 picks a free port. Defaults to 0. */
  port?: number;
  /** The built renderer (dist/renderer); null serves the API only. */
  staticDir: string | null;
  /**
   * Where browser uploads go (the browser has no file paths: it uploads a dropped report, then adds the returned
   * server path to the library). null refuses uploads.
   */
  uploadDir?: string | null;
  /** Extra routes tried before the built-in ones (e.g. the OpenAI-compatible API). Return true when handled. */
  extraRoutes?: (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean> | boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const cookieName = 'dianjin_token';
const maxBodyBytes = 8 * 1024 * 1024;
export const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

const WsMessage = z.discriminatedUnion('op', [
  z.object({ op: z.literal('stream'), id: z.string().min(1).max(100), method: z.string().min(1).max(100), input: z.unknown() }),
  z.object({ op: z.literal('cancel'), id: z.string().min(1).max(100) }),
]);

function statusFor(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_INPUT':
    case 'EMPTY_QUESTION':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'NOT_FOUND':
    case 'CONVERSATION_NOT_FOUND':
      return 404;
    case 'INTERNAL':
      return 500;
    case 'GENERATION_BUSY':
      return 409;
    case 'INFERENCE_UNAVAILABLE':
    case 'INFERENCE_CRASHED':
      return 503;
    default:
      return 422;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function tokensEqual(a: string | null | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  // Compare digests so the comparison takes the same time whatever the length.
  return timingSafeEqual(digest(a), digest(b));
}

function readCookie(req: http.IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

function bearer(req: http.IncomingMessage): string | null {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim() ?? null;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendEnvelope(res: http.ServerResponse, envelope: Envelope<unknown>): void {
  sendJson(res, envelope.ok ? 200 : statusFor(envelope.error.code), envelope);
}

function unauthorized(res: http.ServerResponse, html: boolean): void {
  if (html) {
    res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': contentSecurityPolicy });
    res.end('<!doctype html><meta charset="utf-8"><title>DianJin Workbench</title><p>Open the address printed by <code>dianjin serve</code>: it includes the access token.</p><p>请打开 <code>dianjin serve</code> 输出的地址（其中包含访问令牌）。</p>');
    return;
  }
  sendJson(res, 401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'Missing or wrong token. Use the token printed by `dianjin serve` as `Authorization: Bearer <token>`.' } });
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw Object.assign(new Error('The request body is larger than 8 MiB.'), { code: 'INVALID_INPUT' });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text.length === 0) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw Object.assign(new Error('The request body is not valid JSON.'), { code: 'INVALID_INPUT' });
  }
}

const maxUploadBytes = 512 * 1024 * 1024;

/** Streams a browser upload to `<uploadDir>/<uuid>/<name>`; answers the server path to hand to docs.add. */
async function receiveUpload(req: http.IncomingMessage, url: URL, uploadDir: string | null): Promise<Envelope<unknown>> {
  if (!uploadDir) return { ok: false, error: { code: 'INVALID_INPUT', message: 'This server does not accept uploads.' } };
  const rawName = url.searchParams.get('name') ?? '';
  // Keep the name readable (Chinese included) but never a path: no separators, no leading dots, bounded length.
  const name = [...path.basename(rawName.replace(/\\/g, '/'))]
    .map((char) => (char.charCodeAt(0) < 0x20 || '<>:"|?*'.includes(char) ? '_' : char))
    .join('')
    .replace(/^\.+/, '')
    .slice(0, 200);
  if (!name) return { ok: false, error: { code: 'INVALID_INPUT', message: 'Upload needs ?name=<file name>.' } };
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxUploadBytes) {
    return { ok: false, error: { code: 'DOCUMENT_TOO_LARGE', message: `${name} is larger than 512 MB; split it into parts.` } };
  }
  const dir = path.join(uploadDir, randomUUID());
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, name);
  let size = 0;
  try {
    await pipeline(
      req,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          size += chunk.length;
          if (size > maxUploadBytes) throw Object.assign(new Error(`${name} is larger than 512 MB; split it into parts.`), { code: 'DOCUMENT_TOO_LARGE' });
          yield chunk;
        }
      },
      createWriteStream(target),
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    return { ok: false, error: serializeError(error) };
  }
  return { ok: true, value: { path: target, sizeBytes: size } };
}

export async function startApiServer(options: ApiServerOptions): Promise<RunningServer> {
  const { dispatcher, token } = options;
  let port = options.port ?? 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  async function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const queryToken = url.searchParams.get('token');
    const authorized = tokensEqual(queryToken, token) || tokensEqual(readCookie(req, cookieName), token) || tokensEqual(bearer(req), token);
    const wantsHtml = url.pathname === '/' || url.pathname.endsWith('.html') || !path.extname(url.pathname);
    if (!authorized) return unauthorized(res, wantsHtml);
    if (!options.staticDir) return sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'This server has no renderer build.' } });
    const root = path.resolve(options.staticDir);
    let relative: string;
    try {
      relative = decodeURIComponent(url.pathname);
    } catch {
      return sendJson(res, 400, { ok: false, error: { code: 'INVALID_INPUT', message: 'Malformed path.' } });
    }
    let file = path.resolve(root, '.' + (relative.endsWith('/') ? relative + 'index.html' : relative));
    if (file !== root && !file.startsWith(root + path.sep)) return sendJson(res, 403, { ok: false, error: { code: 'UNAUTHORIZED', message: 'Forbidden path.' } });
    let info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      // Single-page app: unknown paths without an extension get the index.
      if (path.extname(file)) return sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'Not found.' } });
      file = path.join(root, 'index.html');
      info = await stat(file).catch(() => null);
      if (!info?.isFile()) return sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'The renderer is not built. Run `npm run build`.' } });
    }
    const headers: Record<string, string> = {
      'content-type': mimeTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': String(info.size),
      'content-security-policy': contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': file.endsWith('index.html') ? 'no-store' : 'private, max-age=3600',
    };
    if (tokensEqual(queryToken, token)) headers['set-cookie'] = `${cookieName}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!allowedHosts().has(req.headers.host ?? '')) {
      return sendJson(res, 403, { ok: false, error: { code: 'UNAUTHORIZED', message: 'This server only answers requests addressed to 127.0.0.1 or localhost.' } });
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (options.extraRoutes && (await options.extraRoutes(req, res, url))) return;
    if (url.pathname.startsWith('/api/call/')) {
      if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'INVALID_INPUT', message: 'Use POST for API calls.' } });
      if (!tokensEqual(bearer(req), token)) return unauthorized(res, false);
      const method = decodeURIComponent(url.pathname.slice('/api/call/'.length));
      const controller = new AbortController();
      res.on('close', () => controller.abort());
      let input: unknown;
      try {
        input = await readBody(req);
      } catch (error) {
        return sendEnvelope(res, { ok: false, error: serializeError(error) });
      }
      return sendEnvelope(res, await dispatcher.callEnveloped(method, input, { signal: controller.signal, host: 'browser' }));
    }
    if (url.pathname === '/api/upload') {
      if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'INVALID_INPUT', message: 'Use POST to upload.' } });
      if (!tokensEqual(bearer(req), token)) return unauthorized(res, false);
      return sendEnvelope(res, await receiveUpload(req, url, options.uploadDir ?? null));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { ok: false, error: { code: 'INVALID_INPUT', message: 'Method not allowed.' } });
    return serveStatic(req, res, url);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendEnvelope(res, { ok: false, error: serializeError(error) });
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxBodyBytes });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const origin = req.headers.origin;
    const ok =
      url.pathname === '/api/ws' &&
      allowedHosts().has(req.headers.host ?? '') &&
      (origin === undefined || allowedOrigins().has(origin)) &&
      tokensEqual(url.searchParams.get('token') ?? bearer(req), token);
    if (!ok) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  function serveSocket(ws: WebSocket): void {
    const streams = new Map<string, AbortController>();
    const send = (message: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    ws.on('message', (data) => {
      let parsed;
      try {
        parsed = WsMessage.safeParse(JSON.parse(String(data)));
      } catch {
        parsed = null;
      }
      if (!parsed?.success) {
        send({ error: { code: 'INVALID_INPUT', message: 'Malformed WebSocket message.' } });
        return;
      }
      const message = parsed.data;
      if (message.op === 'cancel') {
        streams.get(message.id)?.abort();
        return;
      }
      if (streams.has(message.id)) {
        send({ id: message.id, end: { ok: false, error: { code: 'INVALID_INPUT', message: 'A stream with this id is already running.' } } });
        return;
      }
      const controller = new AbortController();
      streams.set(message.id, controller);
      void dispatcher
        .runStream(message.method, message.input, { signal: controller.signal, host: 'browser' }, (chunk) => send({ id: message.id, chunk }))
        .then((end) => send({ id: message.id, end }))
        .finally(() => streams.delete(message.id));
    });
    ws.on('close', () => {
      for (const controller of streams.values()) controller.abort();
      streams.clear();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : port;
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
