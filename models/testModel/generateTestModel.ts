/**
 * Writes tiny, randomly initialised qwen2-architecture GGUF files that llama.cpp (via node-llama-cpp) loads and
 * generates from. They carry the real Qwen2 tokenizer, so tokenisation, chat templates and special tokens behave like
 * DianJin-R1's; the weights are noise, so the output is gibberish. Tests use them for mechanics only.
 *
 * Layout checked against llama.cpp in node-llama-cpp's bundle: `src/models/qwen2.cpp` (tensors and shapes),
 * `src/llama-model.cpp` `create_tensor_qkv` (separate q/k/v with optional biases), `src/llama-arch.cpp` (names).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { GGUFValueType, gguf, serializeGgufMetadata, type GGUFTypedMetadata } from '@huggingface/gguf';
import { setFloat16 } from '@petamoriken/float16';
import { ensureQwen2Vocab, repoRoot } from './qwen2Vocab';

export type GenerateTestModelOptions = {
  /** File to write; parent folders are created. */
  outPath: string;
  /** PRNG seed for the weights; the same seed and options give a byte-identical file. Defaults to `42`. */
  seed?: number;
  /** Defaults to `64`. Must be divisible by `headCount`. */
  embeddingLength?: number;
  /** Number of transformer blocks. Defaults to `2`. */
  blockCount?: number;
  /** Defaults to `128`. */
  feedForwardLength?: number;
  /** Defaults to `4`. */
  headCount?: number;
  /** Defaults to `2`. Must divide `headCount`. */
  headCountKv?: number;
  /**
   * Written to `general.architecture` and used as the prefix of the hyperparameter keys. Defaults to `"qwen2"`;
   * set e.g. `"notanarch"` to get a file llama.cpp refuses with an unknown-architecture error.
   */
  architecture?: string;
  /** Training context length written to `<arch>.context_length`. Defaults to `4096`. */
  contextLength?: number;
  /** `general.name`. Defaults to `"DianJin Test Tiny"`. */
  name?: string;
  /**
   * Every element of `output_norm.weight`. Defaults to `1`. With the tied, frozen output head of std-0.02 noise, logits
   * stay within about ±1.3 and no training can make an answer likely; the LoRA trainer's SFT test uses e.g. `16`.
   */
  outputNormWeight?: number;
  /**
   * Storage of the weight matrices (token embedding, attention and FFN projections); norms and biases stay F32, as in
   * llama.cpp's own quantizations. `"q8_0"` writes llama.cpp's Q8_0 blocks: a quarter of the bytes per weight, so
   * decoding reads memory the way a quantized DianJin-R1 GGUF does (the rollout benchmark's regime). Defaults to
   * `"f32"`.
   */
  weightType?: TensorType;
};

/** The tensor encodings the generator writes. */
export type TensorType = 'f32' | 'q8_0';

export type GeneratedTestModel = { path: string; bytes: number };

/** ChatML, like Qwen2.5-Instruct, except that the generation prompt opens a `<think>` block as DianJin-R1's does. */
export const testModelChatTemplate =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n<think>\\n' }}{% endif %}";

export const defaultTestModelPath = path.join(repoRoot, 'models', 'test-qwen2-tiny.gguf');

export const ggufAlignment = 32;
/** ggml's `GGML_TYPE_*` ids. */
const ggmlTypeIds: Record<TensorType, number> = { f32: 0, q8_0: 8 };
/** `general.file_type`: `LLAMA_FTYPE_ALL_F32`, `LLAMA_FTYPE_MOSTLY_Q8_0`. */
const fileTypeIds: Record<TensorType, number> = { f32: 0, q8_0: 7 };
/** Q8_0: blocks of 32 weights, each an FP16 scale then 32 int8s (ggml-common.h `block_q8_0`). */
const q8BlockSize = 32;
const q8BlockBytes = 2 + q8BlockSize;
const weightStd = 0.02;

export type TensorSpec = {
  name: string;
  /** GGML order: `shape[0]` is the contiguous dimension (llama.cpp's `ne[0]`). */
  shape: number[];
  fill: 'ones' | 'random';
  /** Multiplies the filled values. Defaults to `1`. */
  scale?: number;
  /** How the data is stored. Defaults to `"f32"`; `"q8_0"` needs `shape[0]` divisible by 32. */
  type?: TensorType;
};

export async function generateTestModel(options: GenerateTestModelOptions): Promise<GeneratedTestModel> {
  const {
    outPath,
    seed = 42,
    embeddingLength = 64,
    blockCount = 2,
    feedForwardLength = 128,
    headCount = 4,
    headCountKv = 2,
    architecture = 'qwen2',
    contextLength = 4096,
    name = 'DianJin Test Tiny',
    outputNormWeight = 1,
    weightType = 'f32',
  } = options;
  for (const [key, value] of Object.entries({ embeddingLength, blockCount, feedForwardLength, headCount, headCountKv, contextLength })) {
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${key} must be a positive integer, got ${value}`);
  }
  if (embeddingLength % headCount !== 0) throw new RangeError('embeddingLength must be divisible by headCount');
  if (headCount % headCountKv !== 0) throw new RangeError('headCountKv must divide headCount');
  if (weightType === 'q8_0' && (embeddingLength % q8BlockSize !== 0 || feedForwardLength % q8BlockSize !== 0)) {
    throw new RangeError(`q8_0 weights need embeddingLength and feedForwardLength divisible by ${q8BlockSize}`);
  }

  const vocab = await readQwen2Vocab();
  const tokens = vocab.typedMetadata['tokenizer.ggml.tokens']?.value;
  if (!Array.isArray(tokens)) throw new Error('Qwen2 vocab file has no tokenizer.ggml.tokens');
  const vocabSize = tokens.length;
  const tokenId = (text: string): number => {
    const id = tokens.indexOf(text);
    if (id < 0) throw new Error(`Token ${text} missing from the Qwen2 vocab`);
    return id;
  };

  const headDim = embeddingLength / headCount;
  const kvLength = headDim * headCountKv;
  const tensors: TensorSpec[] = [
    // No output.weight: llama.cpp's qwen2 loader falls back to the token embedding (tied, as in Qwen2.5-0.5B/1.5B),
    // which halves the file since the embedding is by far the largest tensor.
    { name: 'token_embd.weight', shape: [embeddingLength, vocabSize], fill: 'random' },
    { name: 'output_norm.weight', shape: [embeddingLength], fill: 'ones', scale: outputNormWeight },
  ];
  for (let i = 0; i < blockCount; i++) {
    const blk = `blk.${i}`;
    tensors.push(
      { name: `${blk}.attn_norm.weight`, shape: [embeddingLength], fill: 'ones' },
      { name: `${blk}.attn_q.weight`, shape: [embeddingLength, embeddingLength], fill: 'random' },
      { name: `${blk}.attn_q.bias`, shape: [embeddingLength], fill: 'random' },
      { name: `${blk}.attn_k.weight`, shape: [embeddingLength, kvLength], fill: 'random' },
      { name: `${blk}.attn_k.bias`, shape: [kvLength], fill: 'random' },
      { name: `${blk}.attn_v.weight`, shape: [embeddingLength, kvLength], fill: 'random' },
      { name: `${blk}.attn_v.bias`, shape: [kvLength], fill: 'random' },
      { name: `${blk}.attn_output.weight`, shape: [embeddingLength, embeddingLength], fill: 'random' },
      { name: `${blk}.ffn_norm.weight`, shape: [embeddingLength], fill: 'ones' },
      { name: `${blk}.ffn_gate.weight`, shape: [embeddingLength, feedForwardLength], fill: 'random' },
      { name: `${blk}.ffn_up.weight`, shape: [embeddingLength, feedForwardLength], fill: 'random' },
      { name: `${blk}.ffn_down.weight`, shape: [feedForwardLength, embeddingLength], fill: 'random' },
    );
  }

  const u32 = (value: number) => ({ value, type: GGUFValueType.UINT32 });
  const f32 = (value: number) => ({ value, type: GGUFValueType.FLOAT32 });
  const str = (value: string) => ({ value, type: GGUFValueType.STRING });
  const metadata: Record<string, { value: unknown; type: GGUFValueType; subType?: GGUFValueType }> = {
    version: u32(3),
    tensor_count: { value: BigInt(tensors.length), type: GGUFValueType.UINT64 },
    kv_count: { value: 0n, type: GGUFValueType.UINT64 }, // recomputed by serializeGgufMetadata
    'general.architecture': str(architecture),
    'general.name': str(name),
    'general.alignment': u32(ggufAlignment),
    'general.file_type': u32(fileTypeIds[weightType]),
    [`${architecture}.context_length`]: u32(contextLength),
    [`${architecture}.embedding_length`]: u32(embeddingLength),
    [`${architecture}.block_count`]: u32(blockCount),
    [`${architecture}.feed_forward_length`]: u32(feedForwardLength),
    [`${architecture}.attention.head_count`]: u32(headCount),
    [`${architecture}.attention.head_count_kv`]: u32(headCountKv),
    [`${architecture}.rope.freq_base`]: f32(1_000_000),
    [`${architecture}.attention.layer_norm_rms_epsilon`]: f32(1e-6),
  };
  for (const [key, entry] of Object.entries(vocab.typedMetadata)) {
    if (key.startsWith('tokenizer.')) metadata[key] = entry;
  }
  // Special tokens as Qwen2.5-Instruct's GGUFs have them: turns end with <|im_end|>, <|endoftext|> is bos/pad, and
  // no BOS is prepended.
  metadata['tokenizer.ggml.eos_token_id'] = u32(tokenId('<|im_end|>'));
  metadata['tokenizer.ggml.bos_token_id'] = u32(tokenId('<|endoftext|>'));
  metadata['tokenizer.ggml.padding_token_id'] = u32(tokenId('<|endoftext|>'));
  metadata['tokenizer.ggml.add_bos_token'] = { value: false, type: GGUFValueType.BOOL };
  metadata['tokenizer.chat_template'] = str(testModelChatTemplate);

  // Matrices take the weight type; vectors (norms, biases) stay F32.
  if (weightType !== 'f32') for (const tensor of tensors) if (tensor.shape.length === 2) tensor.type = weightType;
  const bytes = await writeGgufFile(outPath, metadata, tensors, { seed, weightStd });
  return { path: path.resolve(outPath), bytes };
}

/**
 * Writes `models/test-qwen2-tiny.gguf` (default options, seed 42) unless it already exists and returns its absolute
 * path. Writes to a unique temp file and renames it, so concurrent callers never see a half-written model.
 */
export async function ensureTestModel(): Promise<string> {
  if (existsSync(defaultTestModelPath)) return defaultTestModelPath;
  const partial = `${defaultTestModelPath}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  try {
    await generateTestModel({ outPath: partial, seed: 42 });
    await rename(partial, defaultTestModelPath);
  } finally {
    await rm(partial, { force: true });
  }
  return defaultTestModelPath;
}

/** Copies the first `bytes` bytes of `src` to `dest`, for tests that feed a cut-off model file. */
export async function writeTruncatedCopy(src: string, dest: string, bytes: number): Promise<void> {
  const { size } = await stat(src);
  const length = Math.max(0, Math.min(bytes, size));
  const buffer = Buffer.alloc(length);
  const input = await open(src, 'r');
  try {
    await input.read(buffer, 0, length, 0);
  } finally {
    await input.close();
  }
  await mkdir(path.dirname(path.resolve(dest)), { recursive: true });
  const output = await open(dest, 'w');
  try {
    await output.write(buffer, 0, length, 0);
  } finally {
    await output.close();
  }
}

let vocabRead: ReturnType<typeof parseQwen2Vocab> | undefined;

/** The vocab file is immutable once cached; parsing its ~300k strings takes most of a second, so do it once. */
function readQwen2Vocab(): ReturnType<typeof parseQwen2Vocab> {
  vocabRead ??= parseQwen2Vocab().catch((error: unknown) => {
    vocabRead = undefined;
    throw error;
  });
  return vocabRead;
}

async function parseQwen2Vocab() {
  return gguf(await ensureQwen2Vocab(), { allowLocalFile: true, typedMetadata: true });
}

export function encodeTensorInfo(tensor: TensorSpec, offset: number): Buffer {
  const nameBytes = Buffer.from(tensor.name, 'utf8');
  const buffer = Buffer.alloc(8 + nameBytes.length + 4 + 8 * tensor.shape.length + 4 + 8);
  let at = buffer.writeBigUInt64LE(BigInt(nameBytes.length), 0);
  at += nameBytes.copy(buffer, at);
  at = buffer.writeUInt32LE(tensor.shape.length, at);
  for (const dim of tensor.shape) at = buffer.writeBigUInt64LE(BigInt(dim), at);
  at = buffer.writeUInt32LE(ggmlTypeIds[tensor.type ?? 'f32'], at);
  buffer.writeBigUInt64LE(BigInt(offset), at);
  return buffer;
}

export function elementCount(shape: number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/** Bytes of a tensor's data in its storage type. */
export function tensorByteLength(tensor: TensorSpec): number {
  const count = elementCount(tensor.shape);
  if ((tensor.type ?? 'f32') === 'f32') return count * 4;
  if (tensor.shape[0]! % q8BlockSize !== 0) throw new RangeError(`${tensor.name}: q8_0 needs a first dimension divisible by ${q8BlockSize}`);
  return (count / q8BlockSize) * q8BlockBytes;
}

/**
 * Quantizes to Q8_0 as ggml's `quantize_row_q8_0_ref` does: per block of 32, scale d = max|x| / 127 (stored as FP16)
 * and q = round(x / d). Hand-written because no npm package writes ggml quantization blocks; only this, the simplest
 * of ggml's formats, is needed.
 */
export function quantizeQ8_0(values: Float32Array): Buffer {
  const blocks = values.length / q8BlockSize;
  const out = Buffer.alloc(blocks * q8BlockBytes);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let block = 0; block < blocks; block++) {
    const start = block * q8BlockSize;
    let amax = 0;
    for (let i = 0; i < q8BlockSize; i++) amax = Math.max(amax, Math.abs(values[start + i]!));
    const d = amax / 127;
    const inverse = d ? 1 / d : 0;
    const at = block * q8BlockBytes;
    setFloat16(view, at, d, true);
    for (let i = 0; i < q8BlockSize; i++) view.setInt8(at + 2 + i, Math.round(values[start + i]! * inverse));
  }
  return out;
}

export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

/**
 * Fills `values` with normal(0, std) samples from mulberry32 + Box-Muller: deterministic for the seed state and fast
 * enough for ~10^8 values. Returns the advanced state so consecutive tensors draw from one stream.
 */
export function fillNormal(values: Float32Array, std: number, state: number): number {
  let s = state >>> 0;
  const uniform = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < values.length; i += 2) {
    const radius = std * Math.sqrt(-2 * Math.log(1 - uniform())); // 1 - u is in (0, 1]: log stays finite
    const angle = 2 * Math.PI * uniform();
    values[i] = radius * Math.cos(angle);
    if (i + 1 < values.length) values[i + 1] = radius * Math.sin(angle);
  }
  return s;
}

/**
 * The GGUF header: the KV section, the tensor infos, then padding to the alignment, and where each
 * tensor's data goes. Tensor infos, padding and data are written by hand: @huggingface/gguf only (re)writes metadata,
 * and no maintained npm package writes GGUF tensors.
 */
export function encodeGgufHeader(metadata: Record<string, unknown>, tensors: readonly TensorSpec[]): { header: Buffer; dataOffsets: number[]; dataStart: number; dataSize: number } {
  // alignment 1: serializeGgufMetadata pads its output to the alignment, but in a GGUF the padding belongs after the
  // tensor infos, which follow the KV section directly. We append the tensor infos and pad ourselves.
  const kvSection = serializeGgufMetadata(metadata as unknown as GGUFTypedMetadata, { alignment: 1 });
  const tensorInfos: Buffer[] = [];
  const dataOffsets: number[] = [];
  let dataSize = 0;
  for (const tensor of tensors) {
    dataSize = alignUp(dataSize, ggufAlignment);
    dataOffsets.push(dataSize);
    tensorInfos.push(encodeTensorInfo(tensor, dataSize));
    dataSize += tensorByteLength(tensor);
  }
  const headerLength = kvSection.length + tensorInfos.reduce((sum, info) => sum + info.length, 0);
  const dataStart = alignUp(headerLength, ggufAlignment);
  return { header: Buffer.concat([kvSection, ...tensorInfos, Buffer.alloc(dataStart - headerLength)]), dataOffsets, dataStart, dataSize };
}

/**
 * Writes a GGUF: the header, then each tensor's data — ones where `fill` says so, else seeded normal values (std
 * `weightStd`), in the tensor's storage type — and, with `padEnd`, zeros up to the aligned end of the data section. Returns the size.
 */
export async function writeGgufFile(
  outPath: string,
  metadata: Record<string, unknown>,
  tensors: readonly TensorSpec[],
  options: { seed: number; weightStd: number; padEnd?: boolean },
): Promise<number> {
  const { header, dataOffsets, dataStart, dataSize } = encodeGgufHeader(metadata, tensors);
  await mkdir(path.dirname(path.resolve(outPath)), { recursive: true });
  let randomState = options.seed >>> 0;
  const end = dataStart + (options.padEnd ? alignUp(dataSize, ggufAlignment) : dataSize);
  const file = await open(outPath, 'w');
  try {
    await file.write(header, 0, header.length, 0);
    for (const [index, tensor] of tensors.entries()) {
      const values = new Float32Array(elementCount(tensor.shape));
      if (tensor.fill === 'ones') values.fill(1);
      else randomState = fillNormal(values, options.weightStd, randomState);
      if (tensor.scale !== undefined && tensor.scale !== 1) for (let i = 0; i < values.length; i++) values[i]! *= tensor.scale;
      const bytes = tensor.type === 'q8_0' ? quantizeQ8_0(values) : Buffer.from(values.buffer, values.byteOffset, values.byteLength);
      await file.write(bytes, 0, bytes.length, dataStart + dataOffsets[index]!);
    }
    if (end > dataStart + dataSize) await file.write(Buffer.alloc(end - dataStart - dataSize), 0, end - dataStart - dataSize, dataStart + dataSize);
  } finally {
    await file.close();
  }
  return end;
}
