/**
 * Memory and time of a GRPO job before it starts, and the refusal (TRAIN_WONT_FIT) with what to change when it will
 * not fit. Two processes hold memory at once for the whole job (they take turns computing, not holding):
 *
 * - the trainer's session (TrainerSession.ts, native/session.cpp): the base weights, the LoRA with its gradients and
 *   AdamW moments, a frozen copy of the starting adapter when there is one (the KL reference), and the activations of
 *   ONE micro-batch: a step's group × prompts sequences are packed into micro-batches of at most the context length
 *   (`slotsFor`: their tokens rounded up to 16) and their gradients accumulated. So the update's memory grows with
 *   group × prompts × (prompt + answer) until one micro-batch fills the context, then only its time grows. Those
 *   quantities are SFT's (estimate.ts) at the micro-batch's size;
 * - the rollout process (rollouts.ts, inference/GroupRollouts.ts): the weights again (node-llama-cpp maps them), a
 *   context of `group` sequences of prompt + max tokens rounded up to 256 (its KV cache), and the one-sequence main
 *   context at the training context's size. node-llama-cpp's GgufInsights gives the contexts' memory, as fit.ts does.
 *   CPU only, on the safe side (a GPU would take the rollout weights and KV cache off the RAM).
 *
 * Time per step = rollout tokens ÷ rollout speed + update tokens ÷ training speed. Rollout tokens are prompts × group
 * × max tokens (answers that stop early take less). Rollouts decode the group together: a forward pass reads every
 * weight once for `group` tokens, so the assumed speed is group × memory bandwidth ÷ weights, capped by the CPU's
 * 2 × parameters FLOPs per token (about 40 GFLOP/s per thread, as estimate.ts assumes for training). The update is
 * priced as SFT's micro-batches (estimate.ts `assumedSlotsPerSecond`); with the KL term two forward passes (current
 * and reference log-probabilities) come first, about ⅔ of a training pass more. A speed measured by an earlier GRPO
 * job on the same model (rollouts: with the same group size; updates: at the same context), or for the update an
 * earlier SFT job's on the same model and context, replaces the assumption.
 */
import os from 'node:os';
import { GgufInsights, readGgufFileInfo } from 'node-llama-cpp';
import type { GrpoConfig, GrpoEstimate, GrpoMemoryEstimate } from '../../../shared/grpo';
import { defaultMemoryBandwidth } from '../../models/fit';
import { assumedSlotsPerSecond, estimateBase, estimateTrainingMemory, fitSummary, formatDuration, loraParameterCount, type ModelShape } from '../estimate';

/** The rollout process's memory for a model: its weights and a context of `sequences` × `contextSize` cells. */
export interface RolloutMemory {
  modelBytes: number;
  contextBytes(contextSize: number, sequences: number): number;
}

/** The rollout model's memory from node-llama-cpp's GGUF insights (no weights are read; CPU only). */
export async function readRolloutMemory(modelPath: string): Promise<RolloutMemory> {
  const info = await readGgufFileInfo(modelPath, { logWarnings: false, spliceSplitFiles: false });
  const insights = await GgufInsights.from(info);
  const model = insights.estimateModelResourceRequirements({ gpuLayers: 0 });
  return {
    modelBytes: model.cpuRam + model.gpuVram,
    contextBytes: (contextSize, sequences) => {
      const context = insights.estimateContextResourceRequirements({ contextSize, sequences, modelGpuLayers: 0 });
      return context.cpuRam + context.gpuVram;
    },
  };
}

export interface GrpoEstimateOptions {
  /** Tokens of the longest prompt (null when not known: prompt + answer is assumed to fill the context). */
  promptTokens: number | null;
  /** Whether the job starts from an SFT adapter (its frozen copy is the KL reference). */
  initAdapter: boolean;
  threads: number;
  /** Memory the job may use. Defaults to the machine's total RAM. */
  availableBytes?: number;
  /** Sampled tokens per second of an earlier job on this model with this group size. */
  measuredRolloutTokensPerSecond?: number | null;
  /** The update's real tokens per second from an earlier job on this model at this context. */
  measuredTrainTokensPerSecond?: number | null;
  /** Effective memory bandwidth for decoding. Defaults by platform (models/fit.ts). */
  memoryBandwidthBytesPerSecond?: number;
}

/** The rollout context's per-sequence size (GroupRollouts: prompt + max tokens, rounded up to 256). */
const ROLLOUT_CONTEXT_STEP = 256;
/** The trainer's micro-batch is the packed tokens rounded up to this (native/session.cpp kSlotGranularity). */
const SLOT_GRANULARITY = 16;
/** The KL term's two forward passes (current and reference), relative to a forward + backward pass. */
const KL_PASSES = 2 / 3;
const roundUp = (n: number, step: number) => Math.ceil(n / step) * step;

type Sizing = Pick<GrpoConfig, 'group' | 'promptsPerStep' | 'maxTokens' | 'contextLength'>;

/** How a step's sequences lay out: their length, the rollout context, the micro-batches and their slots. */
export function grpoStepLayout(config: Sizing, promptTokens: number | null) {
  const sequences = config.group * config.promptsPerStep;
  // The runner refuses a prompt whose answers would not fit the context: a sequence is at most the context.
  const sequenceTokens = Math.min(config.contextLength, promptTokens === null ? config.contextLength : promptTokens + config.maxTokens);
  const rolloutContextSize = roundUp(promptTokens === null ? config.contextLength : promptTokens + config.maxTokens, ROLLOUT_CONTEXT_STEP);
  const perBatch = Math.max(1, Math.floor(config.contextLength / sequenceTokens));
  const slots = (count: number) => Math.min(config.contextLength, roundUp(count * sequenceTokens, SLOT_GRANULARITY));
  const microBatchTokens = slots(Math.min(sequences, perBatch));
  const full = Math.floor(sequences / perBatch);
  const rest = sequences % perBatch;
  return {
    sequences,
    sequenceTokens,
    rolloutContextSize,
    microBatchTokens,
    microBatches: full + (rest > 0 ? 1 : 0),
    slotsPerStep: full * microBatchTokens + (rest > 0 ? slots(rest) : 0),
  };
}

export function estimateGrpoMemory(shape: ModelShape, rollout: RolloutMemory, config: GrpoConfig, options: Pick<GrpoEstimateOptions, 'promptTokens' | 'initAdapter'>): GrpoMemoryEstimate {
  const layout = grpoStepLayout(config, options.promptTokens);
  const trainer = estimateTrainingMemory(shape, { rank: config.rank, targets: config.targets, contextLength: layout.microBatchTokens });
  // A plain F32 copy of A and B (no gradients, no moments).
  const referenceBytes = options.initAdapter ? loraParameterCount(shape, config.rank, config.targets) * 4 : 0;
  const rolloutContextBytes = rollout.contextBytes(layout.rolloutContextSize, config.group) + rollout.contextBytes(Math.max(256, config.contextLength), 1);
  return {
    ...trainer,
    referenceBytes,
    rolloutModelBytes: rollout.modelBytes,
    rolloutContextBytes,
    totalBytes: trainer.totalBytes + referenceBytes + rollout.modelBytes + rolloutContextBytes,
  };
}

/** Assumed sampled tokens per second of a group decoded together (see the file comment). */
export function assumedRolloutTokensPerSecond(shape: ModelShape, group: number, threads: number, bandwidth: number = defaultMemoryBandwidth()): number {
  const passesByBandwidth = bandwidth / Math.max(shape.modelBytes, 1);
  const tokensByCompute = (Math.max(1, threads) * 40e9) / (2 * shape.parameters);
  return Math.min(group * passesByBandwidth, tokensByCompute);
}

export function estimateGrpo(modelPath: string, shape: ModelShape, rollout: RolloutMemory, config: GrpoConfig, options: GrpoEstimateOptions): GrpoEstimate {
  const memory = estimateGrpoMemory(shape, rollout, config, options);
  const availableBytes = options.availableBytes ?? os.totalmem();
  // Leave room for the OS and the app itself.
  const usable = availableBytes * 0.9;
  const fits = memory.totalBytes <= usable;
  const layout = grpoStepLayout(config, options.promptTokens);

  const rolloutTokensPerStep = layout.sequences * config.maxTokens;
  const updateTokensPerStep = layout.sequences * layout.sequenceTokens;
  const measuredRollout = options.measuredRolloutTokensPerSecond ?? null;
  const rolloutTokensPerSecond = measuredRollout ?? assumedRolloutTokensPerSecond(shape, config.group, options.threads, options.memoryBandwidthBytesPerSecond);
  const measuredTrain = options.measuredTrainTokensPerSecond ?? null;
  // An update computes its slots (padding included); the real tokens per second follow from them.
  const trainTokensPerSecond = measuredTrain ?? (assumedSlotsPerSecond(shape, layout.microBatchTokens, options.threads) * updateTokensPerStep) / layout.slotsPerStep;
  const klFactor = config.beta > 0 ? 1 + KL_PASSES : 1;
  const stepSeconds = rolloutTokensPerStep / rolloutTokensPerSecond + (updateTokensPerStep / trainTokensPerSecond) * klFactor;
  const seconds = config.steps * stepSeconds;

  const advice = fits ? [] : grpoAdvice(shape, rollout, config, options, memory, usable);
  const source = (measured: number | null) => (measured !== null ? 'measured' : 'assumed');
  const rate = (r: number) => r.toFixed(r < 10 ? 1 : 0);
  const summary = fitSummary(
    memory.totalBytes,
    availableBytes,
    fits,
    `, at most about ${formatDuration(seconds)} (rollouts ~${rate(rolloutTokensPerSecond)} tokens/s, ${source(measuredRollout)}; updates ~${rate(trainTokensPerSecond)} tokens/s, ${source(measuredTrain)}).`,
    advice,
  );
  return {
    ...estimateBase(modelPath, shape, config, memory, availableBytes, fits),
    promptTokens: options.promptTokens,
    rolloutContextSize: layout.rolloutContextSize,
    microBatchTokens: layout.microBatchTokens,
    rolloutTokensPerStep,
    updateTokensPerStep,
    rolloutTokensPerSecond,
    rolloutSpeedSource: source(measuredRollout),
    trainTokensPerSecond,
    trainSpeedSource: source(measuredTrain),
    seconds,
    totalTokens: config.steps * updateTokensPerStep,
    advice,
    summary,
  };
}

/** What to lower, each the largest value that fits with the rest unchanged; then the model. */
function grpoAdvice(shape: ModelShape, rollout: RolloutMemory, config: GrpoConfig, options: Pick<GrpoEstimateOptions, 'promptTokens' | 'initAdapter'>, memory: GrpoMemoryEstimate, usable: number): string[] {
  const fitsWith = (patch: Partial<GrpoConfig>) => estimateGrpoMemory(shape, rollout, { ...config, ...patch }, options).totalBytes <= usable;
  const advice: string[] = [];
  const group = halvings(config.group, 2).find((g) => fitsWith({ group: g }));
  if (group !== undefined) advice.push(`Lower the group size to ${group} answers per prompt.`);
  const prompts = halvings(config.promptsPerStep, 1).find((p) => fitsWith({ promptsPerStep: p }));
  if (prompts !== undefined) advice.push(`Lower the prompts per step to ${prompts}.`);
  const prompt = options.promptTokens ?? 0;
  const maxTokens = halvings(config.maxTokens, 16).find((m) => fitsWith({ maxTokens: m }));
  if (maxTokens !== undefined && options.promptTokens !== null) advice.push(`Lower the answer length to ${maxTokens} tokens.`);
  const context = halvings(config.contextLength, Math.max(64, prompt + 16)).find((c) => fitsWith({ contextLength: c, maxTokens: Math.min(config.maxTokens, Math.max(1, c - prompt)) }));
  if (context !== undefined) advice.push(`Lower the context length to ${context} tokens (a prompt and its answer must still fit).`);
  const over = memory.totalBytes - usable;
  if (memory.loraBytes > over) advice.push(`Lower the LoRA rank (${config.rank} now) or train fewer modules.`);
  if (memory.modelBytes > usable * 0.3) advice.push(shape.quantized ? 'Use a smaller model.' : 'Use a quantized base model (Q8_0 or Q4_K_M): LoRA trains on a frozen quantized base.');
  if (advice.length === 0) advice.push('Use a smaller model, or a machine with more memory.');
  return advice;
}

/** value/2, value/4, … down to `min` (integers, each below `value`). */
function halvings(value: number, min: number): number[] {
  const out: number[] = [];
  for (let v = Math.floor(value / 2); v >= min; v = Math.floor(v / 2)) out.push(v);
  return out;
}
