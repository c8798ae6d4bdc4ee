/**
 * Smoke tests of the native LoRA trainer (dianjin-trainer, built by `npm run build:trainer`) on the tiny qwen2 test
 * model: bad input, gradients against finite differences (also of GRPO's advantage-weighted objective), SFT that makes
 * node-llama-cpp reproduce a training answer, resuming after SIGKILL / stopping on SIGTERM, and the GRPO session
 * (logprobs, advantage-weighted steps, checkpoints, errors). Skipped when the binary is not built (CI wires the build in).
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

type Logprobs = { type: 'logprobs'; index: number; tokens: number[]; sum: number };
/** A running `dianjin-trainer session`: `send` writes one command line and resolves with the lines that answer it. */
type Session = {
  start: Message;
  send(command: object | string): Promise<Message[]>;
  logprobs(data: string, adapter?: 'current' | 'reference'): Promise<Logprobs[]>;
  /** The lines left until the process exits (after closing stdin or a signal), and its exit status. */
  rest(): Promise<{ code: number | null; messages: Message[] }>;
  child: ChildProcess;
  closed: Promise<number | null>;
};
const answerEnds = new Set(['step', 'saved', 'checkpoint', 'error', 'exit', 'done', 'stopped']);

async function startSession(job: object, dir: string): Promise<Session> {
  const jobPath = path.join(dir, `job-session-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(jobPath, JSON.stringify(job));
  const child = spawn(binary, ['session', '--config', jobPath], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr!.resume();
  const queue: Message[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    queue.push(JSON.parse(line) as Message);
    wake?.();
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => {
    ended = true;
    wake?.();
    resolve(code);
  }));
  const next = async (): Promise<Message> => {
    while (queue.length === 0) {
      if (ended) throw new Error('the session exited without answering');
      await new Promise<void>((resolve) => (wake = resolve));
    }
    return queue.shift()!;
  };
  const start = await next();
  const send = async (command: object | string) => {
    child.stdin!.write(`${typeof command === 'string' ? command : JSON.stringify(command)}\n`);
    const answer: Message[] = [];
    for (;;) {
      const message = await next();
      answer.push(message);
      if (answerEnds.has(message.type)) return answer;
    }
  };
  const logprobs = async (data: string, adapter: 'current' | 'reference' = 'current') => {
    const answer = await send({ cmd: 'logprobs', data, adapter });
    expect(answer.at(-1)).toMatchObject({ type: 'done', cmd: 'logprobs' });
    return answer.filter((m) => m.type === 'logprobs') as unknown as Logprobs[];
  };
  const rest = async () => {
    const code = await closed;
    return { code, messages: queue.splice(0) };
  };
  return { start, send, logprobs, rest, child, closed };
}

const jsonl = (lines: object[]) => `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;

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
  it('proves the GRPO loss: backward gradients equal finite differences of -Σ w_t·log p_t with negative weights', async () => {
    // Per-token weights as GRPO's TypeScript side makes them: w_t = A − β·(1 − exp(ref_t − logp_t)), with advantages
    // of both signs and arbitrary log-ratios; the prompt weighs 0.
    const advantages = [1.2, -0.7, -1.5];
    const data = path.join(dir, 'grpo-gradcheck.jsonl');
    await writeFile(data, jsonl(items().map((item, i) => ({
      tokens: [...item.prompt, ...item.response],
      weights: [...item.prompt.map(() => 0), ...item.response.map((_, t) => advantages[i]! - 0.001 * (1 - Math.exp(0.5 * Math.sin(3 * t + i))))],
    }))));
    const run = await runTrainer('gradcheck', {
      model: defaultTestModelPath, data, contextLength: 192, rank: 4, threads: 2, lossNormalization: 'none',
      gradcheck: { samples: 16, epsilon: 0.01 },
    }, dir);
    const result = only(run, 'gradcheck') as unknown as {
      loss: number; objective: number; negativeWeights: number; positiveWeights: number; maxRelError: number;
      maxObjectiveRelError: number; cosine: number; checks: Array<{ backward: number; objectiveNumeric: number }>;
    };
    console.log(`GRPO gradcheck: objective ${result.objective.toFixed(4)}, ${result.positiveWeights} positive / ${result.negativeWeights} negative weights, max relative error ${result.maxObjectiveRelError.toExponential(2)}`);
    expect(result.negativeWeights).toBeGreaterThan(10);
    expect(result.positiveWeights).toBeGreaterThan(5);
    expect(result.loss).toBeCloseTo(-result.objective, 3);
    // Mixed-sign weights cancel, so some sampled gradients are ~1000x smaller than the largest; central differences of
    // an F32 forward have an absolute noise floor, hence 3% relative or 1e-4 of the largest sampled gradient.
    const largest = Math.max(...result.checks.map((c) => Math.abs(c.backward)));
    for (const check of result.checks) {
      expect(Math.abs(check.backward - check.objectiveNumeric)).toBeLessThan(0.03 * Math.max(Math.abs(check.backward), Math.abs(check.objectiveNumeric)) + 1e-4 * largest);
    }
    expect(result.cosine).toBeGreaterThan(0.9999);
    expect(largest).toBeGreaterThan(0.1);
  }, 120_000);

  it('GRPO session: logprobs, advantage-weighted steps move them the right way, checkpoint/resume, save loads in node-llama-cpp', async () => {
    // The starting adapter (as an SFT stage would leave it): the reference of the KL term.
    const set = items();
    const sftData = path.join(dir, 'session-sft.jsonl');
    await writeFile(sftData, `${set.map((item) => item.line).join('\n')}\n`);
    const sftAdapter = path.join(dir, 'session-sft.gguf');
    const sft = await runTrainer('train', { model: trainable, data: sftData, out: sftAdapter, contextLength: 64, rank: 8, lr: 0.003, steps: 10, threads: 2, seed: 5 }, dir);
    expect(sft.code).toBe(0);

    // One group: the same prompt, four answers, fixed advantages (two rewarded, two not).
    const prompt = set[0]!.prompt;
    const answers = [set[0]!.response, set[1]!.response, set[2]!.response, model.tokenize('随便\n</think>\n<answer>\\boxed{0}</answer><|im_end|>', true)];
    const advantages = [1, -1, 1, -1];
    const beta = 0.001;
    const mask = (answer: Token[]) => [...prompt.map(() => 0), ...answer.map(() => 1)];
    const group = path.join(dir, 'group.jsonl');
    await writeFile(group, jsonl(answers.map((answer) => ({ tokens: [...prompt, ...answer], weights: mask(answer) }))));
    const job = { model: trainable, initAdapter: sftAdapter, contextLength: 64, lr: 0.003, threads: 2 };

    const started = Date.now();
    const session = await startSession(job, dir);
    const startMs = Date.now() - started;
    expect(session.start).toMatchObject({ type: 'start', mode: 'session', reference: 'initAdapter', rank: 8, resumedFromStep: 0 });
    const reference = await session.logprobs(group, 'reference');
    const initial = await session.logprobs(group);
    expect(initial.map((l) => l.index)).toEqual([0, 1, 2, 3]);
    for (const [i, l] of initial.entries()) {
      expect(l.tokens).toHaveLength(prompt.length + answers[i]!.length);
      expect(l.tokens.slice(0, prompt.length).every((v) => v === 0)).toBe(true);
      expect(l.tokens.slice(prompt.length).every((v) => v < 0)).toBe(true);
      expect(l.sum).toBeCloseTo(l.tokens.reduce((a, b) => a + b, 0), 6);
      l.tokens.forEach((v, t) => expect(v).toBeCloseTo(reference[i]!.tokens[t]!, 6)); // current = reference at the start
    }

    // Three GRPO updates; the second has half the group (another micro-batch count: ggml-opt is rebuilt, AdamW carries on).
    const stepFiles: string[] = [];
    const stepTimes: number[] = [];
    let current = initial;
    for (let k = 0; k < 3; k++) {
      const members = k === 1 ? [0, 1] : [0, 1, 2, 3];
      const file = path.join(dir, `grpo-step-${k + 1}.jsonl`);
      await writeFile(file, jsonl(members.map((i) => ({
        tokens: [...prompt, ...answers[i]!],
        weights: current[i]!.tokens.map((logp, t) => (t < prompt.length ? 0 : advantages[i]! - beta * (1 - Math.exp(reference[i]!.tokens[t]! - logp)))),
      }))));
      stepFiles.push(file);
      const [step] = await session.send({ cmd: 'step', data: file });
      expect(step).toMatchObject({ type: 'step', step: k + 1, sequences: members.length, microBatches: members.length });
      expect(Number.isFinite(step!.loss)).toBe(true);
      stepTimes.push(step!.stepSeconds as number);
      if (k === 1) {
        const [saved] = await session.send({ cmd: 'checkpoint', dir: path.join(dir, 'grpo-checkpoint') });
        expect(saved).toMatchObject({ type: 'checkpoint', step: 2 });
      }
      current = await session.logprobs(group);
    }
    const moved = current.map((l, i) => l.sum - initial[i]!.sum);
    console.log(`GRPO session: start ${startMs} ms (trainer's own ${(session.start.startSeconds as number).toFixed(3)} s), step ${stepTimes.map((s) => s.toFixed(3)).join(' / ')} s, sequence log-prob change ${moved.map((m) => m.toFixed(2)).join(', ')}`);
    moved.forEach((m, i) => (advantages[i]! > 0 ? expect(m).toBeGreaterThan(0.5) : expect(m).toBeLessThan(-0.5)));
    (await session.logprobs(group, 'reference')).forEach((l, i) => expect(l.sum).toBeCloseTo(reference[i]!.sum, 6));

    const out = path.join(dir, 'grpo-adapter.gguf');
    expect(await session.send({ cmd: 'save', out })).toEqual([{ type: 'saved', path: out, step: 3 }]);
    expect(await session.send({ cmd: 'quit' })).toEqual([{ type: 'exit', reason: 'quit', step: 3 }]);
    expect(await session.closed).toBe(0);

    // The same updates with every step in one micro-batch (no accumulation, one optimizer) land on the same adapter.
    const wide = await startSession({ ...job, contextLength: 256 }, dir);
    for (const file of stepFiles) expect((await wide.send({ cmd: 'step', data: file }))[0]).toMatchObject({ type: 'step', microBatches: 1 });
    (await wide.logprobs(group)).forEach((l, i) => expect(l.sum).toBeCloseTo(current[i]!.sum, 2));
    await wide.send({ cmd: 'quit' });

    // Resuming from the checkpoint after step 2 (adapter, AdamW moments, step count; the reference stays the SFT
    // adapter) and taking step 3 again gives the same result.
    const resumed = await startSession({ ...job, checkpointDir: path.join(dir, 'grpo-checkpoint'), resume: true }, dir);
    expect(resumed.start).toMatchObject({ resumedFromStep: 2, reference: 'initAdapter' });
    expect((await resumed.send({ cmd: 'step', data: stepFiles[2]! }))[0]).toMatchObject({ type: 'step', step: 3 });
    (await resumed.logprobs(group)).forEach((l, i) => expect(l.sum).toBeCloseTo(current[i]!.sum, 3));
    (await resumed.logprobs(group, 'reference')).forEach((l, i) => expect(l.sum).toBeCloseTo(reference[i]!.sum, 6));
    resumed.child.stdin!.end();
    expect(await resumed.rest()).toEqual({ code: 0, messages: [{ type: 'exit', reason: 'eof', step: 3 }] });

    // node-llama-cpp loads the saved adapter and gives the same per-token log-probabilities.
    const context = await model.createContext({ contextSize: 256, threads: 2, lora: { adapters: [{ filePath: out, scale: 1 }] } });
    try {
      const tokens = [...prompt, ...answers[0]!];
      const results = await context.getSequence().controlledEvaluate(tokens.map((token, t) => (t + 1 < tokens.length && t + 1 >= prompt.length
        ? [token, { generateNext: { probabilities: true, options: { temperature: 1, topK: 0, topP: 1, minP: 0 } } }]
        : token)));
      let largest = 0;
      for (let t = prompt.length; t < tokens.length; t++) {
        const next = results[t - 1]!.next;
        const logp = Math.log(next.probabilities!.get(tokens[t]!)!);
        largest = Math.max(largest, Math.abs(logp - current[0]!.tokens[t]!));
      }
      console.log(`node-llama-cpp vs trainer per-token log-prob: max difference ${largest.toExponential(2)}`);
      expect(largest).toBeLessThan(0.01);
    } finally {
      await context.dispose();
    }
  }, 300_000);

  it('GRPO session: a bad command is answered with an error line and the session goes on', async () => {
    const data = path.join(dir, 'session-errors.jsonl');
    await writeFile(data, jsonl([{ tokens: [10, 11, 12, 13], weights: [0, 0, 1, -1] }]));
    const session = await startSession({ model: defaultTestModelPath, contextLength: 32, rank: 4, threads: 2 }, dir);
    expect(session.start).toMatchObject({ type: 'start', mode: 'session', reference: 'base', initAdapter: null });
    const error = (cmd: string | null, message: RegExp) => [{ type: 'error', cmd, fatal: false, message: expect.stringMatching(message) }];
    expect(await session.send('not json')).toEqual(error(null, /not valid JSON/));
    expect(await session.send({ cmd: 'train' })).toEqual(error('train', /Unknown command 'train'/));
    expect(await session.send({ cmd: 'step', data: path.join(dir, 'missing.jsonl') })).toEqual(error('step', /does not exist/));
    expect(await session.send({ cmd: 'step', data, lr: -1 })).toEqual(error('step', /lr must be/));
    expect(await session.send({ cmd: 'logprobs', data, adapter: 'sft' })).toEqual(error('logprobs', /"current" or "reference"/));
    expect(await session.send({ cmd: 'save' })).toEqual(error('save', /needs "out"/));
    expect(await session.send({ cmd: 'save', out: path.join(dir, 'no-such-folder', 'a.gguf') })).toEqual(error('save', /Could not write/));
    // Still alive, nothing changed: a step and the answers carry the command's id.
    const [logprobs, done] = await session.send({ cmd: 'logprobs', data, id: 7 });
    expect(logprobs).toMatchObject({ type: 'logprobs', index: 0, id: 7 });
    expect((logprobs!.tokens as number[]).slice(0, 2)).toEqual([0, 0]);
    expect(done).toMatchObject({ type: 'done', cmd: 'logprobs', sequences: 1, id: 7 });
    expect(await session.send({ cmd: 'step', data, id: 'a' })).toEqual([expect.objectContaining({ type: 'step', step: 1, id: 'a' })]);
    // A blank line is ignored; SIGTERM while waiting for a command stops it at once with status 0.
    session.child.stdin!.write('\n');
    session.child.kill('SIGTERM');
    expect(await session.rest()).toEqual({ code: 0, messages: [{ type: 'stopped', step: 1 }] });
  }, 120_000);
});
