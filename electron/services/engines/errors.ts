/** Errors from a remote engine, each with a stable code the renderer translates (see shared/errors.ts). */
import { AppError } from '../../shared/errors';

/** No connection (refused, DNS, TLS, timeout) or the connection dropped mid-answer. */
export class EngineUnreachableError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('ENGINE_UNREACHABLE', message, details);
  }
}

/** 401/403: the server refused the API key (or wants one). */
export class EngineUnauthorizedError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('ENGINE_UNAUTHORIZED', message, details);
  }
}

/** Any other failure the server reported (unknown model, bad parameter, overload…), with the server's own words. */
export class EngineError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('ENGINE_ERROR', message, details);
  }
}
