/**
 * Group generation (GRPO rollouts) in the real inference process on the tiny generated model: n answers to one prompt
 * as n sequences of one context, their token ids, seeds, abort, and a per-request LoRA adapter.
 */
import path from 'node:path';
import { getLlama, LlamaLogLevel, type LlamaModel, type Token } from 'node-llama-cpp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateTestLora } from '../../../models/testModel/generateTestLora';
import type { InferenceStatus } from '../../shared/api';
import { AppError } from '../../shared/errors';
import { defaultSettings, type SamplingSettings } from '../../shared/records';
import { builtWorker, tempDir, tinyModel } from '../../testing/fixtures';
import { GroupRollouts } from './GroupRollouts';
import { InferenceHost } from './InferenceHost';
import { forkInferenceProcess } from './process';
import type { ChatTurn } from './protocol';

const load = { ...defaultSettings.load, threads: 1, contextSize: 512 };
const turns: ChatTurn[] = [{ role: 'user', content: '营业收入5,829万元，营业成本5,735万元，毛利率是多少？' }];
const sampling: SamplingSettings = { ...defaultSettings.sampling, temperature: 0.6, topP: 0.95, maxTokens: 24, seed: 11 };

let host: InferenceHost | null = null;
let vocab: LlamaModel;
const cleanups: (() => void)[] = [];
beforeAll(async () => {
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  vocab = await llama.loadModel({ modelPath: tinyModel, vocabOnly: true });
});
afterAll(async () => {
  await vocab.dispose();
});
afterEach(async () => {
  await host?.dispose();
  host = null;
  cleanups.splice(0).forEach((cleanup) => cleanup());
});

async function startHost(onStatus?: (status: InferenceStatus) => void): Promise<InferenceHost> {
  host = new InferenceHost({ workerPath: builtWorker, spawn: forkInferenceProcess, ...(onStatus ? { onStatus } : {}) });
  await host.load(tinyModel, load);
  return host;
}

/**
 * How many leading tokens two groups must share when their prompts reached the cache differently (copied from one
 * sequence, or evaluated in each; a group of one): a batch of another shape sums in another order, and a near-tie in
 * the last bits can then flip a later token. Two runs of the same group decode the same batches (every live sequence,
 * in order, each step: LockstepBatching) and so agree on every token.
 */
const REPRODUCIBLE = 3;
const leading = (result: { completions: Array<{ tokens: number[] }> }) => result.completions.map((c) => c.tokens.slice(0, REPRODUCIBLE));

describe('InferenceHost.generateGroup', () => {
  it('returns n answers whose token ids are exactly their text; seeds make them differ and reproduce them', async () => {
    const host = await startHost();
    const first = await host.generateGroup(turns, sampling, 4);
    expect(first.completions).toHaveLength(4);
    expect(first.promptTokens).toBeGreaterThan(10);
    expect(first.startInReasoning).toBe(true); // the test model's template opens <think>, as `generate` reports it
    first.completions.forEach((completion, index) => {
      expect(completion.seed).toBe(11 + index);
      expect(completion.completionTokens).toBe(completion.tokens.length);
      expect(completion.tokens.length).toBeGreaterThan(0);
      expect(completion.tokens.length).toBeLessThanOrEqual(sampling.maxTokens);
      if (completion.stopReason === 'maxTokens') expect(completion.tokens.length).toBe(sampling.maxTokens);
      else expect(completion.stopReason).toBe('eos');
      expect(vocab.detokenize(completion.tokens as Token[], false)).toBe(completion.text);
    });
    expect(new Set(first.completions.map((c) => c.text)).size).toBe(4);
    expect(first.timing.tokensPerSecond).toBeGreaterThan(0);

    const again = await host.generateGroup(turns, sampling, 4);
    expect(again.timing.setupMs).toBeLessThan(first.timing.setupMs); // the group context was kept
    expect(again.completions.map((c) => c.tokens)).toEqual(first.completions.map((c) => c.tokens));
    const otherSeeds = await host.generateGroup(turns, { ...sampling, seed: 99 }, 4);
    expect(otherSeeds.completions.map((c) => c.text)).not.toEqual(first.completions.map((c) => c.text));

    // Evaluating the prompt in every sequence instead of copying it gives the same answers.
    const unshared = await host.generateGroup(turns, sampling, 4, { sharePrompt: false });
    expect(leading(unshared)).toEqual(leading(first));
    // A group of one is the first sequence of a group (same seed, same prompt).
    const single = await host.generateGroup(turns, sampling, 1);
    expect(single.completions[0]!.tokens.slice(0, REPRODUCIBLE)).toEqual(first.completions[0]!.tokens.slice(0, REPRODUCIBLE));
  });

  it('stops every sequence on abort and stays usable; refuses bad sizes and a second generation', async () => {
    const host = await startHost();
    await expect(host.generateGroup(turns, sampling, 0)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const controller = new AbortController();
    const long = { ...sampling, maxTokens: 3000 };
    const running = host.generateGroup(turns, long, 4, { signal: controller.signal });
    await expect(host.generate(turns, sampling)).rejects.toMatchObject({ code: 'GENERATION_BUSY' });
    setTimeout(() => controller.abort(), 300);
    const result = await running;
    expect(result.completions.map((c) => c.stopReason)).toEqual(['abort', 'abort', 'abort', 'abort']);
    for (const completion of result.completions) expect(completion.tokens.length).toBeLessThan(3000);
    const after = await host.generateGroup(turns, sampling, 4);
    expect(after.completions.every((c) => c.stopReason !== 'abort')).toBe(true);
  });

  it('applies a LoRA adapter to the group only, without reloading the model, and reloads a rewritten adapter file', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const adapter = path.join(dir, 'policy.gguf');
    await generateTestLora({ outPath: adapter, seed: 1 });
    const states: string[] = [];
    const host = await startHost((status) => states.push(status.state));
    const pid = host.status.pid;
    const chatTexts = async () => {
      const texts: string[] = [];
      await host.generate(turns, { ...sampling, seed: 5 }, { onText: (text) => texts.push(text) });
      return texts.join('');
    };
    const chatBefore = await chatTexts();
    const base = await host.generateGroup(turns, sampling, 4);
    states.length = 0;

    const lora = { path: adapter, scale: 1 };
    const adapted = await host.generateGroup(turns, sampling, 4, { lora });
    expect(adapted.completions.map((c) => c.text)).not.toEqual(base.completions.map((c) => c.text));
    const adaptedAgain = await host.generateGroup(turns, sampling, 4, { lora });
    expect(adaptedAgain.timing.setupMs).toBeLessThan(adapted.timing.setupMs); // same file: context and adapter kept
    expect(leading(adaptedAgain)).toEqual(leading(adapted));

    // A GRPO step writes new weights to the same path: the next group samples from them.
    await generateTestLora({ outPath: adapter, seed: 2 });
    const rewritten = await host.generateGroup(turns, sampling, 4, { lora });
    expect(rewritten.completions.map((c) => c.text)).not.toEqual(adapted.completions.map((c) => c.text));
    // …and the first weights again give the first answers (nothing stale is kept under that path).
    await generateTestLora({ outPath: adapter, seed: 1 });
    const restored = await host.generateGroup(turns, sampling, 4, { lora });
    expect(leading(restored)).toEqual(leading(adapted));

    // Without the adapter the group samples from the base model again, and the chat context never had it.
    const baseAgain = await host.generateGroup(turns, sampling, 4, { lora: null });
    expect(leading(baseAgain)).toEqual(leading(base));
    expect(await chatTexts()).toBe(chatBefore);
    expect(states).not.toContain('loading');
    expect(host.status).toMatchObject({ state: 'ready', pid, restarts: 0 });
    expect(host.status.model?.lora ?? null).toBeNull();

    await expect(host.generateGroup(turns, sampling, 2, { lora: { path: path.join(dir, 'missing.gguf'), scale: 1 } })).rejects.toMatchObject({ code: 'LORA_FILE_NOT_FOUND' });
  });
});

describe('GroupRollouts (in process, watching llama.cpp decodes)', () => {
  it('decodes every live sequence in one batch per step, in sequence order (one llama.cpp ubatch)', async () => {
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
    const model = await llama.loadModel({ modelPath: tinyModel });
    const mainContext = await model.createContext({ contextSize: 256, threads: 1 });
    const batches: number[][] = [];
    const rollouts = new GroupRollouts({
      model,
      mainContext,
      threads: 1,
      classifyContextError: async (error) => new AppError('INTERNAL', String(error)),
      onDecodeBatch: (sequenceIds) => batches.push([...sequenceIds]),
    });
    try {
      const tokens = model.tokenize('<|im_start|>user\n毛利率是多少？<|im_end|>\n<|im_start|>assistant\n<think>\n', true);
      // Long enough for sequences to end at different steps (the tiny model samples its end token now and then).
      const result = await rollouts.generate({ tokens, startInReasoning: true }, { ...sampling, maxTokens: 48 }, 6, {}, new AbortController().signal);
      const [prompt, ...steps] = batches;
      expect(prompt!.length).toBe(tokens.length - 1); // the shared prompt, once, then copied to the other sequences
      const lengths = result.completions.map((c) => c.tokens.length);
      // Step k feeds each sequence that is still generating its previous token (the prompt's last token at step 0).
      expect(steps).toHaveLength(Math.max(...lengths));
      steps.forEach((ids, step) => {
        const live = lengths.flatMap((length, id) => (length > step ? [id] : []));
        expect(ids).toEqual(live);
      });
    } finally {
      await rollouts.dispose();
      await mainContext.dispose();
      await model.dispose();
    }
  });
});
