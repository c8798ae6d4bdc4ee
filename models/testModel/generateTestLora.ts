/**
 * Writes tiny LoRA adapter GGUFs for the tiny test model (generateTestModel.ts), in the format llama.cpp loads:
 * `general.type = "adapter"`, `adapter.type = "lora"`, `adapter.lora.alpha`, and for each adapted weight `W` a pair
 * `W.lora_a` (ggml shape [n_in, rank]) and `W.lora_b` ([rank, n_out]), so that W' = W + scale · alpha/rank · B·A.
 *
 * Checked against node-llama-cpp's llama.cpp bundle: `src/llama-adapter.cpp` (`llama_adapter_lora_init_impl`: the
 * metadata checks, the `.lora_a`/`.lora_b` pairing and the shape checks), `src/llama-graph.cpp` (`build_lora_mm`),
 * `convert_lora_to_gguf.py` and `gguf-py/gguf/constants.py` (key names).
 *
 * The weights are seeded noise, much larger than the base model's (std 0.02), so an adapter visibly changes what
 * the model generates; tests use it for mechanics only.
 */
import path from 'node:path';
import { GGUFValueType } from '@huggingface/gguf';
import { ggufAlignment, writeGgufFile, type TensorSpec } from './generateTestModel';

/** Weights of a qwen2 block that an adapter can target (llama.cpp's tensor names without `blk.N.` and `.weight`). */
export type LoraTarget = 'attn_q' | 'attn_k' | 'attn_v' | 'attn_output' | 'ffn_gate' | 'ffn_up' | 'ffn_down';

export type GenerateTestLoraOptions = {
  /** File to write; parent folders are created. */
  outPath: string;
  /** PRNG seed for the weights; the same seed and options give a byte-identical file. Defaults to `7`. */
  seed?: number;
  /** LoRA rank. Defaults to `4`. */
  rank?: number;
  /** `adapter.lora.alpha`; llama.cpp scales the update by alpha/rank. Defaults to the rank (a factor of 1). */
  alpha?: number;
  /** Standard deviation of both A and B. Defaults to `0.5` (the base model's weights have 0.02). */
  weightStd?: number;
  /** Which weights of every block are adapted. Defaults to `["attn_q", "attn_v", "attn_output", "ffn_down"]`. */
  targets?: readonly LoraTarget[];
  /** `general.architecture`; a different one than the base model's is a mismatch. Defaults to `"qwen2"`. */
  architecture?: string;
  /** Must match the base model's (a different one gives shapes llama.cpp refuses). Defaults to `64`. */
  embeddingLength?: number;
  /** Defaults to `2`. */
  blockCount?: number;
  /** Defaults to `128`. */
  feedForwardLength?: number;
  /** Defaults to `4`. */
  headCount?: number;
  /** Defaults to `2`. */
  headCountKv?: number;
  /** `general.name`. Defaults to `"DianJin Test Tiny LoRA"`. */
  name?: string;
};

export type GeneratedTestLora = { path: string; bytes: number; tensors: number };

export async function generateTestLora(options: GenerateTestLoraOptions): Promise<GeneratedTestLora> {
  const {
    outPath,
    seed = 7,
    rank = 4,
    weightStd = 0.5,
    targets = ['attn_q', 'attn_v', 'attn_output', 'ffn_down'],
    architecture = 'qwen2',
    embeddingLength = 64,
    blockCount = 2,
    feedForwardLength = 128,
    headCount = 4,
    headCountKv = 2,
    name = 'DianJin Test Tiny LoRA',
  } = options;
  const alpha = options.alpha ?? rank;
  for (const [key, value] of Object.entries({ rank, embeddingLength, blockCount, feedForwardLength, headCount, headCountKv })) {
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${key} must be a positive integer, got ${value}`);
  }
  if (targets.length === 0) throw new RangeError('targets must name at least one weight');

  const kvLength = (embeddingLength / headCount) * headCountKv;
  // [n_in, n_out] of each base weight, in ggml order (see generateTestModel.ts).
  const baseShape: Record<LoraTarget, [number, number]> = {
    attn_q: [embeddingLength, embeddingLength],
    attn_k: [embeddingLength, kvLength],
    attn_v: [embeddingLength, kvLength],
    attn_output: [embeddingLength, embeddingLength],
    ffn_gate: [embeddingLength, feedForwardLength],
    ffn_up: [embeddingLength, feedForwardLength],
    ffn_down: [feedForwardLength, embeddingLength],
  };
  const tensors: TensorSpec[] = [];
  for (let i = 0; i < blockCount; i++) {
    for (const target of targets) {
      const [nIn, nOut] = baseShape[target];
      tensors.push(
        { name: `blk.${i}.${target}.weight.lora_a`, shape: [nIn, rank], fill: 'random' },
        { name: `blk.${i}.${target}.weight.lora_b`, shape: [rank, nOut], fill: 'random' },
      );
    }
  }

  const u32 = (value: number) => ({ value, type: GGUFValueType.UINT32 });
  const str = (value: string) => ({ value, type: GGUFValueType.STRING });
  const metadata: Record<string, { value: unknown; type: GGUFValueType }> = {
    version: u32(3),
    tensor_count: { value: BigInt(tensors.length), type: GGUFValueType.UINT64 },
    kv_count: { value: 0n, type: GGUFValueType.UINT64 }, // recomputed by serializeGgufMetadata
    'general.architecture': str(architecture),
    'general.type': str('adapter'),
    'general.name': str(name),
    'general.alignment': u32(ggufAlignment),
    'adapter.type': str('lora'),
    'adapter.lora.alpha': { value: alpha, type: GGUFValueType.FLOAT32 },
  };
  // Padded to the aligned end of the data section, so readers that check its end are satisfied.
  const bytes = await writeGgufFile(outPath, metadata, tensors, { seed, weightStd, padEnd: true });
  return { path: path.resolve(outPath), bytes, tensors: tensors.length };
}
