import { describe, expect, it } from 'vitest';
import type { CalculationCheck, StepKind, TraceCheckResult, TraceStep } from '../../shared/inspection';
import { compareTraces } from './compare';
import { buildSteps, type C, type N } from './testSteps';


const result = (steps: TraceStep[], kinds: StepKind[]): TraceCheckResult => {
  steps.forEach((s, i) => (s.kind = kinds[i]!));
  return { steps, errors: 0, checked: 0, unsourcedNumbers: 0, answer: { answerValue: null, answerRaw: null, lastComputed: null, consistent: null } };
};

const read: { text: string; numbers?: N[] } = { text: 'Revenue 1,400, cost 830.', numbers: [['1,400', '1400'], ['830', '830']] };
const gross = (claimed: string, status: CalculationCheck['status'] = 'correct') => ({
  text: `Gross profit = 1,400 - 830 = ${claimed}.`,
  numbers: [['1,400', '1400'], ['830', '830'], [claimed, claimed]] as N[],
  checks: [['1,400 - 830', claimed, '570', '570', status]] as C[],
});
const margin = (profit: string, claimed: string, value: string) => ({
  text: `Margin = ${profit} / 1,400 = ${claimed}.`,
  numbers: [[profit, profit], ['1,400', '1400'], [claimed, value, '%']] as N[],
  checks: [[`${profit} / 1,400`, claimed, '0', '0', 'correct']] as C[],
});

describe('compareTraces', () => {
  it('aligns identical traces row by row', () => {
    const left = result(buildSteps([read, gross('570'), margin('570', '40.71%', '0.4071')]), ['lookup', 'calculation', 'calculation']);
    const right = result(buildSteps([read, gross('570'), margin('570', '40.71%', '0.4071')]), ['lookup', 'calculation', 'calculation']);
    const c = compareTraces(left, right);
    expect(c.alignment).toEqual([
      { left: 0, right: 0, same: true },
      { left: 1, right: 1, same: true },
      { left: 2, right: 2, same: true },
    ]);
    expect(c.divergesAt).toBeNull();
  });

  it('finds where a trace goes wrong and pairs the steps that follow', () => {
    const left = result(buildSteps([read, gross('570'), margin('570', '40.71%', '0.4071')]), ['lookup', 'calculation', 'calculation']);
    const right = result(buildSteps([read, gross('580', 'wrong'), margin('580', '41.43%', '0.4143')]), ['lookup', 'calculation', 'calculation']);
    const c = compareTraces(left, right);
    expect(c.alignment).toEqual([
      { left: 0, right: 0, same: true },
      { left: 1, right: 1, same: false },
      { left: 2, right: 2, same: false },
    ]);
    expect(c.divergesAt).toBe(1);
  });

  it('leaves extra steps unpaired, in order', () => {
    const extra = { text: 'Wait, let me double check: 570 + 830 = 1,400.', numbers: [['570', '570'], ['830', '830'], ['1,400', '1400']] as N[], checks: [['570 + 830', '1,400', '1400', '1400', 'correct']] as C[] };
    const musing = { text: '我们先想一想题目问的是什么。' };
    const left = result(buildSteps([read, gross('570'), margin('570', '40.71%', '0.4071')]), ['lookup', 'calculation', 'calculation']);
    const right = result(buildSteps([musing, read, gross('570'), extra, margin('570', '40.71%', '0.4071')]), ['other', 'lookup', 'calculation', 'check', 'calculation']);
    const c = compareTraces(left, right);
    expect(c.alignment).toEqual([
      { left: null, right: 0, same: false },
      { left: 0, right: 1, same: true },
      { left: 1, right: 2, same: true },
      { left: null, right: 3, same: false },
      { left: 2, right: 4, same: true },
    ]);
    expect(c.divergesAt).toBe(0);
  });

  it('handles empty traces', () => {
    const empty = result([], []);
    expect(compareTraces(empty, empty)).toMatchObject({ alignment: [], divergesAt: null });
    const one = result(buildSteps([read]), ['lookup']);
    expect(compareTraces(one, empty)).toMatchObject({ alignment: [{ left: 0, right: null, same: false }], divergesAt: 0 });
  });
});
