/**
 * `dianjin train sft|resume|list|show|prepare|estimate`: LoRA fine-tuning from a terminal (same DIANJIN_HOME as the
 * app, so jobs started here show in the app and the other way round). Progress goes to stderr; --json puts one JSON
 * object on the last stdout line; Ctrl-C pauses (the trainer checkpoints), `train resume JOB` continues.
 */
import path from 'node:path';
import { AppError } from '../shared/errors';
import type { SftConfigInput, TrainJobSummary, TrainStartInput } from '../shared/training';
import type { AppServices } from '../services/app';
import { formatDuration } from '../services/training';
import { createCliServices } from './services';
import { reportGrpo, resumeGrpo } from './trainGrpo';

const ctx = (signal: AbortSignal) => ({ signal, host: 'cli' as const });
const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

async function withServices<T>(run: (services: AppServices) => Promise<T>): Promise<T> {
  const services = await createCliServices('cli');
  try {
    return await run(services);
  } finally {
    await services.dispose();
  }
}

export interface TrainSftCliOptions {
  model: string;
  data: string;
  out?: string;
  rank?: number;
  alpha?: number;
  epochs?: number;
  steps?: number;
  lr?: number;
  ctx?: number;
  threads?: number;
  seed?: number;
  prompt?: 'dianjin' | 'chat';
  schedule?: 'constant' | 'cosine' | 'linear';
  checkpointEvery?: number;
  name?: string;
  json?: boolean;
}

function configOf(options: TrainSftCliOptions): SftConfigInput {
  return {
    ...(options.rank !== undefined ? { rank: options.rank } : {}),
    ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
    ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
    ...(options.steps !== undefined ? { steps: options.steps } : {}),
    ...(options.lr !== undefined ? { lr: options.lr } : {}),
    ...(options.ctx !== undefined ? { contextLength: options.ctx } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.prompt ? { promptStyle: options.prompt } : {}),
    ...(options.schedule ? { lrSchedule: options.schedule } : {}),
    ...(options.checkpointEvery !== undefined ? { checkpointEvery: options.checkpointEvery } : {}),
  };
}

/** Follows a job until it stops, printing a progress line per step; Ctrl-C pauses it. */
async function follow(services: AppServices, jobId: string, options: { json?: boolean }): Promise<number> {
  const tty = process.stderr.isTTY;
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\nPausing after this step (a checkpoint is written)… resume with \`dianjin train resume ${jobId}\`.\n`);
    void services.training.pause(jobId);
  };
  process.on('SIGINT', onSigint);
  const unsubscribe = services.events.subscribe((event) => {
    if (event.type !== 'train.progress' || event.job.id !== jobId) return;
    const { job, point, validation } = event;
    if (point) {
      const eta = job.etaSeconds !== null ? `  ETA ${formatDuration(job.etaSeconds)}` : '';
      const line = `step ${point.step}/${job.totalSteps ?? '?'}  epoch ${point.epoch}  loss ${point.loss.toFixed(4)}  ${point.tokensPerSecond.toFixed(0)} tok/s  ${gib(point.peakMemoryBytes)}${eta}`;
      process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
    }
    if (validation) process.stderr.write(`${tty ? '\n' : ''}validation loss ${validation.loss.toFixed(4)} at step ${validation.step}\n`);
  });
  try {
    const summary = await services.training.whenSettled(jobId);
    if (tty) process.stderr.write('\n');
    report(services, summary, options);
    if (summary.status === 'failed') process.stderr.write(`dianjin: training failed: ${summary.error?.message ?? 'unknown error'} Resume with \`dianjin train resume ${jobId}\`.\n`);
    if (summary.status === 'paused') process.stderr.write(`Paused at step ${summary.step}. Resume with \`dianjin train resume ${jobId}\`.\n`);
    if (summary.status === 'complete') process.stderr.write(`Adapter written to ${summary.outPath}. Try it: dianjin ask --model ${summary.modelPath} --lora ${summary.outPath} "…"\n`);
    return interrupted ? 130 : summary.status === 'complete' ? 0 : 1;
  } finally {
    unsubscribe();
    process.off('SIGINT', onSigint);
  }
}

function report(services: AppServices, summary: TrainJobSummary, options: { json?: boolean }): void {
  const detail = services.training.detail(summary.id);
  if (options.json) {
    process.stdout.write(
      JSON.stringify({
        jobId: summary.id,
        status: summary.status,
        out: summary.outPath,
        model: summary.modelPath,
        steps: summary.step,
        totalSteps: summary.totalSteps,
        loss: detail.loss.map((p) => p.loss),
        validationLoss: detail.validation,
        firstLoss: summary.firstLoss,
        lastLoss: summary.lastLoss,
        tokensPerSecond: summary.tokensPerSecond,
        peakMemoryBytes: summary.peakMemoryBytes,
        elapsedSeconds: summary.elapsedSeconds,
        checkpointStep: summary.checkpointStep,
        backend: summary.backend,
        items: summary.items,
        validationItems: summary.validationItems,
        tokens: summary.tokens,
        config: summary.config,
        error: summary.error,
      }) + '\n',
    );
    return;
  }
  const loss = summary.firstLoss !== null && summary.lastLoss !== null ? `, loss ${summary.firstLoss.toFixed(3)} → ${summary.lastLoss.toFixed(3)}` : '';
  process.stdout.write(`${summary.id}  ${summary.status}  step ${summary.step}/${summary.totalSteps ?? '?'}${loss}  ${summary.name}\n`);
}

export async function runTrainSft(options: TrainSftCliOptions): Promise<number> {
  return withServices(async (services) => {
    const signal = new AbortController().signal;
    const input: TrainStartInput = {
      modelPath: path.resolve(options.model),
      data: { kind: 'file', path: path.resolve(options.data) },
      ...(options.out ? { out: path.resolve(options.out) } : {}),
      ...(options.name ? { name: options.name } : {}),
      config: configOf(options),
    };
    const job = (await services.dispatcher.call('train.start', input, ctx(signal))) as TrainJobSummary;
    const detail = services.training.detail(job.id);
    for (const warning of detail.warnings) process.stderr.write(`dianjin: ${path.basename(options.data)}: ${warning}\n`);
    process.stderr.write(
      `Job ${job.id}: ${job.items} examples (${job.validationItems} held out for validation), ${job.tokens} tokens per epoch; rank ${job.config.rank}, lr ${job.config.lr}, context ${job.config.contextLength}.\n`,
    );
    return follow(services, job.id, options);
  });
}

export async function runTrainResume(jobId: string, options: { json?: boolean }): Promise<number> {
  return withServices(async (services) => {
    if (services.grpo.has(jobId)) return resumeGrpo(services, jobId, options);
    const job = services.training.resume(jobId);
    process.stderr.write(`Resuming ${job.id} from step ${job.checkpointStep ?? 0}.\n`);
    return follow(services, job.id, options);
  });
}

export async function runTrainList(options: { json?: boolean }): Promise<number> {
  return withServices(async (services) => {
    const jobs = services.training.list();
    const grpoJobs = services.grpo.list();
    if (options.json) {
      process.stdout.write(JSON.stringify({ jobs, grpoJobs }) + '\n');
      return 0;
    }
    for (const job of grpoJobs) process.stdout.write(`${job.id}  ${job.status.padEnd(9)}  ${job.step}/${job.totalSteps}  GRPO${job.last ? ` reward ${job.last.rewardMean.toFixed(2)}` : ''}  ${job.name}\n`);
    if (jobs.length === 0 && grpoJobs.length === 0) process.stdout.write('No training jobs yet. Start one with `dianjin train sft --model BASE.gguf --data FILE.jsonl --out ADAPTER.gguf`.\n');
    for (const job of jobs) {
      const loss = job.lastLoss !== null ? `loss ${job.lastLoss.toFixed(3)}` : '';
      process.stdout.write(`${job.id}  ${job.status.padEnd(9)}  ${job.step}/${job.totalSteps ?? '?'}  ${loss}  ${job.name}\n`);
    }
    return 0;
  });
}

export async function runTrainShow(jobId: string, options: { json?: boolean }): Promise<number> {
  return withServices(async (services) => {
    if (services.grpo.has(jobId)) reportGrpo(services, services.grpo.summary(jobId), options);
    else report(services, services.training.summary(jobId), options);
    return 0;
  });
}

export async function runTrainPrepare(options: { model: string; data: string; ctx?: number; prompt?: 'dianjin' | 'chat'; json?: boolean }): Promise<number> {
  return withServices(async (services) => {
    const preview = await services.training.prepare({
      modelPath: path.resolve(options.model),
      data: { kind: 'file', path: path.resolve(options.data) },
      ...(options.ctx ? { contextLength: options.ctx } : {}),
      ...(options.prompt ? { promptStyle: options.prompt } : {}),
      previewItems: options.json ? 20 : 0,
    });
    for (const error of preview.errors) process.stderr.write(`dianjin: ${path.basename(options.data)}: ${error}\n`);
    for (const warning of preview.warnings) process.stderr.write(`dianjin: ${path.basename(options.data)}: ${warning}\n`);
    if (options.json) process.stdout.write(JSON.stringify(preview) + '\n');
    else
      process.stdout.write(
        `${preview.usable} of ${preview.items} examples fit a ${preview.contextLength}-token context; ${preview.tokens} tokens (${preview.responseTokens} trained), longest ${preview.maxTokens}.\n`,
      );
    return preview.usable > 0 ? 0 : 1;
  });
}

export async function runTrainEstimate(options: TrainSftCliOptions): Promise<number> {
  return withServices(async (services) => {
    const estimate = await services.training.estimate({ modelPath: path.resolve(options.model), data: { kind: 'file', path: path.resolve(options.data) }, config: configOf(options) });
    if (options.json) process.stdout.write(JSON.stringify(estimate) + '\n');
    else {
      const m = estimate.memory;
      process.stdout.write(`${estimate.summary}\n`);
      process.stdout.write(
        `  base ${gib(m.modelBytes)}, LoRA ${gib(m.loraBytes)} (${estimate.trainableParams} parameters), activations ${gib(m.activationBytes)}, attention ${gib(m.attentionBytes)}, other ${gib(m.otherBytes)}\n`,
      );
      for (const line of estimate.advice) process.stdout.write(`  ${line}\n`);
    }
    if (!estimate.fits) throw new AppError('TRAIN_WONT_FIT', estimate.summary);
    return 0;
  });
}
