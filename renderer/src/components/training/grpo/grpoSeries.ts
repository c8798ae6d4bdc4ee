/** A GRPO job's per-step numbers as the charts draw them and the view prints them. */
import type { GrpoStepPoint } from '../../../contract';

/** A reward with two decimals ("0.75"), signed when asked ("+0.25"), or "—". */
export function formatReward(value: number | null | undefined, locale: string, signed = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const text = value.toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return signed && value > 0 ? `+${text}` : text;
}

export interface GrpoChartRow {
  step: number;
  reward: number;
  /** Mean ± one standard deviation: the band of the group rewards' spread. */
  spread: [number, number];
  rewardStd: number;
  format: number;
  accuracy: number;
  length: number;
  /** Absent when every group's rewards were equal (nothing to learn that step). */
  loss?: number;
  rollout?: number;
  train?: number;
}

export function grpoChartRows(series: readonly GrpoStepPoint[]): GrpoChartRow[] {
  return series.map((p) => ({
    step: p.step,
    reward: p.rewardMean,
    spread: [p.rewardMean - p.rewardStd, p.rewardMean + p.rewardStd],
    rewardStd: p.rewardStd,
    format: p.formatReward,
    accuracy: p.accuracyReward,
    length: p.length,
    ...(p.loss !== null && Number.isFinite(p.loss) ? { loss: p.loss } : {}),
    ...(p.rolloutTokensPerSecond !== null ? { rollout: p.rolloutTokensPerSecond } : {}),
    ...(p.trainTokensPerSecond !== null ? { train: p.trainTokensPerSecond } : {}),
  }));
}

/** Whether the mean reward rose: the last quarter's mean against the first quarter's (null with fewer than 2 steps). */
export function rewardTrend(series: readonly GrpoStepPoint[]): number | null {
  if (series.length < 2) return null;
  const n = Math.max(1, Math.floor(series.length / 4));
  const mean = (points: readonly GrpoStepPoint[]) => points.reduce((sum, p) => sum + p.rewardMean, 0) / points.length;
  return mean(series.slice(-n)) - mean(series.slice(0, n));
}
