import { describe, expect, it } from 'vitest';
import { scoreOutput } from './scoreOutput';

const wrap = (answer: string): string => `<think>\nWorking it out.\n</think>\n<answer>\n${answer}\n</answer>`;

describe('scoreOutput', () => {
  it('FinQA: the boxed number, shown as its value', () => {
    expect(scoreOutput('finqa', '0.0164', wrap('The growth rate is \\boxed{1.64\\%}.'))).toEqual({ correct: true, formatOk: true, predicted: '0.0164' });
    expect(scoreOutput('finqa', '0.0164', wrap('\\boxed{2\\%}'))).toEqual({ correct: false, formatOk: true, predicted: '0.02' });
    expect(scoreOutput('finqa', '-1200', wrap('\\boxed{(1,200)}'))).toMatchObject({ correct: true, predicted: '-1200' });
  });

  it('FinQA: a unit written after the box belongs to the answer', () => {
    expect(scoreOutput('finqa', '40000000', wrap('净利润为\\boxed{0.4}亿元'))).toMatchObject({ correct: true, predicted: '40000000' });
    expect(scoreOutput('finqa', '1200', wrap('\\boxed{1.2} billion'))).toMatchObject({ correct: true });
  });

  it('FinQA: yes/no references are compared as verdicts', () => {
    expect(scoreOutput('finqa', 'yes', wrap('\\boxed{Yes}'))).toEqual({ correct: true, formatOk: true, predicted: 'yes' });
    expect(scoreOutput('finqa', 'no', wrap('\\boxed{yes}'))).toMatchObject({ correct: false, predicted: 'yes' });
  });

  it('FinQA: a broken format is still scored on its answer', () => {
    const r = scoreOutput('finqa', '0.0164', '<think>x</think>\nThe growth rate is 1.64%.');
    expect(r).toEqual({ correct: true, formatOk: false, predicted: '0.0164' });
  });

  it('CFLUE: letters as a set', () => {
    expect(scoreOutput('cflue', 'ABD', wrap('\\boxed{DBA}'))).toEqual({ correct: true, formatOk: true, predicted: 'ABD' });
    expect(scoreOutput('cflue', 'AC', wrap('\\boxed{\\text{A, C}}'))).toMatchObject({ correct: true, predicted: 'AC' });
    expect(scoreOutput('cflue', 'B', '<think>x</think><answer>答案是B</answer>')).toEqual({ correct: true, formatOk: false, predicted: 'B' });
  });

  it('CCC: verdicts, negation included', () => {
    expect(scoreOutput('ccc', '不合规', wrap('\\boxed{不合规}'))).toEqual({ correct: true, formatOk: true, predicted: 'non-compliant' });
    expect(scoreOutput('ccc', 'non-compliant', wrap('\\boxed{合规}'))).toEqual({ correct: false, formatOk: true, predicted: 'compliant' });
    expect(scoreOutput('ccc', '是', wrap('\\boxed{否}'))).toMatchObject({ correct: false, predicted: 'no' });
  });

  it('open: normalised exact match, shown as written', () => {
    expect(scoreOutput('open', 'Net income', wrap('\\boxed{net income.}'))).toEqual({ correct: true, formatOk: true, predicted: 'net income.' });
  });

  it('the template-opened think block', () => {
    const out = 'Growth is 1.64%.\n</think>\n<answer>\\boxed{0.0164}</answer>';
    expect(scoreOutput('finqa', '0.0164', out)).toMatchObject({ correct: true, formatOk: true });
    expect(scoreOutput('finqa', '0.0164', `<think>${out}`, { startInReasoning: true })).toMatchObject({ correct: true, formatOk: false });
  });

  it('empty and truncated outputs are wrong and unformatted', () => {
    expect(scoreOutput('finqa', '0.0164', '')).toEqual({ correct: false, formatOk: false, predicted: null });
    expect(scoreOutput('cflue', 'A', '<think>Option A looks')).toMatchObject({ correct: false, formatOk: false });
  });

  it('an unreadable answer is shown raw, capped', () => {
    const r = scoreOutput('cflue', 'A', wrap(`\\boxed{${'不确定'.repeat(100)}}`));
    expect(r.correct).toBe(false);
    expect(r.predicted!.length).toBeLessThanOrEqual(201);
  });
});
