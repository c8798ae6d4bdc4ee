import type { EvalResultRow, EvalRunSummaryStats, EvalTask, EvalTaskScore } from '../../../shared/evaluation';

/** One finished item as the summary sees it (`correct` null: unscored, counts nowhere; `error`: counts in `errors` only). */
export type SummaryRow = Pick<EvalResultRow, 'task' | 'correct' | 'formatOk' | 'judged' | 'completionTokens' | 'seconds' | 'error'>;

/** z for a two-sided 95% interval. */
const Z_95 = 1.959963984540054;

/**
 * The 95% Wilson score interval of `correct` successes in `n` trials. Wilson rather than the normal approximation
 * because eval sets are small and accuracies near 0 or 1, where p ± z·√(p(1−p)/n) leaves [0, 1] or collapses to a
 * point. [0, 1] when n is 0: nothing is known.
 */
export function wilsonInterval(correct: number, n: number, z = Z_95): [number, number] {
  if (n <= 0) return [0, 1];
  const p = correct / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return [Math.max(0, centre - halfWidth), Math.min(1, centre + halfWidth)];
}

/**
 * Accuracy per task and overall. `n` counts items with a verdict (errored and unscored rows excluded); the format
 * rate is over every item that generated (errors excluded), since an unscored answer still kept or broke the format.
 */
function taskScore(rows: readonly SummaryRow[]): EvalTaskScore {
  const generated = rows.filter((r) => r.error === null);
  const scored = generated.filter((r) => r.correct !== null);
  const correct = scored.filter((r) => r.correct === true).length;
  const n = scored.length;
  return {
    n,
    correct,
    accuracy: n === 0 ? 0 : correct / n,
    ci: wilsonInterval(correct, n),
    formatRate: generated.length === 0 ? 0 : generated.filter((r) => r.formatOk).length / generated.length,
    judged: scored.filter((r) => r.judged).length,
  };
}

const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

/** The run's statistics; speed figures use only the rows that report them, and are null when none does. */
export function summarizeResults(rows: readonly SummaryRow[]): EvalRunSummaryStats {
  const byTask = new Map<EvalTask, SummaryRow[]>();
  for (const r of rows) byTask.set(r.task, [...(byTask.get(r.task) ?? []), r]);
  const tasks: Partial<Record<EvalTask, EvalTaskScore>> = {};
  for (const [task, taskRows] of byTask) tasks[task] = taskScore(taskRows);
  const tokens = rows.flatMap((r) => (r.completionTokens === null ? [] : [r.completionTokens]));
  const seconds = rows.flatMap((r) => (r.seconds === null ? [] : [r.seconds]));
  const timed = rows.filter((r) => r.completionTokens !== null && r.seconds !== null);
  const timedSeconds = timed.reduce((a, r) => a + r.seconds!, 0);
  return {
    tasks,
    overall: taskScore(rows),
    errors: rows.filter((r) => r.error !== null).length,
    meanCompletionTokens: mean(tokens),
    meanSecondsPerItem: mean(seconds),
    tokensPerSecond: timedSeconds > 0 ? timed.reduce((a, r) => a + r.completionTokens!, 0) / timedSeconds : null,
  };
}
