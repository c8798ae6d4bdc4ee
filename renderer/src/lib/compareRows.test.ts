import { describe, expect, it } from 'vitest';
import { compareRows, divergenceStep } from './compareRows';
import { comparison } from './fixtures/grossProfit';

describe('compareRows', () => {
  it('pairs aligned steps and marks the first divergence and the errors', () => {
    const rows = compareRows(comparison);
    expect(rows.map((r) => [r.left?.index ?? null, r.right?.index ?? null, r.same])).toEqual(
      comparison.alignment.map((a) => [a.left, a.right, a.same]),
    );
    expect(rows.filter((r) => r.diverges)).toHaveLength(1);
    expect(rows[comparison.divergesAt!]!.diverges).toBe(true);
    expect(rows[1]).toMatchObject({ leftError: true, rightError: false, same: false });
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });

  it('announces the divergence at a 1-based step number', () => {
    expect(divergenceStep(comparison)).toBe(2);
    expect(divergenceStep({ ...comparison, divergesAt: null })).toBeNull();
    expect(divergenceStep({ ...comparison, alignment: [{ left: null, right: 4, same: false }], divergesAt: 0 })).toBe(5);
  });

  it('keeps one-sided rows', () => {
    const rows = compareRows(comparison);
    const oneSided = rows.filter((r) => r.left === null || r.right === null);
    expect(oneSided.length).toBe(comparison.alignment.filter((a) => a.left === null || a.right === null).length);
  });
});
