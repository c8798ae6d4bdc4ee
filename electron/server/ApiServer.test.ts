/** The real HTTP/WS server over real services (tiny model, temp SQLite): token, host checks, calls, streams. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestServices, tempDir, tinyModel } from '../testing/fixtures';
import { startApiServer, type RunningServer } from './ApiServer';

const token = 'test-token-123456';
let services: Awaited<ReturnType<typeof createTestServices>>;
let server: RunningServer;
const statics = tempDir('dianjin-static-');

beforeAll(async () => {
  services = await createTestServices();
  mkdirSync(path.join(statics.dir, 'assets'));
  writeFileSync(path.join(statics.dir, 'index.html'), '<!doctype html><title>ok</title>');
  writeFileSync(path.join(statics.dir, 'assets', 'app.js'), 'console.log(1)');
  server = await startApiServer({ dispatcher: services.dispatcher, token, port: 0, staticDir: statics.dir, uploadDir: path.join(statics.dir, 'uploads') });
});
afterAll(async () => {
  await server.close();
  await services.cleanup();
  statics.cleanup();
});

/** Raw request, so the Host header can be set (fetch forbids it). */
function request(options: { path: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: options.path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
const callApi = (method: string, input: unknown, auth = `Bearer ${token}`) =>
  request({ path: `/api/call/${method}`, method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(input) });

describe('ApiServer', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('answers 401 without the token, for the API and the renderer', async () => {
    expect((await callApi('chat.list', {}, '')).status).toBe(401);
    expect((await callApi('chat.list', {}, 'Bearer wrong-token')).status).toBe(401);
    const page = await request({ path: '/' });
    expect(page.status).toBe(401);
    expect(page.body).toContain('dianjin serve');
    expect((await request({ path: '/assets/app.js' })).status).toBe(401);
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const res = await request({ path: '/api/call/chat.list', method: 'POST', headers: { host: 'evil.example:80', authorization: `Bearer ${token}` }, body: '{}' });
    expect(res.status).toBe(403);
  });

  it('serves the renderer with the token, sets an HttpOnly cookie and a strict CSP; blocks traversal', async () => {
    const page = await request({ path: `/?token=${token}` });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const asset = await request({ path: '/assets/app.js', headers: { cookie: cookie.split(';')[0]! } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
    const traversal = await request({ path: '/assets/..%2f..%2f..%2fetc/passwd', headers: { cookie: cookie.split(';')[0]! } });
    expect([403, 404]).toContain(traversal.status);
    expect(traversal.body).not.toContain('root:');
    // The cookie alone never authorises API calls (no CSRF through the browser's cookie jar).
    expect((await request({ path: '/api/call/chat.list', method: 'POST', headers: { cookie: cookie.split(';')[0]! }, body: '{}' })).status).toBe(401);
  });

  it('validates inputs and answers with an envelope carrying a stable code', async () => {
    const bad = await callApi('chat.rename', { id: 'x' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const unknown = await callApi('nope.nothing', {});
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const notJson = await request({ path: '/api/call/chat.list', method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{oops' });
    expect(JSON.parse(notJson.body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const missing = await callApi('chat.get', { id: 'does-not-exist' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).error.code).toBe('CONVERSATION_NOT_FOUND');
  });

  it('streams chat.send over the WebSocket, and cancelling stops it', async () => {
    await expect(new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws?token=wrong-token`);
      ws.on('open', () => reject(new Error('should not open')));
      ws.on('error', resolve);
    })).resolves.toBeTruthy();

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws?token=${token}`);
    await new Promise((resolve) => ws.once('open', resolve));
    const messages: { id: string; chunk?: { type: string }; end?: { ok: boolean; value?: { status: string } } }[] = [];
    const ended = (id: string) =>
      new Promise<(typeof messages)[number]>((resolve) => {
        ws.on('message', (data) => {
          const message = JSON.parse(String(data));
          messages.push(message);
          if (message.id === id && message.end) resolve(message);
        });
      });
    const first = ended('s1');
    ws.send(JSON.stringify({ op: 'stream', id: 's1', method: 'chat.send', input: { question: 'What is ROA?', modelPath: tinyModel } }));
    const end = await first;
    expect(end.end).toMatchObject({ ok: true, value: { status: 'complete' } });
    expect(messages.filter((m) => m.id === 's1' && m.chunk?.type === 'start')).toHaveLength(1);
    expect(messages.filter((m) => m.id === 's1' && m.chunk?.type === 'delta').length).toBeGreaterThan(0);

    const second = ended('s2');
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.id === 's2' && message.chunk?.type === 'delta') ws.send(JSON.stringify({ op: 'cancel', id: 's2' }));
    });
    ws.send(JSON.stringify({ op: 'stream', id: 's2', method: 'chat.send', input: { question: 'Long answer please', modelPath: tinyModel, sampling: { maxTokens: 3000 } } }));
    expect((await second).end).toMatchObject({ ok: true, value: { status: 'stopped' } });

    const third = ended('s3');
    ws.send(JSON.stringify({ op: 'stream', id: 's3', method: 'chat.send', input: { question: '' } }));
    expect((await third).end).toMatchObject({ ok: false, error: { code: 'EMPTY_QUESTION' } });
    ws.close();
  });

  it('refuses a cross-site WebSocket even with the token', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws?token=${token}`, { headers: { origin: 'https://evil.example' } });
    await expect(new Promise((resolve, reject) => {
      ws.on('open', () => reject(new Error('should not open')));
      ws.on('error', resolve);
    })).resolves.toBeTruthy();
  });

  it('takes browser uploads into its upload folder only, behind the token', async () => {
    const body = '年报 annual report';
    expect((await request({ path: '/api/upload?name=a.txt', method: 'POST', body })).status).toBe(401);
    const res = await request({ path: `/api/upload?name=${encodeURIComponent('../../年报.txt')}`, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body });
    const envelope = JSON.parse(res.body) as { ok: boolean; value: { path: string; sizeBytes: number } };
    expect(envelope.ok).toBe(true);
    expect(envelope.value.path.startsWith(path.join(statics.dir, 'uploads') + path.sep)).toBe(true);
    expect(path.basename(envelope.value.path)).toBe('年报.txt');
    expect(readFileSync(envelope.value.path, 'utf8')).toBe(body);
    const noName = await request({ path: '/api/upload', method: 'POST', headers: { authorization: `Bearer ${token}` }, body });
    expect(JSON.parse(noName.body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
