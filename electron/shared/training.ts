/**
 * Fine-tuning records: SFT data sources, the LoRA configuration, jobs with their loss series, and the estimate shown
 * before a job starts. Runtime-neutral: imported by the renderer too, so nothing here may touch Node.
 */
import { z } from 'zod';
import { EvalTask } from './evaluation';
import type { SerializedError } from './errors';

const id = z.string().min(1).max(100);
const filePath = z.string().trim().min(1, 'A file path is required.').max(4096);

/** One SFT example: the trainer writes it as `<think>reasoning</think><answer>answer with \boxed{}</answer>`. */
export const SftItem = z
  .object({
    question: z.string().trim().min(1, 'The question is empty.').max(200_000),
    /** The reasoning that leads to the answer; empty trains the model to answer without thinking (a warning says so). */
    reasoning: z.string().max(400_000).default(''),
    /** The final answer text; `\boxed{}` is added around it when it has none. */
    answer: z.string().trim().min(1, 'The answer is empty.').max(100_000),
    context: z.string().max(400_000).optional(),
    /** How the question is asked in the `dianjin` prompt style (evaluation's per-task instructions); default `open`. */
    task: EvalTask.optional(),
    choices: z.record(z.string(), z.string()).optional(),
  })
  .strict();
export type SftItem = z.infer<typeof SftItem>;
export type SftItemInput = z.input<typeof SftItem>;

/**
 * How the question side is written: `dianjin` asks as evaluation does (DianJin-R1's system prompt and the per-task
 * instruction, so an evaluation run measures what was trained); `chat` asks the question alone, as the chat does.
 */
export const PromptStyle = z.enum(['dianjin', 'chat']);
export type PromptStyle = z.infer<typeof PromptStyle>;

/** Where the examples come from. */
export const TrainDataSource = z.discriminatedUnion('kind', [
  /** JSONL with `question`, `reasoning`, `answer`, optional `context` (and `task`, `choices`). */
  z.object({ kind: z.literal('file'), path: filePath }).strict(),
  /** An evaluation run's items: the reference as the answer, the model's reasoning when it answered correctly. */
  z.object({ kind: z.literal('evalRun'), runId: id, onlyCorrect: z.boolean().default(true) }).strict(),
  /** Answers from conversations, each optionally corrected by the user. */
  z
    .object({
      kind: z.literal('messages'),
      items: z
        .array(z.object({ messageId: id, answer: z.string().trim().min(1).max(100_000).optional(), reasoning: z.string().max(400_000).optional() }).strict())
        .min(1)
        .max(20_000),
    })
    .strict(),
  /** Examples built in the UI. */
  z.object({ kind: z.literal('items'), items: z.array(SftItem).min(1).max(20_000) }).strict(),
]);
export type TrainDataSource = z.infer<typeof TrainDataSource>;
export type TrainDataSourceInput = z.input<typeof TrainDataSource>;

/** llama.cpp's tensor names for the LoRA targets (q/k/v/o projections, the SwiGLU gate/up/down). */
export const LoraTarget = z.enum(['attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down']);
export type LoraTarget = z.infer<typeof LoraTarget>;
export const LORA_TARGETS: readonly LoraTarget[] = LoraTarget.options;

/** A job's settings; every field is optional in inputs and defaults to `defaultSftConfig`. */
export const SftConfig = z
  .object({
    rank: z.number().int().min(1).max(512),
    alpha: z.number().positive().max(100_000),
    targets: z.array(LoraTarget).min(1).max(7),
    /** AdamW learning rate (the trainer applies it as is; alpha / rank scales the adapter). */
    lr: z.number().positive().max(1),
    lrSchedule: z.enum(['constant', 'cosine', 'linear']),
    warmupSteps: z.number().int().min(0).max(1_000_000),
    weightDecay: z.number().min(0).max(0.5),
    epochs: z.number().int().min(1).max(1000),
    /** Optimizer steps in all; 0 lets `epochs` decide. */
    steps: z.number().int().min(0).max(10_000_000),
    /** Tokens per micro-batch; longer items are left out (with a warning). */
    contextLength: z.number().int().min(32).max(131_072),
    /** Micro-batches per optimizer step. */
    gradAccumulation: z.number().int().min(1).max(1024),
    /** Share of the items held out for the validation loss (only when there are at least 20 items). */
    validationShare: z.number().min(0).max(0.5),
    /** Checkpoint every N steps (0 = about 10 checkpoints per job); always at each epoch's end. */
    checkpointEvery: z.number().int().min(0).max(1_000_000),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    /** CPU threads; 0 = automatic. */
    threads: z.number().int().min(0).max(256),
    /** Train on the GPU when the trainer was built with one. */
    gpu: z.boolean(),
    promptStyle: PromptStyle,
  })
  .strict();
export type SftConfig = z.infer<typeof SftConfig>;
export const SftConfigInput = SftConfig.partial().strict();
export type SftConfigInput = z.infer<typeof SftConfigInput>;

/**
 * Defaults for a 7B model on a laptop: rank 8 and alpha 16 on every projection (QLoRA's recipe, LoRA on all linear
 * layers), lr 1e-4 with a cosine decay, 2 epochs, 512 tokens of context: ggml has no flash-attention backward, so
 * memory grows with the context squared, and a 7B Q4 model at 512 tokens (about 15 GiB by the estimate) is what a
 * 16–24 GB laptop holds. DianJin-R1's traces are longer: raise it where memory allows (the estimate says).
 */
export const defaultSftConfig: SftConfig = {
  rank: 8,
  alpha: 16,
  targets: [...LORA_TARGETS],
  lr: 1e-4,
  lrSchedule: 'cosine',
  warmupSteps: 0,
  weightDecay: 0,
  epochs: 2,
  steps: 0,
  contextLength: 512,
  gradAccumulation: 1,
  validationShare: 0.1,
  checkpointEvery: 0,
  seed: 42,
  threads: 0,
  gpu: true,
  promptStyle: 'dianjin',
};

export const TrainPrepareInput = z
  .object({
    modelPath: filePath,
    data: TrainDataSource,
    contextLength: z.number().int().min(32).max(131_072).optional(),
    promptStyle: PromptStyle.optional(),
    /** How many items the preview shows in full (default 20). */
    previewItems: z.number().int().min(0).max(500).optional(),
  })
  .strict();
export type TrainPrepareInput = z.infer<typeof TrainPrepareInput>;

export const TrainEstimateInput = z
  .object({
    modelPath: filePath,
    config: SftConfigInput.optional(),
    /** The data to train on (its tokens are counted); or `tokens` when they are known already. */
    data: TrainDataSource.optional(),
    tokens: z.number().int().min(1).max(10_000_000_000).optional(),
  })
  .strict();
export type TrainEstimateInput = z.infer<typeof TrainEstimateInput>;

export const TrainStartInput = z
  .object({
    modelPath: filePath,
    data: TrainDataSource,
    /** Where the adapter goes; defaults to `<data folder>/adapters/<job name>.gguf`. */
    out: filePath.optional(),
    name: z.string().trim().min(1).max(200).optional(),
    config: SftConfigInput.optional(),
  })
  .strict();
export type TrainStartInput = z.infer<typeof TrainStartInput>;

/** One example as the preview shows it. */
export interface TrainPreviewItem {
  /** The line (file) or position (other sources), 1-based. */
  line: number;
  question: string;
  /** The response as trained: `<think>…</think><answer>…</answer>`. */
  response: string;
  promptTokens: number;
  responseTokens: number;
  fits: boolean;
}

export interface TrainPreview {
  modelPath: string;
  contextLength: number;
  promptStyle: PromptStyle;
  /** Examples read, and those that fit the context (the ones trained on). */
  items: number;
  usable: number;
  tooLong: number;
  /** Tokens of the usable examples (prompt + response), and of the trained (response) part. */
  tokens: number;
  responseTokens: number;
  maxTokens: number;
  /** Line-numbered problems: lines skipped (bad JSON, no question, empty answer) and examples too long for the context. */
  errors: string[];
  /** Line-numbered notes that do not skip the example (no reasoning, \boxed{} added). */
  warnings: string[];
  preview: TrainPreviewItem[];
}

export interface TrainMemoryEstimate {
  /** The frozen base weights as stored in the GGUF. */
  modelBytes: number;
  /** LoRA A/B with their gradients and two AdamW moments, in F32. */
  loraBytes: number;
  /** Activations kept for the backward pass: layers × context × (embedding + feed-forward) floats. */
  activationBytes: number;
  /** Attention scores per layer (context² × heads; no flash-attention backward). */
  attentionBytes: number;
  /** Logits over the vocabulary for the context, and the graph's own overhead. */
  otherBytes: number;
  totalBytes: number;
}

export interface TrainEstimate {
  modelPath: string;
  config: SftConfig;
  trainableParams: number;
  memory: TrainMemoryEstimate;
  /** Memory available to training on this machine. */
  availableBytes: number;
  fits: boolean;
  /** Tokens trained per epoch (null when the data is not known), the steps and time in all. */
  tokensPerEpoch: number | null;
  totalTokens: number | null;
  tokensPerSecond: number;
  /** `measured`: from an earlier job on this model; `assumed`: from the model's size and this machine's cores. */
  speedSource: 'measured' | 'assumed';
  seconds: number | null;
  /** What to change when it does not fit (or is slow), in words. */
  advice: string[];
  summary: string;
}

export type TrainJobStatus = 'queued' | 'running' | 'paused' | 'complete' | 'failed' | 'cancelled';

export interface TrainLossPoint {
  step: number;
  epoch: number;
  loss: number;
  tokens: number;
  tokensPerSecond: number;
  peakMemoryBytes: number;
  lr: number;
  elapsedSeconds: number;
}

export interface TrainValidationPoint {
  step: number;
  loss: number;
}

export interface TrainCheckpoint {
  step: number;
  /** A copy of the adapter at that step (loadable on its own). */
  adapterPath: string;
  createdAt: number;
}

/** An answer generated with a checkpoint's adapter, to see what the model learns. */
export interface TrainSample {
  step: number;
  question: string;
  reference: string;
  output: string;
}

export interface TrainJobSummary {
  id: string;
  name: string;
  kind: 'sft';
  status: TrainJobStatus;
  modelPath: string;
  modelName: string;
  /** The adapter written when the job completes. */
  outPath: string;
  config: SftConfig;
  /** Examples trained on and held out, and tokens per epoch. */
  items: number;
  validationItems: number;
  tokens: number;
  step: number;
  totalSteps: number | null;
  firstLoss: number | null;
  lastLoss: number | null;
  lastValidationLoss: number | null;
  tokensPerSecond: number | null;
  peakMemoryBytes: number | null;
  /** Seconds left while running, from the recent step times. */
  etaSeconds: number | null;
  /** Seconds spent training, over every session of the job. */
  elapsedSeconds: number;
  /** The step of the last checkpoint (`resume` continues from it); null before the first. */
  checkpointStep: number | null;
  /** Where the trainer ran (CPU, CUDA0, …), once it started. */
  backend: string | null;
  error: SerializedError | null;
  createdAt: number;
  updatedAt: number;
}

export interface TrainJobDetail extends TrainJobSummary {
  loss: TrainLossPoint[];
  validation: TrainValidationPoint[];
  checkpoints: TrainCheckpoint[];
  samples: TrainSample[];
  /** Notes from preparing the data (lines skipped, examples too long). */
  warnings: string[];
  checkpointDir: string;
}

/** A finished job's adapter, as the model library lists it. */
export interface TrainedAdapter {
  path: string;
  baseModelPath: string;
  /** The fine-tuning job that wrote it; null for an adapter imported from elsewhere. */
  jobId: string | null;
  name: string;
  createdAt: number;
}

/** Progress of a job, pushed as an app event while it runs. */
export interface TrainProgressEvent {
  type: 'train.progress';
  job: TrainJobSummary;
  /** The step just finished, a validation loss or a sample, when there was one. */
  point: TrainLossPoint | null;
  validation: TrainValidationPoint | null;
  sample: TrainSample | null;
}
