import { AppError } from '../../shared/errors';

export const maxTitleLength = 200;
export const autoTitleLength = 60;

/** Titles are one line: list rows and window titles cannot show line breaks. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n\t\v\f\u2028\u2029]+\s*/gu, ' ').trim();
}

/** Counts code points, so a title never ends in half a surrogate pair (emoji, rare CJK). */
function length(text: string): number {
  return Array.from(text).length;
}

/** Validates a user-given title: trimmed, one line, `min`–200 characters. */
export function normalizeTitle(title: unknown, min: 0 | 1): string {
  if (typeof title !== 'string') throw new AppError('INVALID_INPUT', 'The conversation title must be text.');
  const normalized = oneLine(title);
  const n = length(normalized);
  if (n < min) throw new AppError('INVALID_INPUT', 'The conversation title cannot be empty.');
  if (n > maxTitleLength) {
    throw new AppError('INVALID_INPUT', `The conversation title is too long (${n} characters); use at most ${maxTitleLength}.`, {
      maxLength: maxTitleLength,
    });
  }
  return normalized;
}

/** The title a conversation gets from its first question: its first ~60 characters on one line. */
export function titleFromQuestion(question: string, max = autoTitleLength): string {
  const chars = Array.from(oneLine(question).replace(/\s+/gu, ' '));
  if (chars.length <= max) return chars.join('');
  return `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}
