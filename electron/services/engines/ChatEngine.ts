/**
 * What ChatService needs from whatever writes the answer: the local inference process (InferenceHost) or a remote
 * OpenAI-compatible server (RemoteEngine). Both stream raw model text, `<think>` tags included, into `onText`; the
 * reasoning/answer split happens once, in ChatService, with the same parser for every engine.
 */
import type { GenerateCallbacks, GenerateResult } from '../inference/InferenceHost';
import type { ChatTurn } from '../inference/protocol';
import type { SamplingSettings } from '../../shared/records';

export type { GenerateCallbacks, GenerateResult } from '../inference/InferenceHost';
export type { ChatTurn } from '../inference/protocol';

export interface ChatEngine {
  generate(turns: ChatTurn[], sampling: SamplingSettings, callbacks?: GenerateCallbacks): Promise<GenerateResult>;
}

/** A remote engine as settings or a request name it. The API key is never part of this: it lives in a SecretStore. */
export interface RemoteEngineTarget {
  /** e.g. "http://127.0.0.1:8080/v1" (llama-server), "http://localhost:11434/v1" (Ollama), "https://…/v1". */
  baseUrl: string;
  /** The model name the server knows, e.g. "DianJin-R1-32B". */
  model: string;
}
