import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fake, resetFakeElectron } from './testing/fakeElectron';
import { contentSecurityPolicy } from './security';

vi.mock('electron', async () => (await import('./testing/fakeElectron')).fakeElectronModule);
const { registerRendererScheme, serveRenderer } = await import('./rendererProtocol');

describe('app://renderer/ protocol', () => {
  let dir: string;
  let handle: (request: Request) => Response | Promise<Response>;

  beforeAll(() => {
    resetFakeElectron();
    dir = mkdtempSync(path.join(os.tmpdir(), 'dianjin-protocol-'));
    const renderer = path.join(dir, 'renderer');
    mkdirSync(path.join(renderer, 'assets'), { recursive: true });
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(path.join(renderer, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'secret.txt'), 'outside');
    symlinkSync(path.join(dir, 'secret.txt'), path.join(renderer, 'assets', 'link.txt'));
    registerRendererScheme();
    serveRenderer(renderer);
    handle = fake.protocolHandlers.get('app')!;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const get = (url: string, method = 'GET') => Promise.resolve(handle(new Request(url, { method })));

  it('registers app: as a standard, secure scheme', () => {
    expect(fake.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }) },
    ]);
  });

  it('serves the build with MIME types and the CSP', async () => {
    const index = await get('app://renderer/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await index.text()).toContain('id="root"');
    const script = await get('app://renderer/assets/index-abc.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('app://renderer/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await get('app://renderer/index.html', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
  });

  it('refuses traversal, symlinks out of the folder and other hosts', async () => {
    expect((await get('app://renderer/..%2fsecret.txt')).status).toBe(403);
    expect((await get('app://renderer/assets/link.txt')).status).toBe(403);
    expect((await get('app://other/index.html')).status).toBe(403);
    const missing = await get('app://renderer/assets/missing.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
  });
});
