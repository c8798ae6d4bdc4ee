/** Downloads against a loopback server serving the generated tiny GGUF: resume, verification, HTTP errors, disk full. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import type { DownloadProgress } from '../../../shared/models';
import { tempDir, tinyModel } from '../../../testing/fixtures';
import { DownloadManager, partialOf } from './DownloadManager';
import { rewriteForMirror } from './mirror';
import { startTestFileServer, type TestFileServer } from './testServer';

let server: TestFileServer;
let model: Buffer;
let sha: string;
let home: ReturnType<typeof tempDir>;
let manager: DownloadManager;
const name = 'tiny.gguf';

beforeAll(async () => {
  server = await startTestFileServer();
  model = readFileSync(tinyModel);
  sha = createHash('sha256').update(model).digest('hex');
  server.setFile(name, model);
});
afterAll(() => server.close());
beforeEach(() => {
  home?.cleanup();
  home = tempDir('dianjin-dl-');
  manager = newManager();
});
afterAll(() => home?.cleanup());

function newManager(freeBytes?: number) {
  return new DownloadManager({ jobsFile: path.join(home.dir, 'downloads.json'), modelsDir: path.join(home.dir, 'models'), catalog: [], ...(freeBytes !== undefined ? { freeBytes: async () => freeBytes } : {}) });
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(AppError.is(error), String(error)).toBe(true);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

describe('DownloadManager', () => {
  it('downloads, reports progress and verifies the SHA-256', async () => {
    const progress: DownloadProgress[] = [];
    const result = await manager.start(server.url(name), { sha256: sha, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ sha256: sha, verified: true, sizeBytes: model.length });
    expect(readFileSync(result.path).equals(model)).toBe(true);
    expect(existsSync(partialOf(result.path))).toBe(false);
    expect(progress.at(-1)).toMatchObject({ state: 'completed', bytes: model.length, total: model.length });
    expect(progress.some((p) => p.state === 'verifying')).toBe(true);
    expect(manager.list()[0]).toMatchObject({ state: 'completed', sha256: sha });
  });

  it('resumes after a dropped connection, with Range and If-Range, also in a new manager (app restarted)', async () => {
    server.dropAfter(name, 5_000_000);
    const error = await expectCode(manager.start(server.url(name), { sha256: sha }), 'DOWNLOAD_FAILED');
    expect(error.message).toMatch(/connection dropped after \d+/);
    const dest = path.join(home.dir, 'models', name);
    expect(existsSync(dest)).toBe(false);
    const partialSize = statSync(partialOf(dest)).size;
    expect(partialSize).toBeGreaterThan(0);
    expect(partialSize).toBeLessThan(model.length);
    expect(manager.list()[0]).toMatchObject({ state: 'failed', bytes: partialSize });

    const restarted = newManager();
    const before = server.requests.length;
    const job = restarted.list()[0]!;
    const result = await restarted.resume(job.id);
    const resumed = server.requests.slice(before).at(-1)!;
    expect(resumed.range).toBe(`bytes=${partialSize}-`);
    expect(resumed.ifRange).toMatch(/^"/);
    expect(result.sha256).toBe(sha);
    expect(readFileSync(dest).equals(model)).toBe(true);
  });

  it('pausing (abort) keeps the partial file; starting the same URL resumes it', async () => {
    const controller = new AbortController();
    let paused = false;
    const first = manager.start(server.url(name), {
      sha256: sha,
      signal: controller.signal,
      onProgress: (p) => {
        if (!paused && p.bytes > 0 && p.state === 'downloading') {
          paused = true;
          controller.abort();
        }
      },
    });
    await expectCode(first, 'CANCELLED');
    expect(manager.list()[0]!.state).toBe('paused');
    const result = await manager.start(server.url(name), { sha256: sha });
    expect(readFileSync(result.path).equals(model)).toBe(true);
  });

  it('a checksum mismatch leaves no file behind', async () => {
    const wrong = 'a'.repeat(64);
    await expectCode(manager.start(server.url(name), { sha256: wrong }), 'DOWNLOAD_CHECKSUM_MISMATCH');
    const dest = path.join(home.dir, 'models', name);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(partialOf(dest))).toBe(false);
    expect(manager.list()[0]).toMatchObject({ state: 'failed', error: { code: 'DOWNLOAD_CHECKSUM_MISMATCH' } });
  });

  it('a resumed download whose prefix was corrupted fails verification (the prefix is hashed)', async () => {
    const dest = path.join(home.dir, 'models', name);
    server.dropAfter(name, 1_000_000);
    await expectCode(manager.start(server.url(name), { sha256: sha }), 'DOWNLOAD_FAILED');
    const partial = readFileSync(partialOf(dest));
    partial[100] = partial[100]! ^ 0xff;
    writeFileSync(partialOf(dest), partial);
    await expectCode(manager.start(server.url(name), { sha256: sha }), 'DOWNLOAD_CHECKSUM_MISMATCH');
    expect(existsSync(partialOf(dest))).toBe(false);
  });

  it('refuses an unverifiable download unless confirmed', async () => {
    await expectCode(manager.start(server.url(name)), 'DOWNLOAD_UNVERIFIED');
    const result = await manager.start(server.url(name), { allowUnverified: true });
    expect(result.verified).toBe(false);
    expect(result.sha256).toBe(sha);
  });

  it('HTTP 404 and 500 give specific errors; 500 keeps the partial file', async () => {
    const e404 = await expectCode(manager.start(server.url('missing.gguf'), { sha256: sha }), 'DOWNLOAD_HTTP_ERROR');
    expect(e404.details).toMatchObject({ status: 404 });
    server.dropAfter(name, 1_000_000);
    await expectCode(manager.start(server.url(name), { sha256: sha }), 'DOWNLOAD_FAILED');
    server.failWith(name, 500);
    try {
      const e500 = await expectCode(manager.start(server.url(name), { sha256: sha }), 'DOWNLOAD_HTTP_ERROR');
      expect(e500.message).toMatch(/HTTP 500.*partial file is kept/);
      expect(existsSync(partialOf(path.join(home.dir, 'models', name)))).toBe(true);
    } finally {
      server.failWith(name, null);
    }
  });

  it('HTTP 416 on a partial file larger than the remote removes it', async () => {
    const dest = path.join(home.dir, 'models', name);
    const models = path.dirname(dest);
    await import('node:fs/promises').then((fs) => fs.mkdir(models, { recursive: true }));
    writeFileSync(partialOf(dest), Buffer.concat([model, Buffer.from('extra')]));
    const e = await expectCode(manager.start(server.url(name), { sha256: sha }), 'DOWNLOAD_HTTP_ERROR');
    expect(e.details).toMatchObject({ status: 416 });
    expect(existsSync(partialOf(dest))).toBe(false);
  });

  it('a complete partial file (416 with the same total) is verified and kept', async () => {
    const dest = path.join(home.dir, 'models', name);
    await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(dest), { recursive: true }));
    writeFileSync(partialOf(dest), model);
    const result = await manager.start(server.url(name), { sha256: sha });
    expect(result.path).toBe(dest);
  });

  it('a non-GGUF body (an HTML page with status 200) is deleted', async () => {
    server.setFile('page.gguf', Buffer.from('<html>please log in</html>'));
    await expectCode(manager.start(server.url('page.gguf'), { allowUnverified: true }), 'DOWNLOAD_FAILED');
    expect(existsSync(path.join(home.dir, 'models', 'page.gguf'))).toBe(false);
  });

  it('says plainly when the server cannot be reached', async () => {
    // A port that was just free: connection refused.
    const probe = (await import('node:net')).createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const e = await expectCode(manager.start(`http://127.0.0.1:${port}/x.gguf`, { sha256: sha }), 'DOWNLOAD_OFFLINE');
    expect(e.message).toMatch(/offline or the server is unreachable/);
  });

  it('refuses when the disk has too little free space', async () => {
    const e = await expectCode(newManager(1000).start(server.url(name), { sha256: sha }), 'DISK_FULL');
    expect(e.message).toMatch(/Not enough disk space/);
  });

  it('cancel removes the partial file and the job', async () => {
    server.dropAfter(name, 1_000_000);
    await expectCode(manager.start(server.url(name), { sha256: sha }), 'DOWNLOAD_FAILED');
    const job = manager.list()[0]!;
    await manager.cancel(job.id);
    expect(existsSync(partialOf(job.path))).toBe(false);
    expect(manager.list()).toHaveLength(0);
  });
});

describe('mirrors', () => {
  const url = 'https://huggingface.co/Qwen/Qwen2.5-7B-Instruct-GGUF/resolve/main/qwen2.5-7b-instruct-q4_k_m.gguf';
  it('rewrites Hugging Face URLs', () => {
    expect(rewriteForMirror(url, 'huggingface')).toBe(url);
    expect(rewriteForMirror(url, 'hf-mirror')).toBe('https://hf-mirror.com/Qwen/Qwen2.5-7B-Instruct-GGUF/resolve/main/qwen2.5-7b-instruct-q4_k_m.gguf');
    expect(rewriteForMirror(url, 'modelscope')).toBe('https://www.modelscope.cn/models/Qwen/Qwen2.5-7B-Instruct-GGUF/resolve/master/qwen2.5-7b-instruct-q4_k_m.gguf');
    expect(rewriteForMirror(url, { custom: 'http://10.0.0.2:8080/hf' })).toBe('http://10.0.0.2:8080/hf/Qwen/Qwen2.5-7B-Instruct-GGUF/resolve/main/qwen2.5-7b-instruct-q4_k_m.gguf');
    expect(rewriteForMirror('https://example.com/a.gguf', 'hf-mirror')).toBe('https://example.com/a.gguf');
  });
});
