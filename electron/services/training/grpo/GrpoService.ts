/**
 * GRPO jobs: the data is read and checked (line-numbered problems), the job estimated (memory and time, grpoEstimate.ts;
 * refused with TRAIN_WONT_FIT when it will not fit), stored and queued; one job runs at a time
 * (GrpoRunner: group rollouts in an inference process of the job's own, updates in the trainer's session). Each step
 * goes into the database and out as a `grpo.progress` event. Pause aborts the runner, which writes a checkpoint and
 * returns; resume continues from the last checkpoint, which is also how a crash or a killed app is recovered (at most
 * the steps since the last checkpoint are repeated). A finished adapter is registered in the model library.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AppEvent } from '../../../shared/api';
import { AppError, isErrorCode } from '../../../shared/errors';
import { GrpoConfig, type GrpoEstimate, type GrpoEstimateInput, type GrpoJobDetail, type GrpoJobSummary, type GrpoStartInput, type GrpoStepRecord } from '../../../shared/grpo';
import type { TrainedAdapter } from '../../../shared/training';
import type { EventHub } from '../../events/EventHub';
import { JobQueue, type ActiveJob } from '../../jobs/JobQueue';
import { inspectLoraAdapter } from '../../models/inspectLora';
import { inspectModelFile } from '../../models/inspectModel';
import { estimateTokens } from '../../documents/sourcePrompt';
import { readModelShape, wontFitError } from '../estimate';
import { trainerUnavailable } from '../trainerProcess';
import { readGrpoFile } from './grpoData';
import { estimateGrpo, readRolloutMemory } from './grpoEstimate';
import type { StoredGrpoJob, GrpoRepository } from './GrpoRepository';
import { grpoTurns, runGrpo } from './GrpoRunner';
import type { GrpoItem, RewardFunction } from './rewards';
import type { GrpoRollouts, OpenRollouts } from './rollouts';

export interface GrpoServiceOptions {
  repository: GrpoRepository;
  events: EventHub<AppEvent>;
  /** Jobs keep their files under `<dataDir>/grpo/<job id>/`; adapters go to `<dataDir>/adapters/` by default. */
  dataDir: string;
  /** The trainer binary, or null when it is not built. */
  trainerPath: () => string | null;
  /** Starts the inference process a job samples its groups in (see rollouts.ts). */
  openRollouts: OpenRollouts;
  /** Registers a finished adapter in the model library. */
  registerAdapter?: (adapter: TrainedAdapter) => void;
  /** Threads when the job says 0. Defaults to one less than the usable cores. */
  defaultThreads?: number;
  /** Steps whose sampled groups are kept (older steps keep their numbers only). Defaults to 20. */
  keepGroups?: number;
  /** Replaces the configured reward (tests, and rewards defined in code). */
  reward?: (options: { startInReasoning: boolean }) => RewardFunction;
  /** Memory a job may use (the estimate). Defaults to the machine's total RAM. */
  totalMemoryBytes?: number;
  /** Real tokens per second an earlier SFT job measured on this model at this context, if any (the update's speed when no GRPO job measured one). */
  measuredSftTokensPerSecond?: (modelPath: string, contextLength: number) => number | null;
  now?: () => number;
}

/** Tokens a chat template adds around each turn (role markers) and of its own (a default system prompt, the answer's opening), on the safe side. */
const TEMPLATE_TOKENS_PER_TURN = 8;
const TEMPLATE_TOKENS = 32;

/** What a running job keeps beside its id and controller. */
interface RunState {
  /** What the user asked for: how a `paused` return of the runner is recorded. */
  requested: 'pause' | 'cancel' | null;
  recentStepSeconds: number[];
}

export class GrpoService {
  private readonly repo: GrpoRepository;
  private readonly jobs: JobQueue<RunState>;
  private readonly now: () => number;

  constructor(private readonly options: GrpoServiceOptions) {
    this.repo = options.repository;
    this.now = options.now ?? Date.now;
    this.jobs = new JobQueue<RunState>({
      prepare: () => ({ requested: null, recentStepSeconds: [] }),
      execute: (job) => this.execute(job),
      fail: (jobId, error) => {
        const e = error instanceof AppError ? error : new AppError('TRAIN_FAILED', error instanceof Error ? error.message : String(error));
        const checkpoint = this.repo.get(jobId).checkpointStep;
        const message = `${e.message.replace(/ It is being restarted\.$/, '')}${checkpoint !== null ? ` Resume continues from step ${checkpoint}.` : ''}`;
        this.repo.update(jobId, { status: 'failed', ownerPid: null, error: { code: e.code, message } });
      },
      stopped: (jobId) => this.emitProgress(jobId, null),
    });
    this.repo.pauseAbandoned();
  }

  private threads(job: StoredGrpoJob): number {
    return job.threads > 0 ? job.threads : (this.options.defaultThreads ?? Math.max(1, os.availableParallelism() - 1));
  }

  /** Memory and time for a job, before it starts (refused at start with TRAIN_WONT_FIT when it will not fit). */
  async estimate(input: GrpoEstimateInput): Promise<GrpoEstimate> {
    const config = GrpoConfig.parse(input.config ?? {});
    const model = await inspectModelFile(input.modelPath, { contextSize: Math.min(config.contextLength, 4096) });
    let promptTokens = input.promptTokens ?? null;
    if (promptTokens === null && input.data) promptTokens = longestPromptTokens((await readGrpoFile(path.resolve(input.data))).items, config);
    return this.estimateFor(model.path, config, { promptTokens, initAdapter: input.initAdapter !== undefined, threads: input.threads ?? 0 });
  }

  private async estimateFor(modelPath: string, config: GrpoConfig, job: { promptTokens: number | null; initAdapter: boolean; threads: number }): Promise<GrpoEstimate> {
    const [shape, rollout] = await Promise.all([readModelShape(modelPath), readRolloutMemory(modelPath)]);
    const measured = this.repo.measuredSpeeds(modelPath, config.group, config.contextLength);
    return estimateGrpo(modelPath, shape, rollout, config, {
      promptTokens: job.promptTokens,
      initAdapter: job.initAdapter,
      threads: job.threads > 0 ? job.threads : (this.options.defaultThreads ?? Math.max(1, os.availableParallelism() - 1)),
      measuredRolloutTokensPerSecond: measured.rolloutTokensPerSecond,
      measuredTrainTokensPerSecond: measured.trainTokensPerSecond ?? this.options.measuredSftTokensPerSecond?.(modelPath, config.contextLength) ?? null,
      ...(this.options.totalMemoryBytes ? { availableBytes: this.options.totalMemoryBytes } : {}),
    });
  }

  /** Checks the model, the adapter, the data and that the job fits, stores it and queues it; progress arrives as `grpo.progress` events. */
  async start(input: GrpoStartInput): Promise<GrpoJobSummary> {
    if (!this.options.trainerPath()) throw trainerUnavailable();
    const config = GrpoConfig.parse(input.config ?? {});
    const model = await inspectModelFile(input.modelPath, { contextSize: Math.min(config.contextLength, 4096) });
    const initAdapter = input.initAdapter ? path.resolve(input.initAdapter) : null;
    if (initAdapter) await inspectLoraAdapter(initAdapter, model.path);
    const dataPath = path.resolve(input.data);
    const data = await readGrpoFile(dataPath);
    const estimate = await this.estimateFor(model.path, config, { promptTokens: longestPromptTokens(data.items, config), initAdapter: initAdapter !== null, threads: input.threads ?? 0 });
    if (!estimate.fits) throw wontFitError(estimate);

    const id = randomUUID();
    const modelName = model.name ?? path.basename(model.path, '.gguf');
    const name = input.name ?? `${modelName} GRPO ${new Date(this.now()).toISOString().slice(0, 16).replace('T', ' ')}`;
    const workDir = path.join(this.options.dataDir, 'grpo', id);
    const outPath = path.resolve(input.out ?? path.join(this.options.dataDir, 'adapters', `${slug(name)}-${id.slice(0, 8)}.gguf`));
    await mkdir(workDir, { recursive: true });
    await mkdir(path.dirname(outPath), { recursive: true });
    // The prompts as read: resume trains on the same prompts even if the file changes meanwhile.
    await writeFile(path.join(workDir, 'items.json'), JSON.stringify(data.items));
    this.repo.create({ id, name, modelPath: model.path, modelName, initAdapter, outPath, dataPath, workDir, config, items: data.items.length, threads: input.threads ?? 0, warnings: data.errors });
    this.options.events.emit({ type: 'grpo.changed' });
    this.enqueue(id);
    return this.summary(id);
  }

  /** Continues a paused or failed job from its last checkpoint. */
  resume(jobId: string): GrpoJobSummary {
    const job = this.repo.get(jobId);
    if (job.status === 'running' || job.status === 'queued') throw new AppError('TRAIN_JOB_ACTIVE', 'This GRPO job is already running or waiting its turn.', { jobId });
    if (job.status === 'complete') throw new AppError('INVALID_INPUT', 'This GRPO job is complete; start a new one to train further.', { jobId });
    if (job.status === 'cancelled') throw new AppError('INVALID_INPUT', 'This GRPO job was cancelled; start a new one.', { jobId });
    if (!this.options.trainerPath()) throw trainerUnavailable();
    this.repo.update(jobId, { status: 'queued', error: null });
    this.enqueue(jobId);
    return this.summary(jobId);
  }

  /** Stops a job: the step in flight ends (its rollouts are cut short), a checkpoint is written; `resume` continues. */
  pause(jobId: string): Promise<GrpoJobSummary> {
    return this.halt(jobId, 'pause');
  }

  /** Stops a job for good; its files stay until it is removed. */
  cancel(jobId: string): Promise<GrpoJobSummary> {
    return this.halt(jobId, 'cancel');
  }

  private async halt(jobId: string, what: 'pause' | 'cancel'): Promise<GrpoJobSummary> {
    const job = this.repo.get(jobId);
    const status = what === 'pause' ? 'paused' : 'cancelled';
    const active = this.jobs.active;
    if (active?.id === jobId) {
      active.state.requested = what;
      await this.jobs.abort();
    } else if (!this.jobs.remove(jobId, () => this.repo.update(jobId, { status, ownerPid: null }))) {
      // Neither queued nor running here: a row a stopped process left behind.
      if (job.status === 'running' || job.status === 'queued' || (what === 'cancel' && (job.status === 'paused' || job.status === 'failed'))) this.repo.update(jobId, { status, ownerPid: null });
    }
    this.emitProgress(jobId, null);
    return this.summary(jobId);
  }

  async remove(jobId: string): Promise<boolean> {
    const job = this.repo.get(jobId);
    if (this.jobs.has(jobId)) await this.cancel(jobId);
    const removed = this.repo.remove(jobId);
    await rm(job.workDir, { recursive: true, force: true });
    this.options.events.emit({ type: 'grpo.changed' });
    return removed;
  }

  /** Whether this id is a GRPO job (the CLI's `train resume|show` take either kind). */
  has(jobId: string): boolean {
    return this.repo.has(jobId);
  }

  list(): GrpoJobSummary[] {
    return this.repo.list().map((job) => this.toSummary(job));
  }

  summary(jobId: string): GrpoJobSummary {
    return this.toSummary(this.repo.get(jobId));
  }

  detail(jobId: string): GrpoJobDetail {
    const job = this.repo.get(jobId);
    return { ...this.toSummary(job), series: this.repo.steps(jobId, job.totalSteps), recentGroups: this.repo.recentGroups(jobId), warnings: job.warnings };
  }

  /** Resolves when the job stops (complete, paused, failed or cancelled). */
  whenSettled(jobId: string): Promise<GrpoJobSummary> {
    return this.jobs.whenSettled(jobId, () => this.summary(jobId));
  }

  /** Pauses everything (the app is closing): the running job checkpoints and stops; queued ones wait for resume. */
  async stopAll(): Promise<void> {
    await this.jobs.stopAll(
      (jobId) => this.repo.update(jobId, { status: 'paused', ownerPid: null }),
      async (active) => {
        active.state.requested = 'pause';
        active.controller.abort();
        // An update of a large model can take minutes: wait a while, then let go (resume repeats the steps since the last checkpoint).
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([active.done, new Promise((resolve) => (timer = setTimeout(resolve, 30_000)))]);
        clearTimeout(timer);
      },
    );
  }

  // ── Running ────────────────────────────────────────────────────────────────────────────────────────────────
  private enqueue(jobId: string): void {
    this.repo.update(jobId, { ownerPid: process.pid });
    this.emitProgress(jobId, null);
    this.jobs.enqueue(jobId);
  }

  private async execute(active: ActiveJob<RunState>): Promise<void> {
    const job = this.repo.get(active.id);
    const binary = this.options.trainerPath();
    if (!binary) throw trainerUnavailable();
    const items = JSON.parse(await readFile(path.join(job.workDir, 'items.json'), 'utf8')) as GrpoItem[];
    // The steps after the last checkpoint are run again: drop them from the series.
    const resume = job.checkpointStep !== null;
    const from = job.checkpointStep ?? 0;
    this.repo.truncateAfter(job.id, from);
    this.repo.update(job.id, { status: 'running', step: from, error: null, ownerPid: process.pid });
    this.emitProgress(job.id, null);
    if (active.state.requested) return this.finishRequested(active);

    const threads = this.threads(job);
    const signal = active.controller.signal;
    let rollouts: GrpoRollouts | null = null;
    let elapsed = job.elapsedSeconds;
    try {
      rollouts = await this.options.openRollouts(job.modelPath, { contextSize: job.config.contextLength, threads, signal });
      if (signal.aborted) return this.finishRequested(active);
      const result = await runGrpo({
        trainer: binary,
        model: job.modelPath,
        initAdapter: job.initAdapter,
        items,
        config: job.config,
        workDir: job.workDir,
        out: job.outPath,
        threads,
        generateGroup: rollouts.generateGroup,
        ...(this.options.reward ? { reward: this.options.reward } : {}),
        resume,
        signal,
        onStep: (record) => {
          elapsed += record.seconds;
          this.repo.addStep(job.id, record, this.options.keepGroups ?? 20);
          this.repo.update(job.id, { step: record.step, elapsedSeconds: elapsed });
          active.state.recentStepSeconds.push(record.seconds);
          if (active.state.recentStepSeconds.length > 10) active.state.recentStepSeconds.shift();
          this.emitProgress(job.id, record);
        },
        onCheckpoint: (step) => this.repo.update(job.id, { checkpointStep: step }),
      });
      if (result.status === 'complete') {
        this.repo.update(job.id, { status: 'complete', ownerPid: null, error: null });
        this.options.registerAdapter?.({ path: job.outPath, baseModelPath: job.modelPath, jobId: job.id, name: job.name, createdAt: this.now() });
        return;
      }
      this.finishRequested(active);
    } catch (error) {
      // Paused or cancelled while the model was loading: not a failure.
      if (active.state.requested && signal.aborted) return this.finishRequested(active);
      throw error;
    } finally {
      await rollouts?.dispose();
    }
  }

  private finishRequested(active: ActiveJob<RunState>): void {
    this.repo.update(active.id, { status: active.state.requested === 'cancel' ? 'cancelled' : 'paused', ownerPid: null });
  }

  private emitProgress(jobId: string, step: GrpoStepRecord | null): void {
    let job: GrpoJobSummary;
    try {
      job = this.summary(jobId);
    } catch {
      return;
    }
    this.options.events.emit({ type: 'grpo.progress', job, step });
  }

  private toSummary(job: StoredGrpoJob): GrpoJobSummary {
    const recent = this.jobs.activeState(job.id)?.recentStepSeconds ?? [];
    const etaSeconds = job.status === 'running' && recent.length > 0 ? ((job.totalSteps - job.step) * recent.reduce((a, b) => a + b, 0)) / recent.length : null;
    return {
      id: job.id,
      kind: 'grpo',
      name: job.name,
      status: job.status,
      modelPath: job.modelPath,
      modelName: job.modelName,
      initAdapter: job.initAdapter,
      outPath: job.outPath,
      dataPath: job.dataPath,
      items: job.items,
      config: job.config,
      threads: job.threads,
      step: job.step,
      totalSteps: job.totalSteps,
      checkpointStep: job.checkpointStep,
      last: this.repo.lastStep(job.id, job.totalSteps),
      etaSeconds,
      elapsedSeconds: job.elapsedSeconds,
      error: job.error ? { code: isErrorCode(job.error.code) ? job.error.code : 'TRAIN_FAILED', message: job.error.message } : null,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
    };
  }
}

/**
 * The longest prompt's tokens, estimated from its characters (the tokenizer lives in the inference process): the turns
 * the runner asks with, and the template's markers around each.
 */
export function longestPromptTokens(items: readonly GrpoItem[], config: Pick<GrpoConfig, 'promptStyle'>): number | null {
  let longest = 0;
  for (const item of items) {
    const turns = grpoTurns(item, config);
    longest = Math.max(longest, turns.reduce((sum, turn) => sum + estimateTokens(turn.content) + TEMPLATE_TOKENS_PER_TURN, TEMPLATE_TOKENS));
  }
  return longest > 0 ? Math.min(longest, 65536) : null;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9\u4e00-\u9fff]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'adapter'
  );
}
