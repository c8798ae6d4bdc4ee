/**
 * Errors the client side makes up itself (the server never sent them). The contract's ErrorCode list has no
 * connection codes, so these travel as INTERNAL with `details.client` naming the kind; the UI translates by kind.
 */
import { errorCodes, type ErrorCode, type SerializedError } from '../contract';
import type { Envelope } from '../contract';

export type ClientErrorKind = 'connectionLost' | 'serverUnreachable' | 'cancelled' | 'badResponse';

export function clientError(kind: ClientErrorKind, message: string, code: ErrorCode = 'INTERNAL'): SerializedError {
  return { code, message, details: { client: kind } };
}

export function clientErrorKind(error: { details?: Record<string, unknown> | undefined } | null | undefined): ClientErrorKind | null {
  const kind = error?.details?.client;
  return kind === 'connectionLost' || kind === 'serverUnreachable' || kind === 'cancelled' || kind === 'badResponse' ? kind : null;
}

export function failed(error: SerializedError): Envelope<never> {
  return { ok: false, error };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Accepts anything shaped like an Envelope; an unknown error code (a newer server) becomes INTERNAL, message kept. */
export function asEnvelope(value: unknown): Envelope<unknown> | null {
  if (!isRecord(value) || typeof value.ok !== 'boolean') return null;
  if (value.ok) return 'value' in value ? { ok: true, value: value.value } : { ok: true, value: undefined };
  const error = value.error;
  if (!isRecord(error)) return null;
  const code = (errorCodes as readonly unknown[]).includes(error.code) ? (error.code as ErrorCode) : 'INTERNAL';
  const message = typeof error.message === 'string' ? error.message : String(error.code ?? 'Unknown error');
  const details = isRecord(error.details) ? error.details : undefined;
  return { ok: false, error: details ? { code, message, details } : { code, message } };
}
