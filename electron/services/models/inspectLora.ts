/**
 * Checks a LoRA adapter GGUF against the model it is meant for before llama.cpp sees it, with the same checks
 * llama.cpp makes (`llama_adapter_lora_init_impl` in src/llama-adapter.cpp): `general.type` is "adapter",
 * `adapter.type` is "lora", the architecture is the model's, and every `W.lora_a` / `W.lora_b` pair fits a tensor `W`
 * of the model (A: [n_in, rank], B: [rank, n_out] in ggml order). A wrong file gets a specific error instead of
 * llama.cpp's "Failed to initialize LoRA adapter".
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { readGgufFileInfo, type GgufFileInfo } from 'node-llama-cpp';
import { AppError } from '../../shared/errors';
import { readMagic } from './readMagic';

export interface InspectedLora {
  path: string;
  fileName: string;
  /** `general.name`, when the adapter has one. */
  name: string | null;
  architecture: string | null;
  /** `adapter.lora.alpha` (0 when absent: llama.cpp then applies the scale as is). */
  alpha: number;
  rank: number | null;
  /** Adapted model tensors, e.g. "blk.0.attn_q.weight". */
  tensors: string[];
}

const dims = (dimensions: readonly (number | bigint)[]): number[] => dimensions.map(Number);

/**
 * Validates `adapterPath` as a LoRA adapter for the model at `modelPath` (already validated as a model).
 * Throws AppError LORA_FILE_NOT_FOUND, LORA_NOT_ADAPTER or LORA_MISMATCH.
 */
export async function inspectLoraAdapter(adapterPath: string, modelPath: string): Promise<InspectedLora> {
  const resolved = path.resolve(adapterPath);
  const fileName = path.basename(resolved);
  const stats = await stat(resolved).catch(() => null);
  if (!stats) throw new AppError('LORA_FILE_NOT_FOUND', `No LoRA adapter at ${resolved}. Check the path, or choose the adapter again.`, { path: resolved });
  if (!stats.isFile()) throw new AppError('LORA_NOT_ADAPTER', `${resolved} is a folder, not a LoRA adapter GGUF file.`, { path: resolved });
  if ((await readMagic(resolved)) !== 'GGUF') {
    throw new AppError('LORA_NOT_ADAPTER', `${fileName} is not a GGUF file. Convert the adapter with llama.cpp's convert_lora_to_gguf.py.`, { path: resolved });
  }
  let adapter: GgufFileInfo;
  try {
    adapter = await readGgufFileInfo(resolved, { logWarnings: false, spliceSplitFiles: false });
  } catch (error) {
    throw new AppError('LORA_NOT_ADAPTER', `${fileName} is damaged or incomplete (its GGUF header cannot be read: ${(error as Error).message}).`, { path: resolved });
  }
  // node-llama-cpp's metadata types know models, not adapters: read the adapter keys untyped.
  const meta = adapter.metadata as unknown as { general?: { type?: unknown; architecture?: unknown; name?: unknown }; adapter?: { type?: unknown; lora?: { alpha?: unknown } } };
  const generalType = meta.general?.type;
  const adapterType = meta.adapter?.type;
  if (generalType !== 'adapter' || adapterType !== 'lora') {
    const what = generalType === 'adapter' ? `a "${String(adapterType)}" adapter` : 'a model, not an adapter';
    throw new AppError('LORA_NOT_ADAPTER', `${fileName} is ${what}. Choose a LoRA adapter GGUF (general.type "adapter", adapter.type "lora").`, {
      path: resolved,
      generalType: typeof generalType === 'string' ? generalType : null,
      adapterType: typeof adapterType === 'string' ? adapterType : null,
    });
  }
  const architecture = typeof meta.general?.architecture === 'string' ? meta.general.architecture : null;

  // The tokenizer's arrays are most of a model's header and play no part here.
  const model = await readGgufFileInfo(modelPath, { logWarnings: false, ignoreKeys: ['tokenizer.ggml.tokens', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges', 'tokenizer.ggml.scores'] });
  const modelArchitecture = model.metadata.general?.architecture ?? null;
  const modelName = path.basename(modelPath);
  if (architecture !== modelArchitecture) {
    throw new AppError('LORA_MISMATCH', `${fileName} is an adapter for "${architecture ?? 'unknown'}" models, but ${modelName} is "${modelArchitecture ?? 'unknown'}". Choose the adapter trained for this model.`, {
      path: resolved,
      adapterArchitecture: architecture,
      modelArchitecture,
    });
  }

  const modelTensors = new Map((model.fullTensorInfo ?? model.tensorInfo ?? []).map((t) => [t.name, dims(t.dimensions)]));
  const pairs = new Map<string, { a?: number[]; b?: number[] }>();
  for (const tensor of adapter.tensorInfo ?? []) {
    const match = /^(.+)\.lora_([ab])$/.exec(tensor.name);
    // llama.cpp ignores *_norm.weight in adapters; anything else is refused below by llama.cpp itself.
    if (!match) continue;
    const pair = pairs.get(match[1]!) ?? {};
    pair[match[2] as 'a' | 'b'] = dims(tensor.dimensions);
    pairs.set(match[1]!, pair);
  }
  let rank: number | null = null;
  for (const [name, { a, b }] of pairs) {
    const base = modelTensors.get(name);
    const mismatch = (why: string) =>
      new AppError('LORA_MISMATCH', `${fileName} does not fit ${modelName}: ${why}. The adapter was made for a different base model; choose the one it was trained on.`, {
        path: resolved,
        tensor: name,
      });
    if (!a || !b) throw new AppError('LORA_NOT_ADAPTER', `${fileName} is incomplete: the LoRA pair for ${name} lacks its ${a ? 'B' : 'A'} matrix.`, { path: resolved, tensor: name });
    if (!base) throw mismatch(`the model has no tensor ${name}`);
    // token_embd's A and B are swapped in llama.cpp (see llm_build_inp_embd); the rest are W' = W + B·A.
    const fits = name.endsWith('token_embd.weight') ? base[0] === b[1] && base[1] === a[1] : base[0] === a[0] && base[1] === b[1] && a[1] === b[0];
    if (!fits) throw mismatch(`${name} is [${base.join(', ')}] in the model, the adapter's A is [${a.join(', ')}] and B is [${b.join(', ')}]`);
    rank ??= b[0] ?? null;
  }
  const alpha = typeof meta.adapter?.lora?.alpha === 'number' ? meta.adapter.lora.alpha : 0;
  return { path: resolved, fileName, name: typeof meta.general?.name === 'string' ? meta.general.name : null, architecture, alpha, rank, tensors: [...pairs.keys()] };
}

/** How an adapter is shown beside the model's name: "adapter.gguf ×0.5". */
export function loraLabel(lora: { path: string; scale: number }): string {
  return `${path.basename(lora.path)} ×${Number(lora.scale.toFixed(3))}`;
}
