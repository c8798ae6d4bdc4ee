/**
 * What the SFT and GRPO job tables have in common: the columns of a job's state (step, checkpoint, owner, error,
 * times), reading and deleting a row by id; a job row belongs to the process that queued it (`owner_pid`), and its
 * patches are written column by column.
 */
import type { Database } from 'better-sqlite3';
import { AppError } from '../../shared/errors';

/** The state columns both job tables have. */
export interface JobStateRow {
  step: number;
  total_steps: number | null;
  checkpoint_step: number | null;
  elapsed_seconds: number;
  owner_pid: number | null;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  updated_at: number;
}

/** A row's state columns as a stored job's fields. */
export function jobStateOf<R extends JobStateRow>(row: R) {
  return {
    step: row.step,
    totalSteps: row.total_steps as R['total_steps'],
    checkpointStep: row.checkpoint_step,
    elapsedSeconds: row.elapsed_seconds,
    ownerPid: row.owner_pid,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** One job's row; TRAIN_JOB_NOT_FOUND (naming the job as `noun`) when there is none. */
export function readJobRow<R>(db: Database, table: string, id: string, noun: string): R {
  const row = db.prepare(`SELECT * FROM ${table} WHERE id = ?`).get(id) as R | undefined;
  if (!row) throw new AppError('TRAIN_JOB_NOT_FOUND', `No ${noun} ${id}. See the list of jobs (\`dianjin train list\`).`, { jobId: id });
  return row;
}

/** All the table's job rows, newest first. */
export function listJobRows<R>(db: Database, table: string): R[] {
  return db.prepare(`SELECT * FROM ${table} ORDER BY created_at DESC`).all() as R[];
}

/** Deletes a job's row (its series go with it, ON DELETE CASCADE); false when there was none. */
export function deleteJobRow(db: Database, table: string, id: string): boolean {
  return db.prepare(`DELETE FROM ${table} WHERE id = ?`).run(id).changes > 0;
}

/** Whether a process with this id is alive (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A job left running or queued by a process that is gone (not this one, not another one still alive). */
export function isAbandoned(job: { status: string; ownerPid: number | null }): boolean {
  return (job.status === 'running' || job.status === 'queued') && !(job.ownerPid !== null && job.ownerPid !== process.pid && processAlive(job.ownerPid));
}

/** The fields a job patch may set, in both tables. */
export interface JobPatch {
  status?: string;
  step?: number;
  totalSteps?: number | null;
  checkpointStep?: number | null;
  backend?: string | null;
  elapsedSeconds?: number;
  ownerPid?: number | null;
  error?: { code: string; message: string } | null;
}

const COLUMNS: Record<Exclude<keyof JobPatch, 'error'>, string> = {
  status: 'status',
  step: 'step',
  totalSteps: 'total_steps',
  checkpointStep: 'checkpoint_step',
  backend: 'backend',
  elapsedSeconds: 'elapsed_seconds',
  ownerPid: 'owner_pid',
};

/** Writes the given fields of one job row (by `id`) and its `updated_at`. */
export function updateJobRow(db: Database, table: string, id: string, patch: JobPatch, updatedAt: number): void {
  const columns: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(COLUMNS)) {
    const value = patch[field as keyof typeof COLUMNS];
    if (value !== undefined) columns[column] = value;
  }
  if (patch.error !== undefined) {
    columns.error_code = patch.error?.code ?? null;
    columns.error_message = patch.error?.message ?? null;
  }
  const keys = Object.keys(columns);
  db.prepare(`UPDATE ${table} SET ${[...keys.map((k) => `${k} = @${k}`), 'updated_at = @updated_at'].join(', ')} WHERE id = @id`).run({ ...columns, updated_at: updatedAt, id });
}

/** Marks the jobs a gone process left running or queued as paused (they wait for `resume`); returns how many. */
export function pauseAbandonedJobs(jobs: ReadonlyArray<{ id: string; status: string; ownerPid: number | null }>, pause: (id: string) => void): number {
  const abandoned = jobs.filter(isAbandoned);
  for (const job of abandoned) pause(job.id);
  return abandoned.length;
}
