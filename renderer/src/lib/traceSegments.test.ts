import { describe, expect, it } from 'vitest';
import type { TraceStep } from '../contract';
import { countChecks, hasError, sameStep, segmentStep, sourceTarget } from './traceSegments';
import { question, reasoning, result } from './fixtures/grossProfit';

const step = (i: number): TraceStep => result.steps[i]!;

describe('segmentStep', () => {
  it('slices the step text at the numbers, offsets taken relative to the step', () => {
    const segments = segmentStep(step(0));
    expect(segments.map((s) => s.text).join('')).toBe(step(0).text);
    expect(segments.filter((s) => s.kind === 'number').map((s) => s.text)).toEqual(['5,829', '5,735']);
    expect(segments[0]).toMatchObject({ kind: 'text', text: 'From the question, revenue is ' });
  });

  it('matches the reasoning at the mention offsets', () => {
    for (const s of result.steps) {
      expect(reasoning.slice(s.start, s.end)).toBe(s.text);
      for (const segment of segmentStep(s)) {
        if (segment.kind === 'number') expect(segment.text).toBe(s.numbers[segment.number]!.raw);
      }
    }
  });

  it('marks the span of a wrong calculation, numbers inside it included', () => {
    const segments = segmentStep(step(1));
    expect(segments.map((s) => s.text).join('')).toBe(step(1).text);
    const inCheck = segments.filter((s) => s.check === 0).map((s) => s.text).join('');
    expect(inCheck).toBe('5,829 - 5,735 = 104');
    expect(segments.find((s) => s.text === 'Gross profit = ')?.check).toBeNull();
  });

  it('highlights the mention at its offset, not the first equal text', () => {
    const text = 'Take 104, then 104 again.';
    const segments = segmentStep({
      start: 100,
      text,
      numbers: [{ start: 115, end: 118, raw: '104', value: '104', unit: null, approximate: false, role: 'operand', source: null }],
      checks: [],
    });
    expect(segments.map((s) => [s.kind, s.text])).toEqual([
      ['text', 'Take 104, then '],
      ['number', '104'],
      ['text', ' again.'],
    ]);
  });

  it('survives stale or overlapping offsets', () => {
    const text = 'abc 12 def';
    const mention = { raw: '12', value: '12', unit: null, approximate: false, role: 'operand' as const, source: null };
    const segments = segmentStep({
      start: 0,
      text,
      numbers: [
        { ...mention, start: 4, end: 6 },
        { ...mention, start: 5, end: 7 },
        { ...mention, start: 8, end: 40 },
      ],
      checks: [],
    });
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments.filter((s) => s.kind === 'number').map((s) => s.text)).toEqual(['12', 'ef']);
  });

  it('keeps a number whole when a calculation edge cuts it', () => {
    const text = 'x = 12345';
    const segments = segmentStep({
      start: 0,
      text,
      numbers: [{ start: 4, end: 9, raw: '12345', value: '12345', unit: null, approximate: false, role: 'operand', source: null }],
      checks: [{ start: 0, end: 6, expression: 'x', claimed: '12', computed: '1', expected: '1', status: 'wrong' }],
    });
    expect(segments.filter((s) => s.kind === 'number').map((s) => s.text)).toEqual(['12345']);
    expect(segments.map((s) => s.text).join('')).toBe(text);
  });
});

describe('sourceTarget', () => {
  it('points question numbers at their span in the question', () => {
    const n = step(0).numbers[0]!;
    const target = sourceTarget(result, n, n.source);
    expect(target).toEqual({ kind: 'question', start: 12, end: 17 });
    if (target.kind === 'question') expect(question.slice(target.start, target.end)).toBe('5,829');
  });

  it('points a derived number at the claimed result of the calculation it came from', () => {
    const n = step(2).numbers[0]!; // 104 in "Margin = 104 / 5,829"
    expect(sourceTarget(result, n, n.source)).toEqual({ kind: 'step', stepIndex: 1, numberIndex: 2, checkIndex: 0 });
  });

  it('a claimed result derives from its own calculation, not from itself', () => {
    const n = step(1).numbers[2]!; // 104 claimed in step 2
    expect(sourceTarget(result, n, n.source)).toEqual({ kind: 'step', stepIndex: 1, numberIndex: null, checkIndex: 0 });
  });

  it('says unsourced and nothing for unchecked numbers', () => {
    const n = step(0).numbers[0]!;
    expect(sourceTarget(result, n, { kind: 'unsourced' })).toEqual({ kind: 'unsourced' });
    expect(sourceTarget(result, n, null)).toEqual({ kind: 'none' });
  });
});

describe('step helpers', () => {
  it('compares steps by what renders', () => {
    const copy = JSON.parse(JSON.stringify(step(1))) as TraceStep;
    expect(sameStep(step(1), copy)).toBe(true);
    copy.checks[0]!.status = 'correct';
    expect(sameStep(step(1), copy)).toBe(false);
  });

  it('counts statuses and finds the wrong step', () => {
    expect(countChecks(result)).toEqual({ correct: 0, wrong: 1, affected: 1, unverifiable: 0 });
    expect(result.steps.map(hasError)).toEqual([false, true, false, false]);
  });
});
