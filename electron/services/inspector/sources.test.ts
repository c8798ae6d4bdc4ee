import { describe, expect, it } from 'vitest';
import type { NumberMention, TraceStep } from '../../shared/inspection';
import { findCalculations } from './calculations';
import { extractNumbers } from './numbers';
import { buildSourceIndex, findPageMarkers, isTrivialConstant, parseWrittenNumber, sourceKind, traceSources, valueKeys } from './sources';
import { buildSteps, type N } from './testSteps';


/** Builds mentions for a source text the same way. */
function mentions(text: string, numbers: N[]): NumberMention[] {
  return buildSteps([{ text, numbers }])[0]!.numbers;
}

/** Steps read by the real number and calculation finders, one per text. */
function readSteps(...texts: string[]): TraceStep[] {
  let offset = 0;
  return texts.map((text, index) => {
    const start = offset;
    offset += text.length + 2;
    const shift = <T extends { start: number; end: number }>(x: T): T => ({ ...x, start: x.start + start, end: x.end + start });
    return { index, start, end: start + text.length, text, kind: 'other', numbers: extractNumbers(text).map(shift), checks: findCalculations(text).map(shift), affected: false };
  });
}

const unsourcedIn = (steps: TraceStep[]) => steps.flatMap((s) => s.numbers.filter((n) => n.source?.kind === 'unsourced').map((n) => n.raw));

const sourcesOf = (steps: TraceStep[]) => steps.flatMap((s) => s.numbers.map((n) => [n.raw, n.source]));

describe('value keys', () => {
  it('reconciles units and percent forms', () => {
    expect(valueKeys({ value: '14000000', unit: '万' })).toEqual(['14000000', '1400']);
    expect(valueKeys({ value: '0.045', unit: '%' })).toEqual(['0.045', '4.5']);
    expect(valueKeys({ value: '-830', unit: null })).toEqual(['830']);
    expect(valueKeys({ value: '1400.00', unit: null })).toEqual(['1400']);
  });

  it('reads a lone written number', () => {
    expect(parseWrittenNumber('1,400')).toEqual({ value: '1400', unit: null });
    expect(parseWrittenNumber('40.71\\%')).toEqual({ value: '0.4071', unit: '%' });
    expect(parseWrittenNumber('（830）')).toEqual({ value: '-830', unit: null });
    expect(parseWrittenNumber('1.2亿')).toEqual({ value: '120000000', unit: '亿' });
    expect(parseWrittenNumber('3 million')).toEqual({ value: '3000000', unit: 'million' });
    expect(parseWrittenNumber('about')).toBeNull();
  });

  it('knows the trivial constants', () => {
    const m = (value: string, unit: NumberMention['unit'] = null) => mentions(value, [[value, value, unit]])[0]!;
    for (const v of ['0', '1', '2', '10', '100', '1000', '10000', '12', '365']) expect(isTrivialConstant(m(v))).toBe(true);
    for (const v of ['3', '830', '0.5', '1001']) expect(isTrivialConstant(m(v))).toBe(false);
    expect(isTrivialConstant(m('100', '%'))).toBe(false);
  });
});

describe('traceSources', () => {
  const question = 'Revenue was 1,400万元 and cost of sales 830万元 in 2023. The tax rate is 4.5%.';
  const questionNumbers = mentions(question, [
    ['1,400万', '14000000', '万'],
    ['830万', '8300000', '万'],
    ['2023', '2023', null, 'year'],
    ['4.5%', '0.045', '%'],
  ]);

  it('finds operands in the question with unit and percent reconciliation', () => {
    const steps = buildSteps([
      { text: 'Revenue is 1400万, i.e. 14,000,000; in 2023 cost was 830. Tax 0.045 or 4.5.', numbers: [['1400万', '14000000', '万'], ['14,000,000', '14000000'], ['2023', '2023', null, 'year'], ['830', '830'], ['0.045', '0.045'], ['4.5', '4.5']] },
    ]);
    traceSources(steps, { question, questionNumbers });
    const q = (raw: string) => {
      const at = question.indexOf(raw);
      return { kind: 'question', start: at, end: at + raw.length };
    };
    expect(sourcesOf(steps)).toEqual([
      ['1400万', q('1,400万')],
      ['14,000,000', q('1,400万')],
      ['2023', null],
      ['830', q('830万')],
      ['0.045', q('4.5%')],
      ['4.5', q('4.5%')],
    ]);
  });

  it('finds operands in the context with the page before them', () => {
    const context = '[page 3]\nIncome statement\nRevenue 1,400\n【第12页】\n净利润 210';
    const contextNumbers = mentions(context, [['3', '3'], ['1,400', '1400'], ['12', '12'], ['210', '210']]);
    expect(findPageMarkers(context).map((m) => m.page)).toEqual([3, 12]);
    const steps = buildSteps([{ text: 'Net profit 210 over revenue 1,400; 12 is not a figure.', numbers: [['210', '210'], ['1,400', '1400'], ['12', '12']] }]);
    const unsourced = traceSources(steps, { question: '', questionNumbers: [], context, contextNumbers });
    expect(sourcesOf(steps)).toEqual([
      ['210', { kind: 'context', start: context.indexOf('210'), end: context.indexOf('210') + 3, page: 12 }],
      ['1,400', { kind: 'context', start: context.indexOf('1,400'), end: context.indexOf('1,400') + 5, page: 3 }],
      ['12', null], // trivial constant: the "12" of the page marker is no source
    ]);
    expect(unsourced).toBe(0);
  });

  it('extracts the numbers of the question and context itself when not given them', () => {
    const steps = buildSteps([{ text: '净利率 = 210 / 1,400 = 15%', numbers: [['210', '210'], ['1,400', '1400'], ['15%', '0.15', '%']], checks: [['210 / 1,400', '15%', '0.15', '15%', 'correct']] }]);
    traceSources(steps, { question: '营业收入1,400万元', context: '【第7页】净利润210万元' });
    expect(steps[0]!.numbers.map((n) => n.source)).toEqual([
      { kind: 'context', start: 8, end: 12, page: 7 },
      { kind: 'question', start: 4, end: 10 },
      { kind: 'derived', stepIndex: 0, checkIndex: 0 },
    ]);
  });

  it('prefers the question, then the context', () => {
    const steps = buildSteps([{ text: 'x 830', numbers: [['830', '830']] }]);
    traceSources(steps, { question: 'cost 830', questionNumbers: mentions('cost 830', [['830', '830']]), context: 'cost 830', contextNumbers: mentions('cost 830', [['830', '830']]) });
    expect(steps[0]!.numbers[0]!.source?.kind).toBe('question');
  });

  it('derives results, earlier mentions and recomputations; reports the rest as unsourced', () => {
    const steps = buildSteps([
      { text: 'Gross profit = 1400 - 830 = 580.', numbers: [['1400', '1400'], ['830', '830'], ['580', '580']], checks: [['1400 - 830', '580', '570', '570', 'wrong']] },
      { text: 'Margin = 580 / 1400 = 41.43%. Other costs 77.', numbers: [['580', '580'], ['1400', '1400'], ['41.43%', '0.4143', '%'], ['77', '77']], checks: [['580 / 1400', '41.43%', '0.41428571', '0.4143', 'correct']] },
      { text: 'Check 41.43 and 77 and 570 times 100.', numbers: [['41.43', '41.43'], ['77', '77'], ['570', '570'], ['100', '100']] },
    ]);
    const unsourced = traceSources(steps, { question: 'Revenue 1400, cost 830', questionNumbers: mentions('Revenue 1400, cost 830', [['1400', '1400'], ['830', '830']]) });
    expect(steps.flatMap((s) => s.numbers.map((n) => n.source))).toEqual([
      { kind: 'question', start: 8, end: 12 },
      { kind: 'question', start: 19, end: 22 },
      { kind: 'derived', stepIndex: 0, checkIndex: 0 }, // its own calculation's result
      { kind: 'derived', stepIndex: 0, checkIndex: 0 }, // the claimed result of step 1
      { kind: 'question', start: 8, end: 12 },
      { kind: 'derived', stepIndex: 1, checkIndex: 0 },
      { kind: 'unsourced' },
      { kind: 'derived', stepIndex: 1, checkIndex: 0 }, // 41.43 is the claimed 41.43% written without %
      { kind: 'derived', stepIndex: 1 }, // an earlier mention
      { kind: 'derived', stepIndex: 0, checkIndex: 0 }, // the exact recomputation of 1400 - 830
      null, // ×100: a trivial constant
    ]);
    expect(unsourced).toBe(1);
  });

  it('works in Chinese with 万 reconciliation', () => {
    const q = '公司2023年营业收入为1,400万元，营业成本为830万元。';
    const qn = mentions(q, [['2023', '2023', null, 'year'], ['1,400万', '14000000', '万'], ['830万', '8300000', '万']]);
    const steps = buildSteps([{ text: '毛利 = 1400 - 830 = 570万元', numbers: [['1400', '1400'], ['830', '830'], ['570万', '5700000', '万']], checks: [['1400 - 830', '570万元', '570', '570', 'correct']] }]);
    traceSources(steps, { question: q, questionNumbers: qn });
    expect(steps[0]!.numbers.map((n) => n.source?.kind)).toEqual(['question', 'question', 'derived']);
  });

  it('fills only from the given step on, still reading earlier steps', () => {
    const steps = buildSteps([
      { text: 'a = 3 + 4 = 7', numbers: [['3', '3'], ['4', '4'], ['7', '7']], checks: [['3 + 4', '7', '7', '7', 'correct']] },
      { text: 'b = 7 * 3 = 21', numbers: [['7', '7'], ['3', '3'], ['21', '21']], checks: [['7 * 3', '21', '21', '21', 'correct']] },
    ]);
    const index = buildSourceIndex({ question: '', questionNumbers: [] });
    traceSources(steps, index, 1);
    expect(steps[0]!.numbers.map((n) => n.source)).toEqual([null, null, null]);
    expect(steps[1]!.numbers.map((n) => n.source)).toEqual([{ kind: 'derived', stepIndex: 0, checkIndex: 0 }, { kind: 'derived', stepIndex: 0 }, { kind: 'derived', stepIndex: 1, checkIndex: 0 }]);
  });

  it('never matches a duration with a percentage or an amount', () => {
    expect(sourceKind({ unit: null, duration: true })).toBe('duration');
    expect(sourceKind({ unit: '%' })).toBe('unit');
    const zh = readSteps('根据规定，应当在该事实发生之日起3日内作出书面报告；比例每增加5%应当公告。');
    traceSources(zh, { question: '比例每增加或者减少（ ）？\nA. 1%\nB. 3%\nC. 5%' });
    expect(unsourcedIn(zh)).toEqual(['3']);
    const en = readSteps('The notice must be filed within 3 days, and 5% holders must report.');
    traceSources(en, { question: 'Options: A. 3% B. 5%' });
    expect(unsourcedIn(en)).toEqual(['3']);
    // A duration still matches a plain count, and a percent's digits still source a plain number.
    const plain = readSteps('Over 3 days the fee is 4.5 per 100, i.e. 3 × 4.5 = 13.5.');
    traceSources(plain, { question: 'A 3 day window at a 4.5% fee.' });
    expect(unsourcedIn(plain)).toEqual([]);
  });

  it('takes a duration glued into a term ("5-year", "5年期") as a source', () => {
    const en = readSteps('The bond has a 5-year term.', 'Total coupons = 42 × 5 = 210.');
    traceSources(en, { question: 'Coupon 42 a year.', context: 'A 5-year term.' });
    expect(en[1]!.numbers.map((n) => [n.raw, n.source?.kind])).toEqual([
      ['42', 'question'],
      ['5', 'context'],
      ['210', 'derived'],
    ]);
    expect(en[0]!.numbers[0]).toMatchObject({ role: 'label', source: null });
    const zh = readSteps('这是5年期国债。', '利息合计 = 42 × 5 = 210。');
    traceSources(zh, { question: '每年利息42元。' });
    expect(zh[1]!.numbers[1]!.source).toEqual({ kind: 'derived', stepIndex: 0 });
  });

  it('derives the middle of a chain from the link before it', () => {
    const en = readSteps('Growth = (2,398 - 2,180) / 2,180 = 218 / 2,180 = 0.1 = 10%.');
    traceSources(en, { question: 'Revenue 2,398 this year and 2,180 last year.' });
    expect(en[0]!.numbers.find((n) => n.raw === '218')!.source).toEqual({ kind: 'derived', stepIndex: 0, checkIndex: 0 });
    expect(unsourcedIn(en)).toEqual([]);
    const zh = readSteps('所得税 = (1,250 - 830) × 25% = 420 × 25% = 105');
    traceSources(zh, { question: '收入1,250万元，成本830万元，税率25%。' });
    expect(zh[0]!.numbers.find((n) => n.raw === '420')!.source).toEqual({ kind: 'derived', stepIndex: 0, checkIndex: 0 });
    // Only inside the chain: the same value written elsewhere is still looked up.
    const apart = readSteps('x = (2,398 - 2,180) / 2,180 = 0.1', 'Then 218 more.');
    traceSources(apart, { question: '2,398 and 2,180' });
    expect(unsourcedIn(apart)).toEqual(['218']);
  });

  it('derives the result of a superscript power', () => {
    const zh = readSteps('折现因子：1 + 10% = 1.1，1.1² = 1.21。', '第2年现值 = 300 ÷ 1.21 ≈ 247.93');
    traceSources(zh, { question: '每年末现金净流入300万元，折现率为10%。' });
    expect(unsourcedIn(zh)).toEqual([]);
    const en = readSteps('Growth factor 1 + 3% = 1.03, so 1.03² = 1.0609, and 1.0609 × 1.03 = 1.092727.');
    traceSources(en, { question: 'Rate 3% a year.' });
    expect(unsourcedIn(en)).toEqual([]);
  });
});
