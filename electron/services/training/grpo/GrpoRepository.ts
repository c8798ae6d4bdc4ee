/**
 * GRPO jobs in the app's SQLite database (tables from migration 7): each job's settings and state, and a row per step
 * with its numbers and, for the most recent steps only, its sampled groups (a step of 2 prompts × 8 answers of 1,000
 * tokens is ~60 KB of text; older steps keep their numbers).
 */
import type { Database } from 'better-sqlite3';
import type { GrpoConfig, GrpoGroup, GrpoJobStatus, GrpoStepPoint, GrpoStepRecord } from '../../../shared/grpo';
import { deleteJobRow, jobStateOf, listJobRows, pauseAbandonedJobs, readJobRow, updateJobRow, type JobStateRow } from '../jobRows';

interface JobRow extends JobStateRow {
  id: string;
  name: string;
  status: string;
  model_path: string;
  model_name: string;
  init_adapter: string | null;
  out_path: string;
  data_path: string;
  work_dir: string;
  config_json: string;
  items: number;
  threads: number;
  warnings_json: string;
  total_steps: number;
}

interface StepRow {
  step: number;
  reward_mean: number;
  reward_std: number;
  format_reward: number;
  accuracy_reward: number;
  length: number;
  loss: number | null;
  rollout_tokens_per_second: number | null;
  train_tokens_per_second: number | null;
  seconds: number;
  peak_memory_bytes: number | null;
  groups_json?: string | null;
}

export interface StoredGrpoJob {
  id: string;
  name: string;
  status: GrpoJobStatus;
  modelPath: string;
  modelName: string;
  initAdapter: string | null;
  outPath: string;
  dataPath: string;
  workDir: string;
  config: GrpoConfig;
  items: number;
  threads: number;
  warnings: string[];
  step: number;
  totalSteps: number;
  checkpointStep: number | null;
  elapsedSeconds: number;
  ownerPid: number | null;
  error: { code: string; message: string } | null;
  createdAt: number;
  updatedAt: number;
}

export type NewGrpoJob = Pick<StoredGrpoJob, 'id' | 'name' | 'modelPath' | 'modelName' | 'initAdapter' | 'outPath' | 'dataPath' | 'workDir' | 'config' | 'items' | 'threads' | 'warnings'>;

function toJob(row: JobRow): StoredGrpoJob {
  return {
    id: row.id,
    name: row.name,
    status: row.status as GrpoJobStatus,
    modelPath: row.model_path,
    modelName: row.model_name,
    initAdapter: row.init_adapter,
    outPath: row.out_path,
    dataPath: row.data_path,
    workDir: row.work_dir,
    config: JSON.parse(row.config_json) as GrpoConfig,
    items: row.items,
    threads: row.threads,
    warnings: JSON.parse(row.warnings_json) as string[],
    ...jobStateOf(row),
  };
}

function toPoint(row: StepRow, totalSteps: number): GrpoStepPoint {
  return {
    step: row.step,
    totalSteps,
    rewardMean: row.reward_mean,
    rewardStd: row.reward_std,
    formatReward: row.format_reward,
    accuracyReward: row.accuracy_reward,
    length: row.length,
    loss: row.loss,
    rolloutTokensPerSecond: row.rollout_tokens_per_second,
    trainTokensPerSecond: row.train_tokens_per_second,
    seconds: row.seconds,
    peakMemoryBytes: row.peak_memory_bytes,
  };
}

export class GrpoRepository {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  create(job: NewGrpoJob): StoredGrpoJob {
    const at = this.now();
    this.db
      .prepare(
        `INSERT INTO grpo_jobs (id, name, status, model_path, model_name, init_adapter, out_path, data_path, work_dir, config_json, items, threads, warnings_json, total_steps, created_at, updated_at)
         VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(job.id, job.name, job.modelPath, job.modelName, job.initAdapter, job.outPath, job.dataPath, job.workDir, JSON.stringify(job.config), job.items, job.threads, JSON.stringify(job.warnings), job.config.steps, at, at);
    return this.get(job.id);
  }

  has(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM grpo_jobs WHERE id = ?').get(id) !== undefined;
  }

  get(id: string): StoredGrpoJob {
    return toJob(readJobRow<JobRow>(this.db, 'grpo_jobs', id, 'GRPO job'));
  }

  list(): StoredGrpoJob[] {
    return listJobRows<JobRow>(this.db, 'grpo_jobs').map(toJob);
  }

  update(id: string, patch: Partial<Pick<StoredGrpoJob, 'status' | 'step' | 'checkpointStep' | 'elapsedSeconds' | 'ownerPid' | 'error'>>): void {
    updateJobRow(this.db, 'grpo_jobs', id, patch, this.now());
  }

  remove(id: string): boolean {
    return deleteJobRow(this.db, 'grpo_jobs', id);
  }

  /** Jobs left running or queued by a process that is gone wait for `resume`. */
  pauseAbandoned(): number {
    return pauseAbandonedJobs(this.list(), (id) => this.update(id, { status: 'paused', ownerPid: null }));
  }

  /** Stores a step; only the last `keepGroups` steps keep their sampled groups. */
  addStep(jobId: string, record: GrpoStepRecord, keepGroups: number): void {
    const write = this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT OR REPLACE INTO grpo_steps (job_id, step, reward_mean, reward_std, format_reward, accuracy_reward, length, loss, rollout_tokens_per_second, train_tokens_per_second, seconds, peak_memory_bytes, groups_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          jobId,
          record.step,
          record.rewardMean,
          record.rewardStd,
          record.formatReward,
          record.accuracyReward,
          record.length,
          record.loss,
          record.rolloutTokensPerSecond,
          record.trainTokensPerSecond,
          record.seconds,
          record.peakMemoryBytes,
          keepGroups > 0 ? JSON.stringify(record.groups) : null,
        );
      this.db.prepare('UPDATE grpo_steps SET groups_json = NULL WHERE job_id = ? AND step <= ? AND groups_json IS NOT NULL').run(jobId, record.step - keepGroups);
    });
    write();
  }

  steps(jobId: string, totalSteps: number): GrpoStepPoint[] {
    const rows = this.db
      .prepare(
        'SELECT step, reward_mean, reward_std, format_reward, accuracy_reward, length, loss, rollout_tokens_per_second, train_tokens_per_second, seconds, peak_memory_bytes FROM grpo_steps WHERE job_id = ? ORDER BY step',
      )
      .all(jobId) as StepRow[];
    return rows.map((row) => toPoint(row, totalSteps));
  }

  lastStep(jobId: string, totalSteps: number): GrpoStepPoint | null {
    const row = this.db
      .prepare(
        'SELECT step, reward_mean, reward_std, format_reward, accuracy_reward, length, loss, rollout_tokens_per_second, train_tokens_per_second, seconds, peak_memory_bytes FROM grpo_steps WHERE job_id = ? ORDER BY step DESC LIMIT 1',
      )
      .get(jobId) as StepRow | undefined;
    return row ? toPoint(row, totalSteps) : null;
  }

  /** The groups of the steps that still have them, oldest first. */
  recentGroups(jobId: string): Array<{ step: number; groups: GrpoGroup[] }> {
    const rows = this.db.prepare('SELECT step, groups_json FROM grpo_steps WHERE job_id = ? AND groups_json IS NOT NULL ORDER BY step').all(jobId) as Array<{ step: number; groups_json: string }>;
    return rows.map((r) => ({ step: r.step, groups: JSON.parse(r.groups_json) as GrpoGroup[] }));
  }

  /**
   * Speeds measured by the latest job on this model (for the estimate): rollouts by one with the same group size (a
   * group decodes together, so its speed grows with the group), updates by one at the same context length.
   */
  measuredSpeeds(modelPath: string, group: number, contextLength: number): { rolloutTokensPerSecond: number | null; trainTokensPerSecond: number | null } {
    const mean = (jobId: string, column: 'rollout_tokens_per_second' | 'train_tokens_per_second') =>
      (this.db.prepare(`SELECT AVG(${column}) AS rate FROM grpo_steps WHERE job_id = ? AND ${column} > 0`).get(jobId) as { rate: number | null }).rate;
    let rollout: number | null = null;
    let train: number | null = null;
    for (const job of this.list()) {
      if (job.modelPath !== modelPath) continue;
      if (rollout === null && job.config.group === group) rollout = mean(job.id, 'rollout_tokens_per_second');
      if (train === null && job.config.contextLength === contextLength) train = mean(job.id, 'train_tokens_per_second');
      if (rollout !== null && train !== null) break;
    }
    return { rolloutTokensPerSecond: rollout, trainTokensPerSecond: train };
  }

  /** Forgets the steps after a checkpoint: a resumed run repeats them. */
  truncateAfter(jobId: string, step: number): void {
    this.db.prepare('DELETE FROM grpo_steps WHERE job_id = ? AND step > ?').run(jobId, step);
  }
}
