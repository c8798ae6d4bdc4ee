/**
 * The host side of the inference process: starts it, loads models in it, streams generations out of it, and
 * restarts it (reloading the model) when it dies. Nothing here imports node-llama-cpp.
 */
import { randomUUID } from 'node:crypto';
import { AppError, type SerializedError } from '../../shared/errors';
import type { InferenceStatus, LoadedModelInfo } from '../../shared/api';
import type { GenerationStats, LoadSettings, SamplingSettings } from '../../shared/records';
import type { InferenceProcessHandle, SpawnInferenceProcess } from './process';
import type { ChatTurn, GroupGenerationOptions, GroupGenerationResult, HostToWorker, StopReason, WorkerModelInfo, WorkerToHost } from './protocol';

export interface InferenceHostOptions {
  workerPath: string;
  spawn: SpawnInferenceProcess;
  /** Called whenever the status changes. */
  onStatus?: (status: InferenceStatus) => void;
  /** Called after the process died unexpectedly and a new one was started. */
  onRestarted?: (reason: string) => void;
  /** Crashes allowed within `crashWindowMs` before giving up on automatic restarts. Defaults to 3. */
  maxCrashes?: number;
  crashWindowMs?: number;
}

export interface GenerateCallbacks {
  signal?: AbortSignal;
  /** `reusedPromptTokens`: the prompt's prefix already evaluated in the context (not evaluated again). */
  onStarted?: (info: { promptTokens: number; reusedPromptTokens: number; startInReasoning: boolean }) => void;
  onText?: (text: string, completionTokens: number) => void;
}

export interface GenerateResult {
  stats: GenerationStats;
  stopReason: StopReason;
}

export interface GenerateGroupOptions extends GroupGenerationOptions {
  /** Stops every sequence; the answers so far come back with stopReason 'abort'. */
  signal?: AbortSignal;
}

/** Most sequences one group may have (the KV cache holds n × (prompt + maxTokens) tokens). */
export const maxGroupSize = 64;

interface Pending {
  resolve(message: WorkerToHost): void;
  reject(error: AppError): void;
  onMessage?(message: WorkerToHost): void;
}

export class InferenceHost {
  private child: InferenceProcessHandle | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<string, Pending>();
  private desired: { modelPath: string; load: LoadSettings; sha256: string | null } | null = null;
  private crashes: number[] = [];
  private disposed = false;
  private generating = false;
  /** Fails a start in progress (dispose while the process has not said `ready` yet). */
  private rejectReady: ((error: AppError) => void) | null = null;
  private _status: InferenceStatus = { state: 'idle', progress: null, model: null, error: null, pid: null, restarts: 0, busy: false };

  constructor(private readonly options: InferenceHostOptions) {}

  get status(): InferenceStatus {
    return this._status;
  }

  private setStatus(patch: Partial<InferenceStatus>): void {
    this._status = { ...this._status, ...patch };
    this.options.onStatus?.(this._status);
  }

  /** Starts the inference process if none runs; resolves when it is ready for messages. */
  start(): Promise<void> {
    if (this.disposed) return Promise.reject(new AppError('INFERENCE_UNAVAILABLE', 'The inference process has been shut down.'));
    if (this.ready) return this.ready;
    const child = this.options.spawn(this.options.workerPath, {});
    this.child = child;
    if (this._status.state === 'idle') this.setStatus({ state: 'starting' });
    this.ready = new Promise<void>((resolve, reject) => {
      this.rejectReady = reject;
      child.onMessage((raw) => {
        const message = raw as WorkerToHost;
        if (message.type === 'ready') {
          this.setStatus({ pid: message.pid });
          resolve();
          return;
        }
        this.route(message);
      });
      child.onExit((code, signal) => {
        if (this.child !== child) return;
        this.child = null;
        this.ready = null;
        const reason = signal ? `signal ${signal}` : `exit code ${code}`;
        reject(new AppError('INFERENCE_UNAVAILABLE', `The inference process could not start (${reason}).`));
        this.handleExit(reason);
      });
    });
    return this.ready;
  }

  private route(message: WorkerToHost): void {
    if (message.type === 'ready') return;
    const pending = this.pending.get(message.requestId);
    if (!pending) return;
    switch (message.type) {
      case 'loadProgress':
        this.setStatus({ progress: message.progress });
        return;
      case 'started':
      case 'text':
        pending.onMessage?.(message);
        return;
      case 'error':
        this.pending.delete(message.requestId);
        pending.reject(AppError.fromSerialized(message.error));
        return;
      default:
        this.pending.delete(message.requestId);
        pending.resolve(message);
    }
  }

  private handleExit(reason: string): void {
    const crashError = new AppError('INFERENCE_CRASHED', `The inference process stopped unexpectedly (${reason}). It is being restarted.`);
    for (const pending of this.pending.values()) pending.reject(crashError);
    this.pending.clear();
    this.generating = false;
    if (this.disposed) return;
    const now = Date.now();
    const window = this.options.crashWindowMs ?? 60_000;
    this.crashes = [...this.crashes.filter((t) => now - t < window), now];
    if (this.crashes.length > (this.options.maxCrashes ?? 3)) {
      this.setStatus({
        state: 'error',
        pid: null,
        busy: false,
        model: null,
        error: { code: 'INFERENCE_CRASHED', message: `The inference process keeps stopping (${reason}); automatic restarts were stopped. Check the model and settings, then select the model again.` },
      });
      return;
    }
    this.setStatus({ state: 'restarting', pid: null, busy: false, restarts: this._status.restarts + 1 });
    void this.restart(reason);
  }

  private async restart(reason: string): Promise<void> {
    try {
      await this.start();
      if (this.desired) await this.load(this.desired.modelPath, this.desired.load, this.desired.sha256);
      else this.setStatus({ state: 'idle' });
      this.options.onRestarted?.(reason);
    } catch (error) {
      if (!this.disposed && this._status.state !== 'error') {
        const serialized: SerializedError = AppError.is(error) ? error.toJSON() : { code: 'INFERENCE_UNAVAILABLE', message: String(error) };
        this.setStatus({ state: 'error', error: serialized });
      }
    }
  }

  private request(message: HostToWorker, onMessage?: (message: WorkerToHost) => void): Promise<WorkerToHost> {
    return new Promise<WorkerToHost>((resolve, reject) => {
      this.pending.set(message.requestId, { resolve, reject, ...(onMessage ? { onMessage } : {}) });
      this.child?.send(message);
    });
  }

  /** Loads a model (replacing the current one). Remembered, so a restarted process loads it again. */
  async load(modelPath: string, load: LoadSettings, sha256: string | null = null): Promise<LoadedModelInfo> {
    if (this.generating) throw new AppError('GENERATION_BUSY', 'An answer is being generated. Stop it before changing the model.');
    this.desired = { modelPath, load, sha256 };
    await this.start();
    this.setStatus({ state: 'loading', progress: 0, error: null, model: null });
    try {
      const reply = await this.request({ type: 'load', requestId: randomUUID(), modelPath, load });
      if (reply.type !== 'loaded') throw new AppError('INTERNAL', `Unexpected reply from the inference process: ${reply.type}.`);
      const model = toLoadedModel(modelPath, sha256, reply.info);
      this.setStatus({ state: 'ready', progress: null, model, error: null });
      return model;
    } catch (error) {
      const appError = AppError.is(error) ? error : new AppError('MODEL_LOAD_FAILED', String(error));
      if (appError.code !== 'INFERENCE_CRASHED') {
        this.desired = null;
        this.setStatus({ state: 'error', progress: null, model: null, error: appError.toJSON() });
      }
      throw appError;
    }
  }

  /** Records the model's hash once it is known (hashing a multi-GB file runs in the background). */
  setModelHash(modelPath: string, sha256: string): void {
    if (this.desired?.modelPath === modelPath) this.desired.sha256 = sha256;
    if (this._status.model?.path === modelPath) this.setStatus({ model: { ...this._status.model, sha256 } });
  }

  async generate(turns: ChatTurn[], sampling: SamplingSettings, callbacks: GenerateCallbacks = {}): Promise<GenerateResult> {
    this.ensureReady();
    const requestId = randomUUID();
    const { signal } = callbacks;
    const onAbort = () => this.child?.send({ type: 'abort', requestId } satisfies HostToWorker);
    this.generating = true;
    this.setStatus({ busy: true });
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const replyPromise = this.request({ type: 'generate', requestId, turns, sampling }, (message) => {
        if (message.type === 'started') callbacks.onStarted?.({ promptTokens: message.promptTokens, reusedPromptTokens: message.reusedPromptTokens, startInReasoning: message.startInReasoning });
        else if (message.type === 'text') callbacks.onText?.(message.text, message.completionTokens);
      });
      if (signal?.aborted) onAbort();
      const reply = await replyPromise;
      if (reply.type !== 'done') throw new AppError('INTERNAL', `Unexpected reply from the inference process: ${reply.type}.`);
      return { stats: reply.stats, stopReason: reply.stopReason };
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.generating = false;
      if (this.child) this.setStatus({ busy: false });
    }
  }

  /**
   * Samples `n` answers to the same prompt in parallel, as `n` sequences of one context in the inference process
   * (GRPO rollouts): sequence i uses seed `sampling.seed + i` (a random base seed when none is set). Nothing streams;
   * the finished answers come back with their sampled token ids. Optionally with a LoRA adapter applied to that
   * context only (reloaded when the file changes). One generation at a time, like `generate`.
   */
  async generateGroup(turns: ChatTurn[], sampling: SamplingSettings, n: number, options: GenerateGroupOptions = {}): Promise<GroupGenerationResult> {
    if (!Number.isInteger(n) || n < 1 || n > maxGroupSize) throw new AppError('INVALID_INPUT', `A group has 1 to ${maxGroupSize} answers; got ${n}.`);
    this.ensureReady();
    const requestId = randomUUID();
    const { signal, ...groupOptions } = options;
    const onAbort = () => this.child?.send({ type: 'abort', requestId } satisfies HostToWorker);
    this.generating = true;
    this.setStatus({ busy: true });
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const replyPromise = this.request({ type: 'generateGroup', requestId, turns, sampling, n, options: groupOptions });
      if (signal?.aborted) onAbort();
      const reply = await replyPromise;
      if (reply.type !== 'groupDone') throw new AppError('INTERNAL', `Unexpected reply from the inference process: ${reply.type}.`);
      return reply.result;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.generating = false;
      if (this.child) this.setStatus({ busy: false });
    }
  }

  /** Throws unless a model is loaded and no generation runs. */
  private ensureReady(): void {
    if (this._status.state !== 'ready' || !this.child) {
      if (this._status.state === 'loading' || this._status.state === 'restarting' || this._status.state === 'starting') {
        throw new AppError('INFERENCE_UNAVAILABLE', 'The model is still loading. Try again in a moment.');
      }
      throw new AppError('MODEL_NOT_SELECTED', 'No model is loaded. Choose a GGUF model first.');
    }
    if (this.generating) throw new AppError('GENERATION_BUSY', 'Another answer is being generated. Stop it or wait for it to finish.');
  }

  /**
   * Embeds texts with an embedding GGUF in the inference process (loaded on first use and kept). Runs between
   * generations: the inference process does one thing at a time.
   */
  async embed(modelPath: string, texts: string[], options: { threads: number; gpu: LoadSettings['gpu']; signal?: AbortSignal }): Promise<{ model: string; vectors: Float32Array[] }> {
    await this.start();
    const requestId = randomUUID();
    const onAbort = () => this.child?.send({ type: 'abort', requestId } satisfies HostToWorker);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const reply = await this.request({ type: 'embed', requestId, modelPath, texts, threads: options.threads, gpu: options.gpu });
      if (reply.type !== 'embedded') throw new AppError('INTERNAL', `Unexpected reply from the inference process: ${reply.type}.`);
      return { model: reply.model, vectors: reply.vectors };
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    // Its exit is ignored once it is no longer the current process: settle what waits on it here.
    const cancelled = new AppError('CANCELLED', 'The inference process was shut down.');
    this.rejectReady?.(cancelled);
    this.rejectReady = null;
    for (const pending of this.pending.values()) pending.reject(cancelled);
    this.pending.clear();
    this.generating = false;
    const child = this.child;
    this.child = null;
    this.ready = null;
    child?.kill();
    this.setStatus({ state: 'idle', pid: null, model: null, busy: false });
  }
}

function toLoadedModel(path: string, sha256: string | null, info: WorkerModelInfo): LoadedModelInfo {
  return { path, sha256, ...info };
}
