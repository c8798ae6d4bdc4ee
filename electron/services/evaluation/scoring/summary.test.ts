import { describe, expect, it } from 'vitest';
import { summarizeResults, wilsonInterval, type SummaryRow } from './summary';

const row = (over: Partial<SummaryRow>): SummaryRow => ({
  task: 'finqa',
  correct: true,
  formatOk: true,
  judged: false,
  completionTokens: 100,
  seconds: 2,
  error: null,
  ...over,
});

const rounded = ([lo, hi]: [number, number]): [number, number] => [Number(lo.toFixed(3)), Number(hi.toFixed(3))];

describe('wilsonInterval', () => {
  it('matches published values', () => {
    // Reference values: the Wilson score interval (no continuity correction), z = 1.96.
    expect(rounded(wilsonInterval(8, 10))).toEqual([0.49, 0.943]);
    expect(rounded(wilsonInterval(0, 10))).toEqual([0, 0.278]);
    expect(rounded(wilsonInterval(10, 10))).toEqual([0.722, 1]);
    expect(rounded(wilsonInterval(50, 100))).toEqual([0.404, 0.596]);
    expect(rounded(wilsonInterval(1, 2))).toEqual([0.095, 0.905]);
    expect(rounded(wilsonInterval(945, 1000))).toEqual([0.929, 0.958]);
  });

  it('knows nothing with no items', () => {
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });

  it('stays inside [0, 1]', () => {
    const [lo, hi] = wilsonInterval(1, 1);
    expect(lo).toBeGreaterThan(0);
    expect(hi).toBe(1);
  });
});

describe('summarizeResults', () => {
  it('scores per task and overall, excluding errors and unscored items from accuracy', () => {
    const rows: SummaryRow[] = [
      ...Array.from({ length: 8 }, () => row({ task: 'finqa', correct: true })),
      ...Array.from({ length: 2 }, () => row({ task: 'finqa', correct: false, formatOk: false })),
      row({ task: 'cflue', correct: true, judged: false }),
      row({ task: 'cflue', correct: false }),
      row({ task: 'cflue', correct: null, formatOk: false, error: 'engine timed out', completionTokens: null, seconds: null }),
      row({ task: 'open', correct: true, judged: true }),
      row({ task: 'open', correct: null, judged: false }),
    ];
    const s = summarizeResults(rows);
    expect(s.errors).toBe(1);
    expect(s.tasks.finqa).toMatchObject({ n: 10, correct: 8, accuracy: 0.8, formatRate: 0.8, judged: 0 });
    expect(rounded(s.tasks.finqa!.ci)).toEqual([0.49, 0.943]);
    expect(s.tasks.cflue).toMatchObject({ n: 2, correct: 1, accuracy: 0.5, formatRate: 1 });
    expect(s.tasks.open).toMatchObject({ n: 1, correct: 1, judged: 1, formatRate: 1 });
    expect(s.tasks.ccc).toBeUndefined();
    expect(s.overall).toMatchObject({ n: 13, correct: 10, judged: 1 });
    expect(s.overall.formatRate).toBeCloseTo(12 / 14);
    expect(s.meanCompletionTokens).toBe(100);
    expect(s.meanSecondsPerItem).toBe(2);
    expect(s.tokensPerSecond).toBe(50);
  });

  it('tokens per second is total tokens over total seconds, from rows that report both', () => {
    const s = summarizeResults([
      row({ completionTokens: 300, seconds: 1 }),
      row({ completionTokens: 100, seconds: 3 }),
      row({ completionTokens: 50, seconds: null }),
    ]);
    expect(s.tokensPerSecond).toBe(100);
    expect(s.meanCompletionTokens).toBe(150);
    expect(s.meanSecondsPerItem).toBe(2);
  });

  it('an empty run', () => {
    expect(summarizeResults([])).toEqual({
      tasks: {},
      overall: { n: 0, correct: 0, accuracy: 0, ci: [0, 1], formatRate: 0, judged: 0 },
      errors: 0,
      meanCompletionTokens: null,
      meanSecondsPerItem: null,
      tokensPerSecond: null,
    });
  });
});
