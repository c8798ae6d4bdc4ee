/**
 * Long jobs one at a time: a FIFO queue of ids, the one running with its AbortController, and promises that wait
 * for a job to stop. What a job is (its rows, its statuses, how it runs) stays with the service that owns it.
 */
import { AppError, type ErrorCode } from '../../shared/errors';

/** The job that is running now. */
export interface ActiveJob<S> {
  readonly id: string;
  /** Aborted by `abort()`; the execution watches its signal. */
  readonly controller: AbortController;
  /** What the service keeps about the run in flight (what the user asked for, timings for the ETA). */
  readonly state: S;
  /** Settles once the execution has ended and a failure, if any, is recorded. */
  readonly done: Promise<void>;
}

export interface JobQueueOptions<S> {
  /** The state of a job about to run. */
  prepare: (id: string) => S;
  /** Runs the job; a rejection goes to `fail`. */
  execute: (job: ActiveJob<S>) => Promise<void>;
  /** Records an execution that threw (anything thrown that is not an AppError comes as one with `failCode`). */
  fail: (id: string, error: AppError) => void;
  /** The code of a failure that was not an AppError. */
  failCode: ErrorCode;
  /** After a job has stopped and before its waiters wake and the next one starts. */
  stopped?: (id: string) => void;
}

export class JobQueue<S> {
  private readonly queue: string[] = [];
  private current: ActiveJob<S> | null = null;
  private readonly waiters = new Map<string, Array<() => void>>();

  constructor(private readonly options: JobQueueOptions<S>) {}

  /** The running job, or null when none runs. */
  get active(): ActiveJob<S> | null {
    return this.current;
  }

  /** The running job's state when `id` is the one running. */
  activeState(id: string): S | null {
    return this.current?.id === id ? this.current.state : null;
  }

  /** Whether the job is waiting its turn or running. */
  has(id: string): boolean {
    return this.current?.id === id || this.queue.includes(id);
  }

  /** Queues a job (once) and starts it when nothing runs. */
  enqueue(id: string): void {
    if (!this.queue.includes(id)) this.queue.push(id);
    this.pump();
  }

  /**
   * Takes a job out of the queue (not the running one), records it with `unqueued` and wakes its waiters; false when
   * it was not queued.
   */
  remove(id: string, unqueued: (id: string) => void): boolean {
    const index = this.queue.indexOf(id);
    if (index < 0) return false;
    this.queue.splice(index, 1);
    unqueued(id);
    this.settle(id);
    return true;
  }

  /** Aborts the running job's signal and waits for it to stop. */
  async abort(): Promise<void> {
    const job = this.current;
    if (!job) return;
    job.controller.abort();
    await job.done;
  }

  /**
   * Resolves with `read()` when the job stops (at once when it is neither queued nor running here). `read` runs the
   * moment it stops, before the next job starts.
   */
  whenSettled<T>(id: string, read: () => T): Promise<T> {
    if (!this.has(id)) return Promise.resolve(read());
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(() => resolve(read()));
      this.waiters.set(id, list);
    });
  }

  /**
   * Empties the queue (each job through `unqueued`, then its waiters woken) and stops the running one with `stop`
   * (by default: abort it and wait).
   */
  async stopAll(unqueued: (id: string) => void, stop: (job: ActiveJob<S>) => Promise<void> = () => this.abort()): Promise<void> {
    for (const id of this.queue.splice(0)) {
      unqueued(id);
      this.settle(id);
    }
    if (this.current) await stop(this.current);
  }

  private pump(): void {
    if (this.current) return;
    const id = this.queue.shift();
    if (!id) return;
    const job: { -readonly [K in keyof ActiveJob<S>]: ActiveJob<S>[K] } = { id, controller: new AbortController(), state: this.options.prepare(id), done: Promise.resolve() };
    this.current = job;
    job.done = this.options
      .execute(job)
      .catch((error: unknown) => this.options.fail(id, AppError.is(error) ? error : new AppError(this.options.failCode, error instanceof Error ? error.message : String(error))))
      .finally(() => {
        this.current = null;
        this.options.stopped?.(id);
        this.settle(id);
        this.pump();
      });
  }

  private settle(id: string): void {
    const list = this.waiters.get(id);
    if (!list) return;
    this.waiters.delete(id);
    for (const wake of list) wake();
  }
}
