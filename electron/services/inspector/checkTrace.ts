import type { CalculationCheck, TraceCheckResult, TraceInput, TraceStep } from '../../shared/inspection';
import { checkAnswerConsistency } from './answer';
import { findCalculations } from './calculations';
import { extractNumbers } from './numbers';
import { propagateErrors, type TaintState } from './propagation';
import { buildSourceIndex, cloneSourceState, countUnsourced, createSourceState, traceSources, type SourceIndex } from './sources';
import { classifyStep, segmentBlocks, type BlockSegment } from './steps';

/**
 * The reasoning inspector's pipeline: steps → numbers → calculations (both found once over the reasoning and
 * mapped into steps by offset) → sources → step kinds (a lookup is partly told by its sources) → propagation of wrong
 * results (a verification step's mention of a wrong value is not an effect of it) → answer consistency.
 * Offsets are into the whole reasoning. Pure: no I/O, no model.
 */

export function checkTrace(input: TraceInput): TraceCheckResult {
  return createTraceChecker(input).update(input.reasoning, input.answer);
}

export interface TraceCheckerInput {
  /** Defaults to `''`. */
  question?: string;
  /** Document text the question is about; `[page 12]` / `【第12页】` markers give sources a page. Defaults to none. */
  context?: string;
  /** The final answer, when known up front. Defaults to `''` (each update may pass the answer so far). */
  answer?: string;
}

export interface TraceChecker {
  /**
   * Checks the reasoning so far. Steps before the last paragraph of the previous call are reused as they were (they
   * can no longer change while text is only appended); the rest is checked again. Any other change of the text
   * starts over. The returned steps are shared with later results: treat them as read-only.
   */
  update(reasoningSoFar: string, answer?: string): TraceCheckResult;
}

/**
 * A checker for a trace that is still streaming: call `update` off the token hot path (on a timer) with the whole
 * reasoning so far. The question and context are read once.
 */
export function createTraceChecker(input: TraceCheckerInput = {}): TraceChecker {
  const question = input.question ?? '';
  const context = input.context;
  let sourceIndex: SourceIndex | null = null; // built on first use: a checker may never be updated
  let answerSoFar = input.answer ?? '';
  // The finished steps, the text they were read from, and what sources and propagation knew after them.
  let stable: TraceStep[] = [];
  let stableText = '';
  let stableSources = createSourceState();
  let stableTaint: TaintState = new Map();

  return {
    update(reasoning, answer) {
      if (answer !== undefined) answerSoFar = answer;
      sourceIndex ??= buildSourceIndex({
        question,
        questionNumbers: extractNumbers(question),
        ...(context ? { context, contextNumbers: extractNumbers(context) } : {}),
      });
      if (!reasoning.startsWith(stableText)) {
        stable = [];
        stableText = '';
        stableSources = createSourceState();
        stableTaint = new Map();
      }
      const { steps: fresh, lastBlockStart } = analyze(reasoning, stableText.length, stable.length);
      // Everything before the last paragraph is final: the next call starts there.
      const keep = fresh.findIndex((s) => s.end >= lastBlockStart);
      const kept = keep < 0 ? fresh.length : keep;
      const steps = stable.concat(fresh);
      const sources = cloneSourceState(stableSources);
      const taint = new Map(stableTaint);
      const finish = (part: TraceStep[]) => {
        traceSources(part, sourceIndex!, 0, sources);
        for (const step of part) {
          step.kind = classifyStep(step.text, { hasCalculation: step.checks.length > 0, numbers: step.numbers, isLast: step.index === steps.length - 1 });
        }
        propagateErrors(part, 0, taint);
      };
      finish(fresh.slice(0, kept));
      if (kept > 0) {
        stable = steps.slice(0, stable.length + kept);
        stableText = reasoning.slice(0, kept < fresh.length ? fresh[kept]!.start : reasoning.length);
        stableSources = cloneSourceState(sources);
        stableTaint = new Map(taint);
      }
      finish(fresh.slice(kept));
      return summarize(steps, answerSoFar);
    },
  };
}

function summarize(steps: TraceStep[], answer: string): TraceCheckResult {
  let errors = 0;
  let checked = 0;
  for (const s of steps) {
    for (const c of s.checks) {
      if (c.status === 'wrong') errors++;
      if (c.status !== 'unverifiable') checked++;
    }
  }
  return { steps, errors, checked, unsourcedNumbers: countUnsourced(steps), answer: checkAnswerConsistency(answer, steps) };
}

/**
 * Reads `reasoning` from `offset` (a step start): segments, numbers and calculations, as steps indexed from
 * `firstIndex`, with offsets into the whole reasoning. `lastBlockStart` is where the last paragraph begins.
 */
function analyze(reasoning: string, offset: number, firstIndex: number): { steps: TraceStep[]; lastBlockStart: number } {
  const text = offset === 0 ? reasoning : reasoning.slice(offset);
  const segments = segmentBlocks(text);
  const numbers = extractNumbers(text);
  const checks = findCalculations(text, numbers);
  const lastBlock = segments.at(-1)?.block;
  const lastBlockStart = offset + (segments.find((s) => s.block === lastBlock)?.start ?? text.length);
  const merged = mergeStraddled(segments, checks);
  const steps: TraceStep[] = merged.map((seg, i) => ({
    index: firstIndex + i,
    start: offset + seg.start,
    end: offset + seg.end,
    text: text.slice(seg.start, seg.end),
    kind: 'other',
    numbers: [],
    checks: [],
    affected: false,
  }));
  for (const n of numbers) {
    const step = stepAt(merged, n.start, steps);
    if (step) step.numbers.push({ ...n, start: offset + n.start, end: offset + n.end, source: null });
  }
  for (const c of checks) {
    const step = stepAt(merged, c.start, steps);
    if (step) step.checks.push({ ...c, start: offset + c.start, end: offset + c.end });
  }
  for (const s of steps) {
    s.numbers.sort(byStart);
    s.checks.sort(byStart);
  }
  return { steps, lastBlockStart };
}

const byStart = (a: { start: number }, b: { start: number }) => a.start - b.start;

/** The step holding `offset`, or the next one when it falls between steps (whitespace). Binary search. */
function stepAt<T>(segments: readonly { start: number; end: number }[], offset: number, steps: T[]): T | undefined {
  let lo = 0;
  let hi = segments.length - 1;
  let found = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid]!.end > offset) {
      found = mid;
      hi = mid - 1;
    } else lo = mid + 1;
  }
  return found >= 0 ? steps[found] : undefined;
}

/** A calculation never spans two steps: steps it straddles are joined (the sentence splitter cut inside it). */
function mergeStraddled(segments: BlockSegment[], checks: readonly CalculationCheck[]): BlockSegment[] {
  if (checks.length === 0 || segments.length < 2) return segments;
  const indexes = segments.map((_, i) => i);
  const joinsPrevious = new Array<boolean>(segments.length).fill(false);
  for (const c of checks) {
    const first = stepAt(segments, c.start, indexes) ?? 0;
    const last = stepAt(segments, Math.max(c.start, c.end - 1), indexes) ?? first;
    for (let i = first + 1; i <= last; i++) joinsPrevious[i] = true;
  }
  const out: BlockSegment[] = [];
  segments.forEach((seg, i) => {
    const prev = out.at(-1);
    if (prev && joinsPrevious[i]) out[out.length - 1] = { ...prev, end: seg.end };
    else out.push(seg);
  });
  return out;
}
