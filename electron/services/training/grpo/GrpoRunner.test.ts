/**
 * GRPO end to end on a tiny generated model: real rollouts (parallel sequences in the inference process, with the
 * adapter being trained), the trainer's session mode for the updates. The model's answers are gibberish, so the
 * reward is one it can learn from there: its answer starts with a token it already starts with sometimes.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrpoConfig, type GrpoStepRecord } from '../../../shared/grpo';
import type { LoadSettings, SamplingSettings } from '../../../shared/records';
import { generateTestModel } from '../../../../models/testModel/generateTestModel';
import { InferenceHost } from '../../inference/InferenceHost';
import { forkInferenceProcess } from '../../inference/process';
import { builtWorker } from '../../../testing/fixtures';
import { locateTrainer } from '../trainerProcess';
import { grpoTurns, promptsForStep, runGrpo, type GenerateGroup } from './GrpoRunner';
import type { GrpoItem, RewardFunction } from './rewards';

const trainer = locateTrainer({ workerPath: builtWorker });
const load: LoadSettings = { threads: 1, contextSize: 512, gpu: 'off', gpuLayers: 0 };

const items: GrpoItem[] = [
  { id: 'a', task: 'finqa', question: 'Revenue 1,400, operating profit 210: operating margin?', reference: '0.15' },
  { id: 'b', task: 'cflue', question: '下列哪些属于金融资产？', reference: 'ABD', choices: { A: '现金', B: '债券', C: '存货', D: '股票' } },
];

describe('promptsForStep', () => {
  it('walks a seeded shuffle of the prompts, every prompt once per pass, the same for the same step', () => {
    const many: GrpoItem[] = Array.from({ length: 5 }, (_, i) => ({ id: String(i), task: 'open', question: `q${i}`, reference: 'x' }));
    const pass = [0, 1, 2, 3, 4].flatMap((step) => promptsForStep(many, { promptsPerStep: 1, seed: 3 }, step).map((item) => item.id));
    expect([...pass].sort()).toEqual(['0', '1', '2', '3', '4']);
    expect(promptsForStep(many, { promptsPerStep: 2, seed: 3 }, 7)).toEqual(promptsForStep(many, { promptsPerStep: 2, seed: 3 }, 7));
    // Never the same prompt twice in a step, even across a pass boundary (3 prompts, 2 a step).
    for (let step = 0; step < 12; step++) {
      const ids = promptsForStep(many.slice(0, 3), { promptsPerStep: 2, seed: 1 }, step).map((item) => item.id);
      expect(new Set(ids).size).toBe(2);
    }
  });
});

describe.skipIf(!trainer)(trainer ? 'GRPO on a tiny model' : 'GRPO on a tiny model (skipped: run `npm run build:trainer` to build the trainer)', () => {
  let dir: string;
  let model: string;
  let host: InferenceHost;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dianjin-grpo-'));
    // A copy whose output head can become confident (see native/trainer.test.ts).
    model = path.join(dir, 'trainable.gguf');
    await generateTestModel({ outPath: model, outputNormWeight: 16 });
    host = new InferenceHost({ workerPath: builtWorker, spawn: forkInferenceProcess });
    await host.load(model, load);
  }, 60_000);
  afterAll(async () => {
    await host?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const generateGroup: GenerateGroup = (turns, sampling, n, { lora, signal }) => host.generateGroup(turns, sampling, n, { lora, signal });

  it('raises the mean reward of a reward the model can learn, then resumes from its checkpoint', async () => {
    // The reward: the answer starts with the model's favourite first token (">"). Sampled hot enough that it starts
    // with it only some of the time, GRPO has something to learn: start with it more often.
    const temperature = 1.5;
    const probe = await host.generateGroup(grpoTurns(items[0]!, { promptStyle: 'chat' }), { temperature, topP: 1, topK: 0, minP: 0, repeatPenalty: 1, maxTokens: 2, seed: 5 } satisfies SamplingSettings, 32);
    const target = '>';
    const initial = probe.completions.filter((c) => c.text.startsWith(target)).length / probe.completions.length;
    expect(initial).toBeGreaterThan(0.05);
    expect(initial).toBeLessThan(0.8);
    const reward = (): RewardFunction => ({
      score: (output) => {
        const total = output.replace(/^<think>\n/, '').startsWith(target) ? 1 : 0;
        return { format: 0, accuracy: 0, custom: [total], total };
      },
    });
    const config = GrpoConfig.parse({ group: 8, promptsPerStep: 2, steps: 12, temperature, topP: 1, maxTokens: 4, lr: 1e-3, rank: 8, alpha: 16, contextLength: 96, checkpointEvery: 4, beta: 0.001, promptStyle: 'chat' });
    const records: GrpoStepRecord[] = [];
    // The same job twice: paused at step 6, then resumed from its checkpoint.
    const job = { trainer: trainer!, model, items, config, workDir: path.join(dir, 'job'), out: path.join(dir, 'grpo.gguf'), threads: 1, generateGroup, reward };
    const pause = new AbortController();
    const first = await runGrpo({
      ...job,
      resume: false,
      signal: pause.signal,
      onStep: (record) => {
        records.push(record);
        if (record.step === 6) pause.abort();
      },
    });
    expect(first).toEqual({ status: 'paused', steps: 6, out: null });
    const second = await runGrpo({
      ...job,
      resume: true,
      signal: new AbortController().signal,
      onStep: (record) => records.push(record),
    });
    expect(second.status).toBe('complete');
    expect(existsSync(path.join(dir, 'grpo.gguf'))).toBe(true);
    expect(records.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const curve = records.map((r) => r.rewardMean);
    console.log(`GRPO mean reward by step (answers starting with "${target}": ${initial.toFixed(2)} before training): ${curve.map((r) => r.toFixed(2)).join(' ')}`);
    // 16 answers a step: noisy, so compare the first three steps with the last four.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const early = mean(curve.slice(0, 3));
    const late = mean(curve.slice(-4));
    expect(late).toBeGreaterThan(early + 0.15);
    for (const record of records) {
      expect(record.groups).toHaveLength(2);
      expect(record.groups[0]!.samples).toHaveLength(8);
    }
    expect(records.some((r) => r.loss !== null)).toBe(true);
  }, 300_000);
});
