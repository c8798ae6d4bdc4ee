/**
 * Fine-tuning jobs (SFT with LoRA): data is read and checked, tokenised with the model's own chat template in the
 * training-prep process, estimated (memory and time; refused with what to change when it will not fit), stored and
 * queued; one job trains at a time in the native trainer's process. Progress goes out as `train.progress` events
 * and into the database step by step. Pause asks the trainer to checkpoint and exit (SIGTERM); resume starts it again
 * from the last checkpoint, which is also how a crash or a killed app is recovered: at most the steps since the last
 * checkpoint are lost. A finished adapter is registered in the model library.
 */
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppEvent } from '../../shared/api';
import { AppError } from '../../shared/errors';
import {
  defaultSftConfig,
  type SftConfig,
  type SftConfigInput,
  type TrainDataSource,
  type TrainedAdapter,
  type TrainEstimate,
  type TrainEstimateInput,
  type TrainJobDetail,
  type TrainJobSummary,
  type TrainLossPoint,
  type TrainPrepareInput,
  type TrainPreview,
  type TrainSample,
  type TrainStartInput,
} from '../../shared/training';
import type { EventHub } from '../events/EventHub';
import type { SpawnInferenceProcess } from '../inference/process';
import type { ActiveJob } from '../jobs/JobQueue';
import { inspectModelFile } from '../models/inspectModel';
import { formatSftResponse, readSftSource, sftTurns, type NumberedSftItem, type SftSourceDeps } from './data';
import { estimateTraining, readModelShape, wontFitError } from './estimate';
import { runPrep, type PrepResult } from './prep/runPrep';
import type { TrainingRepository, StoredJob } from './TrainingRepository';
import { startTrainer, trainerUnavailable, type TrainerJob, type TrainerMessage, type TrainerRun } from './trainerProcess';
import { etaSeconds, jobThreads, newJobNames, summaryError, TrainingJobs, type RunRequest } from './TrainingJobs';

/** In a job's folder: the prompts each checkpoint's adapter answers (`{turns, question, reference}[]`). */
export const SAMPLE_PROMPTS_FILE = 'sample-prompts.json';

export interface TrainingServiceOptions {
  repository: TrainingRepository;
  events: EventHub<AppEvent>;
  /** Jobs keep their files under `<dataDir>/training/<job id>/`; adapters go to `<dataDir>/adapters/` by default. */
  dataDir: string;
  /** The built training-prep process (dist/electron/trainingPrepWorker.js) and how to start it. */
  prepWorkerPath: string;
  spawn: SpawnInferenceProcess;
  /** The trainer binary, or null when it is not built. */
  trainerPath: () => string | null;
  sources: SftSourceDeps;
  /** Registers a finished adapter in the model library. */
  registerAdapter?: (adapter: TrainedAdapter) => void;
  /** Answers generated with a checkpoint's adapter (optional; none when absent). */
  sample?: (job: StoredJob, adapterPath: string, step: number, signal: AbortSignal) => Promise<Array<Omit<TrainSample, 'step'>>>;
  /** Memory training may use. Defaults to the machine's total RAM. */
  totalMemoryBytes?: number;
  /** Threads when the job says 0: one less than the usable cores (see electron/services/inference/threads.ts). */
  defaultThreads?: number;
  now?: () => number;
}

/** What a running job keeps beside its id (the trainer is stopped through its process, not the queue's signal). */
interface RunState extends RunRequest {
  run: TrainerRun | null;
  recentStepSeconds: number[];
  elapsedBase: number;
}

/** Examples with their prompts and responses, ready to tokenise. */
interface PreparedData {
  items: NumberedSftItem[];
  errors: string[];
  warnings: string[];
  prompts: Array<{ turns: ReturnType<typeof sftTurns>; response: string }>;
}

export class TrainingService {
  private readonly repo: TrainingRepository;
  private readonly jobs: TrainingJobs<RunState>;
  private readonly now: () => number;

  constructor(private readonly options: TrainingServiceOptions) {
    this.repo = options.repository;
    this.now = options.now ?? Date.now;
    this.jobs = new TrainingJobs<RunState>({
      noun: 'training job',
      repository: this.repo,
      trainerPath: options.trainerPath,
      prepare: (jobId) => ({ run: null, requested: null, recentStepSeconds: [], elapsedBase: this.repo.get(jobId).elapsedSeconds }),
      execute: (job) => this.execute(job),
      // The trainer (its exit read in the light of `requested`): pause asks it to checkpoint and exit; cancel ends it at once.
      stop: (active, what) => (what === 'pause' ? active.state.run?.stop() : active.state.run?.kill()),
      progress: (jobId) => this.emitProgress(jobId, {}),
      changed: () => options.events.emit({ type: 'train.changed' }),
    });
    this.repo.pauseAbandoned();
  }

  /** The settings a job gets: the defaults with the given fields over them. */
  static config(input?: SftConfigInput): SftConfig {
    const config = { ...defaultSftConfig, ...Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== undefined)) } as SftConfig;
    return { ...config, targets: [...new Set(config.targets)] };
  }

  private threads(config: SftConfig): number {
    return jobThreads(config.threads, this.options.defaultThreads);
  }

  // ── Data ───────────────────────────────────────────────────────────────────────────────────────────────────
  private async readData(source: TrainDataSource, style: SftConfig['promptStyle']): Promise<PreparedData> {
    const parsed = await readSftSource(source, this.options.sources);
    return { ...parsed, prompts: parsed.items.map(({ item }) => ({ turns: sftTurns(item, style), response: formatSftResponse(item) })) };
  }

  private where(source: TrainDataSource): string {
    return source.kind === 'file' ? path.basename(source.path) : source.kind === 'evalRun' ? 'evaluation run' : source.kind === 'messages' ? 'answers' : 'examples';
  }

  /** Validates data and counts its tokens with the model's template; nothing is stored. */
  async prepare(input: TrainPrepareInput, signal?: AbortSignal): Promise<TrainPreview> {
    const contextLength = input.contextLength ?? defaultSftConfig.contextLength;
    const promptStyle = input.promptStyle ?? defaultSftConfig.promptStyle;
    const model = await inspectModelFile(input.modelPath, { contextSize: Math.min(contextLength, 4096) });
    const data = await this.readData(input.data, promptStyle);
    const prep = await runPrep(this.options.spawn, this.options.prepWorkerPath, { modelPath: model.path, items: data.prompts, contextLength, outputs: null }, signal);
    return this.preview(model.path, data, prep, contextLength, promptStyle, input.previewItems ?? 20);
  }

  private preview(modelPath: string, data: PreparedData, prep: PrepResult, contextLength: number, promptStyle: SftConfig['promptStyle'], previewItems: number): TrainPreview {
    const errors = [...data.errors];
    let usable = 0;
    let tokens = 0;
    let responseTokens = 0;
    let maxTokens = 0;
    prep.counts.forEach((count, index) => {
      const total = count.promptTokens + count.responseTokens;
      maxTokens = Math.max(maxTokens, total);
      if (total > contextLength) {
        errors.push(`line ${data.items[index]!.line}: ${total} tokens; does not fit a ${contextLength}-token context (left out)`);
        return;
      }
      usable++;
      tokens += total;
      responseTokens += count.responseTokens;
    });
    return {
      modelPath,
      contextLength,
      promptStyle,
      items: data.items.length,
      usable,
      tooLong: data.items.length - usable,
      tokens,
      responseTokens,
      maxTokens,
      errors,
      warnings: data.warnings,
      preview: data.items.slice(0, previewItems).map(({ line, item }, index) => ({
        line,
        question: item.question,
        response: data.prompts[index]!.response,
        promptTokens: prep.counts[index]!.promptTokens,
        responseTokens: prep.counts[index]!.responseTokens,
        fits: prep.counts[index]!.promptTokens + prep.counts[index]!.responseTokens <= contextLength,
      })),
    };
  }

  /** Memory and time for a job, before it starts. */
  async estimate(input: TrainEstimateInput, signal?: AbortSignal): Promise<TrainEstimate> {
    const config = TrainingService.config(input.config);
    const model = await inspectModelFile(input.modelPath, { contextSize: Math.min(config.contextLength, 4096) });
    let tokens = input.tokens ?? null;
    if (tokens === null && input.data) tokens = (await this.prepare({ modelPath: model.path, data: input.data, contextLength: config.contextLength, promptStyle: config.promptStyle }, signal)).tokens;
    return this.estimateFor(model.path, config, tokens);
  }

  private async estimateFor(modelPath: string, config: SftConfig, tokensPerEpoch: number | null): Promise<TrainEstimate> {
    const shape = await readModelShape(modelPath);
    return estimateTraining(modelPath, shape, config, {
      tokensPerEpoch,
      threads: this.threads(config),
      measuredTokensPerSecond: this.repo.measuredTokensPerSecond(modelPath, config.contextLength),
      ...(this.options.totalMemoryBytes ? { availableBytes: this.options.totalMemoryBytes } : {}),
    });
  }

  // ── Jobs ───────────────────────────────────────────────────────────────────────────────────────────────────
  /** Prepares the data, checks that the job fits, stores it and queues it. */
  async start(input: TrainStartInput, signal?: AbortSignal): Promise<TrainJobSummary> {
    if (!this.options.trainerPath()) throw trainerUnavailable();
    const config = TrainingService.config(input.config);
    const model = await inspectModelFile(input.modelPath, { contextSize: Math.min(config.contextLength, 4096) });
    const data = await this.readData(input.data, config.promptStyle);

    const { id, modelName, name, outPath } = newJobNames(input, model, { kind: 'SFT', dataDir: this.options.dataDir, now: this.now() });
    const jobDir = path.join(this.options.dataDir, 'training', id);
    await mkdir(path.join(jobDir, 'checkpoints'), { recursive: true });
    await mkdir(path.dirname(outPath), { recursive: true });
    try {
      const validationIndexes = holdOut(data.items.length, config.validationShare, config.seed);
      const prep = await runPrep(
        this.options.spawn,
        this.options.prepWorkerPath,
        {
          modelPath: model.path,
          items: data.prompts,
          contextLength: config.contextLength,
          outputs: { train: path.join(jobDir, 'train.jsonl'), validation: validationIndexes.length > 0 ? path.join(jobDir, 'validation.jsonl') : null, validationIndexes },
        },
        signal,
      );
      const preview = this.preview(model.path, data, prep, config.contextLength, config.promptStyle, 0);
      // The questions answered with each checkpoint's adapter: held-out ones when there are, else the first ones.
      const sampleIndexes = (validationIndexes.length > 0 ? validationIndexes : data.items.map((_, i) => i)).slice(0, 2);
      await writeFile(path.join(jobDir, SAMPLE_PROMPTS_FILE), JSON.stringify(sampleIndexes.map((i) => ({ turns: data.prompts[i]!.turns, question: data.items[i]!.item.question, reference: data.items[i]!.item.answer }))));
      if (prep.written.train === 0) {
        throw new AppError('TRAIN_DATA_INVALID', `No example fits a ${config.contextLength}-token context (the longest has ${preview.maxTokens} tokens). Raise the context length or shorten the examples.`, {
          errors: preview.errors,
        });
      }
      const estimate = await this.estimateFor(model.path, config, preview.tokens);
      if (!estimate.fits) throw wontFitError(estimate);
      const job = this.repo.create({
        id,
        name,
        modelPath: model.path,
        modelName,
        outPath,
        jobDir,
        config,
        items: prep.written.train,
        validationItems: prep.written.validation,
        tokens: preview.tokens,
        warnings: [...preview.errors, ...preview.warnings],
      });
      this.options.events.emit({ type: 'train.changed' });
      this.jobs.enqueue(job.id);
      return this.summary(job.id);
    } catch (error) {
      await rm(jobDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Continues a paused or failed job from its last checkpoint. */
  resume(jobId: string): TrainJobSummary {
    this.jobs.resume(jobId);
    return this.summary(jobId);
  }

  /** Stops a job after its current step: the trainer writes a checkpoint, and `resume` continues from it. */
  async pause(jobId: string): Promise<TrainJobSummary> {
    await this.jobs.halt(jobId, 'pause');
    return this.summary(jobId);
  }

  /** Stops a job for good (at once, no checkpoint); its files stay until it is removed. */
  async cancel(jobId: string): Promise<TrainJobSummary> {
    await this.jobs.halt(jobId, 'cancel');
    return this.summary(jobId);
  }

  async remove(jobId: string): Promise<boolean> {
    return this.jobs.remove(jobId, this.repo.get(jobId).jobDir);
  }

  list(): TrainJobSummary[] {
    return this.repo.list().map((job) => this.toSummary(job));
  }

  summary(jobId: string): TrainJobSummary {
    return this.toSummary(this.repo.get(jobId));
  }

  detail(jobId: string): TrainJobDetail {
    const job = this.repo.get(jobId);
    return {
      ...this.toSummary(job),
      loss: this.repo.points(jobId),
      validation: this.repo.validation(jobId),
      checkpoints: this.repo.checkpoints(jobId),
      samples: this.repo.samples(jobId),
      warnings: job.warnings,
      checkpointDir: path.join(job.jobDir, 'checkpoints'),
    };
  }

  /** Finished adapters, newest first. */
  adapters(): TrainedAdapter[] {
    return this.repo
      .list()
      .filter((job) => job.status === 'complete')
      .map((job) => ({ path: job.outPath, baseModelPath: job.modelPath, jobId: job.id, name: job.name, createdAt: job.updatedAt }));
  }

  /** Resolves when the job stops (complete, paused, failed or cancelled). */
  whenSettled(jobId: string): Promise<TrainJobSummary> {
    return this.jobs.whenSettled(jobId, () => this.summary(jobId));
  }

  /** Pauses everything (the app is closing): the running job checkpoints and stops; queued ones wait for resume. */
  async stopAll(): Promise<void> {
    await this.jobs.stopAll(async (active) => {
      active.state.run?.stop();
      // A step of a large model can take minutes: wait a while for the checkpoint, then end it (resume repeats the steps since the last one).
      const timer = setTimeout(() => active.state.run?.kill(), 30_000);
      await active.done;
      clearTimeout(timer);
    });
  }

  // ── Running ────────────────────────────────────────────────────────────────────────────────────────────────

  private async execute(active: ActiveJob<RunState>): Promise<void> {
    const { state } = active;
    const job = this.repo.get(active.id);
    const binary = this.options.trainerPath();
    if (!binary) throw trainerUnavailable();
    const checkpointDir = path.join(job.jobDir, 'checkpoints');
    const resume = job.checkpointStep !== null || job.step > 0;
    const config = job.config;
    const trainerJob: TrainerJob = {
      model: job.modelPath,
      data: path.join(job.jobDir, 'train.jsonl'),
      ...(job.validationItems > 0 ? { validation: path.join(job.jobDir, 'validation.jsonl') } : {}),
      out: job.outPath,
      checkpointDir,
      rank: config.rank,
      alpha: config.alpha,
      targets: config.targets,
      lr: config.lr,
      lrSchedule: config.lrSchedule,
      warmupSteps: config.warmupSteps,
      weightDecay: config.weightDecay,
      epochs: config.epochs,
      ...(config.steps > 0 ? { steps: config.steps } : {}),
      contextLength: config.contextLength,
      gradAccumulation: config.gradAccumulation,
      seed: config.seed,
      threads: this.threads(config),
      checkpointEvery: config.checkpointEvery,
      resume,
      gpu: config.gpu,
    };
    const jobFile = path.join(job.jobDir, 'job.json');
    let checkpointEvery = config.checkpointEvery;
    let lastError: string | null = null;
    let done = false;
    let stopped = false;
    const sampling = new AbortController();
    let samplingChain: Promise<void> = Promise.resolve();
    let samplingTask: Promise<void> | null = null;

    const onMessage = (message: TrainerMessage) => {
      switch (message.type) {
        case 'start': {
          // Steps after the checkpoint it resumed from are repeated: drop them from the series.
          this.repo.truncateAfter(job.id, message.resumedFromStep);
          this.repo.update(job.id, { totalSteps: message.totalSteps, step: message.resumedFromStep, backend: message.backend });
          this.emitProgress(job.id, {});
          break;
        }
        case 'step': {
          const point: TrainLossPoint = {
            step: message.step,
            epoch: message.epoch,
            loss: message.loss,
            tokens: message.tokens,
            tokensPerSecond: message.tokensPerSecond,
            peakMemoryBytes: message.peakMemoryBytes,
            lr: message.lr,
            elapsedSeconds: state.elapsedBase + message.elapsedSeconds,
          };
          this.repo.addPoint(job.id, point);
          this.repo.update(job.id, { step: message.step, totalSteps: message.totalSteps, elapsedSeconds: point.elapsedSeconds });
          state.recentStepSeconds.push(message.stepSeconds);
          if (state.recentStepSeconds.length > 20) state.recentStepSeconds.shift();
          this.emitProgress(job.id, { point });
          break;
        }
        case 'validation': {
          const validation = { step: message.step, loss: message.loss };
          this.repo.addValidation(job.id, validation);
          this.emitProgress(job.id, { validation });
          break;
        }
        case 'checkpoint': {
          this.repo.update(job.id, { checkpointStep: message.step });
          // Keep a copy of the adapter at this step (the trainer overwrites its own at the next checkpoint).
          const copy = path.join(checkpointDir, `adapter-step-${message.step}.gguf`);
          samplingChain = samplingChain
            .then(() => copyFile(message.adapter, copy))
            .then(() => {
              this.repo.addCheckpoint(job.id, { step: message.step, adapterPath: copy, createdAt: this.now() });
              // One sampling at a time, never a backlog: a checkpoint that comes while one runs is not sampled.
              if (!this.options.sample || sampling.signal.aborted || samplingTask) return;
              samplingTask = this.options
                .sample(this.repo.get(job.id), copy, message.step, sampling.signal)
                .then((samples) =>
                  samples.forEach((s, seq) => {
                    const sample = { ...s, step: message.step };
                    this.repo.addSample(job.id, seq, sample);
                    this.emitProgress(job.id, { sample });
                  }),
                )
                .catch(() => undefined)
                .finally(() => (samplingTask = null));
            })
            .catch(() => undefined);
          break;
        }
        case 'stopped':
          stopped = true;
          break;
        case 'done':
          done = true;
          break;
        case 'error':
          lastError = message.message;
          break;
      }
    };

    // About ten checkpoints per job unless asked otherwise; the trainer also checkpoints at each epoch's end.
    if (checkpointEvery === 0) {
      const stepsGuess = config.steps > 0 ? config.steps : Math.max(1, Math.ceil((job.tokens * config.epochs) / (config.contextLength * 0.85 * config.gradAccumulation)));
      checkpointEvery = Math.max(1, Math.round(stepsGuess / 10));
      trainerJob.checkpointEvery = checkpointEvery;
    }
    await writeFile(jobFile, JSON.stringify(trainerJob, null, 2));
    this.repo.update(job.id, { status: 'running', error: null, ownerPid: process.pid });
    this.emitProgress(job.id, {});
    if (state.requested) return this.jobs.finishRequested(active);

    const run = startTrainer(binary, jobFile, onMessage);
    state.run = run;
    const exit = await run.exited;
    sampling.abort();
    await samplingChain;
    await samplingTask;

    if (done) {
      this.repo.update(job.id, { status: 'complete', ownerPid: null, error: null });
      this.options.registerAdapter?.({ path: job.outPath, baseModelPath: job.modelPath, jobId: job.id, name: job.name, createdAt: this.now() });
      return;
    }
    if (state.requested === 'cancel') {
      this.repo.update(job.id, { status: 'cancelled', ownerPid: null });
      return;
    }
    if (stopped || (state.requested === 'pause' && exit.code === 0)) {
      this.repo.update(job.id, { status: 'paused', ownerPid: null });
      return;
    }
    const how = exit.signal ? `was ended by ${exit.signal}` : `exited with code ${exit.code}`;
    const reason = lastError ?? lastLine(exit.stderr) ?? `The trainer ${how}.`;
    const resumable = this.repo.get(job.id).checkpointStep;
    throw new AppError('TRAIN_FAILED', `${reason}${resumable !== null ? ` Resume continues from step ${resumable}.` : ''}`, { exitCode: exit.code, signal: exit.signal });
  }

  private emitProgress(jobId: string, extra: { point?: TrainLossPoint; validation?: { step: number; loss: number }; sample?: TrainSample }): void {
    let job: TrainJobSummary;
    try {
      job = this.summary(jobId);
    } catch {
      return;
    }
    this.options.events.emit({ type: 'train.progress', job, point: extra.point ?? null, validation: extra.validation ?? null, sample: extra.sample ?? null });
  }

  private toSummary(job: StoredJob): TrainJobSummary {
    const points = this.repo.points(job.id);
    const validation = this.repo.validation(job.id);
    const last = points.at(-1);
    const peak = points.reduce((max, p) => Math.max(max, p.peakMemoryBytes), 0);
    return {
      id: job.id,
      name: job.name,
      kind: job.kind,
      status: job.status,
      modelPath: job.modelPath,
      modelName: job.modelName,
      outPath: job.outPath,
      config: job.config,
      items: job.items,
      validationItems: job.validationItems,
      tokens: job.tokens,
      step: job.step,
      totalSteps: job.totalSteps,
      firstLoss: points[0]?.loss ?? null,
      lastLoss: last?.loss ?? null,
      lastValidationLoss: validation.at(-1)?.loss ?? null,
      tokensPerSecond: last?.tokensPerSecond ?? null,
      peakMemoryBytes: peak > 0 ? peak : null,
      etaSeconds: etaSeconds(job, this.jobs.activeState(job.id)?.recentStepSeconds ?? []),
      elapsedSeconds: job.elapsedSeconds,
      checkpointStep: job.checkpointStep,
      backend: job.backend,
      error: summaryError(job.error),
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
    };
  }
}

function lastLine(text: string): string | null {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? null;
}

/** Indexes of the examples held out for validation: a seeded share, only when there are at least 20 examples. */
export function holdOut(count: number, share: number, seed: number): number[] {
  if (count < 20 || share <= 0) return [];
  const n = Math.min(Math.max(1, Math.round(count * share)), 500);
  let state = (seed * 2654435761) >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const indexes = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [indexes[i], indexes[j]] = [indexes[j]!, indexes[i]!];
  }
  return indexes.slice(0, n).sort((a, b) => a - b);
}
