import { describe, expect, it, vi } from 'vitest';
import { AppError, type ApiClient, type DownloadJob, type DownloadProgress, type DownloadResult } from '../contract';
import { createDownloadsStore, downloadErrorOf, downloadPhase, downloadProgressOf } from './downloads';

const url = 'https://huggingface.co/org/repo/resolve/main/model.gguf';

function job(extra: Partial<DownloadJob> = {}): DownloadJob {
  return { id: 'j1', url, path: '/models/model.gguf', sha256: 'a'.repeat(64), state: 'paused', bytes: 40, total: 100, validator: null, error: null, createdAt: '2025-01-01', updatedAt: '2025-01-01', ...extra };
}

interface StreamControl {
  input: Record<string, unknown>;
  emit(chunk: DownloadProgress): void;
  resolve(result: DownloadResult): void;
  reject(error: unknown): void;
  signal: AbortSignal;
}

function fakeApi(jobs: () => DownloadJob[]) {
  const streams: StreamControl[] = [];
  const calls: Array<[string, unknown]> = [];
  const api: ApiClient = {
    call: vi.fn(async (method: string, input: unknown) => {
      calls.push([method, input]);
      if (method === 'models.downloads') return jobs();
      if (method === 'models.cancelDownload') return { cancelled: true };
      if (method === 'models.pauseDownload') return job();
      throw new AppError('NOT_FOUND', method);
    }) as unknown as ApiClient['call'],
    stream: ((_method: string, input: Record<string, unknown>, options: { onChunk?: (c: DownloadProgress) => void; signal?: AbortSignal } = {}) =>
      new Promise((resolve, reject) => {
        const control: StreamControl = { input, emit: (c) => options.onChunk?.(c), resolve, reject, signal: options.signal! };
        // Like the transports: cancelling the stream ends it with CANCELLED.
        options.signal?.addEventListener('abort', () => reject(new AppError('CANCELLED', 'The download was paused.')));
        streams.push(control);
      })) as unknown as ApiClient['stream'],
  };
  return { api, streams, calls };
}

const progress = (bytes: number, state: DownloadProgress['state'] = 'downloading'): DownloadProgress => ({ id: 'j1', state, bytes, total: 100, bytesPerSecond: 10, etaSeconds: (100 - bytes) / 10, path: '/models/model.gguf' });
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('downloads store', () => {
  it('goes starting → downloading → verifying → completed and reports the result', async () => {
    let jobs: DownloadJob[] = [];
    const { api, streams } = fakeApi(() => jobs);
    const onCompleted = vi.fn();
    const store = createDownloadsStore({ api, onCompleted });
    const done = store.getState().start(url, { sha256: 'B'.repeat(64) });
    expect(downloadPhase(store.getState(), url)).toBe('starting');
    expect(streams[0]!.input).toEqual({ url, sha256: 'b'.repeat(64) });
    streams[0]!.emit(progress(30));
    expect(downloadPhase(store.getState(), url)).toBe('downloading');
    expect(downloadProgressOf(store.getState(), url)).toEqual({ bytes: 30, total: 100, bytesPerSecond: 10, etaSeconds: 7 });
    streams[0]!.emit(progress(100, 'verifying'));
    expect(downloadPhase(store.getState(), url)).toBe('verifying');
    jobs = [job({ state: 'completed', bytes: 100 })];
    const result = { id: 'j1', path: '/models/model.gguf', sha256: 'b'.repeat(64), verified: true, sizeBytes: 100 };
    streams[0]!.resolve(result);
    await expect(done).resolves.toEqual(result);
    expect(onCompleted).toHaveBeenCalledWith(result);
    expect(downloadPhase(store.getState(), url)).toBe('completed');
  });

  it('pausing cancels the stream (no error) and resuming starts the same URL with the job’s hash', async () => {
    let jobs: DownloadJob[] = [];
    const { api, streams } = fakeApi(() => jobs);
    const onError = vi.fn();
    const store = createDownloadsStore({ api, onError });
    const first = store.getState().start(url);
    streams[0]!.emit(progress(40));
    jobs = [job()];
    await store.getState().pause(url);
    await expect(first).resolves.toBeNull();
    expect(streams[0]!.signal.aborted).toBe(true);
    expect(onError).not.toHaveBeenCalled();
    expect(downloadPhase(store.getState(), url)).toBe('paused');
    expect(downloadProgressOf(store.getState(), url)).toMatchObject({ bytes: 40, total: 100, bytesPerSecond: null });

    void store.getState().resume(url);
    expect(streams[1]!.input).toEqual({ url, sha256: 'a'.repeat(64) });
    expect(downloadPhase(store.getState(), url)).toBe('starting');
  });

  it('resumes an unverified job as confirmed, and asks again when the server refuses an unhashed URL', async () => {
    const { api, streams } = fakeApi(() => [job({ sha256: null })]);
    const store = createDownloadsStore({ api });
    await store.getState().refresh();
    void store.getState().resume(url);
    expect(streams[0]!.input).toEqual({ url, allowUnverified: true });
    streams[0]!.reject(new AppError('DOWNLOAD_UNVERIFIED', 'no hash'));
    await tick();
    await tick();
    expect(downloadPhase(store.getState(), url)).toBe('needs-confirmation');
    store.getState().dismiss(url);
    expect(downloadPhase(store.getState(), url)).toBe('paused');
  });

  it('keeps a failure per URL and falls back to the job’s saved error', async () => {
    let jobs: DownloadJob[] = [];
    const { api, streams } = fakeApi(() => jobs);
    const store = createDownloadsStore({ api });
    const done = store.getState().start(url);
    jobs = [job({ state: 'failed', error: { code: 'DISK_FULL', message: 'full' } })];
    streams[0]!.reject(new AppError('DISK_FULL', 'full'));
    await done;
    expect(downloadPhase(store.getState(), url)).toBe('failed');
    expect(downloadErrorOf(store.getState(), url)).toMatchObject({ code: 'DISK_FULL' });
    store.getState().dismiss(url);
    expect(downloadErrorOf(store.getState(), url)).toEqual({ code: 'DISK_FULL', message: 'full' });
    expect(downloadErrorOf({ jobs: [job({ error: { code: 'SOMETHING_NEW', message: 'x' } })], errors: {} }, url)?.code).toBe('INTERNAL');
  });

  it('cancelling stops the stream, then deletes the job on the server', async () => {
    let jobs: DownloadJob[] = [];
    const { api, streams, calls } = fakeApi(() => jobs);
    const store = createDownloadsStore({ api });
    void store.getState().start(url);
    streams[0]!.emit(progress(10));
    jobs = [job()];
    const cancelling = store.getState().cancel(url);
    jobs = [];
    await cancelling;
    expect(streams[0]!.signal.aborted).toBe(true);
    expect(calls).toContainEqual(['models.cancelDownload', { id: 'j1' }]);
    expect(downloadPhase(store.getState(), url)).toBe('idle');
  });

  it('pauses a job running elsewhere through the server', async () => {
    const { api, calls } = fakeApi(() => [job({ state: 'downloading' })]);
    const store = createDownloadsStore({ api });
    await store.getState().refresh();
    expect(downloadPhase(store.getState(), url)).toBe('downloading');
    await store.getState().pause(url);
    expect(calls).toContainEqual(['models.pauseDownload', { id: 'j1' }]);
  });
});
