/** An error answered in OpenAI's shape, `{ error: { message, type, param, code } }`, with its HTTP status. */
import { serializeError, type ErrorCode } from '../../shared/errors';

export type OpenAiErrorType = 'invalid_request_error' | 'authentication_error' | 'not_found_error' | 'server_error';

export interface OpenAiErrorBody {
  error: { message: string; type: OpenAiErrorType; param: string | null; code: string };
}

export class OpenAiApiError extends Error {
  override readonly name = 'OpenAiApiError';

  constructor(
    readonly status: number,
    readonly type: OpenAiErrorType,
    /** Stable, lower-case: `invalid_api_key`, `model_not_found`, or one of the app's error codes lower-cased. */
    readonly code: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }

  toBody(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }

  /** Maps whatever the services threw (AppError codes) onto OpenAI's statuses. */
  static from(error: unknown): OpenAiApiError {
    if (error instanceof OpenAiApiError) return error;
    const { code, message } = serializeError(error);
    return new OpenAiApiError(statusFor(code), typeFor(code), code.toLowerCase(), message);
  }
}

function statusFor(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_INPUT':
    case 'EMPTY_QUESTION':
    case 'CONTEXT_OVERFLOW':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'MODEL_NOT_SELECTED':
    case 'MODEL_FILE_NOT_FOUND':
    case 'NOT_FOUND':
      return 404;
    // Busy, loading, or the model (with the LoRA adapter in the load settings) cannot be loaded as configured.
    case 'GENERATION_BUSY':
    case 'INFERENCE_UNAVAILABLE':
    case 'INFERENCE_CRASHED':
    case 'MODEL_LOAD_FAILED':
    case 'MODEL_TOO_LARGE':
    case 'MODEL_NOT_A_FILE':
    case 'MODEL_NOT_GGUF':
    case 'MODEL_TRUNCATED':
    case 'MODEL_UNSUPPORTED_ARCHITECTURE':
    case 'BACKEND_UNAVAILABLE':
    case 'LORA_FILE_NOT_FOUND':
    case 'LORA_NOT_ADAPTER':
    case 'LORA_MISMATCH':
    case 'LORA_LOAD_FAILED':
      return 503;
    default:
      return 500;
  }
}

function typeFor(code: ErrorCode): OpenAiErrorType {
  const status = statusFor(code);
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 404) return 'not_found_error';
  return 'server_error';
}
