/**
 * The life of a fine-tuning job, the same for SFT and GRPO: queued one at a time on the JobQueue, paused or cancelled
 * (the running job through its service's `stop`, a queued one taken out of the queue, a row a stopped process left
 * behind marked), resumed from its last checkpoint, removed with its files. How a job runs, and what its rows and
 * events hold beside their status, stays with its service (TrainingService, GrpoService).
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AppError, isErrorCode, type ErrorCode } from '../../shared/errors';
import type { TrainJobStatus } from '../../shared/training';
import { JobQueue, type ActiveJob } from '../jobs/JobQueue';
import { fileSlug } from '../paths/fileSlug';
import { trainerUnavailable } from './trainerProcess';

/** What the user asked of a running job: how its end is recorded. */
export type StopRequest = 'pause' | 'cancel';

/** What the lifecycle needs of a running job's state; the services keep more beside it. */
export interface RunRequest {
  requested: StopRequest | null;
}

/** The job rows the lifecycle reads and writes (TrainingRepository, GrpoRepository). */
export interface LifecycleRepository {
  get(id: string): { status: TrainJobStatus; checkpointStep: number | null };
  update(id: string, patch: { status?: TrainJobStatus; ownerPid?: number | null; error?: { code: string; message: string } | null }): void;
  remove(id: string): boolean;
}

export interface TrainingJobsOptions<S extends RunRequest> {
  /** How messages name a job: "training job", "GRPO job". */
  noun: string;
  repository: LifecycleRepository;
  /** The trainer binary, or null when it is not built (resume is refused with TRAINER_UNAVAILABLE). */
  trainerPath: () => string | null;
  /** The state of a job about to run. */
  prepare: (jobId: string) => S;
  /** Runs the job; what it throws is recorded as the job's failure (TRAIN_FAILED unless it is an AppError). */
  execute: (job: ActiveJob<S>) => Promise<void>;
  /** Asks the running job to stop (its `requested` is already set); the lifecycle then waits for it to end. */
  stop: (job: ActiveJob<S>, what: StopRequest) => void;
  /** The message a failure is recorded with. Defaults to the error's. */
  failureMessage?: (jobId: string, error: AppError) => string;
  /** Sends the job's progress event (no step in it). */
  progress: (jobId: string) => void;
  /** Sends the event that says the list of jobs changed. */
  changed: () => void;
}

export class TrainingJobs<S extends RunRequest> {
  readonly queue: JobQueue<S>;
  private readonly repo: LifecycleRepository;

  constructor(private readonly options: TrainingJobsOptions<S>) {
    this.repo = options.repository;
    this.queue = new JobQueue<S>({
      prepare: options.prepare,
      execute: options.execute,
      failCode: 'TRAIN_FAILED',
      fail: (jobId, error) => this.repo.update(jobId, { status: 'failed', ownerPid: null, error: { code: error.code, message: options.failureMessage?.(jobId, error) ?? error.message } }),
      stopped: (jobId) => options.progress(jobId),
    });
  }

  /** The running job's state when `jobId` is the one running. */
  activeState(jobId: string): S | null {
    return this.queue.activeState(jobId);
  }

  /** Marks this process as the job's owner and queues it. */
  enqueue(jobId: string): void {
    this.repo.update(jobId, { ownerPid: process.pid });
    this.options.progress(jobId);
    this.queue.enqueue(jobId);
  }

  /** Queues a paused or failed job again; running, queued, complete and cancelled ones are refused. */
  resume(jobId: string): void {
    const job = this.repo.get(jobId);
    const noun = this.options.noun;
    if (job.status === 'running' || job.status === 'queued') throw new AppError('TRAIN_JOB_ACTIVE', `This ${noun} is already running or waiting its turn.`, { jobId });
    if (job.status === 'complete') throw new AppError('INVALID_INPUT', `This ${noun} is complete; start a new one to train further.`, { jobId });
    if (job.status === 'cancelled') throw new AppError('INVALID_INPUT', `This ${noun} was cancelled; start a new one.`, { jobId });
    if (!this.options.trainerPath()) throw trainerUnavailable();
    this.repo.update(jobId, { status: 'queued', error: null });
    this.enqueue(jobId);
  }

  /** Pauses or cancels a job and waits until it has stopped. */
  async halt(jobId: string, what: StopRequest): Promise<void> {
    const job = this.repo.get(jobId);
    const status = what === 'pause' ? 'paused' : 'cancelled';
    const active = this.queue.active;
    if (active?.id === jobId) {
      active.state.requested = what;
      this.options.stop(active, what);
      await active.done;
    } else if (!this.queue.remove(jobId, () => this.repo.update(jobId, { status, ownerPid: null }))) {
      // Neither queued nor running here: a row a stopped process left behind.
      if (job.status === 'running' || job.status === 'queued' || (what === 'cancel' && (job.status === 'paused' || job.status === 'failed'))) this.repo.update(jobId, { status, ownerPid: null });
    }
    this.options.progress(jobId);
  }

  /** Cancels the job if it is queued or running, then forgets it and deletes its folder. */
  async remove(jobId: string, dir: string): Promise<boolean> {
    if (this.queue.has(jobId)) await this.halt(jobId, 'cancel');
    const removed = this.repo.remove(jobId);
    await rm(dir, { recursive: true, force: true });
    this.options.changed();
    return removed;
  }

  /** Records a run that ended because the user asked it to (paused or cancelled). */
  finishRequested(active: ActiveJob<S>): void {
    this.repo.update(active.id, { status: active.state.requested === 'cancel' ? 'cancelled' : 'paused', ownerPid: null });
  }

  /** Resolves with `read()` when the job stops (complete, paused, failed or cancelled). */
  whenSettled<T>(jobId: string, read: () => T): Promise<T> {
    return this.queue.whenSettled(jobId, read);
  }

  /** Pauses everything (the app is closing): queued jobs wait for resume; the running one is asked to pause and stopped by `stop`. */
  async stopAll(stop: (active: ActiveJob<S>) => Promise<void>): Promise<void> {
    await this.queue.stopAll(
      (jobId) => this.repo.update(jobId, { status: 'paused', ownerPid: null }),
      async (active) => {
        active.state.requested = 'pause';
        await stop(active);
      },
    );
  }
}

/** Threads for a job that says `threads` (0: the default, else one less than the usable cores). */
export function jobThreads(threads: number, defaultThreads: number | undefined): number {
  return threads > 0 ? threads : (defaultThreads ?? Math.max(1, os.availableParallelism() - 1));
}

/** A new job's id, its name (the given one, or the model's with the kind and the time) and where its adapter goes. */
export function newJobNames(
  input: { name?: string | undefined; out?: string | undefined },
  model: { name?: string | null | undefined; path: string },
  options: { kind: 'SFT' | 'GRPO'; dataDir: string; now: number },
): { id: string; modelName: string; name: string; outPath: string } {
  const id = randomUUID();
  const modelName = model.name ?? path.basename(model.path, '.gguf');
  const name = input.name ?? `${modelName} ${options.kind} ${new Date(options.now).toISOString().slice(0, 16).replace('T', ' ')}`;
  const outPath = path.resolve(input.out ?? path.join(options.dataDir, 'adapters', `${fileSlug(name, 'adapter')}-${id.slice(0, 8)}.gguf`));
  return { id, modelName, name, outPath };
}

/** Seconds left for a running job: the steps to go at the mean of the recent steps' times; null when not known. */
export function etaSeconds(job: { status: TrainJobStatus; step: number; totalSteps: number | null }, recentStepSeconds: readonly number[]): number | null {
  if (job.status !== 'running' || job.totalSteps === null || recentStepSeconds.length === 0) return null;
  return ((job.totalSteps - job.step) * recentStepSeconds.reduce((a, b) => a + b, 0)) / recentStepSeconds.length;
}

/** A stored error as a summary shows it: a code this version does not know reads as TRAIN_FAILED. */
export function summaryError(error: { code: string; message: string } | null): { code: ErrorCode; message: string } | null {
  return error ? { code: isErrorCode(error.code) ? error.code : 'TRAIN_FAILED', message: error.message } : null;
}
