/**
 * One GRPO run, step by step, as DianJin-R1's second stage does it (verl's `grpo` estimator, token-mean loss,
 * k3 KL against the starting policy):
 *   1. sample a group of answers per prompt — in parallel, as sequences of one context, with the current adapter;
 *   2. score each with the reward (format + accuracy from the evaluation scorer, plus any custom reward);
 *   3. group-relative advantages;
 *   4. one update of the LoRA adapter in the trainer's session with per-token weights
 *      wₜ = (A − β·(1 − exp(ref − logp))) / N over the sampled tokens (prompt tokens weigh 0);
 *   5. save the adapter the next step samples with; checkpoint every few steps and on pause.
 * Which prompts a step uses and its sampling seeds follow from the step number, so a resumed run continues the
 * same sequence of steps from its last checkpoint.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { AppError } from '../../../shared/errors';
import path from 'node:path';
import type { GrpoConfig, GrpoGroup, GrpoStepRecord } from '../../../shared/grpo';
import type { SamplingSettings } from '../../../shared/records';
import type { GroupGenerationResult } from '../../inference/protocol';
import type { ChatTurn } from '../../inference/protocol';
import { seededPermutation } from '../../evaluation/EvaluationService';
import { createReward, groupAdvantages, policyTokenWeights, type GrpoItem, type RewardFunction } from './rewards';
import { TrainerSession, type SessionJob } from './TrainerSession';
import { sftTurns } from '../data/sftData';

export type GenerateGroup = (turns: ChatTurn[], sampling: SamplingSettings, n: number, options: { lora: { path: string; scale: number } | null; signal: AbortSignal }) => Promise<GroupGenerationResult>;

export interface GrpoRunnerOptions {
  /** The dianjin-trainer binary. */
  trainer: string;
  model: string;
  /** An SFT adapter to start from (and to stay close to: it is the KL reference). */
  initAdapter?: string | null;
  items: GrpoItem[];
  config: GrpoConfig;
  /** The job's folder: checkpoints, the adapter being trained, each step's data. */
  workDir: string;
  /** Where the final adapter goes. */
  out: string;
  threads: number;
  generateGroup: GenerateGroup;
  /** Replaces the configured reward (tests, and rewards defined in code). */
  reward?: (options: { startInReasoning: boolean }) => RewardFunction;
  /** Continue from the checkpoint in `workDir`. */
  resume: boolean;
  onStep: (record: GrpoStepRecord) => void;
  onCheckpoint?: (step: number) => void;
  /** Aborting pauses: the step in flight finishes, a checkpoint is written, the run returns `paused`. */
  signal: AbortSignal;
}

export interface GrpoRunResult {
  status: 'complete' | 'paused';
  steps: number;
  out: string | null;
}

interface Sequence {
  tokens: number[];
  weights: number[];
}

export async function runGrpo(options: GrpoRunnerOptions): Promise<GrpoRunResult> {
  const { config, workDir, signal } = options;
  if (options.items.length === 0) throw new AppError('TRAIN_DATA_INVALID', 'GRPO needs at least one prompt with a reference answer.');
  const checkpointDir = path.join(workDir, 'checkpoint');
  const current = path.join(workDir, 'current.gguf');
  const dataFile = path.join(workDir, 'step.jsonl');
  await mkdir(checkpointDir, { recursive: true });
  const job: SessionJob = {
    model: options.model,
    ...(options.initAdapter ? { initAdapter: options.initAdapter } : {}),
    checkpointDir,
    rank: config.rank,
    alpha: config.alpha,
    targets: config.targets,
    lr: config.lr,
    contextLength: config.contextLength,
    seed: config.seed,
    threads: options.threads,
    resume: options.resume,
  };
  const jobFile = path.join(workDir, 'session.json');
  await writeFile(jobFile, JSON.stringify(job, null, 2));
  const session = TrainerSession.start(options.trainer, jobFile);
  try {
    const start = await session.started;
    // The run counts steps that updated nothing (all rewards equal) too; the trainer counts updates.
    let step = options.resume ? ((await readState(workDir))?.step ?? start.resumedFromStep) : 0;
    // The adapter rollouts sample with: the one being trained once it exists, else the starting one (or none).
    let rolloutAdapter: string | null = options.initAdapter ?? null;
    if (step > 0) {
      await session.save(current);
      rolloutAdapter = current;
    }
    let reward: RewardFunction | null = null;
    let lastCheckpoint = step;
    while (step < config.steps && !signal.aborted) {
      const started = performance.now();
      const items = promptsForStep(options.items, config, step);
      const sequences: Array<Sequence & { advantage: number }> = [];
      const groups: GrpoGroup[] = [];
      let sampledTokens = 0;
      let rolloutMs = 0;
      for (const [index, item] of items.entries()) {
        const sampling: SamplingSettings = {
          temperature: config.temperature,
          topP: config.topP,
          topK: 0,
          minP: 0,
          repeatPenalty: 1,
          maxTokens: config.maxTokens,
          seed: (config.seed + step * 7919 + index * config.group) % 2 ** 31,
        };
        const result = await options.generateGroup(grpoTurns(item, config), sampling, config.group, { lora: rolloutAdapter ? { path: rolloutAdapter, scale: 1 } : null, signal });
        if (signal.aborted) break;
        if (result.promptTokenIds.length + config.maxTokens > config.contextLength) {
          throw new AppError(
            'TRAIN_DATA_INVALID',
            `Prompt "${item.id}" is ${result.promptTokenIds.length} tokens; with up to ${config.maxTokens} answer tokens it does not fit the ${config.contextLength}-token training context. Raise the context length or lower the answer length.`,
            { itemId: item.id, promptTokens: result.promptTokenIds.length },
          );
        }
        rolloutMs += result.timing.decodeMs + result.timing.promptMs;
        reward ??= options.reward ? options.reward({ startInReasoning: result.startInReasoning }) : createReward(config.reward, { startInReasoning: result.startInReasoning });
        const scores = result.completions.map((c) => reward!.score(result.startInReasoning ? `<think>\n${c.text}` : c.text, item));
        const advantages = groupAdvantages(scores.map((s) => s.total));
        result.completions.forEach((completion, i) => {
          sampledTokens += completion.tokens.length;
          if (completion.tokens.length === 0) return;
          sequences.push({
            tokens: [...result.promptTokenIds, ...completion.tokens],
            weights: [...result.promptTokenIds.map(() => 0), ...completion.tokens.map(() => 1)],
            advantage: advantages[i]!,
          });
        });
        groups.push({
          itemId: item.id,
          question: item.question,
          reference: item.reference,
          // As evaluation stores outputs: with the `<think>` the template opened, so the text splits on its own.
          samples: result.completions.map((c, i) => ({ text: result.startInReasoning ? `<think>\n${c.text}` : c.text, reward: scores[i]!.total, format: scores[i]!.format, accuracy: scores[i]!.accuracy, custom: scores[i]!.custom, advantage: advantages[i]!, tokens: c.tokens.length })),
        });
      }
      if (signal.aborted) break;

      const update = await updatePolicy(session, sequences, config.beta, step > 0 || !!options.initAdapter, dataFile);
      step += 1;
      await session.save(current);
      rolloutAdapter = current;
      const samples = groups.flatMap((g) => g.samples);
      const rewards = samples.map((s) => s.reward);
      const mean = average(rewards);
      options.onStep({
        step,
        totalSteps: config.steps,
        rewardMean: mean,
        rewardStd: Math.sqrt(average(rewards.map((r) => (r - mean) ** 2))),
        formatReward: average(samples.map((s) => s.format)),
        accuracyReward: average(samples.map((s) => s.accuracy)),
        length: average(samples.map((s) => s.tokens)),
        loss: update?.loss ?? null,
        rolloutTokensPerSecond: rolloutMs > 0 ? sampledTokens / (rolloutMs / 1000) : null,
        trainTokensPerSecond: update?.tokensPerSecond ?? null,
        seconds: (performance.now() - started) / 1000,
        peakMemoryBytes: update?.peakMemoryBytes ?? null,
        groups,
      });
      if (step % config.checkpointEvery === 0 || step === config.steps) {
        await session.checkpoint();
        await writeState(workDir, { step });
        lastCheckpoint = step;
        options.onCheckpoint?.(step);
      }
    }
    if (step < config.steps) {
      if (lastCheckpoint !== step) {
        await session.checkpoint();
        await writeState(workDir, { step });
        options.onCheckpoint?.(step);
      }
      await session.quit();
      return { status: 'paused', steps: step, out: null };
    }
    await session.save(options.out);
    await session.quit();
    return { status: 'complete', steps: step, out: options.out };
  } catch (error) {
    session.kill();
    throw error;
  }
}

/**
 * The prompts of step `step`: consecutive slices of a seeded shuffle of the items, reshuffled each pass; a step that
 * spans two passes skips a prompt it already has (unless there are fewer prompts than it needs).
 */
export function promptsForStep(items: readonly GrpoItem[], config: Pick<GrpoConfig, 'promptsPerStep' | 'seed'>, step: number): GrpoItem[] {
  const at = (position: number) => items[seededPermutation(items.length, config.seed + Math.floor(position / items.length))[position % items.length]!]!;
  const out: GrpoItem[] = [];
  for (let position = step * config.promptsPerStep; out.length < config.promptsPerStep; position++) {
    const item = at(position);
    if (!out.includes(item) || out.length >= items.length) out.push(item);
  }
  return out;
}

/**
 * The update: per-token weights from the advantages (and the KL term when β > 0 and the policy may have moved from
 * the reference), normalised by the step's sampled tokens (verl's token-mean). Groups whose rewards were all equal
 * contribute nothing without a KL term and are left out; null when nothing is left to learn from.
 */
async function updatePolicy(session: TrainerSession, sequences: Array<Sequence & { advantage: number }>, beta: number, mayHaveMoved: boolean, dataFile: string) {
  const useKl = beta > 0 && mayHaveMoved;
  const used = useKl ? sequences : sequences.filter((s) => s.advantage !== 0);
  if (used.length === 0) return null;
  let logprobs: number[][] | null = null;
  let reference: number[][] | null = null;
  if (useKl) {
    await writeData(dataFile, used);
    logprobs = await session.logprobs(dataFile, 'current');
    reference = await session.logprobs(dataFile, 'reference');
  }
  const totalTokens = used.reduce((sum, s) => sum + s.weights.filter((w) => w !== 0).length, 0);
  const weighted = used.map((s, i) => {
    const start = s.weights.findIndex((w) => w !== 0);
    const response = s.tokens.length - start;
    const lp = logprobs?.[i]?.slice(start) ?? null;
    const ref = reference?.[i]?.slice(start) ?? null;
    const w = policyTokenWeights(s.advantage, lp ?? Array.from({ length: response }, () => 0), ref, useKl ? beta : 0);
    return { tokens: s.tokens, weights: [...s.weights.slice(0, start), ...w.map((x) => x / totalTokens)] };
  });
  await writeData(dataFile, weighted);
  return session.step(dataFile);
}

/** The prompt a GRPO item is asked with (the same turns SFT and evaluation use for its style). */
export function grpoTurns(item: GrpoItem, config: Pick<GrpoConfig, 'promptStyle'>): ChatTurn[] {
  return sftTurns({ question: item.question, reasoning: '', answer: item.reference, task: item.task, ...(item.context ? { context: item.context } : {}), ...(item.choices ? { choices: item.choices } : {}) }, config.promptStyle);
}

interface RunState {
  step: number;
}

/** Written right after each checkpoint, so a resumed run knows its step (the trainer only counts updates). */
async function writeState(workDir: string, state: RunState): Promise<void> {
  const file = path.join(workDir, 'grpo-state.json');
  await writeFile(`${file}.tmp`, JSON.stringify(state));
  await rename(`${file}.tmp`, file);
}

async function readState(workDir: string): Promise<RunState | null> {
  try {
    return JSON.parse(await readFile(path.join(workDir, 'grpo-state.json'), 'utf8')) as RunState;
  } catch {
    return null;
  }
}

async function writeData(file: string, sequences: readonly Sequence[]): Promise<void> {
  const temp = `${file}.tmp`;
  await writeFile(temp, sequences.map((s) => JSON.stringify({ tokens: s.tokens, weights: s.weights })).join('\n') + '\n');
  await rename(temp, file);
}

function average(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
