import type { Citation } from '../../shared/documents';
import type { GenerationStats, MessageStatus, SamplingSettings } from '../../shared/records';

/** Every field optional, recursively; arrays and null are replaced whole. */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

export interface StoreOptions {
  /** How long a write waits for another connection's lock (the CLI and the app may share a file). Defaults to 5000 ms. */
  busyTimeoutMs?: number;
  /** Clock for created_at / updated_at, in ms since the epoch. Defaults to `Date.now`. */
  now?: () => number;
}

export interface StartAssistantMessageInput {
  modelPath: string;
  modelName: string;
  modelHash: string | null;
  /** e.g. 'cuda', 'metal', 'vulkan', 'cpu'. */
  backend: string | null;
  sampling: SamplingSettings;
  /** Set when this answer regenerates the question of another assistant message (an alternative to compare). */
  alternativeOf?: string | null;
  /** The report passages given to the model, as the answer cites them. */
  citations?: Citation[];
}

/** The streamed text so far; each field is the full text, not a delta. */
export interface PartialMessageText {
  content: string;
  reasoning: string;
  answer: string;
}

export interface FinishAssistantMessageInput extends PartialMessageText, Partial<GenerationStats> {
  status: Exclude<MessageStatus, 'streaming'>;
  errorCode?: string | null;
  errorMessage?: string | null;
  /** The model file's SHA-256 when it became known during the generation (hashing runs in the background). */
  modelHash?: string | null;
}
