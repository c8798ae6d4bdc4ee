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

/** Writes the given columns of one job row (by `id`) and its `updated_at`. */
export function updateJobRow(db: Database, table: string, id: string, columns: Record<string, unknown>, updatedAt: number): void {
  const keys = Object.keys(columns);
  db.prepare(`UPDATE ${table} SET ${[...keys.map((k) => `${k} = @${k}`), 'updated_at = @updated_at'].join(', ')} WHERE id = @id`).run({ ...columns, updated_at: updatedAt, id });
}
