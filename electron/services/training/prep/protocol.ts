/** Messages between the app and the training-prep process (one request per process, then it exits). */
import type { SerializedError } from '../../../shared/errors';
import type { ChatTurn } from '../../inference/protocol';

export interface PrepRequest {
  type: 'prepare';
  modelPath: string;
  items: Array<{ turns: ChatTurn[]; response: string }>;
  contextLength: number;
  /** Where to write the trainer's JSON lines (items that fit the context only); null = count tokens only. */
  outputs: { train: string; validation: string | null; validationIndexes: number[] } | null;
}

export interface PrepCounts {
  promptTokens: number;
  responseTokens: number;
}

export type PrepReply =
  /** Sent once the process listens; the request is sent after it (messages sent earlier would be lost). */
  | { type: 'ready' }
  | { type: 'prepared'; counts: PrepCounts[]; startsInReasoning: boolean; endOfTurn: string; written: { train: number; validation: number } }
  | { type: 'error'; error: SerializedError };
