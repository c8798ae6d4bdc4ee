import { describe, expect, it } from 'vitest';
import type { GrpoStepPoint } from '../../../contract';
import { formatReward, grpoChartRows, rewardTrend } from './grpoSeries';

const point = (step: number, rewardMean: number, loss: number | null = 0.2): GrpoStepPoint => ({
  step,
  totalSteps: 4,
  rewardMean,
  rewardStd: 0.5,
  formatReward: 1,
  accuracyReward: rewardMean / 2,
  length: 12,
  loss,
  rolloutTokensPerSecond: 80,
  trainTokensPerSecond: null,
  seconds: 1,
  peakMemoryBytes: null,
});

describe('GRPO chart series', () => {
  it('one row per step with the spread band; a step with nothing to learn has no loss point', () => {
    const rows = grpoChartRows([point(1, 1), point(2, 1.5, null)]);
    expect(rows[0]).toEqual({ step: 1, reward: 1, spread: [0.5, 1.5], rewardStd: 0.5, format: 1, accuracy: 0.5, length: 12, loss: 0.2, rollout: 80 });
    expect(rows[1]).not.toHaveProperty('loss');
  });

  it('formats rewards and says whether the reward rose', () => {
    expect(formatReward(0.25, 'en', true)).toBe('+0.25');
    expect(formatReward(-0.5, 'en', true)).toBe('-0.50');
    expect(formatReward(null, 'en')).toBe('—');
    expect(rewardTrend([point(1, 0.5)])).toBeNull();
    expect(rewardTrend([point(1, 0.5), point(2, 0.75), point(3, 1), point(4, 1.5)])).toBe(1);
  });
});
