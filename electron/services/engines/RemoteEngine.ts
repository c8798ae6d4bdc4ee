/**
 * A remote OpenAI-compatible engine (llama-server, vLLM, Ollama, SGLang, a cloud endpoint): streaming chat
 * completions with the same `generate(turns, sampling, callbacks)` shape as the local InferenceHost.
 *
 * Written on `fetch` with a hand-rolled SSE reader rather than the `openai` package: the packaged app keeps
 * node_modules external and `openai` is only a dev dependency; two endpoints are all we use; `reasoning_content` is
 * not in the SDK's types; and owning the loop lets abort, disconnects and HTTP statuses map straight to AppErrors.
 *
 * Reasoning: servers that split it out (vLLM / SGLang `--reasoning-parser`, llama-server `--reasoning-format`,
 * DeepSeek's API, Ollama) send it in `delta.reasoning_content` (or `delta.reasoning`). Those deltas are wrapped as
 * `<think>…</think>` text into `onText`, so ChatService's ReasoningStreamParser splits every engine's output the same
 * way and the saved `content` looks like a local model's. Servers that don't split send `<think>` in `content`, which
 * passes through untouched.
 */
import { EngineError, EngineUnauthorizedError, EngineUnreachableError } from './errors';
import { SseParser } from './sse';
import type { ChatEngine, ChatTurn, GenerateCallbacks, GenerateResult, RemoteEngineTarget } from './ChatEngine';
import { AppError } from '../../shared/errors';
import type { SamplingSettings } from '../../shared/records';
import type { StopReason } from '../inference/protocol';

export interface RemoteEngineOptions extends RemoteEngineTarget {
  /** Sent as `Authorization: Bearer …`. Defaults to none (local servers usually need none). */
  apiKey?: string | null;
  /** How long to wait for the response headers (a busy server queues requests). Defaults to 60 000 ms. */
  connectTimeoutMs?: number;
  /** How long the stream may stay silent before the connection counts as lost. Defaults to 120 000 ms. */
  idleTimeoutMs?: number;
  /** Defaults to the global fetch (tests pass their own). */
  fetch?: typeof fetch;
}

export interface RemoteModel {
  id: string;
  ownedBy: string | null;
}

/** What `backend` says on messages answered by a remote engine. */
export const remoteBackend = 'remote';

/** "http://host:8080" → "http://host:8080/v1"; a path given (…/v1, …/api/v1) is kept; trailing slashes dropped. */
export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new AppError('INVALID_INPUT', `"${baseUrl}" is not a URL. Give the engine's address, e.g. http://127.0.0.1:8080/v1.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AppError('INVALID_INPUT', 'The engine address must start with http:// or https://.');
  if (url.username || url.password) throw new AppError('INVALID_INPUT', 'Put the API key in the key field, not in the engine address.');
  url.search = '';
  url.hash = '';
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path === '' ? '/v1' : path}`;
}

export class RemoteEngine implements ChatEngine {
  readonly baseUrl: string;
  readonly model: string;
  private readonly apiKey: string | null;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: RemoteEngineOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.model = options.model.trim();
    this.apiKey = options.apiKey?.trim() || null;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** The models the server offers (`GET /models`): the settings' "Test connection". */
  async listModels(signal?: AbortSignal): Promise<RemoteModel[]> {
    const response = await this.request('/models', { method: 'GET' }, signal);
    const body = (await response.json().catch(() => null)) as { data?: Array<{ id?: unknown; owned_by?: unknown }> } | null;
    if (!body || !Array.isArray(body.data)) throw new EngineError(`${this.baseUrl}/models did not return a model list. Is this an OpenAI-compatible address (usually ending in /v1)?`);
    return body.data.filter((m) => typeof m.id === 'string').map((m) => ({ id: m.id as string, ownedBy: typeof m.owned_by === 'string' ? m.owned_by : null }));
  }

  async generate(turns: ChatTurn[], sampling: SamplingSettings, callbacks: GenerateCallbacks = {}): Promise<GenerateResult> {
    if (!this.model) throw new AppError('INVALID_INPUT', 'No remote model name is set. Enter the model name the engine serves (Test connection lists them).');
    const startedAt = performance.now();
    const body = {
      model: this.model,
      messages: turns.map(({ role, content }) => ({ role, content })),
      stream: true,
      stream_options: { include_usage: true },
      temperature: sampling.temperature,
      top_p: sampling.topP,
      max_tokens: sampling.maxTokens,
      // Not in OpenAI's own API, but honoured by llama-server, vLLM, SGLang and Ollama; DianJin-R1's recommended
      // sampling relies on top-k.
      ...(sampling.topK > 0 ? { top_k: sampling.topK } : {}),
      ...(sampling.minP > 0 ? { min_p: sampling.minP } : {}),
      ...(sampling.repeatPenalty !== 1 ? { repetition_penalty: sampling.repeatPenalty } : {}),
      ...(sampling.seed !== undefined ? { seed: sampling.seed } : {}),
    };
    const local = new AbortController();
    const outer = callbacks.signal;
    const onAbort = () => local.abort();
    outer?.addEventListener('abort', onAbort, { once: true });
    let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
    let firstTokenAt: number | null = null;
    let completionTokens = 0;
    let promptTokens = 0;
    let usageCompletion: number | null = null;
    let stopReason: StopReason = 'other';
    let inReasoning = false;
    let done = false;
    const stats = () => {
      const end = performance.now();
      const tokens = usageCompletion ?? completionTokens;
      const generatingMs = firstTokenAt === null ? 0 : end - firstTokenAt;
      return {
        promptTokens,
        completionTokens: tokens,
        ttftMs: firstTokenAt === null ? null : Math.round(firstTokenAt - startedAt),
        tokensPerSecond: generatingMs > 0 && tokens > 1 ? ((tokens - 1) * 1000) / generatingMs : null,
        durationMs: Math.round(end - startedAt),
      };
    };
    try {
      if (outer?.aborted) return { stats: stats(), stopReason: 'abort' };
      const response = await this.request('/chat/completions', { method: 'POST', body: JSON.stringify(body) }, local.signal);
      if (!response.body) throw new EngineError('The engine sent an empty response.');
      callbacks.onStarted?.({ promptTokens: 0, reusedPromptTokens: 0, startInReasoning: false });
      reader = response.body.getReader();
      const decoder = new TextDecoder();
      const sse = new SseParser();
      const emit = (text: string) => {
        if (!text) return;
        firstTokenAt ??= performance.now();
        completionTokens += 1; // one delta ≈ one token until `usage` says exactly
        callbacks.onText?.(text, completionTokens);
      };
      const handle = (data: string) => {
        if (data.trim() === '[DONE]') {
          done = true;
          return;
        }
        const chunk = parseChunk(data);
        if (chunk.error) throw new EngineError(`The engine stopped with an error: ${describeServerError(chunk.error)}`, { status: null });
        if (chunk.usage) {
          if (typeof chunk.usage.prompt_tokens === 'number') promptTokens = chunk.usage.prompt_tokens;
          if (typeof chunk.usage.completion_tokens === 'number') usageCompletion = chunk.usage.completion_tokens;
        }
        const choice = chunk.choices?.[0];
        if (!choice) return;
        const delta = choice.delta ?? {};
        const reasoning = typeof delta.reasoning_content === 'string' ? delta.reasoning_content : typeof delta.reasoning === 'string' ? delta.reasoning : '';
        const content = typeof delta.content === 'string' ? delta.content : '';
        if (reasoning) {
          emit((inReasoning ? '' : '<think>') + reasoning);
          inReasoning = true;
        }
        if (content) {
          emit((inReasoning ? '</think>' : '') + content);
          inReasoning = false;
        }
        if (choice.finish_reason) stopReason = choice.finish_reason === 'length' ? 'maxTokens' : choice.finish_reason === 'stop' ? 'eos' : 'other';
      };
      const idleMs = this.options.idleTimeoutMs ?? 120_000;
      while (!done) {
        const next = await readWithin(reader, idleMs, local);
        if (next.done) {
          for (const data of sse.end()) handle(data);
          break;
        }
        for (const data of sse.push(decoder.decode(next.value, { stream: true }))) {
          handle(data);
          if (done) break;
        }
      }
      if (inReasoning) callbacks.onText?.('</think>', completionTokens);
      // A stream that just ends, with neither [DONE] nor a finish reason, was cut off (proxy, crash, network).
      if (!done && stopReason === 'other') throw new EngineUnreachableError('The connection to the engine was lost before the answer was finished. The partial answer was kept; ask again.', { baseUrl: this.baseUrl });
      return { stats: stats(), stopReason };
    } catch (error) {
      if (outer?.aborted) {
        if (inReasoning) callbacks.onText?.('</think>', completionTokens);
        return { stats: stats(), stopReason: 'abort' };
      }
      if (AppError.is(error)) throw error;
      throw new EngineUnreachableError(`The connection to the engine at ${this.baseUrl} was lost: ${causeOf(error)}. The partial answer was kept; ask again.`, { baseUrl: this.baseUrl });
    } finally {
      outer?.removeEventListener('abort', onAbort);
      // Closing the body closes the connection, so the server stops generating too.
      await reader?.cancel().catch(() => undefined);
      local.abort();
    }
  }

  /** A request with the status mapped to AppErrors; resolves once the headers came back 2xx. */
  private async request(path: string, init: { method: string; body?: string }, signal?: AbortSignal): Promise<Response> {
    const url = `${this.baseUrl}${path}`;
    const timeout = AbortSignal.timeout(this.options.connectTimeoutMs ?? 60_000);
    const headers: Record<string, string> = { accept: init.body ? 'text/event-stream' : 'application/json' };
    if (init.body) headers['content-type'] = 'application/json';
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    let response: Response;
    try {
      response = await this.fetch(url, { ...init, headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (error) {
      if (signal?.aborted) throw error;
      if (timeout.aborted) throw new EngineUnreachableError(`The engine at ${this.baseUrl} did not answer in time. Check that it is running and not overloaded.`, { baseUrl: this.baseUrl });
      throw new EngineUnreachableError(`Cannot reach the engine at ${this.baseUrl}: ${causeOf(error)}. Check the address and that the server is running.`, { baseUrl: this.baseUrl });
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    const serverMessage = describeServerError(parseJson(text)?.error ?? parseJson(text) ?? text) || response.statusText;
    const details = { status: response.status, baseUrl: this.baseUrl };
    if (response.status === 401 || response.status === 403) {
      throw new EngineUnauthorizedError(`The engine refused the request (${response.status}${serverMessage ? `: ${serverMessage}` : ''}). Check the API key.`, details);
    }
    if (response.status === 404) {
      throw new EngineError(`The engine answered 404 for ${path}${serverMessage ? ` (${serverMessage})` : ''}. Check the address (usually ending in /v1) and the model name.`, details);
    }
    throw new EngineError(`The engine answered ${response.status}${serverMessage ? `: ${serverMessage}` : ''}.`, details);
  }
}

interface CompletionChunk {
  choices?: Array<{ delta?: { content?: unknown; reasoning_content?: unknown; reasoning?: unknown }; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
  error?: unknown;
}

function parseChunk(data: string): CompletionChunk {
  const value = parseJson(data);
  if (!value || typeof value !== 'object') throw new EngineError(`The engine sent something that is not a chat completion chunk: ${data.slice(0, 200)}`);
  return value as CompletionChunk;
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The server's own words, from `{error: {message}}`, `{error: "…"}`, `{message}`, `{detail}` or plain text; bounded. */
function describeServerError(error: unknown): string {
  let message = '';
  if (typeof error === 'string') message = error;
  else if (error && typeof error === 'object') {
    const e = error as Record<string, unknown>;
    const candidate = e.message ?? e.detail ?? e.error;
    message = typeof candidate === 'string' ? candidate : candidate ? JSON.stringify(candidate) : '';
  }
  message = message.replace(/\s+/g, ' ').trim();
  return message.length > 500 ? `${message.slice(0, 500)}…` : message;
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** One read, or a timeout that aborts the request when the stream stays silent too long. */
async function readWithin(reader: ReadableStreamDefaultReader<Uint8Array>, ms: number, request: AbortController): Promise<ReadableStreamReadResult<Uint8Array>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      request.abort();
      reject(new EngineUnreachableError(`The engine sent nothing for ${Math.round(ms / 1000)} s; the connection was closed. The partial answer was kept; ask again.`));
    }, ms);
  });
  try {
    return await Promise.race([reader.read(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
