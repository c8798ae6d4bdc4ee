/**
 * Fine-tuning jobs in the app's SQLite database (tables from migration 6): each job's settings and state, its loss
 * series (a row per optimizer step, written as the step finishes), validation losses, checkpoints and samples.
 */
import type { Database } from 'better-sqlite3';
import type { SftConfig, TrainCheckpoint, TrainJobStatus, TrainLossPoint, TrainSample, TrainValidationPoint } from '../../shared/training';
import { deleteJobRow, jobStateOf, listJobRows, pauseAbandonedJobs, readJobRow, updateJobRow, type JobStateRow } from './jobRows';

interface JobRow extends JobStateRow {
  id: string;
  name: string;
  kind: string;
  status: string;
  model_path: string;
  model_name: string;
  out_path: string;
  job_dir: string;
  config_json: string;
  items: number;
  validation_items: number;
  tokens: number;
  warnings_json: string;
  backend: string | null;
}

export interface StoredJob {
  id: string;
  name: string;
  kind: 'sft';
  status: TrainJobStatus;
  modelPath: string;
  modelName: string;
  outPath: string;
  jobDir: string;
  config: SftConfig;
  items: number;
  validationItems: number;
  tokens: number;
  warnings: string[];
  step: number;
  totalSteps: number | null;
  checkpointStep: number | null;
  backend: string | null;
  elapsedSeconds: number;
  ownerPid: number | null;
  error: { code: string; message: string } | null;
  createdAt: number;
  updatedAt: number;
}

export type NewJob = Pick<StoredJob, 'id' | 'name' | 'modelPath' | 'modelName' | 'outPath' | 'jobDir' | 'config' | 'items' | 'validationItems' | 'tokens' | 'warnings'>;

function toJob(row: JobRow): StoredJob {
  return {
    id: row.id,
    name: row.name,
    kind: 'sft',
    status: row.status as TrainJobStatus,
    modelPath: row.model_path,
    modelName: row.model_name,
    outPath: row.out_path,
    jobDir: row.job_dir,
    config: JSON.parse(row.config_json) as SftConfig,
    items: row.items,
    validationItems: row.validation_items,
    tokens: row.tokens,
    warnings: JSON.parse(row.warnings_json) as string[],
    backend: row.backend,
    ...jobStateOf(row),
  };
}

export class TrainingRepository {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  create(job: NewJob): StoredJob {
    const at = this.now();
    this.db
      .prepare(
        `INSERT INTO train_jobs (id, name, kind, status, model_path, model_name, out_path, job_dir, config_json, items, validation_items, tokens, warnings_json, created_at, updated_at)
         VALUES (?, ?, 'sft', 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(job.id, job.name, job.modelPath, job.modelName, job.outPath, job.jobDir, JSON.stringify(job.config), job.items, job.validationItems, job.tokens, JSON.stringify(job.warnings), at, at);
    return this.get(job.id);
  }

  get(id: string): StoredJob {
    return toJob(readJobRow<JobRow>(this.db, 'train_jobs', id, 'training job'));
  }

  list(): StoredJob[] {
    return listJobRows<JobRow>(this.db, 'train_jobs').map(toJob);
  }

  update(id: string, patch: Partial<Pick<StoredJob, 'status' | 'step' | 'totalSteps' | 'checkpointStep' | 'backend' | 'elapsedSeconds' | 'ownerPid' | 'error'>>): void {
    updateJobRow(this.db, 'train_jobs', id, patch, this.now());
  }

  remove(id: string): boolean {
    return deleteJobRow(this.db, 'train_jobs', id);
  }

  /** Jobs left running or queued by a process that is gone wait for `resume`. */
  pauseAbandoned(): number {
    return pauseAbandonedJobs(this.list(), (id) => this.update(id, { status: 'paused', ownerPid: null }));
  }

  addPoint(jobId: string, p: TrainLossPoint): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO train_points (job_id, step, epoch, loss, tokens, tokens_per_second, peak_memory_bytes, lr, elapsed_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(jobId, p.step, p.epoch, p.loss, p.tokens, p.tokensPerSecond, p.peakMemoryBytes, p.lr, p.elapsedSeconds);
  }

  points(jobId: string): TrainLossPoint[] {
    return (
      this.db.prepare('SELECT * FROM train_points WHERE job_id = ? ORDER BY step').all(jobId) as Array<{
        step: number;
        epoch: number;
        loss: number;
        tokens: number;
        tokens_per_second: number;
        peak_memory_bytes: number;
        lr: number;
        elapsed_seconds: number;
      }>
    ).map((r) => ({ step: r.step, epoch: r.epoch, loss: r.loss, tokens: r.tokens, tokensPerSecond: r.tokens_per_second, peakMemoryBytes: r.peak_memory_bytes, lr: r.lr, elapsedSeconds: r.elapsed_seconds }));
  }

  addValidation(jobId: string, v: TrainValidationPoint): void {
    this.db.prepare('INSERT OR REPLACE INTO train_validation (job_id, step, loss) VALUES (?, ?, ?)').run(jobId, v.step, v.loss);
  }

  validation(jobId: string): TrainValidationPoint[] {
    return this.db.prepare('SELECT step, loss FROM train_validation WHERE job_id = ? ORDER BY step').all(jobId) as TrainValidationPoint[];
  }

  addCheckpoint(jobId: string, c: TrainCheckpoint): void {
    this.db.prepare('INSERT OR REPLACE INTO train_checkpoints (job_id, step, adapter_path, created_at) VALUES (?, ?, ?, ?)').run(jobId, c.step, c.adapterPath, c.createdAt);
  }

  checkpoints(jobId: string): TrainCheckpoint[] {
    return (this.db.prepare('SELECT step, adapter_path, created_at FROM train_checkpoints WHERE job_id = ? ORDER BY step').all(jobId) as Array<{ step: number; adapter_path: string; created_at: number }>).map(
      (r) => ({ step: r.step, adapterPath: r.adapter_path, createdAt: r.created_at }),
    );
  }

  addSample(jobId: string, seq: number, s: TrainSample): void {
    this.db.prepare('INSERT OR REPLACE INTO train_samples (job_id, step, seq, question, reference, output) VALUES (?, ?, ?, ?, ?, ?)').run(jobId, s.step, seq, s.question, s.reference, s.output);
  }

  samples(jobId: string): TrainSample[] {
    return this.db.prepare('SELECT step, question, reference, output FROM train_samples WHERE job_id = ? ORDER BY step, seq').all(jobId) as TrainSample[];
  }

  /** Forgets what came after a checkpoint: a resumed trainer repeats those steps. */
  truncateAfter(jobId: string, step: number): void {
    this.db.prepare('DELETE FROM train_points WHERE job_id = ? AND step > ?').run(jobId, step);
    this.db.prepare('DELETE FROM train_validation WHERE job_id = ? AND step > ?').run(jobId, step);
    this.db.prepare('DELETE FROM train_checkpoints WHERE job_id = ? AND step > ?').run(jobId, step);
    this.db.prepare('DELETE FROM train_samples WHERE job_id = ? AND step > ?').run(jobId, step);
  }

  /** Real tokens per second of the latest job on this model at this context length (for the time estimate). */
  measuredTokensPerSecond(modelPath: string, contextLength: number): number | null {
    for (const job of this.list()) {
      if (job.modelPath !== modelPath || job.config.contextLength !== contextLength) continue;
      const row = this.db.prepare('SELECT SUM(tokens) AS tokens, SUM(tokens / tokens_per_second) AS seconds FROM train_points WHERE job_id = ? AND tokens_per_second > 0').get(job.id) as {
        tokens: number | null;
        seconds: number | null;
      };
      if (row.tokens && row.seconds && row.seconds > 0) return row.tokens / row.seconds;
    }
    return null;
  }
}
