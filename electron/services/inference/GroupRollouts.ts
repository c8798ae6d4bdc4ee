/**
 * Group generation (GRPO rollouts): `n` answers to one prompt sampled as `n` sequences of ONE llama.cpp context, so
 * node-llama-cpp decodes them together — each step is one batch of `n` tokens, not `n` batches of one. Runs in the
 * inference process only.
 *
 * How node-llama-cpp 3.22.1 batches (dist/evaluator/LlamaContext/LlamaContext.js): every `sequence.evaluate` queues
 * its tokens on the context; the queue is decoded as one llama_batch once every sequence of the context has queued
 * (`_queuedDecodeSequenceIds.size === totalSequences`) or on the next `setImmediate`, split fairly across sequences
 * ("maximumParallelism") up to `batchSize` tokens. `contextSize` is per sequence (the KV cache holds
 * `contextSize × sequences` cells) and `batchSize` defaults to min(contextSize × sequences, 512), at least `sequences`.
 * So the context here has exactly `n` sequences (a finished sequence makes the rest wait for the next tick, not
 * forever) and a per-sequence size of prompt + maxTokens. Left to itself that batching lags one sequence behind and
 * llama.cpp splits the batch by sequence id; LockstepBatching makes each step one batch, in sequence order.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { AppError } from '../../shared/errors';
import type { LoraAdapter, SamplingSettings } from '../../shared/records';
import { LockstepBatching } from './LockstepBatching';
import type { GroupCompletion, GroupGenerationOptions, GroupGenerationResult, StopReason } from './protocol';

/** The per-sequence context size is rounded up to this, so prompts of similar length reuse the context. */
const contextSizeStep = 256;
/** Same window as `generate` (LlamaCompletion's default `lastTokens`). */
const repeatPenaltyLastTokens = 64;

export interface GroupRolloutsOptions {
  model: LlamaModel;
  /** The loaded chat context: an adapter it uses is never freed here. */
  mainContext: LlamaContext;
  threads: number;
  /** Turns a failure to create the group context (llama.cpp refusing an adapter, no memory) into an AppError. */
  classifyContextError(error: unknown, lora: LoraAdapter | null): Promise<AppError>;
  /** Hears every llama.cpp decode of the group context: the sequence of each token in the batch, in batch order. */
  onDecodeBatch?(sequenceIds: number[]): void;
}

interface AdapterVersion {
  /** Absolute path: node-llama-cpp caches loaded adapters by `path.resolve(filePath)`. */
  path: string;
  scale: number;
  /** mtime + size: a GRPO loop that rewrites the adapter file gets the new weights. */
  version: string;
}

interface GroupContext {
  context: LlamaContext;
  sequences: LlamaContextSequence[];
  adapter: AdapterVersion | null;
}

/** A loaded adapter as node-llama-cpp keeps it (AddonModelLora). */
interface LoraHandle {
  readonly disposed: boolean;
  dispose(): Promise<void>;
}

export class GroupRollouts {
  private current: GroupContext | null = null;
  /** Adapter files this class loaded, by absolute path → version, to tell when a file on disk changed. */
  private readonly loadedVersions = new Map<string, string>();

  constructor(private readonly options: GroupRolloutsOptions) {}

  async generate(
    prompt: { tokens: Token[]; startInReasoning: boolean },
    sampling: SamplingSettings,
    n: number,
    options: GroupGenerationOptions,
    signal: AbortSignal,
  ): Promise<GroupGenerationResult> {
    const received = performance.now();
    const { model } = this.options;
    const { tokens } = prompt;
    const trainContext = model.trainContextSize > 0 ? model.trainContextSize : Number.POSITIVE_INFINITY;
    const contextSize = Math.min(trainContext, Math.ceil((tokens.length + sampling.maxTokens) / contextSizeStep) * contextSizeStep);
    if (tokens.length + 16 > contextSize) {
      throw new AppError('CONTEXT_OVERFLOW', `The prompt is ${tokens.length} tokens long and does not fit the model's ${contextSize}-token context. Shorten the question.`, {
        promptTokens: tokens.length,
        contextSize,
      });
    }
    const baseSeed = sampling.seed ?? Math.floor(Math.random() * 2 ** 31);
    const seedOf = (index: number) => (baseSeed + index) % 2 ** 32;
    const aborted = (): GroupGenerationResult => ({
      promptTokens: tokens.length,
      promptTokenIds: tokens.map(Number),
      startInReasoning: prompt.startInReasoning,
      completions: Array.from({ length: n }, (_, index) => ({ text: '', tokens: [], completionTokens: 0, stopReason: 'abort' as const, seed: seedOf(index) })),
      contextSize: this.current?.context.contextSize ?? contextSize,
      timing: { setupMs: 0, promptMs: 0, decodeMs: 0, durationMs: performance.now() - received, tokensPerSecond: null },
    });
    if (signal.aborted) return aborted();

    const group = await this.contextFor(n, contextSize, options.lora ?? null);
    const setupDone = performance.now();
    if (signal.aborted) return aborted();

    // The last prompt token is evaluated by `evaluate` itself (it yields the token sampled from its logits).
    const prefix = tokens.slice(0, -1);
    const last = tokens[tokens.length - 1]!;
    const [first, ...rest] = group.sequences as [LlamaContextSequence, ...LlamaContextSequence[]];
    if (options.sharePrompt !== false && rest.length > 0) {
      await evaluatePrefix(first, prefix);
      for (const sequence of rest) {
        if (await copySequenceState(sequence, first, prefix.length)) continue;
        await sequence.clearHistory(); // a failed copy may have left the token list and the cache disagreeing
        await evaluatePrefix(sequence, prefix);
      }
    } else {
      // Queued together, so node-llama-cpp evaluates all the prompts in shared batches.
      await Promise.all(group.sequences.map((sequence) => evaluatePrefix(sequence, prefix)));
    }
    const promptDone = performance.now();

    const maxTokens = Math.min(sampling.maxTokens, group.context.contextSize - tokens.length);
    const newline = model.tokens.nl;
    const lockstep = new LockstepBatching(group.sequences.length);
    const sample = async (sequence: LlamaContextSequence, index: number): Promise<GroupCompletion> => {
      const seed = seedOf(index);
      const sampled: Token[] = [];
      let stopReason: StopReason = 'other';
      if (signal.aborted) {
        lockstep.leave();
        return { text: '', tokens: [], completionTokens: 0, stopReason: 'abort', seed };
      }
      const iterator = sequence.evaluate([last], {
        temperature: sampling.temperature,
        topK: sampling.topK,
        topP: sampling.topP,
        minP: sampling.minP,
        seed,
        ...(sampling.repeatPenalty !== 1
          ? { repeatPenalty: { punishTokens: () => sampled.slice(-repeatPenaltyLastTokens).filter((token) => token !== newline), penalty: sampling.repeatPenalty } }
          : {}),
        // The end-of-generation token is part of what was sampled: GRPO credits (or blames) stopping too.
        yieldEogToken: true,
      });
      try {
        for await (const token of iterator) {
          sampled.push(token);
          if (model.isEogToken(token)) {
            stopReason = 'eos';
            break;
          }
          if (sampled.length >= maxTokens) {
            stopReason = 'maxTokens';
            break;
          }
          if (signal.aborted) {
            stopReason = 'abort';
            break;
          }
          await lockstep.arrive(index);
        }
      } finally {
        lockstep.leave();
      }
      // specialTokens false, as LlamaCompletion streams it to `generate`: the end-of-generation token renders as ''.
      return { text: model.detokenize(sampled, false), tokens: sampled.map(Number), completionTokens: sampled.length, stopReason, seed };
    };
    const completions = await Promise.all(group.sequences.map(sample));
    const end = performance.now();
    const decodeMs = end - promptDone;
    const sampledTokens = completions.reduce((sum, completion) => sum + completion.completionTokens, 0);
    return {
      promptTokens: tokens.length,
      promptTokenIds: tokens.map(Number),
      startInReasoning: prompt.startInReasoning,
      completions,
      contextSize: group.context.contextSize,
      timing: {
        setupMs: setupDone - received,
        promptMs: promptDone - setupDone,
        decodeMs,
        durationMs: end - received,
        tokensPerSecond: decodeMs > 0 && sampledTokens > 0 ? (sampledTokens * 1000) / decodeMs : null,
      },
    };
  }

  /** The kept group context when it has `n` sequences, is big enough and has the same adapter; else a new one. */
  private async contextFor(n: number, contextSize: number, lora: LoraAdapter | null): Promise<GroupContext> {
    const adapter = lora ? await adapterVersion(lora) : null;
    const current = this.current;
    if (
      current &&
      current.sequences.length === n &&
      current.context.contextSize >= contextSize &&
      current.adapter?.path === adapter?.path &&
      current.adapter?.version === adapter?.version &&
      current.adapter?.scale === adapter?.scale
    ) {
      return current;
    }
    await this.disposeContext();
    if (adapter && this.loadedVersions.get(adapter.path) !== adapter.version) {
      // node-llama-cpp would hand back the adapter it loaded from this path before, whatever the file holds now.
      // Forget it (not free it: the chat context may use it; one we loaded was freed with its context) so it loads anew.
      loraCacheOf(this.options.model).delete(adapter.path);
    }
    const { model, threads } = this.options;
    let context: LlamaContext;
    try {
      context = await model.createContext({
        contextSize,
        sequences: n,
        threads,
        ...(adapter ? { lora: { adapters: [{ filePath: adapter.path, scale: adapter.scale }] } } : {}),
      });
    } catch (error) {
      throw await this.options.classifyContextError(error, lora);
    }
    if (adapter) this.loadedVersions.set(adapter.path, adapter.version);
    if (this.options.onDecodeBatch) observeDecodeBatches(context, this.options.onDecodeBatch);
    const sequences = Array.from({ length: n }, () => context.getSequence());
    this.current = { context, sequences, adapter };
    return this.current;
  }

  /** Frees the group context, and its adapter unless the chat context uses it too. */
  private async disposeContext(): Promise<void> {
    const current = this.current;
    this.current = null;
    if (!current) return;
    await current.context.dispose();
    if (!current.adapter) return;
    const cache = loraCacheOf(this.options.model);
    const handle = cache.get(current.adapter.path);
    this.loadedVersions.delete(current.adapter.path);
    if (!handle || contextLorasOf(this.options.mainContext).has(handle)) return;
    // A GRPO loop writes a new adapter every step; node-llama-cpp keeps every adapter until the model is unloaded.
    cache.delete(current.adapter.path);
    if (!handle.disposed) await handle.dispose();
  }

  async dispose(): Promise<void> {
    await this.disposeContext();
  }
}

async function adapterVersion(lora: LoraAdapter): Promise<AdapterVersion> {
  const absolute = path.resolve(process.cwd(), lora.path);
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw new Error('not a file');
    return { path: absolute, scale: lora.scale, version: `${info.mtimeMs}:${info.size}` };
  } catch {
    throw new AppError('LORA_FILE_NOT_FOUND', `The LoRA adapter ${lora.path} does not exist. Choose an adapter file that exists.`, { path: lora.path });
  }
}

/** Aligns the sequence with the prompt (keeping what it already holds of it) and evaluates the rest. */
async function evaluatePrefix(sequence: LlamaContextSequence, prefix: Token[]): Promise<void> {
  await sequence.adaptStateToTokens(prefix, false);
  const remaining = prefix.slice(sequence.nextTokenIndex);
  if (remaining.length > 0) await sequence.evaluateWithoutGeneratingNewTokens(remaining);
}

// ── node-llama-cpp internals (3.22.1), checked by GroupRollouts' tests ─────────────────────────────────────────

/**
 * `LlamaContextSequence._copyStateFromOtherSequence(other, upToTokenIndex)` (llama_memory_seq_cp), which
 * node-llama-cpp's own LlamaDecisionContext uses to share a prompt between sequences. False when unavailable or when
 * the copy did not reproduce the prompt; the caller then evaluates it.
 */
async function copySequenceState(target: LlamaContextSequence, source: LlamaContextSequence, upToTokenIndex: number): Promise<boolean> {
  const copy = (target as unknown as { _copyStateFromOtherSequence?: (other: LlamaContextSequence, upTo: number) => Promise<boolean> })._copyStateFromOtherSequence;
  if (typeof copy !== 'function') return false;
  const copied = await copy.call(target, source, upToTokenIndex);
  return copied && target.nextTokenIndex === upToTokenIndex;
}

/** Wraps `LlamaContext._ctx` (the native context) to report each batch's tokens by sequence as it is decoded. */
function observeDecodeBatches(context: LlamaContext, onDecodeBatch: (sequenceIds: number[]) => void): void {
  const internals = context as unknown as { _ctx: Record<string, unknown> };
  const native = internals._ctx;
  let batch: number[] = [];
  const overrides: Record<string, (...args: unknown[]) => unknown> = {
    initBatch: (...args) => {
      batch = [];
      return (native.initBatch as (...a: unknown[]) => unknown).apply(native, args);
    },
    addToBatch: (...args) => {
      const [sequenceId, , tokens] = args as [number, number, Uint32Array];
      for (let i = 0; i < tokens.length; i++) batch.push(sequenceId);
      return (native.addToBatch as (...a: unknown[]) => unknown).apply(native, args);
    },
    decodeBatch: (...args) => {
      onDecodeBatch(batch);
      return (native.decodeBatch as (...a: unknown[]) => unknown).apply(native, args);
    },
  };
  internals._ctx = new Proxy(native, {
    get: (target, key: string) => overrides[key] ?? (typeof target[key] === 'function' ? (target[key] as (...a: unknown[]) => unknown).bind(target) : target[key]),
  });
}

/** `LlamaModel._loraAdapters`: loaded adapters by absolute path, kept until the model is disposed. */
function loraCacheOf(model: LlamaModel): Map<string, LoraHandle> {
  const cache = (model as unknown as { _loraAdapters?: unknown })._loraAdapters;
  if (!(cache instanceof Map)) {
    throw new AppError('INTERNAL', 'This node-llama-cpp version keeps LoRA adapters differently; group generation cannot reload a changed adapter. Pin node-llama-cpp 3.22.');
  }
  return cache as Map<string, LoraHandle>;
}

/** `LlamaContext._loraAdapters`: the adapters a context applies. */
function contextLorasOf(context: LlamaContext): Set<LoraHandle> {
  const set = (context as unknown as { _loraAdapters?: unknown })._loraAdapters;
  // Unknown shape: assume it uses every adapter, so nothing is freed under it.
  return set instanceof Set ? (set as Set<LoraHandle>) : { has: () => true } as unknown as Set<LoraHandle>;
}
