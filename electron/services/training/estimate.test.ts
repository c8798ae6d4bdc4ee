import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { LORA_TARGETS, defaultSftConfig } from '../../shared/training';
import { estimateTraining, loraParameterCount, wontFitError, type ModelShape } from './estimate';

/** Qwen2.5-7B (DianJin-R1-7B) as Q4_K_M. */
const qwen7b: ModelShape = { layers: 28, embedding: 3584, feedForward: 18944, heads: 28, kvHeads: 4, vocabulary: 152064, modelBytes: 4.68e9, parameters: 7.6e9, quantized: true };
const GIB = 1024 ** 3;

describe('training estimate', () => {
  it('counts LoRA parameters per adapted matrix (rank × (in + out)) over every layer', () => {
    // q: 3584+3584, k/v: 3584+512 each, o: 3584+3584, gate/up: 3584+18944 each, down: 18944+3584 → 20,608 per unit of rank per layer.
    expect(loraParameterCount(qwen7b, 8, LORA_TARGETS)).toBe(28 * 8 * (7168 + 4096 * 2 + 7168 + 22528 * 3));
    expect(loraParameterCount(qwen7b, 8, ['attn_q', 'attn_v'])).toBe(28 * 8 * (7168 + 4096));
  });

  it('refuses a 7B model at 2048 tokens on a 16 GB laptop, and says which context fits', () => {
    const estimate = estimateTraining('m.gguf', qwen7b, { ...defaultSftConfig, contextLength: 2048 }, { tokensPerEpoch: 1_000_000, availableBytes: 16 * GIB, threads: 7 });
    expect(estimate.fits).toBe(false);
    expect(estimate.memory.attentionBytes).toBe(28 * 28 * 2048 * 2048 * 4);
    expect(estimate.advice[0]).toMatch(/Lower the context length to 256 tokens/);
    const error = wontFitError(estimate);
    expect(AppError.is(error, 'TRAIN_WONT_FIT')).toBe(true);
    expect(error.message).toMatch(/needs about \d+\.\d GiB of memory but this machine has 16\.0 GiB\. Lower the context length/);

    // Activations are kept for every layer (no gradient checkpointing in the trainer): only a short context fits 16 GB.
    const small = estimateTraining('m.gguf', qwen7b, { ...defaultSftConfig, contextLength: 256 }, { tokensPerEpoch: 1_000_000, availableBytes: 16 * GIB, threads: 7 });
    expect(small.fits).toBe(true);
    expect(small.memory.totalBytes).toBeLessThan(16 * GIB * 0.9);
    expect(small.speedSource).toBe('assumed');
    expect(small.seconds).toBeGreaterThan(0);
    expect(small.summary).toMatch(/^Needs about .* GiB of 16\.0 GiB, about .* tokens\/s \(assumed\)\.$/);
  });

  it('uses a measured speed when an earlier job gave one', () => {
    const estimate = estimateTraining('m.gguf', qwen7b, { ...defaultSftConfig, contextLength: 512 }, { tokensPerEpoch: 1000, availableBytes: 64 * GIB, threads: 7, measuredTokensPerSecond: 10 });
    expect(estimate).toMatchObject({ speedSource: 'measured', tokensPerSecond: 10, totalTokens: 2000, seconds: 200 });
  });
});
