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
  | { type: 'embedded'; requestId: string; model: string; vectors: Float32Array[] }
  | { type: 'error'; requestId: string; error: SerializedError };

/** Text is coalesced for this long in the inference process before it crosses the process boundary. */
export const textFlushIntervalMs = 16;
