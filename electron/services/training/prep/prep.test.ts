/** Tokenising SFT examples with the tiny test model's own chat template (which opens <think> in the prompt). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getLlama, LlamaLogLevel, type LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtWorker, tempDir, tinyModel } from '../../../testing/fixtures';
import { forkInferenceProcess } from '../../inference/process';
import { formatSftResponse, sftTurns } from '../data';
import { runPrep, prepWorkerPathBeside } from './runPrep';
import { createSftTokenizer, endOfTurnText } from './tokenizeSft';

const item = { question: 'What is 12% of 250?', reasoning: '0.12*250=30', answer: '30' };

describe('SFT tokenisation', () => {
  let model: LlamaModel;
  beforeAll(async () => {
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
    model = await llama.loadModel({ modelPath: tinyModel, vocabOnly: true });
  });
  afterAll(async () => model?.dispose());

  it('masks the prompt (weight 0), trains the response and the end of turn (weight 1), and opens <think> once', () => {
    const tokenizer = createSftTokenizer(model);
    const t = tokenizer.tokenize(sftTurns(item, 'dianjin'), formatSftResponse(item));
    expect(tokenizer.startsInReasoning).toBe(true);
    expect(tokenizer.endOfTurn).toBe('<|im_end|>');
    expect(t.tokens).toHaveLength(t.promptTokens + t.responseTokens);
    expect(t.weights.slice(0, t.promptTokens).every((w) => w === 0)).toBe(true);
    expect(t.weights.slice(t.promptTokens).every((w) => w === 1)).toBe(true);
    const prompt = model.detokenize(t.tokens.slice(0, t.promptTokens) as never, true);
    const response = model.detokenize(t.tokens.slice(t.promptTokens) as never, true);
    expect(prompt).toMatch(/^<\|im_start\|>system\nYou are a financial expert[\s\S]*<\|im_start\|>assistant\n<think>\n$/);
    expect(response).toBe('0.12*250=30\n</think>\n<answer>\n\\boxed{30}\n</answer><|im_end|>');
    // The system prompt names the tags too; the assistant turn opens <think> once.
    const assistantTurn = prompt.slice(prompt.lastIndexOf('<|im_start|>assistant')) + response;
    expect(assistantTurn.match(/<think>/g)).toHaveLength(1);
  });

  it('keeps <think> in the response when the template does not open it', () => {
    const metadata = model.fileInfo.metadata as { tokenizer: { chat_template?: string } };
    const original = metadata.tokenizer.chat_template;
    metadata.tokenizer.chat_template =
      "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    try {
      const tokenizer = createSftTokenizer(model);
      const t = tokenizer.tokenize(sftTurns(item, 'chat'), formatSftResponse(item));
      expect(tokenizer.startsInReasoning).toBe(false);
      expect(model.detokenize(t.tokens.slice(t.promptTokens) as never, true)).toBe(`${formatSftResponse(item)}<|im_end|>`);
      expect(endOfTurnText(model)).toBe('<|im_end|>');
    } finally {
      metadata.tokenizer.chat_template = original;
    }
  });

  it('writes the trainer JSONL in a process of its own, leaving out examples longer than the context', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const long = { ...item, reasoning: 'step '.repeat(200) };
      const train = path.join(dir, 'train.jsonl');
      const validation = path.join(dir, 'validation.jsonl');
      const result = await runPrep(forkInferenceProcess, prepWorkerPathBeside(builtWorker), {
        modelPath: tinyModel,
        contextLength: 128,
        items: [item, long, { ...item, answer: '31' }].map((i) => ({ turns: sftTurns(i, 'chat'), response: formatSftResponse(i) })),
        outputs: { train, validation, validationIndexes: [2] },
      });
      expect(result.counts).toHaveLength(3);
      expect(result.counts[1]!.promptTokens + result.counts[1]!.responseTokens).toBeGreaterThan(128);
      expect(result.written).toEqual({ train: 1, validation: 1 });
      const line = JSON.parse(readFileSync(train, 'utf8').trim()) as { tokens: number[]; weights: number[] };
      expect(line.tokens).toHaveLength(result.counts[0]!.promptTokens + result.counts[0]!.responseTokens);
      expect(line.weights.filter((w) => w === 1)).toHaveLength(result.counts[0]!.responseTokens);
      expect(readFileSync(validation, 'utf8').trim().split('\n')).toHaveLength(1);
    } finally {
      cleanup();
    }
  });
});
