import { lastBoxed } from '../../inspector/answer';

/**
 * Judge mode: a chosen model grades an answer against the reference, as the DianJin-R1 paper graded FinQA with
 * GPT-4o (its scorer counts a `\boxed{1}` in the judge's reply as correct). The runner makes the call and labels the
 * item as judged; these build the prompt and read the reply.
 */

export interface JudgeItem {
  question: string;
  reference: string;
  /** The report text, table or dialogue; long contexts are cut to `JUDGE_CONTEXT_CHARS`. */
  context?: string;
}

export interface JudgeTurn {
  role: 'system' | 'user';
  content: string;
}

/** The judge only checks an answer against a reference: a long context costs time without changing that. */
export const JUDGE_CONTEXT_CHARS = 8000;

const JUDGE_SYSTEM = [
  'You grade answers to financial questions. You are given a question, the reference answer and a model\'s answer.',
  'Decide whether the model\'s answer means the same as the reference. Judge the final answer only, not the working.',
  'Numbers are equal when they agree at the precision the model gave (1.6% matches 0.0164; 2% does not), when percent',
  'and decimal forms agree (1.64% = 0.0164), and when units or scale words agree (1.2 billion = 1,200 million).',
  'For multiple choice the set of option letters must be the same; for yes/no or compliant/non-compliant the verdict',
  'must be the same. An answer that hedges between several values is wrong.',
  'Reply with at most two sentences of reasons, then \\boxed{1} if the answer is correct or \\boxed{0} if it is not.',
].join(' ');

/** The grading conversation for one item. */
export function judgeTurns(item: JudgeItem, predictedAnswer: string): JudgeTurn[] {
  const parts = [`Question:\n${item.question.trim()}`];
  const context = item.context?.trim();
  if (context) {
    const cut = context.length > JUDGE_CONTEXT_CHARS ? `${context.slice(0, JUDGE_CONTEXT_CHARS)}\n[… context cut]` : context;
    parts.push(`Context:\n${cut}`);
  }
  parts.push(`Reference answer:\n${item.reference.trim()}`, `Model's answer:\n${predictedAnswer.trim() || '(empty)'}`);
  parts.push('Is the model\'s answer correct? End with \\boxed{1} or \\boxed{0}.');
  return [
    { role: 'system', content: JUDGE_SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

/**
 * True for `\boxed{1}`, false for `\boxed{0}` (the last box counts; a reasoning judge's think block is skipped);
 * `\boxed{{1}}` and a bare `boxed{1}` are read too. Null when the judge gave neither, so the runner can retry or
 * leave the item unscored rather than count it wrong.
 */
export function parseJudgeVerdict(text: string): boolean | null {
  const thinkEnd = text.lastIndexOf('</think>');
  const reply = thinkEnd >= 0 ? text.slice(thinkEnd + '</think>'.length) : text;
  const box = lastBoxed(reply)?.content.replace(/[{}\s]|\\text/g, '');
  const digit = box ?? [...reply.matchAll(/boxed\s*\{+\s*([01])\s*\}+/g)].at(-1)?.[1];
  if (digit === '1') return true;
  if (digit === '0') return false;
  return null;
}
