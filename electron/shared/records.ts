/**
 * Records that cross process boundaries (store ⇄ services ⇄ API ⇄ renderer).
 * Runtime-neutral: imported by the renderer too, so nothing here may touch Node or Electron.
 */
import { z } from 'zod';
import type { Citation } from './documents';

export const GpuChoice = z.enum(['auto', 'off', 'cuda', 'metal', 'vulkan']);
export type GpuChoice = z.infer<typeof GpuChoice>;

/** Sampling settings saved with every assistant message. */
export const SamplingSettings = z.object({
  temperature: z.number().min(0).max(2),
  topP: z.number().gt(0).max(1),
  topK: z.number().int().min(0).max(1000),
  minP: z.number().min(0).max(1),
  repeatPenalty: z.number().min(0.5).max(2),
  maxTokens: z.number().int().min(1).max(131072),
  seed: z.number().int().min(0).optional(),
});
export type SamplingSettings = z.infer<typeof SamplingSettings>;

/** A LoRA adapter GGUF and how strongly it applies (0 = not at all, 1 = as trained). */
export const LoraAdapter = z.object({
  path: z.string().trim().min(1).max(4096),
  scale: z.number().min(0).max(4),
});
export type LoraAdapter = z.infer<typeof LoraAdapter>;

/** How the model is loaded: changing any of these reloads the model in the inference process. */
export const LoadSettings = z.object({
  /** 0 = automatic (measured default, see electron/services/inference/threads.ts). */
  threads: z.number().int().min(0).max(256),
  contextSize: z.number().int().min(256).max(262144),
  gpu: GpuChoice,
  /** 'auto' lets node-llama-cpp fit as many layers as the device holds. */
  gpuLayers: z.union([z.literal('auto'), z.literal('max'), z.number().int().min(0).max(1000)]),
  /** A LoRA adapter (GGUF) applied on top of the model; absent or null = none. */
  lora: LoraAdapter.nullable().optional(),
});
export type LoadSettings = z.infer<typeof LoadSettings>;

export const ThemeChoice = z.enum(['system', 'light', 'dark']);
export const LanguageChoice = z.enum(['system', 'en', 'zh-CN']);

/** "http://…" or "https://…" (the engine's OpenAI-compatible base, usually ending in /v1). */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Which engine answers: the local model (default; nothing leaves the machine) or a remote OpenAI-compatible server.
 * The remote address and model are kept while 'local' is chosen, so switching back is one click. The API key is
 * never here: it lives in a SecretStore (electron/services/secrets).
 */
export const EngineSettingsFields = z.object({
  kind: z.enum(['local', 'remote']),
  baseUrl: z.string().trim().max(2000),
  model: z.string().trim().max(200),
});
export const EngineSettings = EngineSettingsFields.refine((e) => e.kind === 'local' || (isHttpUrl(e.baseUrl) && e.model.length > 0), {
  message: 'A remote engine needs an http(s) address and a model name.',
  path: ['baseUrl'],
});
export type EngineSettings = z.infer<typeof EngineSettings>;

export const AppSettings = z.object({
  sampling: SamplingSettings,
  load: LoadSettings,
  theme: ThemeChoice,
  language: LanguageChoice,
  /** The model used for new questions; null until the user picks one. */
  modelPath: z.string().nullable(),
  /** A GGUF embedding model for meaning search in the report library; null = keyword search only. */
  embeddingModelPath: z.string().nullable(),
  engine: EngineSettings,
});
export type AppSettings = z.infer<typeof AppSettings>;

export const MessageStatus = z.enum(['complete', 'streaming', 'stopped', 'interrupted', 'error']);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const MessageRole = z.enum(['user', 'assistant']);
export type MessageRole = z.infer<typeof MessageRole>;

export interface GenerationStats {
  promptTokens: number;
  completionTokens: number;
  /** Time to first token, ms, measured from the moment the request reached the inference process. */
  ttftMs: number | null;
  tokensPerSecond: number | null;
  durationMs: number | null;
}

export interface MessageRecord extends Partial<GenerationStats> {
  id: string;
  conversationId: string;
  role: MessageRole;
  /** The user's question (user messages) or the raw generated text (assistant messages). */
  content: string;
  /** Assistant only: text inside <think>…</think>. */
  reasoning: string;
  /** Assistant only: <answer>…</answer> when present, else the text after </think>. */
  answer: string;
  status: MessageStatus;
  errorCode: string | null;
  errorMessage: string | null;
  modelPath: string | null;
  modelName: string | null;
  modelHash: string | null;
  backend: string | null;
  sampling: SamplingSettings | null;
  /** Assistant only: the answer this one is an alternative of (regenerated for the same question), else null. */
  alternativeOf: string | null;
  /** Assistant only: the report passages the answer was given, numbered as it cites them ([1], [2]…). */
  citations: Citation[];
  createdAt: number;
  updatedAt: number;
}

export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  messageCount: number;
}

export interface ConversationRecord extends ConversationSummary {
  messages: MessageRecord[];
  /** Library documents attached to the conversation: questions are answered from them, with citations. */
  documentIds: string[];
}

export const defaultSettings: AppSettings = {
  // Qwen's recommended sampling for reasoning models (QwQ / DeepSeek-R1 distills): T 0.6, top-p 0.95, top-k 20.
  // Greedy decoding makes long reasoning traces loop, so temperature is never 0 by default.
  sampling: { temperature: 0.6, topP: 0.95, topK: 20, minP: 0, repeatPenalty: 1, maxTokens: 4096 },
  load: { threads: 0, contextSize: 8192, gpu: 'auto', gpuLayers: 'auto' },
  theme: 'system',
  language: 'system',
  modelPath: null,
  embeddingModelPath: null,
  engine: { kind: 'local', baseUrl: '', model: '' },
};
