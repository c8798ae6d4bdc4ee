/**
 * Model downloads, keyed by URL (what the catalog knows and what resuming takes). The server keeps the jobs
 * (`models.downloads`, persisted across restarts); this store adds the stream running in this window. Cancelling
 * that stream pauses the job (the partial file stays); starting the same URL again resumes it.
 */
import { createStore } from 'zustand/vanilla';
import { isErrorCode, type ApiClient, type DownloadJob, type DownloadProgress, type DownloadResult, type SerializedError } from '../contract';
import { toSerialized } from './errors';
import { without } from './keyedActions';

/** What a download looks like to the user, derived from the job, this window's stream and the last error. */
export type DownloadPhase = 'idle' | 'starting' | 'downloading' | 'verifying' | 'pausing' | 'paused' | 'failed' | 'completed' | 'needs-confirmation';

export interface ActiveDownload {
  /** The job id, known from the first progress chunk (or the job it resumes). */
  id: string | null;
  progress: DownloadProgress | null;
  pausing: boolean;
}

export interface StartDownloadOptions {
  sha256?: string;
  allowUnverified?: boolean;
}

export interface DownloadsState {
  jobs: DownloadJob[];
  listError: SerializedError | null;
  /** Streams running in this window, by URL. */
  active: Record<string, ActiveDownload>;
  /** The last error of a download started here, by URL (a pause is not an error). */
  errors: Record<string, SerializedError>;
  /** URLs the server refused without a hash (DOWNLOAD_UNVERIFIED): the user must give one or confirm. */
  unverified: Record<string, true>;

  refresh(): Promise<void>;
  /** Starts (or resumes) a download; resolves with the result, or null when it paused or failed. */
  start(url: string, options?: StartDownloadOptions): Promise<DownloadResult | null>;
  /** Resumes with what the job was started with (its hash; an unverified job was confirmed already). */
  resume(url: string): Promise<DownloadResult | null>;
  pause(url: string): Promise<void>;
  /** Stops the download and deletes its partial file. */
  cancel(url: string): Promise<void>;
  dismiss(url: string): void;
}

export interface DownloadsStoreDeps {
  api: ApiClient;
  onCompleted?: (result: DownloadResult) => void;
  onError?: (error: unknown) => void;
}

/** The newest job for a URL. */
export function jobFor(jobs: readonly DownloadJob[], url: string): DownloadJob | null {
  let found: DownloadJob | null = null;
  for (const job of jobs) if (job.url === url && (!found || job.updatedAt > found.updatedAt)) found = job;
  return found;
}

export function downloadPhase(state: Pick<DownloadsState, 'jobs' | 'active' | 'errors' | 'unverified'>, url: string): DownloadPhase {
  const active = state.active[url];
  if (active) {
    if (active.pausing) return 'pausing';
    if (!active.progress) return 'starting';
    return active.progress.state === 'verifying' ? 'verifying' : 'downloading';
  }
  if (state.unverified[url]) return 'needs-confirmation';
  if (state.errors[url]) return 'failed';
  const job = jobFor(state.jobs, url);
  switch (job?.state) {
    case undefined:
    case 'cancelled':
      return 'idle';
    case 'queued':
    case 'downloading':
      return 'downloading';
    case 'paused':
    case 'verifying':
    case 'failed':
    case 'completed':
      return job.state;
  }
}

/** Bytes, total, speed and remaining time to show: the live stream's, else the job's as saved. */
export function downloadProgressOf(state: Pick<DownloadsState, 'jobs' | 'active'>, url: string): { bytes: number; total: number | null; bytesPerSecond: number | null; etaSeconds: number | null } | null {
  const progress = state.active[url]?.progress;
  if (progress) return { bytes: progress.bytes, total: progress.total, bytesPerSecond: progress.bytesPerSecond, etaSeconds: progress.etaSeconds };
  const job = jobFor(state.jobs, url);
  return job ? { bytes: job.bytes, total: job.total, bytesPerSecond: null, etaSeconds: null } : null;
}

/** The error to show for a URL: this window's, else the one the job saved. */
export function downloadErrorOf(state: Pick<DownloadsState, 'jobs' | 'errors'>, url: string): SerializedError | null {
  const own = state.errors[url];
  if (own) return own;
  const saved = jobFor(state.jobs, url)?.error;
  if (!saved) return null;
  return { code: isErrorCode(saved.code) ? saved.code : 'INTERNAL', message: saved.message };
}

export function createDownloadsStore({ api, onCompleted, onError }: DownloadsStoreDeps) {
  const controllers = new Map<string, AbortController>();
  const running = new Map<string, Promise<DownloadResult | null>>();

  return createStore<DownloadsState>()((set, get) => {
    const patchActive = (url: string, patch: Partial<ActiveDownload>) => {
      const current = get().active[url];
      if (current) set({ active: { ...get().active, [url]: { ...current, ...patch } } });
    };

    const run = async (url: string, options: StartDownloadOptions): Promise<DownloadResult | null> => {
      const controller = new AbortController();
      controllers.set(url, controller);
      const { active, errors, unverified, jobs } = get();
      set({
        active: { ...active, [url]: { id: jobFor(jobs, url)?.id ?? null, progress: null, pausing: false } },
        errors: without(errors, url),
        unverified: without(unverified, url),
      });
      try {
        const input = { url, ...(options.sha256 ? { sha256: options.sha256.trim().toLowerCase() } : {}), ...(options.allowUnverified ? { allowUnverified: true } : {}) };
        const result = await api.stream('models.download', input, {
          signal: controller.signal,
          onChunk: (progress) => patchActive(url, { id: progress.id, progress }),
        });
        set({ active: without(get().active, url) });
        onCompleted?.(result);
        return result;
      } catch (error) {
        const serialized = toSerialized(error);
        const paused = controller.signal.aborted || serialized.code === 'CANCELLED';
        set({ active: without(get().active, url) });
        if (serialized.code === 'DOWNLOAD_UNVERIFIED') set({ unverified: { ...get().unverified, [url]: true } });
        else if (!paused) {
          onError?.(error);
          set({ errors: { ...get().errors, [url]: serialized } });
        }
        return null;
      } finally {
        controllers.delete(url);
        await get().refresh();
      }
    };

    return {
      jobs: [],
      listError: null,
      active: {},
      errors: {},
      unverified: {},

      async refresh() {
        try {
          set({ jobs: await api.call('models.downloads', {}), listError: null });
        } catch (error) {
          onError?.(error);
          set({ listError: toSerialized(error) });
        }
      },

      start(url, options = {}) {
        const existing = running.get(url);
        if (existing) return existing;
        const promise = run(url, options).finally(() => running.delete(url));
        running.set(url, promise);
        return promise;
      },

      resume(url) {
        const job = jobFor(get().jobs, url);
        return get().start(url, job ? (job.sha256 ? { sha256: job.sha256 } : { allowUnverified: true }) : {});
      },

      async pause(url) {
        const controller = controllers.get(url);
        if (controller) {
          patchActive(url, { pausing: true });
          controller.abort();
          await running.get(url);
          return;
        }
        // Running elsewhere (another window, or before a reload): ask the server to pause it.
        const job = jobFor(get().jobs, url);
        if (!job) return;
        try {
          await api.call('models.pauseDownload', { id: job.id });
        } catch (error) {
          onError?.(error);
          set({ errors: { ...get().errors, [url]: toSerialized(error) } });
        }
        await get().refresh();
      },

      async cancel(url) {
        const knownId = get().active[url]?.id ?? null;
        const controller = controllers.get(url);
        if (controller) {
          patchActive(url, { pausing: true });
          controller.abort();
          await running.get(url);
        }
        const id = knownId ?? jobFor(get().jobs, url)?.id ?? null;
        set({ errors: without(get().errors, url), unverified: without(get().unverified, url) });
        if (!id) return;
        try {
          await api.call('models.cancelDownload', { id });
        } catch (error) {
          onError?.(error);
          set({ errors: { ...get().errors, [url]: toSerialized(error) } });
        }
        await get().refresh();
      },

      dismiss(url) {
        set({ errors: without(get().errors, url), unverified: without(get().unverified, url) });
      },
    };
  });
}

export type DownloadsStore = ReturnType<typeof createDownloadsStore>;
