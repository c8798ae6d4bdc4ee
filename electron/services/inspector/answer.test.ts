import { describe, expect, it } from 'vitest';
import type { CalculationCheck } from '../../shared/inspection';
import { checkAnswerConsistency, roundTo, unwrapLatex, writtenDecimals } from './answer';
import { checkTrace } from './checkTrace';
import { Exact } from './sources';
import { buildSteps } from './testSteps';


const margin = (status: CalculationCheck['status'] = 'correct', claimed = '40.71%', value = '0.4071') =>
  buildSteps([
    { text: 'Gross profit = 1,400 - 830 = 570.', numbers: [['1,400', '1400'], ['830', '830'], ['570', '570']], checks: [['1,400 - 830', '570', '570', '570', 'correct']] },
    { text: `Margin = 570 / 1,400 = ${claimed}.`, numbers: [['570', '570'], ['1,400', '1400'], [claimed, value, claimed.endsWith('%') ? '%' : null]], checks: [['570 / 1,400', claimed, '0.40714285714285714286', '0.4071', status]] },
  ]);

describe('checkAnswerConsistency', () => {
  it.each([
    ['The gross margin is \\boxed{40.71\\%}.', true],
    ['\\boxed{40.7\\%}', true],
    ['\\boxed{41\\%}', true],
    ['\\boxed{0.4071}', true],
    ['\\boxed{40.71}', true],
    ['毛利率为\\boxed{40.71\\%}', true],
    ['毛利率约为40.7%。', true],
    ['\\boxed{\\text{40.71\\%}}', true],
    ['\\boxed{40.8\\%}', false],
    ['\\boxed{0.45}', false],
  ])('%s → %s', (answer, consistent) => {
    const result = checkAnswerConsistency(answer, margin());
    expect(result.consistent).toBe(consistent);
    expect(result.lastComputed).toBe('0.4071');
  });

  it('reports the answer as found', () => {
    expect(checkAnswerConsistency('So \\boxed{40.71\\%} in 2023.', margin())).toMatchObject({ answerValue: '0.4071', answerRaw: '40.71\\%', consistent: true });
    expect(checkAnswerConsistency('Margin 40.71% for 2023.', margin())).toMatchObject({ answerValue: '0.4071', answerRaw: '40.71%' });
  });

  it('reconciles units: 万元 answers against a trace computed in 万', () => {
    const steps = buildSteps([{ text: '毛利 = 1,400 - 830 = 570', numbers: [['1,400', '1400'], ['830', '830'], ['570', '570']], checks: [['1,400 - 830', '570', '570', '570', 'correct']] }]);
    expect(checkAnswerConsistency('\\boxed{570万元}', steps).consistent).toBe(true);
    expect(checkAnswerConsistency('\\boxed{570\\text{万元}}', steps).consistent).toBe(true);
    expect(checkAnswerConsistency('\\boxed{5,700,000}', steps).consistent).toBe(false);
    expect(checkAnswerConsistency('\\boxed{580万元}', steps).consistent).toBe(false);
  });

  it('compares with the value the trace wrote: repeating a wrong result is consistent, and the note says so', () => {
    const steps = margin('wrong', '45%', '0.45');
    const result = checkAnswerConsistency('\\boxed{45\\%}', steps);
    expect(result).toMatchObject({ consistent: true, lastComputed: '0.45', correctValue: '0.4071', source: { stepIndex: 1, checkIndex: 0 } });
    expect(result.note).toContain('repeats the wrong result 45% (step 2)');
    expect(result.note).toContain('the correct value is 0.4071');
  });

  it('calls an answer that silently fixes the trace’s error inconsistent', () => {
    const steps = margin('wrong', '45%', '0.45');
    const result = checkAnswerConsistency('\\boxed{40.71\\%}', steps);
    expect(result).toMatchObject({ consistent: false, lastComputed: '0.45', correctValue: '0.4071' });
    expect(result.note).toContain('does not follow from the trace');
    const zh = checkTrace({ question: '主营业务收入8,650万元，其他业务收入1,270万元。', reasoning: '营业收入 = 8,650万 + 1,270万 = 9,820万', answer: '\\boxed{9,920}万元' });
    expect(zh.answer).toMatchObject({ consistent: false, lastComputed: '98200000', correctValue: '99200000' });
    expect(checkTrace({ question: '', reasoning: '营业收入 = 8,650万 + 1,270万 = 9,820万', answer: '\\boxed{9,820}万元' }).answer.consistent).toBe(true);
  });

  it('is inconsistent with neither the written nor the correct value', () => {
    const result = checkAnswerConsistency('\\boxed{50\\%}', margin('wrong', '45%', '0.45'));
    expect(result).toMatchObject({ consistent: false, correctValue: '0.4071' });
    expect(result.note).toContain('differs from the last result the trace wrote, 45%');
  });

  it.each([
    ['en: unit words inside the box', '$1,420 million + $930 million = $2,350 million = $2.35 billion.', '\\boxed{\\$2.35 \\text{ billion}}', '2350000000'],
    ['en: unit after the box', 'Margin change = 15.2% - 12.5% = 2.7 percentage points.', '\\boxed{2.7} percentage points', '0.027'],
    ['en: percent inside the box', 'Margin = 210 / 1,400 = 0.15.', '\\boxed{15\\%}', '0.15'],
    ['zh: 亿元 after the box', '结余 = 1.2亿 - 8,000万 = 4,000万 = 0.4亿', '结余\\boxed{0.4}亿元', '40000000'],
    ['zh: 万元 inside the box', '毛利 = 1,400万 - 830万 = 570万', '\\boxed{570万元}', '5700000'],
    ['zh: 万元 after a box that has a bare claim', '折旧 = 285 × 4 ÷ 15 = 76', '\\boxed{76}万元', '760000'],
    ['zh: a separator and 万 in the box', '合计 = 3,200万 + 2,500万 = 5,700万', '\\boxed{5,700万元}', '57000000'],
  ])('%s', (_name, reasoning, answer, value) => {
    const result = checkTrace({ question: '', reasoning, answer }).answer;
    expect(result).toMatchObject({ answerValue: value, consistent: true });
  });

  it('does not add a unit after the box to a box that has one', () => {
    const result = checkTrace({ question: '', reasoning: '毛利 = 1,400万 - 830万 = 570万', answer: '\\boxed{570万}元（万元）' }).answer;
    expect(result).toMatchObject({ answerValue: '5700000', consistent: true });
  });

  it('does not take a rewritten expression for a written value', () => {
    const result = checkTrace({ question: '', reasoning: 'Growth = (2,398 - 2,180) / 2,180 = 218 / 2,180', answer: '\\boxed{2,180}' }).answer;
    expect(result.consistent).toBe(false);
    expect(checkTrace({ question: '', reasoning: 'Growth = (2,398 - 2,180) / 2,180 = 218 / 2,180', answer: '\\boxed{10\\%}' }).answer.consistent).toBe(true);
  });

  it('looks past a final verification of an input', () => {
    const steps = margin();
    const check = buildSteps([
      { text: 'x' },
      { text: 'y' },
      { text: 'Let me verify: 570 + 830 = 1,400.', numbers: [['570', '570'], ['830', '830'], ['1,400', '1400']], checks: [['570 + 830', '1,400', '1400', '1400', 'correct']] },
    ])[2]!;
    check.kind = 'check';
    const result = checkAnswerConsistency('\\boxed{40.71\\%}', [...steps, check]);
    expect(result.consistent).toBe(true);
    expect(result.note).toContain('before the final check');
  });

  it('is null when either side is missing', () => {
    expect(checkAnswerConsistency('', margin())).toMatchObject({ consistent: null, answerValue: null });
    expect(checkAnswerConsistency('No figure here.', margin())).toMatchObject({ consistent: null, answerValue: null });
    expect(checkAnswerConsistency('\\boxed{15\\%}', [])).toMatchObject({ consistent: null, answerValue: '0.15', lastComputed: null });
  });

  it('reads fractions', () => {
    const steps = buildSteps([{ text: 'x = 3 / 4 = 0.75', numbers: [['3', '3'], ['4', '4'], ['0.75', '0.75']], checks: [['3 / 4', '0.75', '0.75', '0.75', 'correct']] }]);
    expect(checkAnswerConsistency('\\boxed{\\frac{3}{4}}', steps)).toMatchObject({ answerValue: '0.75', consistent: true });
  });
});

describe('answer helpers', () => {
  it('unwraps LaTeX', () => {
    expect(unwrapLatex('\\text{约}1{,}400\\,\\text{万元}')).toBe('约1,400万元');
    expect(unwrapLatex('\\$1.2\\text{ billion}')).toBe('1.2 billion');
    expect(unwrapLatex('\\$2.35 \\text{ billion}')).toBe('2.35 billion');
  });

  it('rounds to written precision, also to tens and more', () => {
    expect(roundTo(new Exact('0.407142'), 4).toString()).toBe('0.4071');
    expect(roundTo(new Exact('5712345'), -4).toString()).toBe('5710000');
    expect(writtenDecimals('15.0%')).toBe(1);
    expect(writtenDecimals('1,400万')).toBe(0);
  });
});
