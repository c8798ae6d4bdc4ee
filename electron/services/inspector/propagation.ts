import type { TraceStep } from '../../shared/inspection';
import { checkParts, isTrivialConstant, parseWrittenNumber, valueKeys } from './sources';

/**
 * Follows wrong results downstream. A wrong claimed value that a later calculation uses as an operand makes that
 * calculation 'affected' (when it is right given the wrong value) with the origin of the error, so the error counts
 * once, where it was made. Its result carries the taint on (same origin). A later calculation that is wrong on its
 * own stays 'wrong' and becomes the origin for what uses its result. Steps that use a tainted value anywhere after
 * the origin (a calculation, or a plain mention outside verification steps) get `affected: true`; so step kinds
 * should be set first.
 */

export interface Taint {
  stepIndex: number;
  checkIndex: number;
  /** The value as written where it went wrong, and what it should have been, for the note. */
  claimed: string;
  expected: string;
}

/** Wrong values met so far (by value key) and the origins (by `@step:check`): carried across calls. */
export type TaintState = Map<string, Taint>;

/**
 * Marks affected calculations and steps from `fromStep` on; earlier steps are only read (their wrong and affected
 * results still taint later steps). Mutates `status`, `origin`, `note` and `affected`. `tainted` carries the wrong
 * values of steps walked in earlier calls (updated in place), so a trace can be walked in parts.
 */
export function propagateErrors(steps: readonly TraceStep[], fromStep = 0, tainted: TaintState = new Map()): void {
  for (const step of steps) {
    const fill = step.index >= fromStep;
    if (fill) step.affected = false;
    // Checks in order of position, so a value is tainted only after the calculation that produced it.
    let checkIndex = 0;
    const taintFrom = (upTo: number) => {
      for (; checkIndex < step.checks.length && step.checks[checkIndex]!.end <= upTo; checkIndex++) {
        const check = step.checks[checkIndex]!;
        const { operands, claimed } = checkParts(check, step.numbers);
        if (fill && check.status === 'correct') {
          const origin = operands.map((o) => taintOf(o, tainted)).find((t) => t !== undefined);
          if (origin) {
            check.status = 'affected';
            check.origin = { stepIndex: origin.stepIndex, checkIndex: origin.checkIndex };
            check.note = `Right given ${origin.claimed} from step ${origin.stepIndex + 1}, which should be ${origin.expected}.`;
            step.affected = true;
          }
        }
        const value = claimed ?? parseWrittenNumber(check.claimed);
        if (!value || (claimed && isTrivialConstant(claimed))) continue;
        let taint: Taint | undefined;
        if (check.status === 'wrong') taint = { stepIndex: step.index, checkIndex, claimed: check.claimed, expected: check.expected };
        else if (check.status === 'affected' && check.origin) taint = tainted.get(keyOf(check.origin)) ?? undefined;
        if (taint) for (const k of valueKeys(value)) tainted.set(k, taint);
        if (taint && check.status === 'wrong') tainted.set(keyOf({ stepIndex: step.index, checkIndex }), taint);
      }
    };
    for (const n of step.numbers) {
      taintFrom(n.start);
      // A wrong claim taints only once its calculation has ended, so the origin's own result does not count here. In
      // a verification step a mention of the wrong value is usually its correction ("570, not 580"): only its
      // calculations count there.
      if (fill && step.kind !== 'check' && taintOf(n, tainted)) step.affected = true;
    }
    taintFrom(Number.POSITIVE_INFINITY);
  }
}

/** Origins are also stored under a key of their own so an affected result can find its root. */
const keyOf = (o: { stepIndex: number; checkIndex: number }) => `@${o.stepIndex}:${o.checkIndex}`;

function taintOf(n: Parameters<typeof valueKeys>[0] & { role?: string }, tainted: Map<string, Taint>): Taint | undefined {
  if (n.role !== undefined && n.role !== 'operand') return undefined;
  for (const k of valueKeys(n)) {
    const t = tainted.get(k);
    if (t) return t;
  }
  return undefined;
}
