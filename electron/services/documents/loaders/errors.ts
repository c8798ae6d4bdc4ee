/** Errors the loaders throw: an AppError with a DOCUMENT_* (or CANCELLED) code and `details.reason`. */
import { AppError, type ErrorCode } from '../../../shared/errors';

export type DocumentErrorReason = 'unreadable' | 'encrypted' | 'empty' | 'unsupported' | 'too-large' | 'cancelled';

/** The AppError code of each reason. */
export const documentErrorCodes: Record<DocumentErrorReason, ErrorCode> = {
  unreadable: 'DOCUMENT_UNREADABLE',
  encrypted: 'DOCUMENT_ENCRYPTED',
  empty: 'DOCUMENT_EMPTY',
  unsupported: 'DOCUMENT_UNSUPPORTED',
  'too-large': 'DOCUMENT_TOO_LARGE',
  cancelled: 'CANCELLED',
};

export function documentError(reason: DocumentErrorReason, message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError(documentErrorCodes[reason], message, { reason, ...details });
}

export function documentErrorReason(error: unknown): DocumentErrorReason | null {
  if (!AppError.is(error)) return null;
  const reason = error.details?.reason;
  return typeof reason === 'string' && reason in documentErrorCodes && documentErrorCodes[reason as DocumentErrorReason] === error.code ? (reason as DocumentErrorReason) : null;
}
