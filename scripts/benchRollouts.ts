/**
 * Rollout throughput for GRPO: a group of n answers to one prompt sampled in parallel as n sequences of one context
 * (InferenceHost.generateGroup) against the same n answers sampled one after another (n groups of 1: the same
 * sampler path, seeds seed+i, without the batching).
 *
 *   npx tsx scripts/benchRollouts.ts [--models tiny,e256] [--threads 1,default] [--n 8] [--max-tokens 96] [--runs 3]
 *
 * Models: models/test-qwen2-tiny.gguf (embd 64, 2 layers) and models/.cache/bench-qwen2-e256-l4.gguf (embd 256,
 * 4 layers, FFN 512; generated if missing); both F32 with the real 151,936-token Qwen2 vocabulary. Needs the built
 * inference process (`npm run build -- --no-renderer`). Times are the inference process's own (request received to
 * reply), less the group context's creation, which a GRPO loop pays once: median over `runs`, parallel and
 * sequential runs interleaved. Progress goes to stderr; the last line of stdout is one JSON object.
 */
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { InferenceHost } from '../electron/services/inference/InferenceHost';
import { forkInferenceProcess } from '../electron/services/inference/process';
import type { ChatTurn, GroupGenerationResult } from '../electron/services/inference/protocol';
import { defaultSettings, type SamplingSettings } from '../electron/shared/records';
import { ensureTestModel, generateTestModel } from '../models/testModel/generateTestModel';
import { modelsCacheDir } from '../models/testModel/qwen2Vocab';

const root = path.resolve(import.meta.dirname, '..');

export interface MeasureRolloutsOptions {
  /** The GGUF to sample from. Defaults to models/test-qwen2-tiny.gguf. */
  modelPath?: string;
  /** CPU threads; 0 = the app's default (electron/services/inference/threads.ts). Defaults to `0`. */
  threads?: number;
  /** Group size. Defaults to `8`. */
  n?: number;
  /** Tokens per answer. Defaults to `96`. */
  maxTokens?: number;
  /** Measured repetitions after a warm-up of each. Defaults to `3`. */
  runs?: number;
  /** Defaults to a short DianJin-style question. */
  turns?: ChatTurn[];
  /** Defaults to DianJin-R1's GRPO sampling (temperature 0.6, top-p 0.95) with the app's top-k, seed 1. */
  sampling?: Partial<SamplingSettings>;
  /** Evaluate the prompt once and copy it to the other sequences. Defaults to `true`. */
  sharePrompt?: boolean;
  /** The built inference process. Defaults to dist/electron/inferenceWorker.js. */
  workerPath?: string;
  onProgress?(line: string): void;
}

export interface RolloutThroughput {
  sequencesPerSecond: number;
  tokensPerSecond: number;
  /** Median seconds for the whole group. */
  seconds: number;
  /** Median sampled tokens per group (answers that end early sample fewer). */
  tokens: number;
}

export interface RolloutMeasurement {
  model: string;
  threads: number;
  n: number;
  maxTokens: number;
  promptTokens: number;
  parallel: RolloutThroughput;
  sequential: RolloutThroughput;
  /** parallel sequences/s ÷ sequential sequences/s. */
  speedup: number;
}

const defaultTurns: ChatTurn[] = [
  { role: 'user', content: '某公司2023年营业收入为5,829万元，营业成本为5,735万元。请计算毛利率（保留两位小数），并给出推理过程。' },
];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const workMs = (result: GroupGenerationResult) => result.timing.durationMs - result.timing.setupMs;
const sampledTokens = (results: GroupGenerationResult[]) => results.reduce((sum, r) => sum + r.completions.reduce((s, c) => s + c.completionTokens, 0), 0);

export async function measureRollouts(options: MeasureRolloutsOptions = {}): Promise<RolloutMeasurement> {
  const modelPath = options.modelPath ?? (await ensureTestModel());
  const n = options.n ?? 8;
  const runs = options.runs ?? 3;
  const maxTokens = options.maxTokens ?? 96;
  const turns = options.turns ?? defaultTurns;
  const sampling: SamplingSettings = { ...defaultSettings.sampling, temperature: 0.6, topP: 0.95, seed: 1, ...options.sampling, maxTokens };
  const workerPath = options.workerPath ?? path.join(root, 'dist', 'electron', 'inferenceWorker.js');
  if (!existsSync(workerPath)) throw new Error(`${workerPath} is missing: run \`npm run build -- --no-renderer\` first.`);
  const groupOptions = { sharePrompt: options.sharePrompt ?? true };

  const host = new InferenceHost({ workerPath, spawn: forkInferenceProcess });
  try {
    const info = await host.load(modelPath, { ...defaultSettings.load, threads: options.threads ?? 0, contextSize: 1024, lora: null });
    const parallelOnce = () => host.generateGroup(turns, sampling, n, groupOptions);
    const sequentialOnce = async () => {
      const results: GroupGenerationResult[] = [];
      for (let index = 0; index < n; index++) results.push(await host.generateGroup(turns, { ...sampling, seed: sampling.seed! + index }, 1, groupOptions));
      return results;
    };
    // Warm-up: page the weights in, JIT the JS paths.
    await parallelOnce();
    await sequentialOnce();
    const parallel: { ms: number; tokens: number }[] = [];
    const sequential: { ms: number; tokens: number }[] = [];
    let promptTokens = 0;
    for (let run = 0; run < runs; run++) {
      const group = await parallelOnce();
      promptTokens = group.promptTokens;
      parallel.push({ ms: workMs(group), tokens: sampledTokens([group]) });
      const singles = await sequentialOnce();
      sequential.push({ ms: singles.reduce((sum, r) => sum + workMs(r), 0), tokens: sampledTokens(singles) });
      options.onProgress?.(
        `${path.basename(modelPath)} threads ${info.threads} run ${run + 1}/${runs}: parallel ${(parallel.at(-1)!.ms / 1000).toFixed(2)} s, one at a time ${(sequential.at(-1)!.ms / 1000).toFixed(2)} s`,
      );
    }
    const summarize = (samples: { ms: number; tokens: number }[]): RolloutThroughput => {
      const seconds = median(samples.map((s) => s.ms)) / 1000;
      const tokens = median(samples.map((s) => s.tokens));
      return { sequencesPerSecond: n / seconds, tokensPerSecond: tokens / seconds, seconds, tokens };
    };
    const parallelSummary = summarize(parallel);
    const sequentialSummary = summarize(sequential);
    return {
      model: path.basename(modelPath),
      threads: info.threads,
      n,
      maxTokens,
      promptTokens,
      parallel: parallelSummary,
      sequential: sequentialSummary,
      speedup: parallelSummary.sequencesPerSecond / sequentialSummary.sequencesPerSecond,
    };
  } finally {
    await host.dispose();
  }
}

/** The bigger F32 bench model (embd 256, 4 layers, FFN 512), generated once into models/.cache. */
export async function ensureRolloutBenchModel(): Promise<string> {
  const modelPath = path.join(modelsCacheDir, 'bench-qwen2-e256-l4.gguf');
  if (!existsSync(modelPath)) await generateTestModel({ outPath: modelPath, seed: 7, embeddingLength: 256, blockCount: 4, feedForwardLength: 512 });
  return modelPath;
}

/**
 * A model shaped like Qwen2.5-0.5B-Instruct (embd 896, 24 layers, FFN 4,864, 14 heads, 2 KV heads, tied head: 494M
 * weights) in Q8_0, 0.5 GiB: the smallest model of DianJin-R1's family, quantized as users run them. Its weights do not
 * stay in the CPU's caches, so one sequence at a time waits on memory, as a 7B GGUF does on a laptop; the tiny F32
 * models fit in cache and measure the compute-bound corner. Generated once (~1 min) into models/.cache.
 */
export async function ensureQuantizedRolloutBenchModel(): Promise<string> {
  const modelPath = path.join(modelsCacheDir, 'bench-qwen2.5-0.5b-shape-q8_0.gguf');
  if (!existsSync(modelPath)) {
    const partial = `${modelPath}.${process.pid}.partial`;
    await generateTestModel({
      outPath: partial,
      seed: 7,
      embeddingLength: 896,
      blockCount: 24,
      feedForwardLength: 4864,
      headCount: 14,
      headCountKv: 2,
      weightType: 'q8_0',
      name: 'DianJin bench (Qwen2.5-0.5B shape, Q8_0)',
    });
    await rename(partial, modelPath);
  }
  return modelPath;
}

/** The models `--models` names. */
export const rolloutBenchModels: Record<string, () => Promise<string>> = {
  'q8-0.5b': ensureQuantizedRolloutBenchModel,
  tiny: ensureTestModel,
  e256: ensureRolloutBenchModel,
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      models: { type: 'string', default: 'q8-0.5b,tiny' },
      threads: { type: 'string', default: '1,default' },
      n: { type: 'string', default: '8' },
      'max-tokens': { type: 'string', default: '96' },
      runs: { type: 'string', default: '3' },
      'no-share-prompt': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const models = rolloutBenchModels;
  const results: RolloutMeasurement[] = [];
  for (const name of values.models.split(',')) {
    const ensure = models[name] ?? (name.endsWith('.gguf') && existsSync(name) ? async () => path.resolve(name) : undefined);
    if (!ensure) throw new Error(`Unknown model ${name}; use ${Object.keys(models).join(', ')} or a .gguf path.`);
    const modelPath = await ensure();
    for (const threads of values.threads.split(',')) {
      results.push(
        await measureRollouts({
          modelPath,
          threads: threads === 'default' ? 0 : Number(threads),
          n: Number(values.n),
          maxTokens: Number(values['max-tokens']),
          runs: Number(values.runs),
          sharePrompt: !values['no-share-prompt'],
          onProgress: (line) => process.stderr.write(`${line}\n`),
        }),
      );
    }
  }
  for (const r of results) {
    console.log(
      `${r.model.padEnd(28)} threads ${r.threads}  n ${r.n}  parallel ${r.parallel.sequencesPerSecond.toFixed(2)} seq/s (${r.parallel.tokensPerSecond.toFixed(0)} tok/s)  ` +
        `one at a time ${r.sequential.sequencesPerSecond.toFixed(2)} seq/s (${r.sequential.tokensPerSecond.toFixed(0)} tok/s)  speedup ${r.speedup.toFixed(2)}x`,
    );
  }
  console.log(JSON.stringify({ rollouts: results }));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().catch((error: unknown) => {
    process.stderr.write(`benchRollouts: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
