/**
 * Turns the inspector's offsets into renderable pieces. Numbers and calculations carry offsets into the whole
 * reasoning; a step is rendered by slicing its own text with those offsets minus `step.start` — never by searching
 * the text again, which would mark the wrong "104" when a number appears twice.
 */
import type { CalculationCheck, NumberMention, NumberSource, TraceCheckResult, TraceStep } from '../contract';

export type StepSegment =
  | { kind: 'text'; text: string; start: number; end: number; check: number | null }
  /** `number` is the index in `step.numbers`. */
  | { kind: 'number'; text: string; start: number; end: number; check: number | null; number: number };

/** Wrong and affected calculations are marked in the text; correct ones stay quiet. */
const markedStatuses = new Set<CalculationCheck['status']>(['wrong', 'affected']);

/**
 * The step's text cut at every number and at the edges of wrong/affected calculations. Offsets in the segments
 * are relative to the step text; `segments.map(s => s.text).join('') === step.text`. Out-of-range or overlapping
 * numbers (a stale live result, say) are clamped or dropped rather than breaking the text.
 */
export function segmentStep(step: Pick<TraceStep, 'start' | 'text' | 'numbers' | 'checks'>): StepSegment[] {
  const length = step.text.length;
  const clamp = (offset: number) => Math.max(0, Math.min(length, offset - step.start));

  const numbers: { start: number; end: number; index: number }[] = [];
  let lastEnd = 0;
  step.numbers
    .map((n, index) => ({ start: clamp(n.start), end: clamp(n.end), index }))
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .forEach((n) => {
      if (n.end <= n.start || n.start < lastEnd) return;
      numbers.push(n);
      lastEnd = n.end;
    });

  const checks = step.checks
    .map((c, index) => ({ start: clamp(c.start), end: clamp(c.end), index, marked: markedStatuses.has(c.status) }))
    .filter((c) => c.marked && c.end > c.start);

  const cuts = new Set<number>([0, length]);
  for (const n of numbers) cuts.add(n.start).add(n.end);
  for (const c of checks) cuts.add(c.start).add(c.end);
  const points = [...cuts].sort((a, b) => a - b);

  const checkAt = (start: number, end: number): number | null => {
    for (const c of checks) if (c.start <= start && end <= c.end) return c.index;
    return null;
  };

  const segments: StepSegment[] = [];
  let n = 0;
  for (let i = 0; i < points.length - 1; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    if (end <= start) continue;
    while (n < numbers.length && numbers[n]!.end <= start) n++;
    const number = numbers[n];
    const text = step.text.slice(start, end);
    const check = checkAt(start, end);
    if (number && number.start <= start && end <= number.end) {
      // A number cut by a calculation's edge (rare) continues as the same number.
      const previous = segments[segments.length - 1];
      if (previous?.kind === 'number' && previous.number === number.index && previous.end === start) {
        previous.text += text;
        previous.end = end;
      } else {
        segments.push({ kind: 'number', text, start, end, check, number: number.index });
      }
    } else {
      segments.push({ kind: 'text', text, start, end, check });
    }
  }
  return segments;
}

/** What a source points at in the page: a span of the question, a number in an earlier step, or nothing. */
export type SourceTarget =
  | { kind: 'question'; start: number; end: number }
  | { kind: 'context'; page: number | null; documentId: string | null }
  | { kind: 'step'; stepIndex: number; numberIndex: number | null; checkIndex: number | null }
  | { kind: 'unsourced' }
  | { kind: 'none' };

/** Steps by their `index` (the inspector's indexes are positions, but a live result may be cut short). */
export function stepByIndex(result: Pick<TraceCheckResult, 'steps'>, index: number): TraceStep | undefined {
  const at = result.steps[index];
  return at?.index === index ? at : result.steps.find((s) => s.index === index);
}

/**
 * Resolves a number's source to what the UI highlights. A derived number points at the claimed result of the
 * calculation it came from (the last number inside that calculation), or at the first earlier mention of the same
 * value when the trace merely wrote it before.
 */
export function sourceTarget(result: Pick<TraceCheckResult, 'steps'>, mention: Pick<NumberMention, 'value' | 'start'>, source: NumberSource | null): SourceTarget {
  if (!source) return { kind: 'none' };
  switch (source.kind) {
    case 'question':
      return { kind: 'question', start: source.start, end: source.end };
    case 'context':
      return { kind: 'context', page: source.page ?? null, documentId: source.documentId ?? null };
    case 'unsourced':
      return { kind: 'unsourced' };
    case 'derived': {
      const step = stepByIndex(result, source.stepIndex);
      if (!step) return { kind: 'step', stepIndex: source.stepIndex, numberIndex: null, checkIndex: source.checkIndex ?? null };
      let numberIndex: number | null = null;
      const check = source.checkIndex === undefined ? undefined : step.checks[source.checkIndex];
      if (check) {
        // The claimed result of a calculation comes from the calculation itself: point at it, not at an operand.
        const ownResult = mention.start >= check.start && mention.start < check.end;
        if (!ownResult)
          step.numbers.forEach((n, i) => {
            if (n.start >= check.start && n.end <= check.end) numberIndex = i;
          });
      } else {
        const i = step.numbers.findIndex((n) => n.value === mention.value && n.start !== mention.start);
        numberIndex = i >= 0 ? i : null;
      }
      return { kind: 'step', stepIndex: step.index, numberIndex, checkIndex: source.checkIndex ?? null };
    }
  }
}

/** The kind written on a number for styling and tests: question | context | derived | unsourced | none. */
export function sourceKind(source: NumberSource | null): NumberSource['kind'] | 'none' {
  return source?.kind ?? 'none';
}

/**
 * Whether two versions of a step render the same (a live result arrives every second as a new object; unchanged
 * steps keep their rendering).
 */
export function sameStep(a: TraceStep, b: TraceStep): boolean {
  if (a === b) return true;
  if (a.index !== b.index || a.start !== b.start || a.kind !== b.kind || a.affected !== b.affected || a.text !== b.text) return false;
  if (a.numbers.length !== b.numbers.length || a.checks.length !== b.checks.length) return false;
  for (let i = 0; i < a.numbers.length; i++) {
    const x = a.numbers[i]!;
    const y = b.numbers[i]!;
    if (x.start !== y.start || x.end !== y.end || x.role !== y.role || JSON.stringify(x.source) !== JSON.stringify(y.source)) return false;
  }
  for (let i = 0; i < a.checks.length; i++) {
    const x = a.checks[i]!;
    const y = b.checks[i]!;
    if (x.start !== y.start || x.end !== y.end || x.status !== y.status || x.expected !== y.expected || x.claimed !== y.claimed) return false;
    if (x.origin?.stepIndex !== y.origin?.stepIndex || x.origin?.checkIndex !== y.origin?.checkIndex) return false;
  }
  return true;
}

/** Whether a step holds a wrong calculation (at its origin). */
export function hasError(step: Pick<TraceStep, 'checks'>): boolean {
  return step.checks.some((c) => c.status === 'wrong');
}

/** Counts of calculation statuses over the whole trace. */
export function countChecks(result: Pick<TraceCheckResult, 'steps'>): Record<CalculationCheck['status'], number> {
  const counts = { correct: 0, wrong: 0, affected: 0, unverifiable: 0 };
  for (const step of result.steps) for (const check of step.checks) counts[check.status]++;
  return counts;
}
