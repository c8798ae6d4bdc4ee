import type { EvalTask } from '../../../shared/evaluation';
import { boxedWithUnit } from '../../inspector/answer';
import { locateAnswer, type ExtractAnswerOptions } from './answerFormat';
import { readChoices, scoreChoices } from './choices';
import { numberLabel, readNumber, scoreNumber } from './numbers';
import { scoreOpen } from './openAnswers';
import { readVerdict, scoreVerdict, verdictLabel } from './verdicts';

export interface ScoredOutput {
  correct: boolean;
  formatOk: boolean;
  /** The prediction as shown to users ("ABD", "0.0164", "non-compliant"); the raw answer when it could not be read; null when empty. */
  predicted: string | null;
}

/** Longest raw answer shown as `predicted` when it could not be normalised. */
const PREDICTED_CHARS = 200;

/**
 * Scores one raw model output against its reference. The answer scored is the last box (for FinQA with a unit
 * written just after it, "\boxed{0.4}亿元"), else the answer text; the format only decides `formatOk`, never
 * correctness, as in the paper's scorers.
 */
export function scoreOutput(task: EvalTask, reference: string, output: string, options: ExtractAnswerOptions = {}): ScoredOutput {
  const located = locateAnswer(output, options);
  const boxed = located.boxed === null ? null : task === 'finqa' && located.boxedIn !== null ? (boxedWithUnit(located.boxedIn) ?? located.boxed) : located.boxed;
  const answer = boxed ?? located.answerText;
  const { correct, predicted } = scoreAnswer(task, reference, answer);
  return { correct, formatOk: located.formatOk, predicted: predicted ?? rawPredicted(answer) };
}

function scoreAnswer(task: EvalTask, reference: string, answer: string): { correct: boolean; predicted: string | null } {
  switch (task) {
    case 'cflue':
      return { correct: scoreChoices(answer, reference), predicted: readChoices(answer) || null };
    case 'ccc':
      return scoreAsVerdict(answer, reference);
    case 'finqa':
      // FinQA has yes/no items, and a few textual ones: a reference that is no number is not scored as one.
      if (readNumber(reference) === null) return readVerdict(reference) ? scoreAsVerdict(answer, reference) : scoreAsOpen(answer, reference);
      return { correct: scoreNumber(answer, reference), predicted: numberLabel(answer) };
    case 'open':
      return scoreAsOpen(answer, reference);
  }
}

function scoreAsVerdict(answer: string, reference: string): { correct: boolean; predicted: string | null } {
  const verdict = readVerdict(answer, readVerdict(reference)?.family);
  return { correct: scoreVerdict(answer, reference), predicted: verdict ? verdictLabel(verdict) : null };
}

function scoreAsOpen(answer: string, reference: string): { correct: boolean; predicted: string | null } {
  // Free text is shown as written (capped below), not in its normalised form.
  return { correct: scoreOpen(answer, reference), predicted: null };
}

function rawPredicted(answer: string): string | null {
  const t = answer.trim();
  if (t === '') return null;
  return t.length > PREDICTED_CHARS ? `${t.slice(0, PREDICTED_CHARS)}…` : t;
}
