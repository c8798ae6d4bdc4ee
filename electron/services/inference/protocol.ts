/** Messages between the host (main process / CLI / server) and the inference process. */
import type { SerializedError } from '../../shared/errors';
import type { LoadSettings, LoraAdapter, SamplingSettings, GenerationStats } from '../../shared/records';

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type HostToWorker =
  | { type: 'load'; requestId: string; modelPath: string; load: LoadSettings }
  | { type: 'generate'; requestId: string; turns: ChatTurn[]; sampling: SamplingSettings }
  /** `n` answers to one prompt, sampled in parallel as `n` sequences of one context (GRPO rollouts). */
  | { type: 'generateGroup'; requestId: string; turns: ChatTurn[]; sampling: SamplingSettings; n: number; options: GroupGenerationOptions }
  /** Embeds texts with an embedding model (loaded once and kept beside the chat model). */
  | { type: 'embed'; requestId: string; modelPath: string; texts: string[]; threads: number; gpu: LoadSettings['gpu'] }
  | { type: 'abort'; requestId: string }
  | { type: 'unload'; requestId: string };

export interface WorkerModelInfo {
  name: string;
  backend: string;
  threads: number;
  contextSize: number;
  gpuLayers: number;
  totalLayers: number;
  /** The LoRA adapter applied to the context, if any. */
  lora?: LoraAdapter | null;
}

export interface GroupGenerationOptions {
  /** A LoRA adapter applied to the group's context only (the loaded model is not reloaded). Defaults to none. */
  lora?: LoraAdapter | null;
  /**
   * Evaluate the prompt once and copy its KV cache to the other sequences, instead of evaluating it in every
   * sequence (same result; only slower). Defaults to `true`.
   */
  sharePrompt?: boolean;
}

/** One sampled answer of a group. */
export interface GroupCompletion {
  /** The raw text, as `generate` streams it (the prompt may have opened `<think>`: see `startInReasoning`). */
  text: string;
  /**
   * Exactly the sampled token ids, in order. When `stopReason` is `'eos'` the last one is the end-of-generation token
   * the model sampled (it renders as no text; GRPO must credit stopping too).
   */
  tokens: number[];
  /** `tokens.length`. */
  completionTokens: number;
  stopReason: StopReason;
  /** The sampler's seed for this sequence (the request's seed + the sequence's index). */
  seed: number;
}

export interface GroupGenerationResult {
  promptTokens: number;
  /** The rendered prompt's token ids (GRPO trains on exactly these plus each completion's sampled ids). */
  promptTokenIds: number[];
  /** The prompt already opened `<think>` (as `generate` reports it). */
  startInReasoning: boolean;
  completions: GroupCompletion[];
  /** The group context's per-sequence size (it is kept and reused while big enough). */
  contextSize: number;
  timing: {
    /** Creating the group context (0 when it was reused), including loading a new LoRA adapter. */
    setupMs: number;
    /** Evaluating the prompt (into every sequence). */
    promptMs: number;
    /** From the first sampled token until the last sequence stopped. */
    decodeMs: number;
    /** From receiving the request to replying. */
    durationMs: number;
    /** All sequences' sampled tokens over `decodeMs`. */
    tokensPerSecond: number | null;
  };
}

export type StopReason = 'eos' | 'maxTokens' | 'abort' | 'stopTrigger' | 'other';

export type WorkerToHost =
  | { type: 'ready'; pid: number }
  | { type: 'loadProgress'; requestId: string; progress: number }
  | { type: 'loaded'; requestId: string; info: WorkerModelInfo }
  | { type: 'unloaded'; requestId: string }
  /** The prompt was rendered with the model's chat template and tokenized; generation starts. */
  | { type: 'started'; requestId: string; promptTokens: number; reusedPromptTokens: number; startInReasoning: boolean }
  /** Generated text since the last message (coalesced: at most one message per flush interval). */
  | { type: 'text'; requestId: string; text: string; completionTokens: number }
  | { type: 'done'; requestId: string; stats: GenerationStats; stopReason: StopReason }
  | { type: 'groupDone'; requestId: string; result: GroupGenerationResult }
  | { type: 'embedded'; requestId: string; model: string; vectors: Float32Array[] }
  | { type: 'error'; requestId: string; error: SerializedError };

/** Text is coalesced for this long in the inference process before it crosses the process boundary. */
export const textFlushIntervalMs = 16;
