/**
 * `dianjin train grpo`: GRPO with DianJin-R1's dual reward on the LoRA trainer, from a terminal (same DIANJIN_HOME as
 * the app). A progress line per step on stderr; --json puts one JSON object with the per-step series on the last
 * stdout line; Ctrl-C pauses (a checkpoint after the step in flight) and `dianjin train resume JOB` continues, as
 * for SFT jobs. `--estimate` prints the job's memory and time instead of starting it (exit 1 when it will not fit).
 */
import path from 'node:path';
import { AppError } from '../shared/errors';
import type { GrpoConfigInput, GrpoEstimate, GrpoEstimateInput, GrpoJobSummary, GrpoStartInput } from '../shared/grpo';
import type { AppServices } from '../services/app';
import { formatDuration } from '../services/training';
import { withServices } from './services';

const ctx = (signal: AbortSignal) => ({ signal, host: 'cli' as const });

export interface TrainGrpoCliOptions {
  model: string;
  lora?: string;
  data: string;
  out?: string;
  group?: number;
  steps?: number;
  promptsPerStep?: number;
  maxTokens?: number;
  lr?: number;
  beta?: number;
  ctx?: number;
  temperature?: number;
  topP?: number;
  rank?: number;
  alpha?: number;
  seed?: number;
  threads?: number;
  checkpointEvery?: number;
  prompt?: 'dianjin' | 'chat';
  name?: string;
  /** Print the estimate (memory and time) instead of starting the job. */
  estimate?: boolean;
  json?: boolean;
}

function configOf(o: TrainGrpoCliOptions): GrpoConfigInput {
  return {
    ...(o.group !== undefined ? { group: o.group } : {}),
    ...(o.steps !== undefined ? { steps: o.steps } : {}),
    ...(o.promptsPerStep !== undefined ? { promptsPerStep: o.promptsPerStep } : {}),
    ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}),
    ...(o.lr !== undefined ? { lr: o.lr } : {}),
    ...(o.beta !== undefined ? { beta: o.beta } : {}),
    ...(o.ctx !== undefined ? { contextLength: o.ctx } : {}),
    ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
    ...(o.topP !== undefined ? { topP: o.topP } : {}),
    ...(o.rank !== undefined ? { rank: o.rank } : {}),
    ...(o.alpha !== undefined ? { alpha: o.alpha } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.checkpointEvery !== undefined ? { checkpointEvery: o.checkpointEvery } : {}),
    ...(o.prompt ? { promptStyle: o.prompt } : {}),
  };
}

const fixed = (value: number | null | undefined, digits: number) => (value === null || value === undefined ? '-' : value.toFixed(digits));
/** A KL-only loss is tiny: keep its digits. */
const lossText = (loss: number | null) => (loss !== null && loss !== 0 && Math.abs(loss) < 0.001 ? loss.toExponential(1) : fixed(loss, 3));

/** Follows a GRPO job until it stops, printing a line per step; Ctrl-C pauses it. */
export async function followGrpo(services: AppServices, jobId: string, options: { json?: boolean }): Promise<number> {
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\nPausing after this step (a checkpoint is written)… resume with \`dianjin train resume ${jobId}\`.\n`);
    void services.grpo.pause(jobId);
  };
  process.on('SIGINT', onSigint);
  const unsubscribe = services.events.subscribe((event) => {
    if (event.type !== 'grpo.progress' || event.job.id !== jobId || !event.step) return;
    const s = event.step;
    const eta = event.job.etaSeconds !== null && s.step < s.totalSteps ? `  ETA ${formatDuration(event.job.etaSeconds)}` : '';
    process.stderr.write(
      `step ${s.step}/${s.totalSteps}  reward ${fixed(s.rewardMean, 2)}±${fixed(s.rewardStd, 2)}  format ${fixed(s.formatReward, 2)}  accuracy ${fixed(s.accuracyReward, 2)}  len ${Math.round(s.length)}  loss ${lossText(s.loss)}  rollout ${fixed(s.rolloutTokensPerSecond, 0)} tok/s${eta}\n`,
    );
  });
  try {
    const summary = await services.grpo.whenSettled(jobId);
    reportGrpo(services, summary, options);
    if (summary.status === 'failed') process.stderr.write(`dianjin: GRPO failed: ${summary.error?.message ?? 'unknown error'} Resume with \`dianjin train resume ${jobId}\`.\n`);
    if (summary.status === 'paused') process.stderr.write(`Paused at step ${summary.checkpointStep ?? 0}. Resume with \`dianjin train resume ${jobId}\`.\n`);
    if (summary.status === 'complete') process.stderr.write(`Adapter written to ${summary.outPath}. Try it: dianjin ask --model ${summary.modelPath} --lora ${summary.outPath} "…"\n`);
    return interrupted ? 130 : summary.status === 'complete' ? 0 : 1;
  } finally {
    unsubscribe();
    process.off('SIGINT', onSigint);
  }
}

/** A job as one JSON object (--json: the per-step series) or one line. */
export function reportGrpo(services: AppServices, summary: GrpoJobSummary, options: { json?: boolean }): void {
  if (!options.json) {
    const last = summary.last ? `, reward ${summary.last.rewardMean.toFixed(2)} (format ${summary.last.formatReward.toFixed(2)}, accuracy ${summary.last.accuracyReward.toFixed(2)})` : '';
    process.stdout.write(`${summary.id}  ${summary.status}  GRPO step ${summary.step}/${summary.totalSteps}${last}  ${summary.name}\n`);
    return;
  }
  const series = services.grpo.detail(summary.id).series;
  process.stdout.write(
    JSON.stringify({
      jobId: summary.id,
      kind: 'grpo',
      status: summary.status,
      out: summary.outPath,
      model: summary.modelPath,
      initAdapter: summary.initAdapter,
      steps: summary.step,
      totalSteps: summary.totalSteps,
      checkpointStep: summary.checkpointStep,
      reward: series.map((p) => p.rewardMean),
      rewardStd: series.map((p) => p.rewardStd),
      formatReward: series.map((p) => p.formatReward),
      accuracyReward: series.map((p) => p.accuracyReward),
      loss: series.map((p) => p.loss),
      length: series.map((p) => p.length),
      rolloutTokensPerSecond: series.map((p) => p.rolloutTokensPerSecond),
      elapsedSeconds: summary.elapsedSeconds,
      items: summary.items,
      config: summary.config,
      error: summary.error,
    }) + '\n',
  );
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

/** `train grpo --estimate`: the estimate as one JSON object (--json) or its summary and where the memory goes. */
async function printGrpoEstimate(services: AppServices, input: GrpoEstimateInput, options: { json?: boolean }): Promise<number> {
  const estimate = (await services.dispatcher.call('grpo.estimate', input, ctx(new AbortController().signal))) as GrpoEstimate;
  if (options.json) process.stdout.write(JSON.stringify(estimate) + '\n');
  else {
    const m = estimate.memory;
    process.stdout.write(`${estimate.summary}\n`);
    process.stdout.write(
      `  trainer: base ${gib(m.modelBytes)}, LoRA ${gib(m.loraBytes)} (${estimate.trainableParams} parameters), reference ${gib(m.referenceBytes)}, activations ${gib(m.activationBytes)}, attention ${gib(m.attentionBytes)}, other ${gib(m.otherBytes)} (micro-batch ${estimate.microBatchTokens} tokens)\n`,
    );
    process.stdout.write(`  rollouts: weights ${gib(m.rolloutModelBytes)}, contexts ${gib(m.rolloutContextBytes)} (${estimate.config.group} sequences of ${estimate.rolloutContextSize} tokens)\n`);
    for (const line of estimate.advice) process.stdout.write(`  ${line}\n`);
  }
  if (!estimate.fits) throw new AppError('TRAIN_WONT_FIT', estimate.summary);
  return 0;
}

export async function runTrainGrpo(options: TrainGrpoCliOptions): Promise<number> {
  return withServices(async (services) => {
    if (options.estimate) {
      return printGrpoEstimate(
        services,
        {
          modelPath: path.resolve(options.model),
          ...(options.lora ? { initAdapter: path.resolve(options.lora) } : {}),
          data: path.resolve(options.data),
          ...(options.threads !== undefined ? { threads: options.threads } : {}),
          config: configOf(options),
        },
        options,
      );
    }
    const input: GrpoStartInput = {
      modelPath: path.resolve(options.model),
      ...(options.lora ? { initAdapter: path.resolve(options.lora) } : {}),
      data: path.resolve(options.data),
      ...(options.out ? { out: path.resolve(options.out) } : {}),
      ...(options.name ? { name: options.name } : {}),
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      config: configOf(options),
    };
    const job = (await services.dispatcher.call('grpo.start', input, ctx(new AbortController().signal))) as GrpoJobSummary;
    for (const warning of services.grpo.detail(job.id).warnings) process.stderr.write(`dianjin: ${path.basename(options.data)}: ${warning}\n`);
    const c = job.config;
    process.stderr.write(
      `Job ${job.id}: GRPO on ${job.items} prompts, ${c.steps} steps of ${c.promptsPerStep} prompts × ${c.group} answers (up to ${c.maxTokens} tokens, temperature ${c.temperature}); lr ${c.lr}, β ${c.beta}, context ${c.contextLength}.\n`,
    );
    return followGrpo(services, job.id, options);
  });
}

/** `dianjin train resume JOB` for a GRPO job. */
export async function resumeGrpo(services: AppServices, jobId: string, options: { json?: boolean }): Promise<number> {
  const job = services.grpo.resume(jobId);
  process.stderr.write(`Resuming ${job.id} from step ${job.checkpointStep ?? 0}.\n`);
  return followGrpo(services, job.id, options);
}
