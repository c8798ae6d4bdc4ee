import type { TraceCheckResult, TraceComparison, TraceStep } from '../../shared/inspection';
import { canonical, claimedValue, checkParts, toExact } from './sources';

/**
 * Two traces of the same question side by side: steps aligned by what they do with which numbers, and the first
 * place they part ways. Alignment maximises the summed similarity of paired steps (an LCS with weights), in order.
 */

interface Signature {
  kind: TraceStep['kind'];
  /** Operand values (canonical, sign kept) the step uses, claimed results excluded. */
  operands: Set<string>;
  /** The claimed results of its calculations. */
  results: Set<string>;
}

function signatureOf(step: TraceStep): Signature {
  const results = new Set<string>();
  const claimedMentions = new Set<unknown>();
  for (const check of step.checks) {
    const { claimed } = checkParts(check, step.numbers);
    if (claimed) claimedMentions.add(claimed);
    const v = toExact((claimed ?? claimedValue(check, step.numbers))?.value);
    if (v) results.add(canonical(v));
  }
  const operands = new Set<string>();
  for (const n of step.numbers) {
    if (n.role !== 'operand' || claimedMentions.has(n)) continue;
    const v = toExact(n.value);
    if (v) operands.add(canonical(v));
  }
  return { kind: step.kind, operands, results };
}

/**
 * Steps pair when they share enough numbers: the Jaccard index of their values, plus a bonus for the same kind, so a
 * step that computes the same thing from a different (wrong) figure still pairs with its counterpart. Steps without
 * numbers pair only with the same kind.
 */
const MATCH_THRESHOLD = 0.45;
const SAME_KIND_BONUS = 0.25;

/** How alike two steps are, 0…1.25; below {@link MATCH_THRESHOLD} they are not paired. */
function similarity(a: Signature, b: Signature): number {
  const sameKind = a.kind === b.kind ? SAME_KIND_BONUS : 0;
  const aValues = union(a.operands, a.results);
  const bValues = union(b.operands, b.results);
  if (aValues.size === 0 && bValues.size === 0) return a.kind === b.kind ? MATCH_THRESHOLD : 0;
  if (aValues.size === 0 || bValues.size === 0) return 0;
  let shared = 0;
  for (const v of aValues) if (bValues.has(v)) shared++;
  return shared / (aValues.size + bValues.size - shared) + sameKind;
}

function union<T>(a: Set<T>, b: Set<T>): Set<T> {
  const out = new Set(a);
  for (const v of b) out.add(v);
  return out;
}

const sameSet = <T>(a: Set<T>, b: Set<T>) => a.size === b.size && [...a].every((v) => b.has(v));

/** Aligns the steps of two checked traces; `same` when a pair uses the same numbers and reaches the same results. */
export function compareTraces(left: TraceCheckResult, right: TraceCheckResult): TraceComparison {
  const ls = left.steps.map(signatureOf);
  const rs = right.steps.map(signatureOf);
  const n = ls.length;
  const m = rs.length;
  const width = m + 1;
  // score[i][j]: best total for left[i..] and right[j..]; filled backwards so the walk forwards is greedy-safe.
  const score = new Float64Array((n + 1) * width);
  const sim = (i: number, j: number) => similarity(ls[i]!, rs[j]!);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const s = sim(i, j);
      const pair = s >= MATCH_THRESHOLD ? s + score[(i + 1) * width + j + 1]! : -1;
      score[i * width + j] = Math.max(pair, score[(i + 1) * width + j]!, score[i * width + j + 1]!);
    }
  }
  const alignment: TraceComparison['alignment'] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const s = sim(i, j);
    const here = score[i * width + j]!;
    if (s >= MATCH_THRESHOLD && here === s + score[(i + 1) * width + j + 1]!) {
      const a = ls[i]!;
      const b = rs[j]!;
      alignment.push({ left: i, right: j, same: sameSet(a.operands, b.operands) && sameSet(a.results, b.results) });
      i++;
      j++;
    } else if (here === score[(i + 1) * width + j]!) {
      alignment.push({ left: i++, right: null, same: false });
    } else {
      alignment.push({ left: null, right: j++, same: false });
    }
  }
  while (i < n) alignment.push({ left: i++, right: null, same: false });
  while (j < m) alignment.push({ left: null, right: j++, same: false });
  const firstDifferent = alignment.findIndex((row) => !row.same);
  return { left, right, alignment, divergesAt: firstDifferent < 0 ? null : firstDifferent };
}
