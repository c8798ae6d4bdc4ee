import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { GrpoConfig } from '../../../shared/grpo';
import { tinyModel } from '../../../testing/fixtures';
import { readModelShape, wontFitError, type ModelShape } from '../estimate';
import { estimateGrpo, grpoStepLayout, readRolloutMemory, type RolloutMemory } from './grpoEstimate';

/** Qwen2.5-7B (DianJin-R1-7B) as Q4_K_M. */
const qwen7b: ModelShape = { layers: 28, embedding: 3584, feedForward: 18944, heads: 28, kvHeads: 4, vocabulary: 152064, modelBytes: 4.68e9, parameters: 7.6e9, quantized: true };
/** Its rollout process: F16 K and V per cell (2 × layers × kv heads × head size × 2 bytes) and a graph of 64 MiB. */
const qwen7bRollout: RolloutMemory = { modelBytes: 4.68e9, contextBytes: (size, sequences) => size * sequences * 2 * 28 * 4 * 128 * 2 + 64 * 1024 ** 2 };
const GIB = 1024 ** 3;
const config = (patch: Partial<GrpoConfig> = {}) => GrpoConfig.parse({ ...patch });
const options = { promptTokens: 200, initAdapter: false, threads: 7, availableBytes: 64 * GIB };

describe('GRPO estimate', () => {
  it('packs a step’s group × prompts sequences into micro-batches of at most the context', () => {
    // 16 sequences of 200 + 1024 tokens: one per 2048-token micro-batch, each rounded up to 16 slots.
    expect(grpoStepLayout({ group: 8, promptsPerStep: 2, maxTokens: 1024, contextLength: 2048 }, 200)).toEqual({
      sequences: 16,
      sequenceTokens: 1224,
      rolloutContextSize: 1280,
      microBatchTokens: 1232,
      microBatches: 16,
      slotsPerStep: 16 * 1232,
    });
    // Short answers: several sequences share a micro-batch, the last one partly filled.
    expect(grpoStepLayout({ group: 3, promptsPerStep: 1, maxTokens: 8, contextLength: 128 }, 40)).toMatchObject({ sequenceTokens: 48, microBatchTokens: 96, microBatches: 2, slotsPerStep: 96 + 48 });
    // Without the data, prompt + answer is assumed to fill the context.
    expect(grpoStepLayout({ group: 8, promptsPerStep: 2, maxTokens: 1024, contextLength: 1024 }, null)).toMatchObject({ sequenceTokens: 1024, rolloutContextSize: 1024, microBatchTokens: 1024 });
  });

  it('needs more memory for a larger group and for longer answers (the rollout KV cache, then the update’s micro-batch)', () => {
    const at = (patch: Partial<GrpoConfig>) => estimateGrpo('m.gguf', qwen7b, qwen7bRollout, config({ contextLength: 4096, ...patch }), options).memory;
    const [g2, g8, g16] = [2, 8, 16].map((group) => at({ group, maxTokens: 256, promptsPerStep: 1 }));
    expect(g8!.rolloutContextBytes).toBeGreaterThan(g2!.rolloutContextBytes);
    expect(g16!.rolloutContextBytes).toBeGreaterThan(g8!.rolloutContextBytes);
    // 2 × 456 tokens make a micro-batch of 912; 8 × 456 one of 3,648 (attention grows with its square).
    expect(g8!.activationBytes).toBeGreaterThan(g2!.activationBytes);
    expect(g16!.totalBytes).toBeGreaterThan(g8!.totalBytes);
    // One sequence per micro-batch here (a packed micro-batch of many short answers can take more than a long one).
    const [short, long] = [256, 2048].map((maxTokens) => at({ maxTokens, group: 2, promptsPerStep: 1 }));
    expect(long!.rolloutContextBytes).toBeGreaterThan(short!.rolloutContextBytes);
    expect(long!.totalBytes).toBeGreaterThan(short!.totalBytes);
    // The starting adapter's frozen copy (the KL reference) counts too.
    const withInit = estimateGrpo('m.gguf', qwen7b, qwen7bRollout, config(), { ...options, initAdapter: true }).memory;
    expect(withInit.referenceBytes).toBeGreaterThan(0);
    expect(withInit.totalBytes - withInit.referenceBytes).toBe(estimateGrpo('m.gguf', qwen7b, qwen7bRollout, config(), options).memory.totalBytes);
  });

  it('refuses DianJin-R1’s settings for a 7B model on a 16 GB laptop (TRAIN_WONT_FIT) and says what to lower', () => {
    const estimate = estimateGrpo('m.gguf', qwen7b, qwen7bRollout, config(), { ...options, availableBytes: 16 * GIB });
    expect(estimate.fits).toBe(false);
    // The trainer and the rollout process each hold the weights.
    expect(estimate.memory.totalBytes).toBeGreaterThan(2 * 4.68e9);
    expect(estimate.advice.length).toBeGreaterThan(0);
    expect(estimate.summary).toBe(`Needs about ${(estimate.memory.totalBytes / GIB).toFixed(1)} GiB but this machine has 16.0 GiB. ${estimate.advice[0]}`);
    const error = wontFitError(estimate);
    expect(AppError.is(error, 'TRAIN_WONT_FIT')).toBe(true);
    expect(error.message).toMatch(/^This job needs about \d+\.\d GiB of memory but this machine has 16\.0 GiB\. /);
    // Each piece of advice names a value that fits.
    const group = /Lower the group size to (\d+) answers per prompt\./.exec(estimate.advice.join(' '));
    if (group) expect(estimateGrpo('m.gguf', qwen7b, qwen7bRollout, config({ group: Number(group[1]) }), { ...options, availableBytes: 16 * GIB }).fits).toBe(true);
    const context = /Lower the context length to (\d+) tokens/.exec(estimate.advice.join(' '));
    expect(context).not.toBeNull();
    expect(estimateGrpo('m.gguf', qwen7b, qwen7bRollout, config({ contextLength: Number(context![1]), maxTokens: Number(context![1]) - 200 }), { ...options, availableBytes: 16 * GIB }).fits).toBe(true);

    const big = estimateGrpo('m.gguf', qwen7b, qwen7bRollout, config(), { ...options, availableBytes: 64 * GIB });
    expect(big).toMatchObject({ fits: true, advice: [], rolloutSpeedSource: 'assumed', trainSpeedSource: 'assumed' });
    expect(big.summary).toMatch(/^Needs about .* GiB of 64\.0 GiB, at most about .* \(rollouts ~.* tokens\/s, assumed; updates ~.* tokens\/s, assumed\)\.$/);
  });

  it('times steps × (rollout tokens ÷ rollout speed + update tokens ÷ training speed), with measured speeds when there are', () => {
    const c = config({ group: 4, promptsPerStep: 2, maxTokens: 100, contextLength: 1024, steps: 10, beta: 0 });
    const estimate = estimateGrpo('m.gguf', qwen7b, qwen7bRollout, c, { ...options, measuredRolloutTokensPerSecond: 40, measuredTrainTokensPerSecond: 300 });
    expect(estimate).toMatchObject({ rolloutSpeedSource: 'measured', trainSpeedSource: 'measured', rolloutTokensPerStep: 800, updateTokensPerStep: 8 * 300, totalTokens: 10 * 2400 });
    expect(estimate.seconds).toBeCloseTo(10 * (800 / 40 + 2400 / 300));
    // The KL term adds its two forward passes to the update.
    const withKl = estimateGrpo('m.gguf', qwen7b, qwen7bRollout, { ...c, beta: 0.001 }, { ...options, measuredRolloutTokensPerSecond: 40, measuredTrainTokensPerSecond: 300 });
    expect(withKl.seconds).toBeCloseTo(10 * (800 / 40 + (2400 / 300) * (5 / 3)));
    // Assumed: a group decodes together, so a larger group samples faster (up to the CPU's limit).
    const assumed = (group: number) => estimateGrpo('m.gguf', qwen7b, qwen7bRollout, config({ group }), options).rolloutTokensPerSecond;
    expect(assumed(8)).toBeGreaterThan(assumed(2));
  });

  it('reads the shape and the rollout contexts’ memory of a real GGUF (the tiny test model)', async () => {
    const [shape, rollout] = await Promise.all([readModelShape(tinyModel), readRolloutMemory(tinyModel)]);
    expect(rollout.modelBytes).toBeGreaterThan(0);
    expect(rollout.contextBytes(256, 8)).toBeGreaterThan(rollout.contextBytes(256, 2));
    expect(rollout.contextBytes(1024, 4)).toBeGreaterThan(rollout.contextBytes(256, 4));
    const estimate = estimateGrpo(tinyModel, shape, rollout, config({ group: 4, maxTokens: 8, contextLength: 128, steps: 3 }), { ...options, promptTokens: 40 });
    expect(estimate.fits).toBe(true);
    expect(estimate.memory.rolloutModelBytes).toBe(rollout.modelBytes);
    expect(estimate.seconds).toBeGreaterThan(0);
  });
});
