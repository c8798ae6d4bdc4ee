/**
 * The side-by-side comparison as rows: each aligned pair of steps (or a step with no counterpart), which one is
 * the first divergence, and which step numbers it shows. Step numbers are 1-based, as in the outline.
 */
import type { MessageComparison, TraceStep } from '../contract';
import { hasError, stepByIndex } from './traceSegments';

export interface CompareRow {
  key: string;
  left: TraceStep | null;
  right: TraceStep | null;
  same: boolean;
  /** The first aligned row where the two answers differ. */
  diverges: boolean;
  leftError: boolean;
  rightError: boolean;
}

type Comparison = Pick<MessageComparison, 'left' | 'right' | 'alignment' | 'divergesAt'>;

export function compareRows(comparison: Comparison): CompareRow[] {
  return comparison.alignment.map((row, index) => {
    const left = row.left === null ? null : (stepByIndex(comparison.left, row.left) ?? null);
    const right = row.right === null ? null : (stepByIndex(comparison.right, row.right) ?? null);
    return {
      key: `${row.left ?? '-'}:${row.right ?? '-'}:${index}`,
      left,
      right,
      same: row.same,
      diverges: comparison.divergesAt === index,
      leftError: left !== null && hasError(left),
      rightError: right !== null && hasError(right),
    };
  });
}

/** The step number the divergence is announced at: the left step's, else the right's (1-based); null if none. */
export function divergenceStep(comparison: Comparison): number | null {
  if (comparison.divergesAt === null) return null;
  const row = comparison.alignment[comparison.divergesAt];
  if (!row) return null;
  const index = row.left ?? row.right;
  return index === null ? null : index + 1;
}
