/**
 * Errors the loaders throw. errors.ts has no document codes yet, so every one is an AppError 'INVALID_INPUT' whose
 * `details.reason` says which kind it is (stable; the renderer can translate by it until codes are added).
 */
import { AppError } from '../../../shared/errors';

export type DocumentErrorReason = 'unreadable' | 'encrypted' | 'empty' | 'unsupported' | 'too-large' | 'cancelled';

/** The AppError code each reason should get once errors.ts has them. */
export const proposedErrorCodes: Record<DocumentErrorReason, string> = {
  unreadable: 'DOCUMENT_UNREADABLE',
  encrypted: 'DOCUMENT_ENCRYPTED',
  empty: 'DOCUMENT_EMPTY',
  unsupported: 'DOCUMENT_UNSUPPORTED',
  'too-large': 'DOCUMENT_TOO_LARGE',
  cancelled: 'CANCELLED',
};

export function documentError(reason: DocumentErrorReason, message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('INVALID_INPUT', message, { reason, ...details });
}

export function documentErrorReason(error: unknown): DocumentErrorReason | null {
  if (!AppError.is(error, 'INVALID_INPUT')) return null;
  const reason = error.details?.reason;
  return typeof reason === 'string' && reason in proposedErrorCodes ? (reason as DocumentErrorReason) : null;
}
