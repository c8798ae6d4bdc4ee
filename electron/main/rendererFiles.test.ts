import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mimeTypeFor, resolveRendererFile } from './rendererFiles';

const root = path.resolve('/opt/app/dist/renderer');

function resolved(url: string): string | null {
  const result = resolveRendererFile(root, url);
  return result.kind === 'file' ? path.relative(root, result.filePath).split(path.sep).join('/') : null;
}

describe('resolveRendererFile', () => {
  it('serves files inside the renderer folder', () => {
    expect(resolved('app://renderer/')).toBe('index.html');
    expect(resolved('app://renderer/index.html')).toBe('index.html');
    expect(resolved('app://renderer/assets/index-Bx1.js')).toBe('assets/index-Bx1.js');
    expect(resolved('app://renderer/assets/index-Bx1.js?v=1#x')).toBe('assets/index-Bx1.js');
    expect(resolved('app://renderer/fonts/Noto%20Sans.woff2')).toBe('fonts/Noto Sans.woff2');
  });

  it('answers client-side routes with index.html', () => {
    expect(resolved('app://renderer/chat/123')).toBe('index.html');
    expect(resolved('app://renderer/settings/')).toBe('index.html');
  });

  it('never leaves the renderer folder', () => {
    for (const url of [
      'app://renderer/../../package.json',
      'app://renderer/%2e%2e/%2e%2e/package.json',
      'app://renderer/..%2f..%2fpackage.json',
      'app://renderer/assets/..%2F..%2F..%2Fetc%2Fpasswd',
      'app://renderer/..%5c..%5cpackage.json',
      'app://renderer/%2e%2e%5cpackage.json',
      'app://renderer/C:%5cWindows%5cwin.ini',
      'app://renderer/index.html%00.png',
      'app://renderer/%E0%A4%A',
    ]) {
      const result = resolveRendererFile(root, url);
      if (result.kind === 'file') expect(result.filePath.startsWith(root + path.sep), url).toBe(true);
    }
    // The URL parser folds plain dot segments back into the folder; encoded separators are refused outright.
    expect(resolveRendererFile(root, 'app://renderer/..%2f..%2fpackage.json').kind).toBe('forbidden');
    expect(resolveRendererFile(root, 'app://renderer/..%5c..%5cpackage.json').kind).toBe('forbidden');
    expect(resolveRendererFile(root, 'app://renderer/index.html%00.png').kind).toBe('forbidden');
    expect(resolveRendererFile(root, 'app://renderer/%E0%A4%A').kind).toBe('forbidden');
    expect(resolved('app://renderer/../../package.json')).toBe('package.json');
  });

  it('refuses other origins and schemes', () => {
    expect(resolveRendererFile(root, 'app://other/index.html').kind).toBe('forbidden');
    expect(resolveRendererFile(root, 'file:///opt/app/dist/renderer/index.html').kind).toBe('forbidden');
    expect(resolveRendererFile(root, 'not a url').kind).toBe('forbidden');
  });
});

describe('mimeTypeFor', () => {
  it('knows what a Vite build contains', () => {
    expect(mimeTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(mimeTypeFor('a/index-x.js')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeFor('a/index-x.CSS')).toBe('text/css; charset=utf-8');
    expect(mimeTypeFor('logo.svg')).toBe('image/svg+xml');
    expect(mimeTypeFor('font.woff2')).toBe('font/woff2');
    expect(mimeTypeFor('x.wasm')).toBe('application/wasm');
    expect(mimeTypeFor('LICENSE')).toBe('application/octet-stream');
  });
});
