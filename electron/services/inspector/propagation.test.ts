import { describe, expect, it } from 'vitest';
import type { TraceStep } from '../../shared/inspection';
import { propagateErrors } from './propagation';
import { buildSteps } from './testSteps';


const statuses = (steps: TraceStep[]) => steps.map((s) => s.checks.map((c) => c.status));

describe('propagateErrors', () => {
  const trace = () =>
    buildSteps([
      { text: 'Gross profit = 1,400 - 830 = 580.', numbers: [['1,400', '1400'], ['830', '830'], ['580', '580']], checks: [['1,400 - 830', '580', '570', '570', 'wrong']] },
      { text: 'Margin = 580 / 1,400 = 41.43%.', numbers: [['580', '580'], ['1,400', '1400'], ['41.43%', '0.4143', '%']], checks: [['580 / 1,400', '41.43%', '0.414285714', '0.4143', 'correct']] },
      { text: 'In points: 41.43 * 10 = 414.3, and 830 + 70 = 900.', numbers: [['41.43', '41.43'], ['10', '10'], ['414.3', '414.3'], ['830', '830'], ['70', '70'], ['900', '900']], checks: [['41.43 * 10', '414.3', '414.3', '414.3', 'correct'], ['830 + 70', '900', '900', '900', 'correct']] },
      { text: 'Then 580 + 20 = 610.', numbers: [['580', '580'], ['20', '20'], ['610', '610']], checks: [['580 + 20', '610', '600', '600', 'wrong']] },
      { text: 'Finally 610 - 10 = 600.', numbers: [['610', '610'], ['10', '10'], ['600', '600']], checks: [['610 - 10', '600', '600', '600', 'correct']] },
      { text: 'So the margin is 41.43%.', numbers: [['41.43%', '0.4143', '%']] },
    ]);

  it('marks later right-given-the-wrong-value calculations affected, with the origin, transitively', () => {
    const steps = trace();
    propagateErrors(steps);
    expect(statuses(steps)).toEqual([['wrong'], ['affected'], ['affected', 'correct'], ['wrong'], ['affected'], []]);
    expect(steps[1]!.checks[0]!.origin).toEqual({ stepIndex: 0, checkIndex: 0 });
    expect(steps[1]!.checks[0]!.note).toContain('should be 570');
    // 41.43 is the affected 41.43% written without the percent sign: the origin stays the first error.
    expect(steps[2]!.checks[0]!.origin).toEqual({ stepIndex: 0, checkIndex: 0 });
    // A calculation wrong on its own stays wrong and is the origin of what uses its result.
    expect(steps[4]!.checks[0]!.origin).toEqual({ stepIndex: 3, checkIndex: 0 });
    expect(steps.map((s) => s.affected)).toEqual([false, true, true, true, true, true]);
  });

  it('only fills from the given step on', () => {
    const steps = trace();
    propagateErrors(steps, 2);
    expect(statuses(steps)).toEqual([['wrong'], ['correct'], ['correct', 'correct'], ['wrong'], ['affected'], []]);
  });

  it('leaves a trace without errors alone', () => {
    const steps = buildSteps([
      { text: '毛利 = 1,400 - 830 = 570万元', numbers: [['1,400', '1400'], ['830', '830'], ['570万', '5700000', '万']], checks: [['1,400 - 830', '570万元', '570', '570', 'correct']] },
      { text: '毛利率 = 570 / 1,400 = 40.71%', numbers: [['570', '570'], ['1,400', '1400'], ['40.71%', '0.4071', '%']], checks: [['570 / 1,400', '40.71%', '0.407142857', '0.4071', 'correct']] },
    ]);
    propagateErrors(steps);
    expect(statuses(steps)).toEqual([['correct'], ['correct']]);
    expect(steps.every((s) => !s.affected)).toBe(true);
  });

  it('follows 万 reconciliation in Chinese', () => {
    const steps = buildSteps([
      { text: '毛利 = 1,400 - 830 = 580万元', numbers: [['1,400', '1400'], ['830', '830'], ['580万', '5800000', '万']], checks: [['1,400 - 830', '580万元', '570', '570', 'wrong']] },
      { text: '毛利率 = 580 / 1,400 = 41.43%', numbers: [['580', '580'], ['1,400', '1400'], ['41.43%', '0.4143', '%']], checks: [['580 / 1,400', '41.43%', '0.414285714', '0.4143', 'correct']] },
    ]);
    propagateErrors(steps);
    expect(statuses(steps)).toEqual([['wrong'], ['affected']]);
  });

  it('does not taint a trivial constant', () => {
    const steps = buildSteps([
      { text: 'x = 50 + 49 = 100', numbers: [['50', '50'], ['49', '49'], ['100', '100']], checks: [['50 + 49', '100', '99', '99', 'wrong']] },
      { text: 'y = 0.3 * 100 = 30', numbers: [['0.3', '0.3'], ['100', '100'], ['30', '30']], checks: [['0.3 * 100', '30', '30', '30', 'correct']] },
    ]);
    propagateErrors(steps);
    expect(statuses(steps)).toEqual([['wrong'], ['correct']]);
  });
});
