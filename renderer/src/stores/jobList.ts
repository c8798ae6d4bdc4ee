/**
 * A list of background jobs mirrored from a service (SFT, GRPO): the list reloaded on its `*.changed` event, each job's
 * progress from its `*.progress` event, one job open in a detail pane, pause/resume/cancel/remove one at a time per job,
 * and Start. The SFT and GRPO stores spread the slice into their state; what differs (the calls, the series a detail
 * keeps, what else goes with the open job) comes in the options.
 */
import type { SerializedError } from '../contract';
import { keyedActionRunner } from './keyedActions';
import { startRunner } from './startRunner';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export type JobAction = 'pausing' | 'resuming' | 'cancelling' | 'removing';

/** What the list needs of a job's summary. */
export interface ListedJob {
  id: string;
  status: string;
  createdAt: number;
  updatedAt: number;
}

/** The open job: its detail as last loaded (kept while it reloads). */
export interface OpenJobState<D> {
  jobId: string;
  status: 'loading' | 'ready' | 'error';
  data: D | null;
  error: SerializedError | null;
}

/** `S` a job's summary, `D` its detail (the summary with its series), `E` a progress event. */
export interface JobListState<S, D, E> {
  jobs: S[];
  jobsStatus: LoadStatus;
  jobsError: SerializedError | null;
  starting: boolean;
  startError: SerializedError | null;
  actions: Record<string, JobAction>;
  actionError: { jobId: string; error: SerializedError } | null;
  detail: OpenJobState<D> | null;

  refreshJobs(): Promise<void>;
  clearStartError(): void;
  pause(jobId: string): Promise<void>;
  resume(jobId: string): Promise<void>;
  cancel(jobId: string): Promise<void>;
  remove(jobId: string): Promise<boolean>;
  dismissActionError(): void;
  openJob(jobId: string): Promise<void>;
  closeJob(): void;
  /** A progress event (`train.progress`, `grpo.progress`): the job's summary, and its new points in the open detail. */
  applyProgress(event: E): void;
  /** A changed event (`train.changed`, `grpo.changed`): jobs were added or removed. */
  applyChanged(): Promise<void>;
}

/** The service's calls for these jobs. */
export interface JobCalls<S, D> {
  jobs(): Promise<S[]>;
  job(jobId: string): Promise<D>;
  pause(jobId: string): Promise<S>;
  resume(jobId: string): Promise<S>;
  cancel(jobId: string): Promise<S>;
  remove(jobId: string): Promise<unknown>;
}

/** `X`: the store's own fields that go with the open job. */
export interface JobListOptions<S, D, E, X> {
  calls: JobCalls<S, D>;
  /** Reports an error and returns it serialized for the state. */
  fail(error: unknown): SerializedError;
  /** The detail without its series: the summary the list keeps. */
  summaryOf(detail: D): S;
  /** The event's new points in the open job's series (none when the event has none). */
  addProgress(data: D, event: E): Partial<D>;
  /** What else goes when the open job's pane goes (closed, removed, gone from the list). Defaults to nothing. */
  onDetailClosed?(): Partial<X>;
  /** What else is reset when another job than the open one opens. Defaults to nothing. */
  onOtherJobOpened?(): Partial<X>;
}

export function isJobActive(job: { status: string }): boolean {
  return job.status === 'running' || job.status === 'queued';
}

/** Newest first. */
export function sortJobs<S extends ListedJob>(jobs: readonly S[]): S[] {
  return [...jobs].sort((a, b) => b.createdAt - a.createdAt);
}

/** Puts a summary into the list; an older event arriving after a newer answer does not step progress back. */
export function upsertJob<S extends ListedJob>(jobs: readonly S[], job: S): S[] {
  const index = jobs.findIndex((j) => j.id === job.id);
  if (index < 0) return sortJobs([...jobs, job]);
  if (jobs[index]!.updatedAt > job.updatedAt) return jobs as S[];
  const next = jobs.slice();
  next[index] = job;
  return next;
}

/** Adds a point to a series by step; a step at or before the last replaces the tail (a resume repeats the steps after its checkpoint). */
export function appendByStep<T extends { step: number }>(series: readonly T[], point: T): T[] {
  const last = series.at(-1);
  if (!last || point.step > last.step) return [...series, point];
  return [...series.filter((p) => p.step < point.step), point];
}

/**
 * The slice for a store created with `createStore`: `slice` goes into its initial state; `startJob` runs its `start`
 * call one at a time, then lists and opens the job it started.
 */
export function jobListSlice<S extends ListedJob, D extends S, E extends { job: S }, X extends object = object>(
  get: () => JobListState<S, D, E>,
  set: (partial: Partial<JobListState<S, D, E>>) => void,
  options: JobListOptions<S, D, E, X>,
) {
  const { calls, fail } = options;
  let jobsToken = 0;
  let detailToken = 0;

  const runStart = startRunner(get, set, fail);
  const runAction = keyedActionRunner<JobAction>(get, set);

  /** The patch that closes the open job's pane; a load of it still in flight is dropped. */
  const closed = () => {
    detailToken++;
    return { detail: null, ...options.onDetailClosed?.() };
  };

  /** A job's new summary, with the event's points when there is an event. */
  function applyJob(job: S, event: E | null) {
    const jobs = upsertJob(get().jobs, job);
    const detail = get().detail;
    if (detail?.jobId !== job.id || !detail.data) {
      if (jobs !== get().jobs) set({ jobs });
      return;
    }
    const current = jobs.find((j) => j.id === job.id) ?? job;
    const data = detail.data;
    // A checkpoint appears in the summary's checkpointStep; its files are refetched when the job settles.
    set({ jobs, detail: { ...detail, data: { ...data, ...current, ...(event ? options.addProgress(data, event) : {}) } } });
    // When it stops, the stored detail is read once (the last samples and checkpoints; a resume may have rewound the series).
    if (isJobActive(data) && !isJobActive(current)) void get().openJob(job.id);
  }

  async function jobAction(jobId: string, action: JobAction, call: (jobId: string) => Promise<S>) {
    await runAction(
      jobId,
      action,
      async () => applyJob(await call(jobId), null),
      (error) => {
        set({ actionError: { jobId, error: fail(error) } });
        void get().refreshJobs();
      },
    );
  }

  const slice: JobListState<S, D, E> = {
    jobs: [],
    jobsStatus: 'idle',
    jobsError: null,
    starting: false,
    startError: null,
    actions: {},
    actionError: null,
    detail: null,

    async refreshJobs() {
      const token = ++jobsToken;
      if (get().jobsStatus === 'idle') set({ jobsStatus: 'loading' });
      try {
        const jobs = await calls.jobs();
        if (token !== jobsToken) return;
        const ids = new Set(jobs.map((j) => j.id));
        const detail = get().detail;
        const gone = detail && !ids.has(detail.jobId) && detail.status !== 'loading';
        set({ jobs: sortJobs(jobs), jobsStatus: 'ready', jobsError: null, ...(gone ? closed() : {}) });
      } catch (error) {
        const serialized = fail(error);
        if (token !== jobsToken) return;
        set({ jobsStatus: get().jobs.length > 0 ? 'ready' : 'error', jobsError: serialized });
      }
    },

    clearStartError() {
      set({ startError: null });
    },

    pause(jobId) {
      return jobAction(jobId, 'pausing', calls.pause);
    },

    resume(jobId) {
      return jobAction(jobId, 'resuming', calls.resume);
    },

    cancel(jobId) {
      return jobAction(jobId, 'cancelling', calls.cancel);
    },

    async remove(jobId) {
      const removed = await runAction(
        jobId,
        'removing',
        async () => {
          await calls.remove(jobId);
          const open = get().detail?.jobId === jobId;
          set({ jobs: get().jobs.filter((j) => j.id !== jobId), ...(open ? closed() : {}) });
          return true;
        },
        (error) => {
          set({ actionError: { jobId, error: fail(error) } });
          return false;
        },
      );
      return removed ?? false;
    },

    dismissActionError() {
      set({ actionError: null });
    },

    async openJob(jobId) {
      const token = ++detailToken;
      const same = get().detail?.jobId === jobId;
      const known = same ? get().detail!.data : null;
      set({ detail: { jobId, status: 'loading', data: known, error: null }, ...(same ? {} : options.onOtherJobOpened?.()) });
      try {
        const data = await calls.job(jobId);
        if (token !== detailToken) return;
        // Events that arrived while it loaded may be newer than the answer: their summary wins, the series are the answer's.
        const summary = get().jobs.find((j) => j.id === jobId);
        const merged: D = summary && summary.updatedAt > data.updatedAt ? { ...data, ...summary } : data;
        set({ detail: { jobId, status: 'ready', data: merged, error: null }, jobs: upsertJob(get().jobs, options.summaryOf(merged)) });
      } catch (error) {
        const serialized = fail(error);
        if (token !== detailToken) return;
        set({ detail: { jobId, status: 'error', data: null, error: serialized } });
      }
    },

    closeJob() {
      set(closed());
    },

    applyProgress(event) {
      applyJob(event.job, event);
    },

    async applyChanged() {
      if (get().jobsStatus !== 'idle') await get().refreshJobs();
    },
  };

  /** What `start` started (listed and opened), or null when one is already starting or it failed. */
  function startJob(start: () => Promise<S>): Promise<S | null> {
    return runStart(async () => {
      const job = await start();
      applyJob(job, null);
      void get().openJob(job.id);
      return job;
    });
  }

  return { slice, startJob };
}
