/** Test helper: hand-built trace steps, as extractNumbers / findCalculations would give them. */
import type { CalculationCheck, NumberMention, TraceStep } from '../../shared/inspection';

export type N = [raw: string, value: string, unit?: NumberMention['unit'], role?: NumberMention['role']];
export type C = [expression: string, claimed: string, computed: string, expected: string, status: CalculationCheck['status']];

/** Hand-built steps (numbers and checks found by text), as extractNumbers / findCalculations would give them. */
export function buildSteps(parts: { text: string; numbers?: N[]; checks?: C[] }[]): TraceStep[] {
  let offset = 0;
  return parts.map((part, index) => {
    const start = offset;
    offset += part.text.length + 2;
    let cursor = 0;
    const numbers = (part.numbers ?? []).map(([raw, value, unit = null, role = 'operand']) => {
      const at = part.text.indexOf(raw, cursor);
      if (at < 0) throw new Error(`${raw} not in ${part.text}`);
      cursor = at + raw.length;
      return { start: start + at, end: start + at + raw.length, raw, value, unit, approximate: false, role, source: null } satisfies NumberMention;
    });
    const checks = (part.checks ?? []).map(([expression, claimed, computed, expected, status]) => {
      const written = `${expression} = ${claimed}`;
      const at = part.text.indexOf(written);
      if (at < 0) throw new Error(`${written} not in ${part.text}`);
      return { start: start + at, end: start + at + written.length, expression, claimed, computed, expected, status } satisfies CalculationCheck;
    });
    return { index, start, end: start + part.text.length, text: part.text, kind: 'other', numbers, checks, affected: false } satisfies TraceStep;
  });
}
