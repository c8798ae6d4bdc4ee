/**
 * The inference process. node-llama-cpp lives only here, so a llama.cpp crash, abort or out-of-memory ends this
 * process and never the app. Started with child_process.fork (CLI, `dianjin serve`) or Electron's utilityProcess.
 */
import os from 'node:os';
import {
  getLlama,
  LlamaCompletion,
  LlamaLogLevel,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaEmbeddingContext,
  type LlamaModel,
} from 'node-llama-cpp';
import { AppError, serializeError } from '../../shared/errors';
import type { GpuChoice, LoadSettings, SamplingSettings } from '../../shared/records';
import { createPromptRenderer, type PromptRenderer } from './promptRenderer';
import { textFlushIntervalMs, type ChatTurn, type GroupGenerationOptions, type HostToWorker, type StopReason, type WorkerToHost } from './protocol';
import { defaultThreadCount } from './threads';
import { classifyLoraFailure } from './loraErrors';
import { GroupRollouts } from './GroupRollouts';

// ── Messaging: the same file runs under child_process.fork and Electron's utilityProcess ──────────────────────
interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function post(message: WorkerToHost): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

function onHostMessage(listener: (message: HostToWorker) => void): void {
  if (parentPort) parentPort.on('message', (event) => listener(event.data as HostToWorker));
  else process.on('message', (message) => listener(message as HostToWorker));
}

// ── State ────────────────────────────────────────────────────────────────────────────────────────────────────
interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  prompt: PromptRenderer;
  /** Group generation's own context (n sequences), created on first use and kept. */
  rollouts: GroupRollouts;
}


const llamaByGpu = new Map<GpuChoice, Promise<Llama>>();
let loaded: Loaded | null = null;
const running = new Map<string, AbortController>();
/** The embedding model for report search, kept loaded beside the chat model. */
let embedder: { path: string; name: string; model: LlamaModel; context: LlamaEmbeddingContext; contextSize: number } | null = null;
/** One operation at a time: llama.cpp contexts are not re-entrant. */
let queue: Promise<unknown> = Promise.resolve();
/**
 * Embeddings have their own queue: they use their own model and context, so a report search or an ingest does not
 * wait for a long answer to finish (they only share the CPU).
 */
let embedQueue: Promise<unknown> = Promise.resolve();

function llamaFor(gpu: GpuChoice): Promise<Llama> {
  let llama = llamaByGpu.get(gpu);
  if (!llama) {
    // build: 'never' — the app never compiles llama.cpp at run time; it uses the prebuilt binaries it ships with.
    llama = getLlama({
      gpu: gpu === 'off' ? false : gpu,
      build: 'never',
      // Threads are always passed explicitly (threads.ts); don't let node-llama-cpp cap a user's choice at 4.
      maxThreads: 0,
      logLevel: LlamaLogLevel.warn,
      logger: recordLog,
    }).catch((error: unknown) => {
      llamaByGpu.delete(gpu);
      throw new AppError('BACKEND_UNAVAILABLE', `The ${gpu} backend is not available on this machine: ${(error as Error).message}`);
    });
    llamaByGpu.set(gpu, llama);
  }
  return llama;
}

async function unload(): Promise<void> {
  const current = loaded;
  loaded = null;
  if (current) {
    await current.rollouts.dispose();
    await current.context.dispose();
    await current.model.dispose();
  }
}

/**
 * llama.cpp says why a load failed only in its log ("unknown model architecture: 'x'", "tensor … not within the
 * file bounds", "failed to allocate …"); loadModel itself rejects with a bare "Failed to load model". Keep the
 * recent warnings and errors so the error the user sees names the real reason. Errors also go to stderr.
 */
const recentLogs: string[] = [];
function recordLog(level: LlamaLogLevel, message: string): void {
  const line = message.trim();
  if (!line) return;
  recentLogs.push(line);
  if (recentLogs.length > 50) recentLogs.shift();
  if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) process.stderr.write(`[llama.cpp] ${line}\n`);
}

async function classifyLoadError(error: unknown, modelPath: string): Promise<AppError> {
  if (error instanceof AppError) return error;
  // llama.cpp's log lines reach JS through a thread-safe callback and can land just after the rejection.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const logs = recentLogs.splice(0).join('\n');
  const base = error instanceof Error ? error.message : String(error);
  const lines = logs.split('\n');
  // "llama_model_load: error loading model: <the reason>" is the most specific line llama.cpp writes.
  const specific = lines.map((line) => /error loading model: (.+)$/.exec(line)?.[1]).find((reason) => reason !== undefined);
  const reason = specific ?? lines.reverse().find((line) => /unknown|not within|out of memory|allocate|error/i.test(line));
  const message = reason ? `${base}: ${reason}` : base;
  if (/InsufficientMemory|out of memory|too large|failed to allocate|not enough memory|unable to allocate/i.test(message)) {
    return new AppError('MODEL_TOO_LARGE', `Not enough memory to load ${modelPath}. Choose a smaller quantization, a smaller context size, or fewer GPU layers.`, { cause: message });
  }
  if (/unknown (model )?architecture/i.test(message)) {
    return new AppError('MODEL_UNSUPPORTED_ARCHITECTURE', `llama.cpp does not support this model's architecture (${message}).`);
  }
  if (/not within the file bounds|unexpected end of file|truncated|corrupted/i.test(message)) {
    return new AppError('MODEL_TRUNCATED', `${modelPath} is damaged or incomplete (${message}). Download it again.`);
  }
  return new AppError('MODEL_LOAD_FAILED', `llama.cpp could not load ${modelPath}: ${message}`);
}

async function load(requestId: string, modelPath: string, settings: LoadSettings): Promise<void> {
  await unload();
  recentLogs.length = 0;
  const llama = await llamaFor(settings.gpu);
  const threads = settings.threads > 0 ? settings.threads : defaultThreadCount({ cpuMathCores: llama.cpuMathCores, availableParallelism: os.availableParallelism() });
  let model: LlamaModel;
  try {
    model = await llama.loadModel({
      modelPath,
      gpuLayers: llama.gpu === false ? 0 : settings.gpuLayers,
      onLoadProgress: (progress) => post({ type: 'loadProgress', requestId, progress }),
    });
  } catch (error) {
    throw await classifyLoadError(error, modelPath);
  }
  let context: LlamaContext;
  try {
    const trainContext = model.trainContextSize;
    context = await model.createContext({
      contextSize: Math.min(settings.contextSize, trainContext > 0 ? trainContext : settings.contextSize),
      threads,
      sequences: 1,
      // Adapters apply per context; node-llama-cpp frees them with the model.
      ...(settings.lora ? { lora: { adapters: [{ filePath: settings.lora.path, scale: settings.lora.scale }] } } : {}),
    });
  } catch (error) {
    await model.dispose();
    if (settings.lora && /lora/i.test(String(error))) {
      await new Promise((resolve) => setTimeout(resolve, 100)); // llama.cpp's reason is logged just after
      throw classifyLoraFailure(error, recentLogs.splice(0), settings.lora.path);
    }
    throw await classifyLoadError(error, modelPath);
  }
  const prompt = createPromptRenderer(model);
  const rollouts = new GroupRollouts({
    model,
    mainContext: context,
    threads,
    classifyContextError: async (error, lora) => {
      if (lora && /lora/i.test(String(error))) {
        await new Promise((resolve) => setTimeout(resolve, 100)); // llama.cpp's reason is logged just after
        return classifyLoraFailure(error, recentLogs.splice(0), lora.path);
      }
      return classifyLoadError(error, modelPath);
    },
  });
  loaded = { llama, model, context, sequence: context.getSequence(), prompt, rollouts };
  post({
    type: 'loaded',
    requestId,
    info: {
      name: model.fileInfo.metadata.general?.name ?? modelPath.split(/[\\/]/).pop() ?? 'model',
      backend: llama.gpu === false ? 'cpu' : llama.gpu,
      threads,
      contextSize: context.contextSize,
      gpuLayers: model.gpuLayers,
      totalLayers: model.fileInsights.totalLayers,
      lora: settings.lora ?? null,
    },
  });
}

function mapStopReason(reason: string | undefined): StopReason {
  switch (reason) {
    case 'eogToken':
    case 'eosToken':
      return 'eos';
    case 'maxTokens':
      return 'maxTokens';
    case 'abort':
      return 'abort';
    case 'stopGenerationTrigger':
    case 'customStopTrigger':
      return 'stopTrigger';
    default:
      return 'other';
  }
}

async function generate(requestId: string, turns: ChatTurn[], sampling: SamplingSettings, signal: AbortSignal): Promise<void> {
  const current = loaded;
  if (!current) throw new AppError('MODEL_NOT_SELECTED', 'No model is loaded. Choose a GGUF model first.');
  const received = performance.now();
  if (signal.aborted) {
    post({ type: 'done', requestId, stopReason: 'abort', stats: { promptTokens: 0, completionTokens: 0, ttftMs: null, tokensPerSecond: null, durationMs: 0 } });
    return;
  }
  const { tokens, startInReasoning } = current.prompt(turns);
  const contextSize = current.context.contextSize;
  // Leave room for at least a short answer; otherwise the question cannot be answered in this context.
  if (tokens.length + 16 > contextSize) {
    throw new AppError(
      'CONTEXT_OVERFLOW',
      `The conversation is ${tokens.length} tokens long and does not fit the ${contextSize}-token context. Start a new conversation, shorten the question, or raise the context size in Settings.`,
      { promptTokens: tokens.length, contextSize },
    );
  }
  // No clearHistory(): LlamaCompletion aligns the sequence with the new prompt (adaptStateToTokens) and evaluates only
  // what differs, so a follow-up question — or a second question about the same report — reuses the evaluated prefix.
  const reusedPromptTokens = current.sequence.compareContextTokens(tokens).firstDifferentIndex;
  post({ type: 'started', requestId, promptTokens: tokens.length, reusedPromptTokens, startInReasoning });

  let pending = '';
  let completionTokens = 0;
  let firstTokenAt: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    if (pending.length === 0) return;
    post({ type: 'text', requestId, text: pending, completionTokens });
    pending = '';
  };
  const completion = new LlamaCompletion({ contextSequence: current.sequence });
  try {
    const response = await completion.generateCompletionWithMeta(tokens, {
      signal,
      stopOnAbortSignal: true,
      maxTokens: Math.min(sampling.maxTokens, contextSize - tokens.length),
      disableContextShift: true,
      temperature: sampling.temperature,
      topK: sampling.topK,
      topP: sampling.topP,
      minP: sampling.minP,
      ...(sampling.seed !== undefined ? { seed: sampling.seed } : {}),
      repeatPenalty: sampling.repeatPenalty !== 1 ? { penalty: sampling.repeatPenalty } : false,
      onToken: (generated) => {
        completionTokens += generated.length;
        firstTokenAt ??= performance.now();
      },
      onTextChunk: (chunk) => {
        const first = pending.length === 0 && completionTokens <= 1;
        pending += chunk;
        // The first text goes out at once (time to first token); later text is coalesced.
        if (first) flush();
        else timer ??= setTimeout(flush, textFlushIntervalMs);
      },
    });
    if (timer) clearTimeout(timer);
    flush();
    const end = performance.now();
    const decodeMs = firstTokenAt !== null ? end - firstTokenAt : null;
    post({
      type: 'done',
      requestId,
      stopReason: signal.aborted ? 'abort' : mapStopReason(response.metadata.stopReason),
      stats: {
        promptTokens: tokens.length,
        completionTokens,
        ttftMs: firstTokenAt !== null ? firstTokenAt - received : null,
        // Decode speed: tokens after the first over the time since the first.
        tokensPerSecond: decodeMs && completionTokens > 1 ? ((completionTokens - 1) * 1000) / decodeMs : null,
        durationMs: end - received,
      },
    });
  } finally {
    if (timer) clearTimeout(timer);
    completion.dispose();
  }
}

async function generateGroup(requestId: string, turns: ChatTurn[], sampling: SamplingSettings, n: number, options: GroupGenerationOptions, signal: AbortSignal): Promise<void> {
  const current = loaded;
  if (!current) throw new AppError('MODEL_NOT_SELECTED', 'No model is loaded. Choose a GGUF model first.');
  recentLogs.length = 0;
  const result = await current.rollouts.generate(current.prompt(turns), sampling, n, options, signal);
  post({ type: 'groupDone', requestId, result });
}

async function embed(requestId: string, modelPath: string, texts: string[], threads: number, gpu: GpuChoice, signal: AbortSignal): Promise<void> {
  if (embedder?.path !== modelPath) {
    if (embedder) {
      await embedder.context.dispose();
      await embedder.model.dispose();
      embedder = null;
    }
    const llama = await llamaFor(gpu);
    recentLogs.length = 0;
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath, gpuLayers: llama.gpu === false ? 0 : 'auto' });
    } catch (error) {
      throw await classifyLoadError(error, modelPath);
    }
    const resolvedThreads = threads > 0 ? threads : defaultThreadCount({ cpuMathCores: llama.cpuMathCores, availableParallelism: os.availableParallelism() });
    const contextSize = Math.min(2048, model.trainContextSize || 2048);
    const context = await model.createEmbeddingContext({ contextSize, threads: resolvedThreads });
    embedder = { path: modelPath, name: model.fileInfo.metadata.general?.name ?? modelPath.split(/[\\/]/).pop() ?? 'embedding model', model, context, contextSize };
  }
  const { context, model, name } = embedder;
  const limit = embedder.contextSize - 8;
  const vectors: Float32Array[] = [];
  for (const text of texts) {
    if (signal.aborted) throw new AppError('CANCELLED', 'Embedding was cancelled.');
    // A passage longer than the embedding context is embedded from its beginning (chunks are ~1,000 characters).
    const tokens = model.tokenize(text).slice(0, limit);
    const embedding = await context.getEmbeddingFor(tokens.length > 0 ? tokens : model.tokenize(' '));
    vectors.push(Float32Array.from(embedding.vector));
  }
  post({ type: 'embedded', requestId, model: name, vectors });
}

function handle(message: HostToWorker): void {
  if (message.type === 'abort') {
    running.get(message.requestId)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(message.requestId, controller);
  const run = async () => {
    switch (message.type) {
      case 'load':
        return load(message.requestId, message.modelPath, message.load);
      case 'unload':
        await unload();
        return post({ type: 'unloaded', requestId: message.requestId });
      case 'generate':
        return generate(message.requestId, message.turns, message.sampling, controller.signal);
      case 'generateGroup':
        return generateGroup(message.requestId, message.turns, message.sampling, message.n, message.options, controller.signal);
      case 'embed':
        return embed(message.requestId, message.modelPath, message.texts, message.threads, message.gpu, controller.signal);
    }
  };
  const settled = (message.type === 'embed' ? embedQueue : queue)
    .then(run)
    .catch((error: unknown) => post({ type: 'error', requestId: message.requestId, error: serializeError(error) }))
    .finally(() => running.delete(message.requestId));
  if (message.type === 'embed') embedQueue = settled;
  else queue = settled;
}

// A GRPO job's rollout process outlives a terminal's Ctrl-C, which pauses the job: the job still needs it to finish the step.
if (process.env.DIANJIN_IGNORE_SIGINT === '1') process.on('SIGINT', () => undefined);
onHostMessage(handle);
post({ type: 'ready', pid: process.pid });
