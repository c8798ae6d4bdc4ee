/**
 * Downloads model files: resumable (HTTP Range + If-Range with the first response's ETag, also after a restart: the
 * `.partial` file and the job record persist), verified (SHA-256 streamed while writing; on resume the existing
 * prefix is hashed first), and clean on failure (a mismatched or non-GGUF file is deleted; nothing is renamed to its
 * final name before it is verified). Runs in the main process (or the CLI); never imports Electron.
 */
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../shared/errors';
import type { CatalogEntry, DownloadJob, DownloadProgress, DownloadResult, MirrorChoice } from '../../../shared/models';
import { findCatalogEntry, loadCatalog } from '../catalog';
import { readMagic } from '../readMagic';
import { DownloadJobStore } from './jobStore';
import { rewriteForMirror } from './mirror';

export interface DownloadManagerOptions {
  /** The JSON file holding the jobs (`<dataDir>/downloads.json`). */
  jobsFile: string;
  /** Where files go when `toDir` is not given: the models folder. */
  modelsDir: string;
  /** The mirror to rewrite Hugging Face URLs for. Defaults to none (huggingface.co). */
  mirror?: () => MirrorChoice | undefined;
  /** Known hashes and sizes. Defaults to the bundled catalog. */
  catalog?: CatalogEntry[];
  /** Free bytes on the disk holding `dir`. Defaults to statfs. */
  freeBytes?: (dir: string) => Promise<number>;
  /** Called once a download is verified and in place (to record it as a known model). */
  onCompleted?: (result: DownloadResult, job: DownloadJob) => void;
}

export interface StartDownloadOptions {
  /** Expected SHA-256 (hex). Defaults to the catalog entry's when the URL is in the catalog. */
  sha256?: string;
  /** Destination folder. Defaults to the models folder. */
  toDir?: string;
  /** Download even though no hash is known (the user confirmed). Defaults to false. */
  allowUnverified?: boolean;
  /** Aborting pauses the download: the partial file and the job stay, and the next start resumes them. */
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
}

const progressIntervalMs = 250;
const speedWindowMs = 5000;

export class DownloadManager {
  private readonly jobs: DownloadJobStore;
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly options: DownloadManagerOptions) {
    this.jobs = new DownloadJobStore(options.jobsFile);
    // A job that was running when the process stopped is paused now: its partial file is resumable.
    for (const job of this.jobs.list()) if (job.state === 'downloading' || job.state === 'verifying' || job.state === 'queued') this.jobs.put({ ...job, state: 'paused', updatedAt: now() });
  }

  list(): DownloadJob[] {
    return this.jobs.list().sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Stops a running download and keeps its partial file (resume with `resume` or by starting the same URL). */
  pause(id: string): DownloadJob {
    const job = this.requireJob(id);
    this.running.get(id)?.abort(new AppError('CANCELLED', 'The download was paused.'));
    if (!this.running.has(id) && job.state !== 'completed') this.jobs.put({ ...job, state: 'paused', updatedAt: now() });
    return this.requireJob(id);
  }

  /** Continues a paused or failed download from its partial file. */
  resume(id: string, options: Omit<StartDownloadOptions, 'sha256' | 'toDir' | 'allowUnverified'> = {}): Promise<DownloadResult> {
    const job = this.requireJob(id);
    return this.start(job.url, { ...options, toDir: path.dirname(job.path), allowUnverified: true, ...(job.sha256 ? { sha256: job.sha256 } : {}) });
  }

  /** Stops the download if running, deletes its partial file and forgets the job. */
  async cancel(id: string): Promise<void> {
    const job = this.requireJob(id);
    const controller = this.running.get(id);
    if (controller) {
      controller.abort(new AppError('CANCELLED', 'The download was cancelled.'));
      // Let the writer close its file before deleting it.
      while (this.running.has(id)) await new Promise((r) => setTimeout(r, 10));
    }
    await rm(partialOf(job.path), { force: true });
    this.jobs.delete(id);
  }

  /** Downloads `url` (resuming a partial file of the same destination), verifies it and resolves with its path. */
  async start(url: string, options: StartDownloadOptions = {}): Promise<DownloadResult> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new AppError('INVALID_INPUT', `"${url}" is not a URL. Give an http(s) link to a GGUF file.`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new AppError('INVALID_INPUT', `Only http and https downloads are supported, not ${parsed.protocol}`);
    const entry = findCatalogEntry(url, this.options.catalog ?? loadCatalog());
    const expected = (options.sha256 ?? entry?.sha256 ?? null)?.toLowerCase() ?? null;
    if (expected !== null && !/^[0-9a-f]{64}$/.test(expected)) throw new AppError('INVALID_INPUT', 'The SHA-256 must be 64 hexadecimal digits.');
    const dir = path.resolve(options.toDir ?? this.options.modelsDir);
    const fileName = entry?.fileName ?? fileNameFromUrl(parsed);
    const finalPath = path.join(dir, fileName);
    if (expected === null && !options.allowUnverified) {
      throw new AppError('DOWNLOAD_UNVERIFIED', `There is no known SHA-256 for ${fileName}, so the download cannot be verified. Give the hash from the model page (--sha256 HEX) or confirm an unverified download (--allow-unverified).`, {
        url,
        fileName,
      });
    }
    if (await exists(finalPath)) {
      throw new AppError('DOWNLOAD_FAILED', `${finalPath} already exists. Remove it first (dianjin models rm) or choose another folder.`, { path: finalPath });
    }
    const existing = this.jobs.findByPath(finalPath);
    if (existing && this.running.has(existing.id)) throw new AppError('DOWNLOAD_FAILED', `${fileName} is already being downloaded.`, { id: existing.id });
    const job: DownloadJob =
      existing && existing.url === url
        ? { ...existing, sha256: expected, error: null }
        : { id: randomUUID(), url, path: finalPath, sha256: expected, state: 'queued', bytes: 0, total: entry?.sizeBytes ?? null, validator: null, error: null, createdAt: now(), updatedAt: now() };
    if (existing && existing.url !== url) this.jobs.delete(existing.id);
    await mkdir(dir, { recursive: true });

    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    this.running.set(job.id, controller);
    try {
      return await this.run(job, controller.signal, options.onProgress);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      this.running.delete(job.id);
    }
  }

  private async run(job: DownloadJob, signal: AbortSignal, onProgress?: (p: DownloadProgress) => void): Promise<DownloadResult> {
    const partial = partialOf(job.path);
    const save = (patch: Partial<DownloadJob>) => {
      Object.assign(job, patch, { updatedAt: now() });
      this.jobs.put(job);
    };
    const speed = new SpeedMeter();
    let lastEmit = 0;
    const emit = (force = false) => {
      const t = Date.now();
      if (!force && t - lastEmit < progressIntervalMs) return;
      lastEmit = t;
      const bytesPerSecond = speed.rate();
      const etaSeconds = job.total !== null && bytesPerSecond > 0 ? Math.max(0, Math.round((job.total - job.bytes) / bytesPerSecond)) : null;
      onProgress?.({ id: job.id, state: job.state, bytes: job.bytes, total: job.total, bytesPerSecond, etaSeconds, path: job.path });
    };

    let offset = (await stat(partial).catch(() => null))?.size ?? 0;
    let hash = createHash('sha256');
    save({ state: 'downloading', bytes: offset });
    emit(true);
    lastEmit = 0; // the first received chunk is reported at once
    try {
      // Resume: the bytes already on disk go into the hash first, so the whole file is verified.
      if (offset > 0) await hashPrefix(partial, offset, hash, signal);
      const url = rewriteForMirror(job.url, this.options.mirror?.());
      const headers: Record<string, string> = { 'user-agent': 'DianJin-Workbench' };
      if (offset > 0) {
        headers.range = `bytes=${offset}-`;
        if (job.validator) headers['if-range'] = job.validator;
      }
      const response = await request(url, headers, signal);
      let restart = false;
      if (response.status === 416 && offset > 0) {
        const total = contentRangeTotal(response.headers.get('content-range'));
        await response.body?.cancel().catch(() => undefined);
        if (total !== offset) {
          await rm(partial, { force: true });
          throw httpError(416, url, 'The server refused to resume from the partial file (HTTP 416); it was removed, so start the download again.');
        }
        // The partial file is already complete.
        save({ total });
      } else {
        if (response.status === 200 && offset > 0) restart = true; // range ignored or the file changed (If-Range)
        else if (response.status === 206) {
          const start = contentRangeStart(response.headers.get('content-range'));
          if (start !== offset) restart = true;
        } else if (response.status !== 200) {
          await response.body?.cancel().catch(() => undefined);
          throw httpError(response.status, url);
        }
        if (restart) {
          offset = 0;
          hash = createHash('sha256');
          await rm(partial, { force: true });
          save({ bytes: 0 });
        }
        const total = response.status === 206 ? contentRangeTotal(response.headers.get('content-range')) : numberOrNull(response.headers.get('content-length'));
        const validator = response.headers.get('etag') ?? response.headers.get('last-modified');
        save({ total: total ?? job.total, validator: validator ?? job.validator, bytes: offset });
        if (job.total !== null) await this.assertSpace(path.dirname(job.path), job.total - offset);
        await this.receive(response, partial, hash, job, signal, (n) => {
          job.bytes += n;
          speed.add(n);
          emit();
        });
      }
      return await this.finish(job, partial, hash, save, emit);
    } catch (error) {
      const appError = toDownloadError(error, job, signal);
      if (appError.code === 'CANCELLED') save({ state: 'paused', error: null });
      else save({ state: 'failed', error: { code: appError.code, message: appError.message } });
      emit(true);
      throw appError;
    }
  }

  private async finish(job: DownloadJob, partial: string, hash: Hash, save: (p: Partial<DownloadJob>) => void, emit: (force?: boolean) => void): Promise<DownloadResult> {
    const size = (await stat(partial)).size;
    if (job.total !== null && size !== job.total) {
      throw new AppError('DOWNLOAD_FAILED', `The download stopped early (${size} of ${job.total} bytes). Run it again to resume.`, { bytes: size, total: job.total });
    }
    save({ state: 'verifying', bytes: size });
    emit(true);
    const digest = hash.digest('hex');
    if (job.sha256 !== null && digest !== job.sha256) {
      await rm(partial, { force: true });
      const message = `${path.basename(job.path)} does not match its expected SHA-256 (got ${digest.slice(0, 12)}…, expected ${job.sha256.slice(0, 12)}…); the file was deleted. Check the hash or the mirror and download it again.`;
      save({ state: 'failed', bytes: 0, error: { code: 'DOWNLOAD_CHECKSUM_MISMATCH', message } });
      throw new AppError('DOWNLOAD_CHECKSUM_MISMATCH', message, { expected: job.sha256, actual: digest });
    }
    if (job.path.toLowerCase().endsWith('.gguf') && (await readMagic(partial)) !== 'GGUF') {
      // Typically an HTML login or error page served with status 200 (gated repository, captive portal).
      await rm(partial, { force: true });
      const message = `The server sent something that is not a GGUF file for ${path.basename(job.path)} (perhaps a login or error page); it was deleted. Open the model page in a browser to check access.`;
      save({ state: 'failed', bytes: 0, error: { code: 'DOWNLOAD_FAILED', message } });
      throw new AppError('DOWNLOAD_FAILED', message);
    }
    await rename(partial, job.path);
    save({ state: 'completed', bytes: size, total: size });
    emit(true);
    const result: DownloadResult = { id: job.id, path: job.path, sha256: digest, verified: job.sha256 !== null, sizeBytes: size };
    this.options.onCompleted?.(result, job);
    return result;
  }

  private async receive(response: Response, partial: string, hash: Hash, job: DownloadJob, signal: AbortSignal, onBytes: (n: number) => void): Promise<void> {
    if (!response.body) return;
    const out = createWriteStream(partial, { flags: 'a' });
    const opened = new Promise<void>((resolve, reject) => out.once('open', () => resolve()).once('error', reject));
    let lastSave = Date.now();
    try {
      await opened;
      const reader = response.body.getReader();
      const onAbort = () => void reader.cancel(signal.reason).catch(() => undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          signal.throwIfAborted();
          hash.update(value);
          await write(out, value);
          onBytes(value.byteLength);
          if (Date.now() - lastSave > 2000) {
            lastSave = Date.now();
            this.jobs.put({ ...job, updatedAt: now() });
          }
        }
        signal.throwIfAborted();
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    } finally {
      await new Promise<void>((resolve) => out.end(() => resolve()));
    }
  }

  private async assertSpace(dir: string, needed: number): Promise<void> {
    const free = await (this.options.freeBytes ?? diskFreeBytes)(dir).catch(() => Number.POSITIVE_INFINITY);
    if (needed > free) {
      const gib = (n: number) => (n / 1024 ** 3).toFixed(1);
      throw new AppError('DISK_FULL', `Not enough disk space in ${dir}: the download needs ${gib(needed)} GiB more but only ${gib(free)} GiB is free. Free some space or choose another folder (--to DIR).`, {
        neededBytes: needed,
        freeBytes: free,
      });
    }
  }

  private requireJob(id: string): DownloadJob {
    const job = this.jobs.get(id);
    if (!job) throw new AppError('NOT_FOUND', `No download with id ${id}.`);
    return job;
  }
}

export const partialOf = (filePath: string): string => `${filePath}.partial`;

function now(): string {
  return new Date().toISOString();
}

function fileNameFromUrl(url: URL): string {
  const last = decodeURIComponent(url.pathname.split('/').filter(Boolean).at(-1) ?? '');
  const safe = last.replace(/[^\w.+-]/g, '_').replace(/^\.+/, '');
  if (!safe) throw new AppError('INVALID_INPUT', `The URL ${url.href} does not name a file.`);
  return safe;
}

async function exists(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null)) !== null;
}

async function diskFreeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

async function hashPrefix(filePath: string, bytes: number, hash: Hash, signal: AbortSignal): Promise<void> {
  const stream = createReadStream(filePath, { start: 0, end: bytes - 1, highWaterMark: 4 * 1024 * 1024, signal });
  for await (const chunk of stream) hash.update(chunk as Buffer);
}

function write(out: WriteStream, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

function numberOrNull(value: string | null): number | null {
  const n = value === null ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function contentRangeStart(value: string | null): number | null {
  const m = value ? /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(value.trim()) : null;
  return m ? Number(m[1]) : null;
}

function contentRangeTotal(value: string | null): number | null {
  const m = value ? /\/(\d+)\s*$/.exec(value.trim()) : null;
  return m ? Number(m[1]) : null;
}

async function request(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
  try {
    return await fetch(url, { headers, signal, redirect: 'follow' });
  } catch (error) {
    if (signal.aborted) throw error;
    const code = causeCode(error);
    if (code === 'ENOTFOUND' || code === 'ECONNREFUSED' || code === 'EAI_AGAIN' || code === 'ENETUNREACH' || code === 'EHOSTUNREACH') {
      throw new AppError('DOWNLOAD_OFFLINE', `${new URL(url).host} cannot be reached: this computer is offline or the server is unreachable (${code}). Check the connection or choose a mirror, then try again.`, {
        url,
        cause: code,
      });
    }
    throw error;
  }
}

function causeCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function httpError(status: number, url: string, message?: string): AppError {
  const host = new URL(url).host;
  const text =
    message ??
    (status === 404
      ? `The file was not found on ${host} (HTTP 404). Check the URL, or try another mirror.`
      : status === 401 || status === 403
        ? `${host} refused access (HTTP ${status}); the repository may be gated. Accept its licence on the model page, or download it in a browser and import it.`
        : status >= 500
          ? `${host} had a server error (HTTP ${status}). Try again later; the partial file is kept and the download resumes.`
          : `${host} answered HTTP ${status}. Check the URL and try again.`);
  return new AppError('DOWNLOAD_HTTP_ERROR', text, { status, url });
}

function toDownloadError(error: unknown, job: DownloadJob, signal: AbortSignal): AppError {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    return AppError.is(reason) ? reason : new AppError('CANCELLED', 'The download was paused; start it again to resume.');
  }
  if (AppError.is(error)) return error;
  const code = causeCode(error);
  if (code === 'ENOSPC') return new AppError('DISK_FULL', `The disk holding ${path.dirname(job.path)} is full. Free some space and run the download again to resume.`);
  const total = job.total !== null ? ` of ${job.total}` : '';
  return new AppError('DOWNLOAD_FAILED', `The connection dropped after ${job.bytes}${total} bytes of ${path.basename(job.path)}. Run the download again to resume from there.`, {
    bytes: job.bytes,
    cause: code ?? (error as Error)?.message,
  });
}

/** Bytes per second over the last few seconds. */
class SpeedMeter {
  private readonly samples: { t: number; n: number }[] = [];
  add(n: number): void {
    const t = Date.now();
    this.samples.push({ t, n });
    while (this.samples.length > 0 && t - this.samples[0]!.t > speedWindowMs) this.samples.shift();
  }
  rate(): number {
    if (this.samples.length < 2) return 0;
    const span = (this.samples.at(-1)!.t - this.samples[0]!.t) / 1000;
    const bytes = this.samples.reduce((sum, s) => sum + s.n, 0);
    return span > 0 ? Math.round(bytes / span) : 0;
  }
}
