/**
 * Memory and time of a LoRA job before it starts, and a refusal (TRAIN_WONT_FIT) with what to change when it will not
 * fit. The quantities follow what the trainer's ggml graph keeps alive (electron/services/training/native/graph.cpp):
 *
 * - the frozen base weights as stored (the trainer loads them into its backend buffer, no mmap);
 * - LoRA A/B in F32 with their gradients and AdamW's two moments: params × 4 values × 4 bytes;
 * - activations kept for the backward pass, per layer and token: the two norm outputs, the attention output and the
 *   residual (4 × embedding), K and V (2 × kv width), gate, up and their SwiGLU product (3 × feed-forward), F32, about
 *   twice over with their gradients;
 * - attention scores, layers × heads × context² F32 (ggml has no flash-attention backward, so they are materialised);
 * - logits over the vocabulary, context × vocabulary F32, three times (logits, log-softmax, its gradient).
 *
 * Measured with the trainer on generated qwen2 models (E 512, F 2048, 6 layers, vocabulary 151,936, F32): peak RSS
 * 0.97 GB at context 256 and 2.74 GB at 1024; this estimate gives 1.11 and 3.11 GB (on the safe side). Time: a micro-batch always
 * computes the whole context (padding included), about 3 × (2 × params + 4 × layers × context × embedding) FLOPs per
 * slot; measured 33–51 GFLOP/s per thread on F32 weights; the gradient through a quantized weight runs as a plain loop
 * (about 6× its forward), so quantized bases are assumed 2.5× slower. A measured speed from an earlier job on the same
 * model and context replaces the assumption.
 */
import os from 'node:os';
import { GgufInsights, readGgufFileInfo } from 'node-llama-cpp';
import { AppError } from '../../shared/errors';
import type { LoraTarget, SftConfig, TrainEstimate, TrainMemoryEstimate } from '../../shared/training';

export interface ModelShape {
  layers: number;
  embedding: number;
  feedForward: number;
  heads: number;
  kvHeads: number;
  vocabulary: number;
  /** Bytes of the weights as stored. */
  modelBytes: number;
  parameters: number;
  /** Quantized (Q4_K, Q8_0, …) rather than F32/F16/BF16. */
  quantized: boolean;
}

const FLOAT_FILE_TYPES = new Set([0, 1, 32]); // ALL_F32, MOSTLY_F16, MOSTLY_BF16
const GIB = 1024 ** 3;
const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GiB`;

/** The shape of a GGUF model, from its metadata (no weights are read). */
export async function readModelShape(modelPath: string): Promise<ModelShape> {
  const info = await readGgufFileInfo(modelPath, { logWarnings: false, spliceSplitFiles: false });
  const insights = await GgufInsights.from(info);
  const arch = info.architectureMetadata as {
    block_count?: number;
    embedding_length?: number;
    feed_forward_length?: number;
    attention?: { head_count?: number; head_count_kv?: number | number[] };
  };
  const layers = Number(arch.block_count ?? 0);
  const embedding = Number(arch.embedding_length ?? 0);
  const heads = Number(arch.attention?.head_count ?? 1);
  const kvRaw = arch.attention?.head_count_kv;
  const kvHeads = Number(Array.isArray(kvRaw) ? kvRaw[0] : (kvRaw ?? heads));
  const vocabulary = info.metadata.tokenizer?.ggml?.tokens?.length ?? 0;
  const feedForward = Number(arch.feed_forward_length ?? 4 * embedding);
  const fileType = info.metadata.general?.file_type;
  const parameters = layers * (2 * embedding * embedding + 2 * embedding * (embedding / heads) * kvHeads + 3 * embedding * feedForward) + vocabulary * embedding;
  return {
    layers,
    embedding,
    feedForward,
    heads,
    kvHeads,
    vocabulary,
    modelBytes: insights.modelSize,
    parameters,
    quantized: typeof fileType === 'number' ? !FLOAT_FILE_TYPES.has(fileType) : false,
  };
}

/** Trainable parameters: rank × (inputs + outputs) of every adapted matrix in every layer. */
export function loraParameterCount(shape: ModelShape, rank: number, targets: readonly LoraTarget[]): number {
  const kv = (shape.embedding / shape.heads) * shape.kvHeads;
  const dims: Record<LoraTarget, [number, number]> = {
    attn_q: [shape.embedding, shape.embedding],
    attn_k: [shape.embedding, kv],
    attn_v: [shape.embedding, kv],
    attn_output: [shape.embedding, shape.embedding],
    ffn_gate: [shape.embedding, shape.feedForward],
    ffn_up: [shape.embedding, shape.feedForward],
    ffn_down: [shape.feedForward, shape.embedding],
  };
  return shape.layers * targets.reduce((sum, t) => sum + rank * (dims[t][0] + dims[t][1]), 0);
}

export function estimateTrainingMemory(shape: ModelShape, config: Pick<SftConfig, 'rank' | 'targets' | 'contextLength'>): TrainMemoryEstimate {
  const T = config.contextLength;
  const kv = (shape.embedding / shape.heads) * shape.kvHeads;
  const loraBytes = loraParameterCount(shape, config.rank, config.targets) * 4 * 4;
  const activationBytes = 2 * shape.layers * T * (4 * shape.embedding + 2 * kv + 3 * shape.feedForward) * 4;
  const attentionBytes = shape.layers * shape.heads * T * T * 4;
  const logitBytes = 3 * T * shape.vocabulary * 4;
  const subtotal = shape.modelBytes + loraBytes + activationBytes + attentionBytes + logitBytes;
  // ggml's graph, the optimizer's own tensors and the process itself.
  const otherBytes = logitBytes + Math.round(subtotal * 0.05) + 64 * 1024 ** 2;
  return {
    modelBytes: shape.modelBytes,
    loraBytes,
    activationBytes,
    attentionBytes,
    otherBytes,
    totalBytes: shape.modelBytes + loraBytes + activationBytes + attentionBytes + otherBytes,
  };
}

/** Assumed training speed in context slots per second (see the file comment). */
export function assumedSlotsPerSecond(shape: ModelShape, contextLength: number, threads: number): number {
  const flopsPerSlot = 3 * (2 * shape.parameters + 4 * shape.layers * contextLength * shape.embedding);
  const perThread = 40e9 / (shape.quantized ? 2.5 : 1);
  return (Math.max(1, threads) * perThread) / flopsPerSlot;
}

export interface EstimateOptions {
  /** Tokens of the training examples per epoch (null when not known yet). */
  tokensPerEpoch: number | null;
  /** Memory training may use. Defaults to the machine's total RAM. */
  availableBytes?: number;
  threads: number;
  /** Real tokens per second measured by an earlier job on the same model and context, if any. */
  measuredTokensPerSecond?: number | null;
}

/** Packing leaves part of each micro-batch empty; this is a typical fill for SFT examples of mixed length. */
const PACKING_FILL = 0.85;

export function estimateTraining(modelPath: string, shape: ModelShape, config: SftConfig, options: EstimateOptions): TrainEstimate {
  const memory = estimateTrainingMemory(shape, config);
  const availableBytes = options.availableBytes ?? os.totalmem();
  // Leave room for the OS and the app itself.
  const usable = availableBytes * 0.9;
  const fits = memory.totalBytes <= usable;
  const measured = options.measuredTokensPerSecond ?? null;
  const tokensPerSecond = measured ?? assumedSlotsPerSecond(shape, config.contextLength, options.threads) * PACKING_FILL;
  const totalTokens = options.tokensPerEpoch === null ? null : config.steps > 0 ? config.steps * config.gradAccumulation * config.contextLength * PACKING_FILL : options.tokensPerEpoch * config.epochs;
  const seconds = totalTokens === null ? null : totalTokens / tokensPerSecond;

  const advice: string[] = [];
  if (!fits) {
    const over = memory.totalBytes - usable;
    for (const ctx of [config.contextLength / 2, config.contextLength / 4, 512, 256].map((c) => Math.floor(c)).filter((c) => c >= 128 && c < config.contextLength)) {
      if (estimateTrainingMemory(shape, { ...config, contextLength: ctx }).totalBytes <= usable) {
        advice.push(`Lower the context length to ${ctx} tokens (longer examples are left out).`);
        break;
      }
    }
    if (memory.loraBytes > over) advice.push(`Lower the LoRA rank (${config.rank} now) or train fewer modules.`);
    if (memory.modelBytes > usable * 0.6) advice.push(shape.quantized ? 'Use a smaller model.' : 'Use a quantized base model (Q8_0 or Q4_K_M): LoRA trains on a frozen quantized base.');
    if (advice.length === 0) advice.push('Use a smaller model, or a machine with more memory.');
  }
  if (config.gradAccumulation > 1 && !fits) advice.push('Gradient accumulation does not add memory; it is not what to lower.');

  const time = seconds === null ? '' : `, about ${formatDuration(seconds)} at ~${tokensPerSecond.toFixed(tokensPerSecond < 10 ? 1 : 0)} tokens/s (${measured !== null ? 'measured' : 'assumed'})`;
  return {
    ...estimateBase(modelPath, shape, config, memory, availableBytes, fits),
    tokensPerEpoch: options.tokensPerEpoch,
    totalTokens: totalTokens === null ? null : Math.round(totalTokens),
    tokensPerSecond,
    speedSource: measured !== null ? 'measured' : 'assumed',
    seconds,
    advice,
    summary: fitSummary(memory.totalBytes, availableBytes, fits, `${time}.`, advice),
  };
}

/** What an SFT and a GRPO estimate both start with: the model, the settings, the adapter's size and whether the memory fits. */
export function estimateBase<C extends Pick<SftConfig, 'rank' | 'targets'>, M>(modelPath: string, shape: ModelShape, config: C, memory: M, availableBytes: number, fits: boolean) {
  return { modelPath, config, trainableParams: loraParameterCount(shape, config.rank, config.targets), memory, availableBytes, fits };
}

/** An estimate's one line: the memory it needs and `fitting` after it when it fits, else the first advice. */
export function fitSummary(totalBytes: number, availableBytes: number, fits: boolean, fitting: string, advice: readonly string[]): string {
  return fits ? `Needs about ${gib(totalBytes)} of ${gib(availableBytes)}${fitting}` : `Needs about ${gib(totalBytes)} but this machine has ${gib(availableBytes)}. ${advice[0]}`;
}

/** The refusal a job that will not fit gets (an SFT or a GRPO estimate). */
export function wontFitError(estimate: Pick<TrainEstimate, 'availableBytes' | 'advice'> & { memory: { totalBytes: number } }): AppError {
  return new AppError(
    'TRAIN_WONT_FIT',
    `This job needs about ${gib(estimate.memory.totalBytes)} of memory but this machine has ${gib(estimate.availableBytes)}. ${estimate.advice.join(' ')}`,
    { neededBytes: estimate.memory.totalBytes, availableBytes: estimate.availableBytes, advice: estimate.advice },
  );
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
