import { describe, expect, it } from 'vitest';
import type { NumberMention } from '../../shared/inspection';
import { classifyStep, segmentBlocks, segmentSteps } from './steps';

const texts = (reasoning: string) => segmentSteps(reasoning).map((s) => s.text);

describe('segmentSteps', () => {
  it('splits at blank lines and keeps offsets into the whole text', () => {
    const reasoning = '  First paragraph.\nStill first.\n\n\nSecond one.  \n';
    const steps = segmentSteps(reasoning);
    expect(steps.map((s) => s.text)).toEqual(['First paragraph.\nStill first.', 'Second one.']);
    for (const s of steps) expect(reasoning.slice(s.start, s.end)).toBe(s.text);
  });

  it('starts a step at numbered and bulleted lines, English and Chinese', () => {
    expect(texts('Plan:\n1. Revenue is 1,400.\n2. Cost is 830.\nStep 3: subtract.\n- note\n* more')).toEqual([
      'Plan:',
      '1. Revenue is 1,400.',
      '2. Cost is 830.',
      'Step 3: subtract.',
      '- note',
      '* more',
    ]);
    expect(texts('第1步：营业收入为1,400万元\n第二步：营业成本为830万元\n（1）毛利\n(2) 毛利率\n① 其他')).toEqual([
      '第1步：营业收入为1,400万元',
      '第二步：营业成本为830万元',
      '（1）毛利',
      '(2) 毛利率',
      '① 其他',
    ]);
  });

  it('continues a list item on the lines after it', () => {
    expect(texts('1. Revenue:\n   1,400 in 2023\n2. Cost')).toEqual(['1. Revenue:\n   1,400 in 2023', '2. Cost']);
  });

  it('does not take a number at the start of a line for a list marker', () => {
    expect(texts('Revenue grew\n1.5 times over.')).toEqual(['Revenue grew\n1.5 times over.']);
  });

  it('splits a long paragraph with several calculations at sentence ends', () => {
    const p =
      'Revenue is 1,400 and cost is 830. Gross profit = 1,400 - 830 = 570. The margin is then 570 / 1,400 = 40.71%. That looks high e.g. versus peers.';
    expect(texts(p)).toEqual([
      'Revenue is 1,400 and cost is 830. Gross profit = 1,400 - 830 = 570.',
      'The margin is then 570 / 1,400 = 40.71%. That looks high e.g. versus peers.',
    ]);
  });

  it('splits at a self-correction, never inside a number or after an abbreviation', () => {
    const p = 'Growth is approx. 1.5 points, so 1.5 * 2 = 3.5. Wait, 1.5 * 2 = 3.0, not 3.5.';
    expect(texts(p)).toEqual(['Growth is approx. 1.5 points, so 1.5 * 2 = 3.5.', 'Wait, 1.5 * 2 = 3.0, not 3.5.']);
  });

  it('splits Chinese sentences at 。！？', () => {
    const p = '毛利 = 1,400 - 830 = 570万元。毛利率 = 570 / 1,400 = 40.71%。等等，检查一下：570 + 830 = 1,400。';
    expect(texts(p)).toEqual(['毛利 = 1,400 - 830 = 570万元。', '毛利率 = 570 / 1,400 = 40.71%。', '等等，检查一下：570 + 830 = 1,400。']);
  });

  it('leaves a paragraph with one calculation whole', () => {
    const p = 'Revenue is 1,400. Cost is 830. So gross profit = 1,400 - 830 = 570.';
    expect(texts(p)).toEqual([p]);
  });

  it('handles empty and blank input', () => {
    expect(segmentSteps('')).toEqual([]);
    expect(segmentSteps(' \n\n \r\n')).toEqual([]);
  });

  it('handles CRLF', () => {
    expect(texts('a = 1 + 1 = 2\r\n\r\nb')).toEqual(['a = 1 + 1 = 2', 'b']);
  });

  it('numbers blocks so a finished paragraph is recognisable', () => {
    const blocks = segmentBlocks('x = 1 + 1 = 2. y = 2 + 2 = 4.\n\nDone.').map((s) => s.block);
    expect(blocks).toEqual([0, 0, 1]);
  });
});

const operand = (value: string, source: NumberMention['source'] = null): NumberMention => ({
  start: 0,
  end: 1,
  raw: value,
  value,
  unit: null,
  approximate: false,
  role: 'operand',
  source,
});
const info = (over: Partial<Parameters<typeof classifyStep>[1]> = {}) => ({ hasCalculation: false, numbers: [], isLast: false, ...over });

describe('classifyStep', () => {
  it.each([
    ['Wait, that is not right.', 'check'],
    ['Let me double check the subtraction.', 'check'],
    ['Hmm, actually the cost was 830.', 'check'],
    ['Let me verify: 570 + 830 = 1,400.', 'check'],
    ['等等，这里算错了。', 'check'],
    ['检查一下：570 + 830 = 1,400。', 'check'],
    ['重新计算毛利率。', 'check'],
  ])('%s → %s', (text, kind) => {
    expect(classifyStep(text, info({ hasCalculation: /=/.test(text) }))).toBe(kind);
  });

  it('calls a step with a calculation a calculation', () => {
    expect(classifyStep('Gross profit = 1,400 - 830 = 570.', info({ hasCalculation: true }))).toBe('calculation');
    expect(classifyStep('毛利 = 1,400 - 830 = 570万元', info({ hasCalculation: true }))).toBe('calculation');
  });

  it('finds lookups by their words or by quoted figures', () => {
    expect(classifyStep('From the income statement, revenue is 1,400.', info({ numbers: [operand('1400')] }))).toBe('lookup');
    expect(classifyStep('根据年报，营业收入为1,400万元。', info({ numbers: [operand('14000000')] }))).toBe('lookup');
    expect(classifyStep('The question states the cost is 830.', info({ numbers: [operand('830')] }))).toBe('lookup');
    expect(classifyStep('Revenue: 1,400.', info({ numbers: [operand('1400', { kind: 'question', start: 0, end: 5 })] }))).toBe('lookup');
    // Words without figures are not a lookup.
    expect(classifyStep('根据题目，我们需要计算毛利率。', info())).toBe('other');
  });

  it('finds assumptions', () => {
    expect(classifyStep('Assume a tax rate of 25%.', info({ numbers: [operand('0.25')] }))).toBe('assumption');
    expect(classifyStep('假设税率为25%。', info({ numbers: [operand('0.25')] }))).toBe('assumption');
    expect(classifyStep('If we take 365 days a year…', info())).toBe('assumption');
  });

  it('makes the last step a conclusion on any conclusion word, earlier ones only on strong words without a calculation', () => {
    expect(classifyStep('Therefore the margin is 40.71%.', info({ isLast: true }))).toBe('conclusion');
    expect(classifyStep('所以毛利率为40.71%。', info({ isLast: true }))).toBe('conclusion');
    expect(classifyStep('So margin = 570 / 1,400 = 40.71%.', info({ isLast: true, hasCalculation: true }))).toBe('conclusion');
    expect(classifyStep('Therefore profit = 1,400 - 830 = 570.', info({ hasCalculation: true }))).toBe('calculation');
    expect(classifyStep('综上，答案是40.71%。', info())).toBe('conclusion');
    expect(classifyStep('In conclusion, the margin is 40.71%.', info())).toBe('conclusion');
    expect(classifyStep('So we move on.', info())).toBe('other');
  });

  it('puts a check before a conclusion', () => {
    expect(classifyStep('Wait, so the answer is 15%.', info({ isLast: true }))).toBe('check');
  });
});

describe('segmentSteps on a trace without blank lines', () => {
  it('splits calculations and the closing sentence apart', () => {
    expect(texts('营业收入为1,400万元。\n毛利 = 1,400 - 830 = 570万元\n毛利率 = 570 / 1,400 ≈ 40.71%\n所以毛利率约为40.71%。')).toEqual([
      '营业收入为1,400万元。\n毛利 = 1,400 - 830 = 570万元',
      '毛利率 = 570 / 1,400 ≈ 40.71%',
      '所以毛利率约为40.71%。',
    ]);
  });
});
