import { unwrapLatex } from '../../inspector/answer';

/**
 * Free-text items without a judge: exact match after normalisation, as SQuAD-style scorers do, so only the way an
 * answer is written (case, spacing, punctuation, full-width forms, a leading "the answer is") is forgiven, never
 * its content. Anything looser belongs to the judge.
 */

const LEADING_CUE_RE = /^(?:(?:the\s+)?(?:final\s+)?answer\s*(?:is|:)?|答案\s*(?:是|为|[:：])?)\s*/iu;
const ARTICLE_RE = /\b(?:a|an|the)\b/g;
const HAN = '\\p{Script=Han}';
const SPACE_NEXT_TO_HAN_RE = new RegExp(`(?<=${HAN}) | (?=${HAN})`, 'gu');

/** The comparable form of a free-text answer. */
export function normalizeOpenAnswer(text: string): string {
  return unwrapLatex(text.normalize('NFKC'))
    .toLowerCase()
    .trim()
    .replace(LEADING_CUE_RE, '')
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(ARTICLE_RE, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(SPACE_NEXT_TO_HAN_RE, '');
}

/** Correct when both normalise to the same non-empty text. */
export function scoreOpen(predicted: string, reference: string): boolean {
  const want = normalizeOpenAnswer(reference);
  return want !== '' && normalizeOpenAnswer(predicted) === want;
}
