/**
 * Evaluation scoring: reads DianJin-R1 answers and scores them the way the paper does (FinQA numbers, CFLUE option
 * letters, CCC verdicts), plus free text and judge-mode helpers. Pure, synchronous and fast: the evaluation runner,
 * `dianjin eval score` and GRPO's rewards all call it per item.
 */
export { extractAnswer, formatReward } from './answerFormat';
export type { ExtractAnswerOptions, ExtractedAnswer } from './answerFormat';
export { readChoices, scoreChoices } from './choices';
export { readNumber, scoreNumber } from './numbers';
export type { NumberReading } from './numbers';
export { readVerdict, scoreVerdict, verdictLabel } from './verdicts';
export type { Verdict, VerdictFamily } from './verdicts';
export { normalizeOpenAnswer, scoreOpen } from './openAnswers';
export { scoreOutput } from './scoreOutput';
export type { ScoredOutput } from './scoreOutput';
export { judgeTurns, parseJudgeVerdict, JUDGE_CONTEXT_CHARS } from './judge';
export type { JudgeItem, JudgeTurn } from './judge';
export { summarizeResults, wilsonInterval } from './summary';
export type { SummaryRow } from './summary';
export { parseScoreFile, scoreFile } from './scoreFile';
export type { ScoreFileItem, ScoreFileResult, ScoredFileItem, ScoreFileTaskSummary } from './scoreFile';
