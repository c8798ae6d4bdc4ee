/**
 * GRPO jobs: the data is read and checked (line-numbered problems), the job estimated (memory and time, grpoEstimate.ts;
 * refused with TRAIN_WONT_FIT when it will not fit), stored and queued; one job runs at a time
 * (GrpoRunner: group rollouts in an inference process of the job's own, updates in the trainer's session). Each step
 * goes into the database and out as a `grpo.progress` event. Pause aborts the runner, which writes a checkpoint and
 * returns; resume continues from the last checkpoint, which is also how a crash or a killed app is recovered (at most
 * the steps since the last checkpoint are repeated). A finished adapter is registered in the model library.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppEvent } from '../../../shared/api';
import { GrpoConfig, type GrpoEstimate, type GrpoEstimateInput, type GrpoJobDetail, type GrpoJobSummary, type GrpoStartInput, type GrpoStepRecord } from '../../../shared/grpo';
import type { TrainedAdapter } from '../../../shared/training';
import type { EventHub } from '../../events/EventHub';
import type { ActiveJob } from '../../jobs/JobQueue';
import { inspectLoraAdapter } from '../../models/inspectLora';
import { inspectModelFile } from '../../models/inspectModel';
import { estimateTokens } from '../../documents/sourcePrompt';
import { readModelShape, wontFitError } from '../estimate';
import { trainerUnavailable } from '../trainerProcess';
import { etaSeconds, jobThreads, newJobNames, summaryError, TrainingJobs, type RunRequest } from '../TrainingJobs';
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
interface RunState extends RunRequest {
  recentStepSeconds: number[];
}

export class GrpoService {
  private readonly repo: GrpoRepository;
  private readonly jobs: TrainingJobs<RunState>;
  private readonly now: () => number;

  constructor(private readonly options: GrpoServiceOptions) {
    this.repo = options.repository;
    this.now = options.now ?? Date.now;
    this.jobs = new TrainingJobs<RunState>({
      noun: 'GRPO job',
      repository: this.repo,
      trainerPath: options.trainerPath,
      prepare: () => ({ requested: null, recentStepSeconds: [] }),
      execute: (job) => this.execute(job),
      // The runner writes a checkpoint and returns when its signal is aborted.
      stop: (active) => active.controller.abort(),
      failureMessage: (jobId, error) => {
        const checkpoint = this.repo.get(jobId).checkpointStep;
        return `${error.message.replace(/ It is being restarted\.$/, '')}${checkpoint !== null ? ` Resume continues from step ${checkpoint}.` : ''}`;
      },
      progress: (jobId) => this.emitProgress(jobId, null),
      changed: () => options.events.emit({ type: 'grpo.changed' }),
    });
    this.repo.pauseAbandoned();
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
      threads: jobThreads(job.threads, this.options.defaultThreads),
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

    const { id, modelName, name, outPath } = newJobNames(input, model, { kind: 'GRPO', dataDir: this.options.dataDir, now: this.now() });
    const workDir = path.join(this.options.dataDir, 'grpo', id);
    await mkdir(workDir, { recursive: true });
    await mkdir(path.dirname(outPath), { recursive: true });
    // The prompts as read: resume trains on the same prompts even if the file changes meanwhile.
    await writeFile(path.join(workDir, 'items.json'), JSON.stringify(data.items));
    this.repo.create({ id, name, modelPath: model.path, modelName, initAdapter, outPath, dataPath, workDir, config, items: data.items.length, threads: input.threads ?? 0, warnings: data.errors });
    this.options.events.emit({ type: 'grpo.changed' });
    this.jobs.enqueue(id);
    return this.summary(id);
  }

  /** Continues a paused or failed job from its last checkpoint. */
  resume(jobId: string): GrpoJobSummary {
    this.jobs.resume(jobId);
    return this.summary(jobId);
  }

  /** Stops a job: the step in flight ends (its rollouts are cut short), a checkpoint is written; `resume` continues. */
  async pause(jobId: string): Promise<GrpoJobSummary> {
    await this.jobs.halt(jobId, 'pause');
    return this.summary(jobId);
  }

  /** Stops a job for good; its files stay until it is removed. */
  async cancel(jobId: string): Promise<GrpoJobSummary> {
    await this.jobs.halt(jobId, 'cancel');
    return this.summary(jobId);
  }

  async remove(jobId: string): Promise<boolean> {
    return this.jobs.remove(jobId, this.repo.get(jobId).workDir);
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
    await this.jobs.stopAll(async (active) => {
      active.controller.abort();
      // An update of a large model can take minutes: wait a while, then let go (resume repeats the steps since the last checkpoint).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([active.done, new Promise((resolve) => (timer = setTimeout(resolve, 30_000)))]);
      clearTimeout(timer);
    });
  }

  // ── Running ────────────────────────────────────────────────────────────────────────────────────────────────

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
    if (active.state.requested) return this.jobs.finishRequested(active);

    const threads = jobThreads(job.threads, this.options.defaultThreads);
    const signal = active.controller.signal;
    let rollouts: GrpoRollouts | null = null;
    let elapsed = job.elapsedSeconds;
    try {
      rollouts = await this.options.openRollouts(job.modelPath, { contextSize: job.config.contextLength, threads, signal });
      if (signal.aborted) return this.jobs.finishRequested(active);
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
      this.jobs.finishRequested(active);
    } catch (error) {
      // Paused or cancelled while the model was loading: not a failure.
      if (active.state.requested && signal.aborted) return this.jobs.finishRequested(active);
      throw error;
    } finally {
      await rollouts?.dispose();
    }
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
      etaSeconds: etaSeconds(job, this.jobs.activeState(job.id)?.recentStepSeconds ?? []),
      elapsedSeconds: job.elapsedSeconds,
      error: summaryError(job.error),
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
