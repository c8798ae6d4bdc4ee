/**
 * LoRA adapters, model-dependent: the tiny generated model with a tiny generated adapter (models/testModel/
 * generateTestLora.ts), the real inference process and real SQLite. Checks that the adapter is validated, applied
 * with its scale (greedy output differs from the base model's; scale 0 gives the base model's), that llama.cpp's own
 * refusals get the same specific errors, and that the answer's record names the adapter.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateTestLora } from '../../../models/testModel/generateTestLora';
import type { ChatSendInput } from '../../shared/api';
import { defaultSettings, type LoadSettings, type MessageRecord, type SamplingSettings } from '../../shared/records';
import { builtWorker, createTestServices, tempDir, tinyModel } from '../../testing/fixtures';
import { InferenceHost } from '../inference/InferenceHost';
import { forkInferenceProcess } from '../inference/process';
import { classifyLoraFailure } from '../inference/loraErrors';
import { inspectLoraAdapter, loraLabel } from './inspectLora';

const dir = tempDir('dianjin-lora-');
const files = {
  adapter: path.join(dir.dir, 'adapter.gguf'),
  narrow: path.join(dir.dir, 'narrow.gguf'),
  llamaArch: path.join(dir.dir, 'llama-arch.gguf'),
  text: path.join(dir.dir, 'notes.gguf'),
};
beforeAll(async () => {
  await generateTestLora({ outPath: files.adapter });
  // Same architecture, but made for a 32-wide model: every pair has the wrong shape for the 64-wide tiny model.
  await generateTestLora({ outPath: files.narrow, embeddingLength: 32 });
  await generateTestLora({ outPath: files.llamaArch, architecture: 'llama' });
  await writeFile(files.text, 'not a gguf');
});
afterAll(() => dir.cleanup());

let host: InferenceHost | null = null;
afterEach(async () => {
  await host?.dispose();
  host = null;
});

const load: LoadSettings = { ...defaultSettings.load, threads: 1, contextSize: 512 };
const greedy: SamplingSettings = { ...defaultSettings.sampling, temperature: 0, seed: 11, maxTokens: 16 };

async function answer(h: InferenceHost): Promise<string> {
  let text = '';
  await h.generate([{ role: 'user', content: 'What was the net profit margin?' }], greedy, { onText: (t) => (text += t) });
  return text;
}

describe('inspectLoraAdapter', () => {
  it('accepts the generated adapter and reads its rank, alpha and adapted tensors', async () => {
    const info = await inspectLoraAdapter(files.adapter, tinyModel);
    expect(info).toMatchObject({ architecture: 'qwen2', rank: 4, alpha: 4, fileName: 'adapter.gguf' });
    expect(info.tensors).toContain('blk.0.attn_q.weight');
    expect(info.tensors).toHaveLength(8);
  });

  it('refuses files that are not LoRA adapters, and adapters for another model, with specific codes', async () => {
    await expect(inspectLoraAdapter(path.join(dir.dir, 'missing.gguf'), tinyModel)).rejects.toMatchObject({ code: 'LORA_FILE_NOT_FOUND' });
    await expect(inspectLoraAdapter(files.text, tinyModel)).rejects.toMatchObject({ code: 'LORA_NOT_ADAPTER' });
    // A model is not an adapter.
    await expect(inspectLoraAdapter(tinyModel, tinyModel)).rejects.toMatchObject({ code: 'LORA_NOT_ADAPTER', message: expect.stringContaining('not an adapter') });
    await expect(inspectLoraAdapter(files.llamaArch, tinyModel)).rejects.toMatchObject({ code: 'LORA_MISMATCH', message: expect.stringContaining('"llama"') });
    await expect(inspectLoraAdapter(files.narrow, tinyModel)).rejects.toMatchObject({ code: 'LORA_MISMATCH', message: expect.stringMatching(/\[64, 64\]/) });
  });
});

describe('classifyLoraFailure', () => {
  const bare = new Error('Failed to initialize LoRA adapter "/x/a.gguf"');
  const logged = (reason: string) => [`llama_adapter_lora_init_from_file_ptr: failed to apply lora adapter: ${reason}`];
  it("maps llama.cpp's logged reasons to the pre-check's codes", () => {
    expect(classifyLoraFailure(bare, logged("expect general.type to be 'adapter', but got: model"), '/x/a.gguf').code).toBe('LORA_NOT_ADAPTER');
    expect(classifyLoraFailure(bare, logged('model arch and LoRA arch mismatch'), '/x/a.gguf').code).toBe('LORA_MISMATCH');
    expect(classifyLoraFailure(bare, logged("tensor 'blk.0.attn_q.weight' has incorrect shape (hint: maybe wrong base model?)"), '/x/a.gguf').code).toBe('LORA_MISMATCH');
    expect(classifyLoraFailure(bare, [], '/x/a.gguf')).toMatchObject({ code: 'LORA_LOAD_FAILED', message: expect.stringContaining('a.gguf') });
  });
});

describe('LoRA adapters in the inference process', () => {
  it('applies the adapter with its scale: greedy output changes, and scale 0 is the base model', async () => {
    host = new InferenceHost({ workerPath: builtWorker, spawn: forkInferenceProcess });
    await host.load(tinyModel, load);
    const base = await answer(host);
    const full = await host.load(tinyModel, { ...load, lora: { path: files.adapter, scale: 1 } });
    expect(full.lora).toEqual({ path: files.adapter, scale: 1 });
    const adapted = await answer(host);
    expect(await answer(host)).toBe(adapted); // deterministic
    await host.load(tinyModel, { ...load, lora: { path: files.adapter, scale: 0.5 } });
    const half = await answer(host);
    // llama.cpp adds scale·(alpha/rank)·B·A·x to W·x: with scale 0 the added term is exactly zero.
    await host.load(tinyModel, { ...load, lora: { path: files.adapter, scale: 0 } });
    const zero = await answer(host);
    expect(base.length).toBeGreaterThan(0);
    expect(adapted).not.toBe(base);
    expect(half).not.toBe(base);
    expect(half).not.toBe(adapted);
    expect(zero).toBe(base);
  });

  it("maps llama.cpp's own refusal (pre-check bypassed) to LORA_MISMATCH / LORA_NOT_ADAPTER and stays usable", async () => {
    host = new InferenceHost({ workerPath: builtWorker, spawn: forkInferenceProcess });
    await expect(host.load(tinyModel, { ...load, lora: { path: files.narrow, scale: 1 } })).rejects.toMatchObject({ code: 'LORA_MISMATCH', message: expect.stringContaining('incorrect shape') });
    await expect(host.load(tinyModel, { ...load, lora: { path: files.llamaArch, scale: 1 } })).rejects.toMatchObject({ code: 'LORA_MISMATCH' });
    await expect(host.load(tinyModel, { ...load, lora: { path: tinyModel, scale: 1 } })).rejects.toMatchObject({ code: 'LORA_NOT_ADAPTER' });
    expect(host.status.restarts).toBe(0);
    await host.load(tinyModel, { ...load, lora: { path: files.adapter, scale: 1 } });
    expect((await answer(host)).length).toBeGreaterThan(0);
  });
});

describe('LoRA adapters through chat.send', () => {
  it('reloads for another adapter, saves the adapter in the answer, and leaves the saved settings alone', async () => {
    const services = await createTestServices();
    try {
      const ask = async (input: ChatSendInput): Promise<MessageRecord> => {
        const iterator = services.dispatcher.stream('chat.send', input, { signal: new AbortController().signal, host: 'cli' });
        for (;;) {
          const next = await iterator.next();
          if (next.done) return next.value as MessageRecord;
        }
      };
      const question = { question: 'Revenue growth?', modelPath: tinyModel, sampling: { temperature: 0, seed: 3, maxTokens: 12 } };
      const plain = await ask(question);
      const lora = { path: files.adapter, scale: 0.5 };
      const adapted = await ask({ ...question, load: { lora } });
      expect(plain.modelName).toBe('DianJin Test Tiny');
      expect(adapted.modelName).toBe(`DianJin Test Tiny + ${loraLabel(lora)}`);
      expect(adapted.modelName).toBe('DianJin Test Tiny + adapter.gguf ×0.5');
      expect(adapted.content).not.toBe(plain.content);
      expect(services.inference.status.model?.lora).toEqual(lora);
      expect(services.store.getSettings().load.lora ?? null).toBeNull();
      // Without the adapter again: the base model's answer, and the status says no adapter.
      const again = await ask(question);
      expect(again.content).toBe(plain.content);
      expect(services.inference.status.model?.lora ?? null).toBeNull();
      await expect(ask({ ...question, load: { lora: { path: tinyModel, scale: 1 } } })).rejects.toMatchObject({ code: 'LORA_NOT_ADAPTER' });
      await expect(ask({ ...question, load: { lora: { path: files.adapter, scale: 5 } } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    } finally {
      await services.cleanup();
    }
  });
});
