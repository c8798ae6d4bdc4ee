/**
 * Smoke tests of the native LoRA trainer (dianjin-trainer, built by `npm run build:trainer`) on the tiny qwen2 test
 * model: bad input, gradients against finite differences, SFT that makes node-llama-cpp reproduce a training answer,
 * and resuming after SIGKILL / stopping on SIGTERM. Skipped when the binary is not built (CI wires the build in).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTestModelPath, generateTestModel } from '../../../../models/testModel/generateTestModel';

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..', '..');
const binary = path.join(repoRoot, 'build', 'trainer', 'bin', process.platform === 'win32' ? 'dianjin-trainer.exe' : 'dianjin-trainer');
const built = existsSync(binary);

type Message = { type: string; [key: string]: unknown };
type Run = { code: number | null; signal: NodeJS.Signals | null; messages: Message[] };

/** Runs the trainer; `onMessage` sees each JSON line as it arrives and may return true to SIGKILL the process. */
function runTrainer(mode: string, job: object, dir: string, onMessage?: (m: Message, child: ChildProcess) => boolean | void): Promise<Run> {
  return (async () => {
    const jobPath = path.join(dir, `job-${mode}-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(jobPath, JSON.stringify(job));
    const child = spawn(binary, [mode, '--config', jobPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    const messages: Message[] = [];
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const message = JSON.parse(line) as Message;
      messages.push(message);
      if (onMessage?.(message, child) === true) child.kill('SIGKILL');
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    if (code !== 0 && signal === null && !messages.some((m) => m.type === 'error')) throw new Error(`trainer failed: ${stderr}`);
    return { code, signal, messages };
  })();
}

const ofType = (run: Run, type: string) => run.messages.filter((m) => m.type === type);
function only(run: Run, type: string): Message {
  const message = ofType(run, type)[0];
  if (!message) throw new Error(`the trainer sent no "${type}" message: ${JSON.stringify(run.messages.at(-1))}`);
  return message;
}
const steps = (run: Run) => ofType(run, 'step') as Array<Message & { step: number; loss: number }>;

describe.skipIf(!built)(built ? 'dianjin-trainer' : 'dianjin-trainer (skipped: run `npm run build:trainer` to build the binary)', () => {
  let dir: string;
  let llama: Llama;
  let model: LlamaModel;
  // The default test model's tied output head (std-0.02 noise, output norm 1) keeps logits within about ±1.3, so no
  // answer can become likely; this copy scales the output norm so that SFT can make one.
  let trainable: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dianjin-trainer-'));
    trainable = path.join(dir, 'test-qwen2-tiny-trainable.gguf');
    await generateTestModel({ outPath: trainable, outputNormWeight: 16 });
    llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
    model = await llama.loadModel({ modelPath: trainable });
  });
  afterAll(async () => {
    await model?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  /** DianJin-R1's format: the ChatML prompt with the opened <think> is masked (weight 0), the response weighs 1. */
  function sftItem(question: string, reasoning: string, answer: string) {
    const prompt = model.tokenize(`<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n<think>\n`, true);
    const response = model.tokenize(`${reasoning}\n</think>\n<answer>${answer}</answer><|im_end|>`, true);
    return { prompt, response, line: JSON.stringify({ tokens: [...prompt, ...response], weights: [...prompt.map(() => 0), ...response.map(() => 1)] }) };
  }

  const items = () => [
    sftItem('营业收入1,400万元，营业利润210万元，营业利润率是多少？', '210/1400=0.15', '营业利润率为\\boxed{15\\%}'),
    sftItem('What is 12% of 250?', '0.12*250=30', '\\boxed{30}'),
    sftItem('净利润80万元，总资产1000万元，ROA是多少？', '80/1000=0.08', 'ROA为\\boxed{8\\%}'),
  ];

  async function greedy(prompt: Token[], count: number, lora?: string): Promise<Token[]> {
    const context = await model.createContext({ contextSize: 256, threads: 2, ...(lora ? { lora: { adapters: [{ filePath: lora, scale: 1 }] } } : {}) });
    try {
      const out: Token[] = [];
      for await (const token of context.getSequence().evaluate(prompt, { temperature: 0 })) {
        out.push(token);
        if (out.length >= count) break;
      }
      return out;
    } finally {
      await context.dispose();
    }
  }

  it('answers bad input with one error line and a non-zero exit', async () => {
    const data = path.join(dir, 'bad.jsonl');
    await writeFile(data, `${JSON.stringify({ tokens: Array.from({ length: 40 }, (_, i) => i + 10) })}\n`);
    const base = { model: defaultTestModelPath, data, out: path.join(dir, 'bad.gguf'), threads: 2 };
    const cases: Array<[object, RegExp]> = [
      [{ ...base, model: path.join(dir, 'missing.gguf') }, /does not exist/],
      [{ ...base, model: data }, /not a readable GGUF/],
      [{ ...base, rank: 0 }, /rank must be a positive integer/],
      [{ ...base, contextLength: 16 }, /line 1 has 40 tokens, more than the context length 16/],
      [{ ...base, lrr: 1 }, /Unknown field 'lrr'/],
    ];
    const notQwen2 = path.join(dir, 'notanarch.gguf');
    await generateTestModel({ outPath: notQwen2, architecture: 'notanarch', blockCount: 1 });
    cases.push([{ ...base, model: notQwen2 }, /architecture is 'notanarch'/]);
    for (const [job, message] of cases) {
      const run = await runTrainer('train', job, dir);
      expect(run.code).toBe(1);
      expect(run.messages).toHaveLength(1);
      expect(run.messages[0]).toMatchObject({ type: 'error', message: expect.stringMatching(message) });
    }
  }, 120_000);

  it('computes LoRA gradients that match finite differences, and nearly the same through a Q8_0 base', async () => {
    const data = path.join(dir, 'gradcheck.jsonl');
    await writeFile(data, `${items().map((item) => item.line).join('\n')}\n`);
    const run = await runTrainer('gradcheck', {
      model: defaultTestModelPath, data, contextLength: 96, rank: 4, threads: 2,
      gradcheck: { samples: 16, epsilon: 0.01, compareBaseTypes: ['q8_0', 'f16'] },
    }, dir);
    const result = only(run, 'gradcheck') as unknown as { maxRelError: number; cosine: number; quantizedComparisons: Array<{ baseType: string; cosine: number }> };
    expect(result.maxRelError).toBeLessThan(0.05);
    expect(result.cosine).toBeGreaterThan(0.9999);
    expect(result.quantizedComparisons.find((c) => c.baseType === 'q8_0')!.cosine).toBeGreaterThan(0.999);
    expect(result.quantizedComparisons.find((c) => c.baseType === 'f16')!.cosine).toBeGreaterThan(0.99999);
  }, 120_000);

  it('SFT lowers the loss and the adapter makes node-llama-cpp reproduce a training answer', async () => {
    const set = items();
    const data = path.join(dir, 'sft.jsonl');
    await writeFile(data, `${set.map((item) => item.line).join('\n')}\n`);
    const out = path.join(dir, 'sft-adapter.gguf');
    const run = await runTrainer('train', {
      model: trainable, data, out, contextLength: 64, rank: 16, alpha: 32, lr: 0.003, steps: 120, threads: 2, seed: 1,
    }, dir);
    expect(run.code).toBe(0);
    const losses = steps(run).map((s) => s.loss);
    expect(losses[0]).toBeGreaterThan(10);
    expect(Math.max(...losses.slice(-3))).toBeLessThan(1);
    expect(only(run, 'done')).toMatchObject({ out, steps: 120 });

    // Greedy generation stops at <|im_end|> (the response's last token) without yielding it.
    const target = set[0]!;
    const answer = target.response.slice(0, -1);
    const before = await greedy(target.prompt, answer.length);
    const after = await greedy(target.prompt, answer.length, out);
    expect(model.detokenize(before, true)).not.toContain('boxed');
    expect(model.detokenize(after, true)).toBe('210/1400=0.15\n</think>\n<answer>营业利润率为\\boxed{15\\%}</answer>');
    expect(after).toEqual(answer);
  }, 300_000);

  it('resumes after SIGKILL from the last checkpoint and continues the same loss curve; SIGTERM stops cleanly', async () => {
    const data = path.join(dir, 'resume.jsonl');
    await writeFile(data, `${items().map((item) => item.line).join('\n')}\n`);
    const job = (name: string) => ({
      model: trainable, data, out: path.join(dir, `${name}.gguf`), checkpointDir: path.join(dir, name),
      contextLength: 64, rank: 8, lr: 0.003, steps: 40, threads: 2, seed: 3, checkpointEvery: 4, resume: true,
    });
    const reference = await runTrainer('train', job('reference'), dir);

    const killed = await runTrainer('train', job('killed'), dir, (m) => m.type === 'step' && (m.step as number) >= 10);
    expect(killed.signal).toBe('SIGKILL');
    // Checkpoints after the last one read from stdout may have reached the disk before the kill.
    const lastReported = Math.max(...ofType(killed, 'checkpoint').map((m) => m.step as number));
    expect(lastReported).toBeGreaterThanOrEqual(8);

    const resumed = await runTrainer('train', job('killed'), dir);
    const resumedFrom = only(resumed, 'start').resumedFromStep as number;
    expect(resumedFrom).toBeGreaterThanOrEqual(lastReported);
    expect(resumedFrom).toBeLessThan(40);
    expect(steps(resumed)[0]!.step).toBe(resumedFrom + 1);
    expect(steps(resumed).at(-1)!.step).toBe(40);
    const referenceLoss = new Map(steps(reference).map((s) => [s.step, s.loss]));
    for (const s of steps(resumed)) expect(s.loss).toBeCloseTo(referenceLoss.get(s.step)!, 3);

    let sent = false;
    const stopped = await runTrainer('train', { ...job('stopped'), steps: 200 }, dir, (m, child) => {
      if (m.type === 'step' && !sent) {
        sent = true;
        child.kill('SIGTERM');
      }
    });
    expect(stopped.code).toBe(0);
    const stop = only(stopped, 'stopped');
    expect(stop).toMatchObject({ checkpoint: path.join(dir, 'stopped', 'checkpoint.gguf') });
    expect((await stat(stop.checkpoint as string)).size).toBeGreaterThan(0);
  }, 300_000);
});
