/**
 * node-llama-cpp rejects a LoRA adapter llama.cpp will not apply with a bare `Failed to initialize LoRA adapter "…"`;
 * the reason is only in llama.cpp's log ("llama_adapter_lora_init_from_file_ptr: failed to apply lora adapter: …",
 * see src/llama-adapter.cpp). This maps that reason to the same codes the pre-check (models/inspectLora.ts) uses.
 */
import path from 'node:path';
import { AppError } from '../../shared/errors';

/** `logs`: llama.cpp's recent log lines, oldest first. */
export function classifyLoraFailure(error: unknown, logs: readonly string[], adapterPath: string): AppError {
  if (error instanceof AppError) return error;
  const base = error instanceof Error ? error.message : String(error);
  const reason = [...logs].reverse().map((line) => /failed to apply lora adapter: (.+)$/i.exec(line)?.[1]?.trim()).find((r) => r !== undefined);
  const fileName = path.basename(adapterPath);
  const details = { path: adapterPath, ...(reason ? { reason } : {}) };
  if (!reason) return new AppError('LORA_LOAD_FAILED', `llama.cpp could not apply the LoRA adapter ${fileName}: ${base}. Try another adapter, or ask without it.`, details);
  if (/expect general\.type|expect adapter\.type|failed to load lora adapter from file|unexpected suffix|missing one component/i.test(reason)) {
    return new AppError('LORA_NOT_ADAPTER', `${fileName} is not a LoRA adapter llama.cpp can use (${reason}). Choose a LoRA adapter GGUF.`, details);
  }
  if (/arch mismatch|does not exist in base model|incorrect shape|not transposed/i.test(reason)) {
    return new AppError('LORA_MISMATCH', `${fileName} does not fit this model (${reason}). Choose the adapter trained for this model.`, details);
  }
  if (/allocate|out of memory/i.test(reason)) {
    return new AppError('MODEL_TOO_LARGE', `Not enough memory to apply the LoRA adapter ${fileName} (${reason}). Lower the context size or GPU layers.`, details);
  }
  return new AppError('LORA_LOAD_FAILED', `llama.cpp could not apply the LoRA adapter ${fileName}: ${reason}.`, details);
}
