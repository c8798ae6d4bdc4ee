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
