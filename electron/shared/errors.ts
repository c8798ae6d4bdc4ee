/**
 * Errors with a stable `code`: only `code`, `message` and `details` survive IPC, HTTP and the CLI's stderr,
 * so every error a user can meet is an AppError with a code the renderer translates (renderer/src/i18n).
 * Runtime-neutral: imported by the renderer.
 */
export const errorCodes = [
  'INVALID_INPUT',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'MODEL_NOT_SELECTED',
  'MODEL_FILE_NOT_FOUND',
  'MODEL_NOT_A_FILE',
  'MODEL_NOT_GGUF',
  'MODEL_TRUNCATED',
  'MODEL_IS_ADAPTER',
  'MODEL_UNSUPPORTED_ARCHITECTURE',
  'MODEL_TOO_LARGE',
  'MODEL_LOAD_FAILED',
  'LORA_FILE_NOT_FOUND',
  'LORA_NOT_ADAPTER',
  'LORA_MISMATCH',
  'LORA_LOAD_FAILED',
  'EMPTY_QUESTION',
  'CONTEXT_OVERFLOW',
  'GENERATION_BUSY',
  'INFERENCE_CRASHED',
  'INFERENCE_UNAVAILABLE',
  'CONVERSATION_NOT_FOUND',
  'BACKEND_UNAVAILABLE',
  'DOCUMENT_NOT_FOUND',
  'DOCUMENT_UNREADABLE',
  'DOCUMENT_ENCRYPTED',
  'DOCUMENT_EMPTY',
  'DOCUMENT_UNSUPPORTED',
  'DOCUMENT_TOO_LARGE',
  'CANCELLED',
  /** Remote OpenAI-compatible engine (electron/services/engines). */
  'ENGINE_UNREACHABLE',
  'ENGINE_UNAUTHORIZED',
  'ENGINE_ERROR',
  /** Model downloads (electron/services/models/downloads). */
  'DOWNLOAD_FAILED',
  'DOWNLOAD_HTTP_ERROR',
  'DOWNLOAD_CHECKSUM_MISMATCH',
  'DOWNLOAD_UNVERIFIED',
  'DOWNLOAD_OFFLINE',
  'DISK_FULL',
  /** Evaluation sets and runs (electron/services/evaluation). */
  'EVAL_SET_INVALID',
  'EVAL_SET_NOT_FOUND',
  'EVAL_RUN_NOT_FOUND',
  'EVAL_RUN_ACTIVE',
  /** Fine-tuning (electron/services/training). */
  'TRAIN_DATA_INVALID',
  'TRAINER_UNAVAILABLE',
  'TRAIN_WONT_FIT',
  'TRAIN_FAILED',
  'TRAIN_JOB_NOT_FOUND',
  'TRAIN_JOB_ACTIVE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface SerializedError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }

  toJSON(): SerializedError {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }

  static is(value: unknown, code?: ErrorCode): value is AppError {
    return value instanceof AppError && (code === undefined || value.code === code);
  }

  static fromSerialized(e: SerializedError): AppError {
    return new AppError(e.code, e.message, e.details);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}

/** Turns anything thrown into something safe to send over a transport: no stack traces leave the process. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof AppError) return error.toJSON();
  if (error && typeof error === 'object' && 'code' in error && isErrorCode((error as { code: unknown }).code)) {
    const e = error as { code: ErrorCode; message?: unknown; details?: Record<string, unknown> };
    return { code: e.code, message: String(e.message ?? e.code), ...(e.details ? { details: e.details } : {}) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: message || 'An unexpected error occurred.' };
}
