/**
 * The settings form: text fields as typed, validated into a SettingsPatch of what changed. The ranges mirror the
 * zod schemas in electron/shared/records.ts, which stay the final check (client side and server side).
 */
import { SettingsPatch } from '../../contract';
import type { AppSettings, GpuChoice, SerializedError } from '../../contract';

export type NumericField = 'threads' | 'contextSize' | 'gpuLayersCount' | 'temperature' | 'topP' | 'topK' | 'maxTokens' | 'loraScale';

export interface SettingsFormValues {
  threads: string;
  contextSize: string;
  gpu: GpuChoice;
  gpuLayersMode: 'auto' | 'max' | 'number';
  gpuLayersCount: string;
  temperature: string;
  topP: string;
  topK: string;
  maxTokens: string;
  /** The GGUF embedding model for meaning search; empty = keyword search only. */
  embeddingModelPath: string;
  /** The LoRA adapter applied when the model loads; empty = none. */
  loraPath: string;
  loraScale: string;
}

export type FieldError =
  | { kind: 'number' }
  | { kind: 'integer' }
  | { kind: 'range'; min: number; max: number }
  | { kind: 'topP' }
  | { kind: 'server'; message: string }
  /** The server refused the value with an error code (a model file that is missing, not a GGUF…). */
  | { kind: 'code'; code: string; message: string };

export type FormField = NumericField | 'gpu' | 'embeddingModelPath' | 'loraPath';
export type FieldErrors = Partial<Record<FormField, FieldError>>;

interface NumericSpec {
  min: number;
  max: number;
  integer: boolean;
  /** topP: greater than min, not equal. */
  exclusiveMin?: boolean;
}

export const numericSpecs: Record<NumericField, NumericSpec> = {
  threads: { min: 0, max: 256, integer: true },
  contextSize: { min: 256, max: 262144, integer: true },
  gpuLayersCount: { min: 0, max: 1000, integer: true },
  temperature: { min: 0, max: 2, integer: false },
  topP: { min: 0, max: 1, integer: false, exclusiveMin: true },
  topK: { min: 0, max: 1000, integer: true },
  maxTokens: { min: 1, max: 131072, integer: true },
  loraScale: { min: 0, max: 4, integer: false },
};

export function formFromSettings(settings: AppSettings): SettingsFormValues {
  const layers = settings.load.gpuLayers;
  return {
    threads: String(settings.load.threads),
    contextSize: String(settings.load.contextSize),
    gpu: settings.load.gpu,
    gpuLayersMode: typeof layers === 'number' ? 'number' : layers,
    gpuLayersCount: typeof layers === 'number' ? String(layers) : '',
    temperature: String(settings.sampling.temperature),
    topP: String(settings.sampling.topP),
    topK: String(settings.sampling.topK),
    maxTokens: String(settings.sampling.maxTokens),
    embeddingModelPath: settings.embeddingModelPath ?? '',
    loraPath: settings.load.lora?.path ?? '',
    loraScale: String(settings.load.lora?.scale ?? 1),
  };
}

export function parseNumber(field: NumericField, raw: string): { value: number } | { error: FieldError } {
  const text = raw.trim();
  if (text === '') return { error: { kind: 'number' } };
  const value = Number(text);
  if (!Number.isFinite(value)) return { error: { kind: 'number' } };
  const spec = numericSpecs[field];
  if (spec.integer && !Number.isInteger(value)) return { error: { kind: 'integer' } };
  if (spec.exclusiveMin ? value <= spec.min || value > spec.max : value < spec.min || value > spec.max) {
    return { error: field === 'topP' ? { kind: 'topP' } : { kind: 'range', min: spec.min, max: spec.max } };
  }
  return { value };
}

/** Which form field a settings path (from zod issues) belongs to. */
export function fieldForPath(path: readonly (string | number)[]): FormField | null {
  const [section, key] = path;
  if (section === 'embeddingModelPath') return 'embeddingModelPath';
  if (section === 'load') {
    if (key === 'threads' || key === 'contextSize' || key === 'gpu') return key;
    if (key === 'gpuLayers') return 'gpuLayersCount';
    if (key === 'lora') return path[2] === 'scale' ? 'loraScale' : 'loraPath';
  }
  if (section === 'sampling' && (key === 'temperature' || key === 'topP' || key === 'topK' || key === 'maxTokens')) return key;
  return null;
}

/** The patch of what changed, or the errors per field. */
export function buildPatch(values: SettingsFormValues, current: AppSettings): { patch: SettingsPatch; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const numbers: Partial<Record<NumericField, number>> = {};
  const fields: NumericField[] = ['threads', 'contextSize', 'temperature', 'topP', 'topK', 'maxTokens'];
  if (values.gpuLayersMode === 'number') fields.push('gpuLayersCount');
  const loraPath = values.loraPath.trim();
  if (loraPath) fields.push('loraScale');
  for (const field of fields) {
    const parsed = parseNumber(field, values[field]);
    if ('error' in parsed) errors[field] = parsed.error;
    else numbers[field] = parsed.value;
  }

  const load: NonNullable<SettingsPatch['load']> = {};
  const sampling: NonNullable<SettingsPatch['sampling']> = {};
  if (numbers.threads !== undefined && numbers.threads !== current.load.threads) load.threads = numbers.threads;
  if (numbers.contextSize !== undefined && numbers.contextSize !== current.load.contextSize) load.contextSize = numbers.contextSize;
  if (values.gpu !== current.load.gpu) load.gpu = values.gpu;
  const gpuLayers = values.gpuLayersMode === 'number' ? numbers.gpuLayersCount : values.gpuLayersMode;
  if (gpuLayers !== undefined && gpuLayers !== current.load.gpuLayers) load.gpuLayers = gpuLayers;
  const currentLora = current.load.lora ?? null;
  if (!loraPath) {
    if (currentLora) load.lora = null;
  } else if (numbers.loraScale !== undefined && (loraPath !== currentLora?.path || numbers.loraScale !== currentLora.scale)) {
    load.lora = { path: loraPath, scale: numbers.loraScale };
  }
  if (numbers.temperature !== undefined && numbers.temperature !== current.sampling.temperature) sampling.temperature = numbers.temperature;
  if (numbers.topP !== undefined && numbers.topP !== current.sampling.topP) sampling.topP = numbers.topP;
  if (numbers.topK !== undefined && numbers.topK !== current.sampling.topK) sampling.topK = numbers.topK;
  if (numbers.maxTokens !== undefined && numbers.maxTokens !== current.sampling.maxTokens) sampling.maxTokens = numbers.maxTokens;

  const patch: SettingsPatch = {};
  if (Object.keys(load).length > 0) patch.load = load;
  if (Object.keys(sampling).length > 0) patch.sampling = sampling;
  // An empty field means keyword search only.
  const embeddingModelPath = values.embeddingModelPath.trim() || null;
  if (embeddingModelPath !== current.embeddingModelPath) patch.embeddingModelPath = embeddingModelPath;

  // The shared schema has the last word (it is what the server checks).
  if (Object.keys(errors).length === 0) {
    const checked = SettingsPatch.safeParse(patch);
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        const field = fieldForPath(issue.path as (string | number)[]);
        if (field && !errors[field]) errors[field] = { kind: 'server', message: issue.message };
      }
    }
  }
  return { patch, errors };
}

/** Field errors from a server INVALID_INPUT error's `details.issues`. */
export function errorsFromServer(details: Record<string, unknown> | undefined): FieldErrors {
  const errors: FieldErrors = {};
  const issues = details?.issues;
  if (!Array.isArray(issues)) return errors;
  for (const issue of issues) {
    if (typeof issue !== 'object' || issue === null) continue;
    const { path, message } = issue as { path?: unknown; message?: unknown };
    if (!Array.isArray(path)) continue;
    const field = fieldForPath(path as (string | number)[]);
    if (field && !errors[field]) errors[field] = { kind: 'server', message: typeof message === 'string' ? message : '' };
  }
  return errors;
}

/** Error codes the server gives a model file it cannot use (see electron/services/models/inspectModel.ts). */
export const embeddingModelErrorCodes = ['MODEL_FILE_NOT_FOUND', 'MODEL_NOT_A_FILE', 'MODEL_NOT_GGUF', 'MODEL_TRUNCATED', 'MODEL_UNSUPPORTED_ARCHITECTURE', 'MODEL_TOO_LARGE'] as const;
export type EmbeddingModelErrorCode = (typeof embeddingModelErrorCodes)[number];
export const isEmbeddingModelErrorCode = (code: string): code is EmbeddingModelErrorCode => (embeddingModelErrorCodes as readonly string[]).includes(code);

/**
 * The field errors for a save the server refused: its validation issues per field, or, when the patch set an
 * embedding model and the server found the file unusable, that error on the embedding model field.
 */
export function errorsFromSaveError(error: SerializedError | null, patch: SettingsPatch): FieldErrors {
  if (!error) return {};
  if (error.code === 'INVALID_INPUT') return errorsFromServer(error.details);
  if (patch.embeddingModelPath && isEmbeddingModelErrorCode(error.code)) return { embeddingModelPath: { kind: 'code', code: error.code, message: error.message } };
  // The adapter is checked against the model when saved (LORA_FILE_NOT_FOUND, LORA_NOT_ADAPTER, LORA_MISMATCH…).
  if (patch.load?.lora && error.code.startsWith('LORA_')) return { loraPath: { kind: 'code', code: error.code, message: error.message } };
  return {};
}
