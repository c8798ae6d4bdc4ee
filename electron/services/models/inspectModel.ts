/**
 * Checks a GGUF file before it reaches llama.cpp, so a bad file gets a specific message instead of a crash of the
 * inference process: missing, not a file, not GGUF, truncated, unsupported architecture, too big for this machine.
 * Metadata and the memory estimate come from node-llama-cpp's own GGUF reader and insights.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GgufFileType, GgufInsights, readGgufFileInfo, type GgufFileInfo } from 'node-llama-cpp';
import { AppError } from '../../shared/errors';
import type { ModelFileInfo } from '../../shared/api';
import { readMagic } from './readMagic';

export interface InspectOptions {
  /** Context size used for the memory estimate. */
  contextSize: number;
  /** Memory the model may use; defaults to the machine's total memory. */
  totalMemoryBytes?: number;
}

export interface InspectedModel extends ModelFileInfo {
  modelBytes: number;
}

function quantizationName(fileType: unknown): string | null {
  if (typeof fileType !== 'number') return null;
  const name = (GgufFileType as unknown as Record<number, string>)[fileType];
  return name ? name.replace(/^MOSTLY_/, '') : null;
}

/** Validates the file and returns its metadata; throws AppError with a specific code otherwise. */
export async function inspectModelFile(filePath: string, options: InspectOptions): Promise<InspectedModel> {
  const resolved = path.resolve(filePath);
  let stats;
  try {
    stats = await stat(resolved);
  } catch {
    throw new AppError('MODEL_FILE_NOT_FOUND', `No file at ${resolved}. Check the path, or pick the model again.`, { path: resolved });
  }
  if (!stats.isFile()) throw new AppError('MODEL_NOT_A_FILE', `${resolved} is a folder, not a GGUF model file.`, { path: resolved });
  if ((await readMagic(resolved)) !== 'GGUF') {
    throw new AppError('MODEL_NOT_GGUF', `${path.basename(resolved)} is not a GGUF model file. Convert the model to GGUF or download a GGUF build (for example a Q4_K_M quantization).`, { path: resolved });
  }
  let info: GgufFileInfo;
  try {
    info = await readGgufFileInfo(resolved, { logWarnings: false, spliceSplitFiles: false });
  } catch (error) {
    throw new AppError('MODEL_TRUNCATED', `${path.basename(resolved)} is damaged or incomplete (its GGUF header cannot be read: ${(error as Error).message}). Download it again.`, { path: resolved });
  }
  // node-llama-cpp's metadata types know models only; a LoRA adapter GGUF says `general.type = "adapter"`.
  if ((info.metadata.general as { type?: unknown } | undefined)?.type === 'adapter') {
    throw new AppError(
      'MODEL_IS_ADAPTER',
      `${path.basename(resolved)} is a LoRA adapter, not a model. Import it as an adapter together with the base model it was trained on (in the CLI: dianjin models import FILE --base BASE.gguf).`,
      { path: resolved },
    );
  }
  const insights = await GgufInsights.from(info);
  const architecture = info.metadata.general?.architecture ?? null;
  const expectedEnd = (info.infoEndOffset ?? 0) + insights.modelSize;
  if (info.infoEndOffset !== undefined && stats.size < expectedEnd) {
    throw new AppError(
      'MODEL_TRUNCATED',
      `${path.basename(resolved)} is incomplete: it has ${stats.size} bytes but its tensors need ${expectedEnd}. The download probably stopped early; download it again.`,
      { path: resolved, sizeBytes: stats.size, expectedBytes: expectedEnd },
    );
  }
  if (!insights.isSupportedByLlamaCpp) {
    throw new AppError('MODEL_UNSUPPORTED_ARCHITECTURE', `The model architecture "${architecture ?? 'unknown'}" is not supported by the bundled llama.cpp. DianJin-R1 GGUFs use "qwen2".`, {
      path: resolved,
      architecture,
    });
  }
  const contextSize = Math.min(options.contextSize, insights.trainContextSize ?? options.contextSize);
  let estimatedMemoryBytes: number | null;
  try {
    const modelReq = insights.estimateModelResourceRequirements({ gpuLayers: 0 });
    const contextReq = insights.estimateContextResourceRequirements({ contextSize, modelGpuLayers: 0 });
    estimatedMemoryBytes = modelReq.cpuRam + modelReq.gpuVram + contextReq.cpuRam + contextReq.gpuVram;
  } catch {
    estimatedMemoryBytes = null;
  }
  const template = info.metadata.tokenizer?.chat_template;
  return {
    path: resolved,
    fileName: path.basename(resolved),
    sizeBytes: stats.size,
    modelBytes: insights.modelSize,
    name: info.metadata.general?.name ?? null,
    architecture,
    quantization: quantizationName(info.metadata.general?.file_type),
    contextLength: insights.trainContextSize ?? null,
    hasChatTemplate: typeof template === 'string' && template.length > 0,
    estimatedMemoryBytes,
  };
}

/** Refuses a model that cannot fit this machine's memory even on CPU with mmap. */
export function assertFitsMemory(model: InspectedModel, totalMemoryBytes = os.totalmem()): void {
  const needed = model.estimatedMemoryBytes ?? model.modelBytes;
  if (needed > totalMemoryBytes) {
    const gib = (n: number) => (n / 1024 ** 3).toFixed(1);
    throw new AppError(
      'MODEL_TOO_LARGE',
      `${model.fileName} needs about ${gib(needed)} GiB of memory at this context size, but this machine has ${gib(totalMemoryBytes)} GiB. Choose a smaller quantization (e.g. Q4_K_M), lower the context size, or use a remote engine.`,
      { neededBytes: needed, totalMemoryBytes },
    );
  }
}

/** SHA-256 of a file, streamed (multi-GB models never sit in memory). */
export async function hashFile(filePath: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const stream = createReadStream(filePath, { highWaterMark: 4 * 1024 * 1024, ...(signal ? { signal } : {}) });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
