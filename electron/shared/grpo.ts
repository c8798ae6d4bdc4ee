/**
 * GRPO records: the settings of a run (DianJin-R1's by default) and what each step reports. Runtime-neutral.
 */
import { z } from 'zod';
import type { SerializedError } from './errors';
import { LoraTarget, PromptStyle, type TrainMemoryEstimate } from './training';

export const GrpoCustomReward = z.discriminatedUnion('kind', [
  /** +1 per `include` phrase in the answer, −1 per `exclude` phrase, scaled to [−1, 1]. */
  z.object({ kind: z.literal('keywords'), include: z.array(z.string().min(1).max(200)).max(50).default([]), exclude: z.array(z.string().min(1).max(200)).max(50).default([]), weight: z.number().min(-10).max(10).default(1) }).strict(),
  /** 1 when the boxed answer (else the answer text) is JSON the schema accepts. */
  z.object({ kind: z.literal('jsonSchema'), schema: z.record(z.string(), z.unknown()), weight: z.number().min(-10).max(10).default(1) }).strict(),
  /** 1 when the answer starts with `text`. */
  z.object({ kind: z.literal('answerStartsWith'), text: z.string().min(1).max(200), weight: z.number().min(-10).max(10).default(1) }).strict(),
]);
export type GrpoCustomReward = z.infer<typeof GrpoCustomReward>;

export const GrpoRewardConfig = z
  .object({
    /** Weight of the format reward (one think block, one answer block with \boxed{}). DianJin-R1: 1. */
    format: z.number().min(0).max(10).default(1),
    /** Weight of the accuracy reward (the evaluation scorer). DianJin-R1: 1. */
    accuracy: z.number().min(0).max(10).default(1),
    custom: z.array(GrpoCustomReward).max(20).default([]),
  })
  .strict();
export type GrpoRewardConfig = z.infer<typeof GrpoRewardConfig>;

export const GrpoConfig = z
  .object({
    /** Answers sampled per prompt (DianJin-R1: 8). */
    group: z.number().int().min(2).max(64).default(8),
    /** Prompts per step (each gets a group). */
    promptsPerStep: z.number().int().min(1).max(64).default(2),
    steps: z.number().int().min(1).max(100_000).default(100),
    /** Sampling as DianJin-R1: temperature 0.6, top-p 0.95. */
    temperature: z.number().min(0.05).max(2).default(0.6),
    topP: z.number().gt(0).max(1).default(0.95),
    maxTokens: z.number().int().min(1).max(32768).default(1024),
    lr: z.number().gt(0).max(1).default(2e-5),
    rank: z.number().int().min(1).max(256).default(8),
    alpha: z.number().gt(0).max(1024).default(16),
    targets: z.array(LoraTarget).min(1).default(['attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down']),
    /** KL penalty against the starting adapter (DianJin-R1: 0.001, k3 estimator); 0 turns it off. */
    beta: z.number().min(0).max(10).default(0.001),
    /**
     * Trainer micro-batch size in tokens (a step's sequences are packed and their gradients accumulated). A prompt and
     * `maxTokens` of answer must fit: 2048 leaves 1024 for the prompt, DianJin-R1's `max_prompt_length`.
     */
    contextLength: z.number().int().min(64).max(65536).default(2048),
    checkpointEvery: z.number().int().min(1).max(10_000).default(5),
    /** `dianjin`: evaluation's system prompt and per-task instruction (what evaluation measures); `chat`: the bare question. */
    promptStyle: PromptStyle.default('dianjin'),
    seed: z.number().int().min(0).default(42),
    reward: GrpoRewardConfig.default({ format: 1, accuracy: 1, custom: [] }),
  })
  .strict();
export type GrpoConfig = z.infer<typeof GrpoConfig>;
export type GrpoConfigInput = z.input<typeof GrpoConfig>;

/** One sampled answer of a group, as the UI shows it. */
export interface GrpoSample {
  text: string;
  reward: number;
  format: number;
  accuracy: number;
  custom: number[];
  advantage: number;
  tokens: number;
}

export interface GrpoGroup {
  itemId: string;
  question: string;
  reference: string;
  samples: GrpoSample[];
}

/** What one GRPO step did. */
export interface GrpoStepRecord {
  step: number;
  totalSteps: number;
  rewardMean: number;
  rewardStd: number;
  formatReward: number;
  accuracyReward: number;
  /** Mean completion length in tokens. */
  length: number;
  /** The trainer's loss for the update; null when every group's rewards were equal (nothing to learn). */
  loss: number | null;
  rolloutTokensPerSecond: number | null;
  trainTokensPerSecond: number | null;
  seconds: number;
  peakMemoryBytes: number | null;
  groups: GrpoGroup[];
}

/** A GRPO job's request: the base model (and an SFT adapter to start from), the data file, where the adapter goes. */
export const GrpoStartInput = z
  .object({
    modelPath: z.string().min(1).max(4096),
    /** An SFT adapter to start from; it is also the KL reference. */
    initAdapter: z.string().min(1).max(4096).optional(),
    /** JSONL with `question`, `answer` (the reference; or `reference`) and `task` (finqa, cflue, ccc, open). */
    data: z.string().min(1).max(4096),
    /** Where the final adapter goes. Defaults to `<data folder>/adapters/<name>-<id>.gguf`. */
    out: z.string().min(1).max(4096).optional(),
    name: z.string().min(1).max(200).optional(),
    /** CPU threads for rollouts and updates (they take turns). 0 = automatic. Defaults to 0. */
    threads: z.number().int().min(0).max(256).optional(),
    config: GrpoConfig.optional(),
  })
  .strict();
export type GrpoStartInput = z.input<typeof GrpoStartInput>;

/** A GRPO job's memory and time before it starts: the same model, adapter, data and settings as `grpo.start`. */
export const GrpoEstimateInput = z
  .object({
    modelPath: z.string().min(1).max(4096),
    /** The SFT adapter the job would start from (its frozen copy, the KL reference, takes memory too). */
    initAdapter: z.string().min(1).max(4096).optional(),
    /** The prompts' file: its longest prompt sizes the rollout context. Without it the whole training context is assumed. */
    data: z.string().min(1).max(4096).optional(),
    /** Tokens of the longest prompt, when already known (instead of `data`). */
    promptTokens: z.number().int().min(1).max(65536).optional(),
    threads: z.number().int().min(0).max(256).optional(),
    config: GrpoConfig.optional(),
  })
  .strict();
export type GrpoEstimateInput = z.input<typeof GrpoEstimateInput>;

/** The trainer's parts (as SFT's estimate, for one micro-batch of the update) and the rollout process's. */
export interface GrpoMemoryEstimate extends TrainMemoryEstimate {
  /** The starting adapter's frozen copy, the KL reference (0 without one). */
  referenceBytes: number;
  /** The rollout process's weights (a second copy: the trainer loads its own). */
  rolloutModelBytes: number;
  /** The rollout process's contexts: the group's KV cache (group × (prompt + answer)) and its one-sequence main context. */
  rolloutContextBytes: number;
}

export interface GrpoEstimate {
  modelPath: string;
  config: GrpoConfig;
  trainableParams: number;
  memory: GrpoMemoryEstimate;
  availableBytes: number;
  fits: boolean;
  /** The longest prompt's tokens (estimated from its characters when read from the data); null when not known. */
  promptTokens: number | null;
  /** Tokens per sequence of the group's rollout context. */
  rolloutContextSize: number;
  /** Tokens of the trainer's largest micro-batch (the step's sequences are packed into the context and accumulated). */
  microBatchTokens: number;
  /** Answer tokens sampled per step at most (prompts × group × max tokens). */
  rolloutTokensPerStep: number;
  /** Tokens the update trains on per step at most (prompts × group × (prompt + max tokens)). */
  updateTokensPerStep: number;
  rolloutTokensPerSecond: number;
  rolloutSpeedSource: 'measured' | 'assumed';
  /** The update's real tokens per second (the KL term's two forward passes are added to its time). */
  trainTokensPerSecond: number;
  trainSpeedSource: 'measured' | 'assumed';
  /** All steps, rollouts and updates; answers that stop early make it shorter. */
  seconds: number;
  totalTokens: number;
  /** What to change when it does not fit, in words. */
  advice: string[];
  summary: string;
}

export type GrpoJobStatus = 'queued' | 'running' | 'paused' | 'complete' | 'failed' | 'cancelled';

/** A step's numbers, without its groups (the charts' series). */
export type GrpoStepPoint = Omit<GrpoStepRecord, 'groups'>;

export interface GrpoJobSummary {
  id: string;
  kind: 'grpo';
  name: string;
  status: GrpoJobStatus;
  modelPath: string;
  modelName: string;
  initAdapter: string | null;
  /** The adapter written when the job completes. */
  outPath: string;
  /** The data file the prompts were read from (a copy is kept with the job). */
  dataPath: string;
  /** Prompts in the data. */
  items: number;
  config: GrpoConfig;
  threads: number;
  step: number;
  totalSteps: number;
  /** The step of the last checkpoint (`resume` continues from it); null before the first. */
  checkpointStep: number | null;
  /** The last step's numbers, null before the first step. */
  last: GrpoStepPoint | null;
  /** Seconds left while running, from the recent step times. */
  etaSeconds: number | null;
  /** Seconds spent, over every session of the job. */
  elapsedSeconds: number;
  error: SerializedError | null;
  createdAt: number;
  updatedAt: number;
}

export interface GrpoJobDetail extends GrpoJobSummary {
  /** Every step's numbers, in order. */
  series: GrpoStepPoint[];
  /** The sampled groups of the most recent steps (older steps keep their numbers only). */
  recentGroups: Array<{ step: number; groups: GrpoGroup[] }>;
  /** Lines of the data file that were skipped, and why (`line 3: not JSON`). */
  warnings: string[];
}

/** A GRPO job advanced (a step) or changed state. */
export interface GrpoProgressEvent {
  type: 'grpo.progress';
  job: GrpoJobSummary;
  /** The step just finished, with its groups; null for a change of state. */
  step: GrpoStepRecord | null;
}
