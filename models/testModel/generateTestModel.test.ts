import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Template } from '@huggingface/jinja';
import { getLlama, LlamaCompletion, readGgufFileInfo, type Llama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModel, generateTestModel, testModelChatTemplate, writeTruncatedCopy } from './generateTestModel';

let tempDir: string;
let modelPath: string;
let llama: Llama;
/** llama.cpp's own log lines: loadModel rejects with a bare "Failed to load model", the reason is only logged. */
const llamaLogs: string[] = [];

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'dianjin-testmodel-'));
  modelPath = await ensureTestModel();
  llama = await getLlama({ gpu: false, logger: (_level, message) => llamaLogs.push(message) });
});

afterAll(async () => {
  await llama?.dispose();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
});

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

describe('generateTestModel', () => {
  it('writes a qwen2 GGUF that node-llama-cpp parses, with the Qwen2.5-Instruct special tokens', async () => {
    const info = await readGgufFileInfo(modelPath, { logWarnings: false });
    expect(info.metadata.general.architecture).toBe('qwen2');
    expect(info.metadata.general.name).toBe('DianJin Test Tiny');
    expect(info.metadata.general.alignment).toBe(32);
    const tokenizer = info.metadata.tokenizer;
    const tokens = tokenizer.ggml.tokens;
    expect(tokens[tokenizer.ggml.eos_token_id as number]).toBe('<|im_end|>');
    expect(tokens[tokenizer.ggml.bos_token_id as number]).toBe('<|endoftext|>');
    expect(tokenizer.chat_template).toBe(testModelChatTemplate);
    const names = info.tensorInfo?.map((tensor) => tensor.name) ?? [];
    expect(names).toContain('blk.1.attn_k.bias');
    expect(names).toHaveLength(2 + 2 * 12);
  });

  it('loads on CPU and generates from a prompt rendered with its chat template', async () => {
    const model = await llama.loadModel({ modelPath });
    try {
      const template = model.fileInfo.metadata.tokenizer.chat_template;
      const prompt = new Template(template!).render({
        messages: [{ role: 'user', content: '贵州茅台2023年营收是多少？' }],
        add_generation_prompt: true,
      });
      expect(prompt.endsWith('<|im_start|>assistant\n<think>\n')).toBe(true);
      const promptTokens = model.tokenize(prompt, true);
      expect(model.detokenize(promptTokens.slice(0, 1), true)).toBe('<|im_start|>'); // special tokens parsed, not spelled out

      const context = await model.createContext({ contextSize: 256, threads: 1 });
      try {
        const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
        let generated = 0;
        await completion.generateCompletion(promptTokens, { maxTokens: 12, onToken: (chunk) => (generated += chunk.length) });
        expect(generated).toBeGreaterThanOrEqual(5);
      } finally {
        await context.dispose();
      }
    } finally {
      await model.dispose();
    }
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await generateTestModel({ outPath: path.join(tempDir, 'a.gguf'), seed: 7 });
    const b = await generateTestModel({ outPath: path.join(tempDir, 'b.gguf'), seed: 7 });
    expect(a.bytes).toBe((await stat(a.path)).size);
    expect(await sha256(a.path)).toBe(await sha256(b.path));
    expect((await stat(modelPath)).size).toBe(a.bytes); // same layout, seed 42 instead of 7
    expect(await sha256(a.path)).not.toBe(await sha256(modelPath));
  });

  it('writes Q8_0 weight matrices (norms and biases F32) that llama.cpp decodes like the F32 model', async () => {
    const options = { seed: 5, outputNormWeight: 16 }; // sharp logits: greedy choices are not near-ties
    const f32 = await generateTestModel({ outPath: path.join(tempDir, 'f32.gguf'), ...options });
    const q8 = await generateTestModel({ outPath: path.join(tempDir, 'q8.gguf'), ...options, weightType: 'q8_0' });
    const info = await readGgufFileInfo(q8.path, { logWarnings: false });
    expect(info.metadata.general.file_type).toBe(7); // LLAMA_FTYPE_MOSTLY_Q8_0
    const types = new Map(info.fullTensorInfo!.map((tensor) => [tensor.name, tensor.ggmlType]));
    expect(types.get('token_embd.weight')).toBe(8); // GGML_TYPE_Q8_0
    expect(types.get('blk.0.ffn_down.weight')).toBe(8);
    expect(types.get('blk.0.attn_q.bias')).toBe(0);
    expect(types.get('output_norm.weight')).toBe(0);
    // 34 bytes per 32 weights instead of 128; the header is the same size, each tensor's padding up to 32 bytes apart.
    const quantized = info.fullTensorInfo!.filter((tensor) => tensor.ggmlType === 8);
    const weights = quantized.reduce((sum, tensor) => sum + tensor.dimensions.reduce((a: number, b) => a * Number(b), 1), 0);
    expect(Math.abs(f32.bytes - q8.bytes - weights * (4 - 34 / 32))).toBeLessThan(32 * info.fullTensorInfo!.length);

    const greedy = async (file: string) => {
      const model = await llama.loadModel({ modelPath: file });
      const context = await model.createContext({ contextSize: 128, threads: 1 });
      try {
        const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
        return await completion.generateCompletion(model.tokenize('营业收入5,829万元，营业成本5,735万元', false), { maxTokens: 6 });
      } finally {
        await context.dispose();
        await model.dispose();
      }
    };
    const reference = await greedy(f32.path);
    expect(reference.length).toBeGreaterThan(0);
    expect(await greedy(q8.path)).toBe(reference);
  });

  it('writes an unsupported architecture that llama.cpp refuses to load', async () => {
    const bad = await generateTestModel({ outPath: path.join(tempDir, 'notanarch.gguf'), architecture: 'notanarch' });
    const info = await readGgufFileInfo(bad.path, { logWarnings: false });
    expect(info.metadata.general.architecture).toBe('notanarch');
    await expect(llama.loadModel({ modelPath: bad.path })).rejects.toThrow();
    // llama.cpp's log lines reach JS through a thread-safe callback and can land after the rejection.
    await expect.poll(() => llamaLogs.join('\n')).toContain("unknown model architecture: 'notanarch'");
  });

  it('writeTruncatedCopy cuts a model that llama.cpp then refuses to load', async () => {
    const truncated = path.join(tempDir, 'truncated.gguf');
    const { size } = await stat(modelPath);
    await writeTruncatedCopy(modelPath, truncated, Math.floor(size / 2));
    expect((await stat(truncated)).size).toBe(Math.floor(size / 2));
    await expect(llama.loadModel({ modelPath: truncated })).rejects.toThrow();
    await expect.poll(() => llamaLogs.join('\n')).toContain('not within the file bounds');
  });
});
