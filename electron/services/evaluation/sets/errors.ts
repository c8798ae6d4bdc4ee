/** The one error an import can end in: EVAL_SET_INVALID, a sentence saying what is wrong and where. */
import { AppError } from '../../../shared/errors';

export function invalidSet(message: string, details: Record<string, unknown>): AppError {
  return new AppError('EVAL_SET_INVALID', message, details);
}
