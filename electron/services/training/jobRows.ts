/**
 * What the SFT and GRPO job tables have in common: a job row belongs to the process that queued it (`owner_pid`),
 * and its patches are written column by column.
 */
import type { Database } from 'better-sqlite3';

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
