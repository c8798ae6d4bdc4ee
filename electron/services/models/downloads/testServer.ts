/**
 * A loopback HTTP server for download tests: serves files with Range/If-Range support and an ETag, and can be told
 * to drop the connection after N bytes or to answer with an error status.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestFileServer {
  url(name: string): string;
  /** Requests seen, with their Range / If-Range headers. */
  requests: { path: string; range?: string; ifRange?: string }[];
  /** Serve `body` at `/name`. */
  setFile(name: string, body: Buffer): void;
  /** The next responses to `/name` cut the connection after this many body bytes (once). */
  dropAfter(name: string, bytes: number): void;
  /** `/name` answers this status (with a small HTML body) until cleared with null. */
  failWith(name: string, status: number | null): void;
  close(): Promise<void>;
}

export async function startTestFileServer(): Promise<TestFileServer> {
  const files = new Map<string, Buffer>();
  const drops = new Map<string, number>();
  const failures = new Map<string, number>();
  const requests: TestFileServer['requests'] = [];
  const etag = (body: Buffer) => `"${createHash('sha1').update(body).digest('hex')}"`;
  const server: Server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').split('?')[0]!.slice(1));
    requests.push({ path: name, ...(req.headers.range ? { range: req.headers.range } : {}), ...(req.headers['if-range'] ? { ifRange: String(req.headers['if-range']) } : {}) });
    const failure = failures.get(name);
    const body = files.get(name);
    if (failure !== undefined || !body) {
      res.writeHead(failure ?? 404, { 'content-type': 'text/html' }).end('<html>error</html>');
      return;
    }
    const tag = etag(body);
    let start = 0;
    const range = req.headers.range && (!req.headers['if-range'] || req.headers['if-range'] === tag) ? /^bytes=(\d+)-$/.exec(req.headers.range) : null;
    if (range) {
      start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}`, 'content-length': body.length - start, etag: tag, 'accept-ranges': 'bytes' });
    } else {
      res.writeHead(200, { 'content-length': body.length, etag: tag, 'accept-ranges': 'bytes' });
    }
    const rest = body.subarray(start);
    const drop = drops.get(name);
    if (drop !== undefined) {
      drops.delete(name);
      res.write(rest.subarray(0, drop), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(rest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://127.0.0.1:${port}/${encodeURIComponent(name)}`,
    requests,
    setFile: (name, body) => void files.set(name, body),
    dropAfter: (name, bytes) => void drops.set(name, bytes),
    failWith: (name, status) => void (status === null ? failures.delete(name) : failures.set(name, status)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
