import { describe, expect, it } from 'vitest';
import type { CalculationCheck } from '../../shared/inspection';
import { findCalculations } from './calculations';
import { extractNumbers } from './numbers';

type Expect = Partial<Pick<CalculationCheck, 'expression' | 'claimed' | 'computed' | 'expected' | 'status'>>;

/** [name, text, the checks found (in order)] */
const cases: [string, string, Expect[]][] = [
  // ---- the example traces ----
  [
    'zh operating margin in percent',
    '营业收入为1,400万元，营业利润为210万元，营业利润率 = 210 / 1,400 = 15%。',
    [{ expression: '210 / 1,400', claimed: '15%', computed: '0.15', expected: '15%', status: 'correct' }],
  ],
  ['zh gross profit wrong', '毛利 = 5,829 - 5,735 = 104', [{ expression: '5,829 - 5,735', claimed: '104', computed: '94', expected: '94', status: 'wrong' }]],
  [
    'zh growth after an approximate figure',
    '净利润约为1.2亿元，同比增长(1.2 - 1.0) / 1.0 = 20%',
    [{ expression: '(1.2 - 1.0) / 1.0', claimed: '20%', computed: '0.2', expected: '20%', status: 'correct' }],
  ],
  ['interest with a percent operand', 'Interest = 1,000 × 4.5% = 45', [{ expression: '1,000 × 4.5%', claimed: '45', computed: '45', status: 'correct' }]],
  ['accounting negative plus', 'Net loss of (830) plus 1,200 = 370', [{ expression: '(830) plus 1,200', claimed: '370', computed: '370', status: 'correct' }]],
  [
    'years are not operands; ≈ claim',
    '2023年收入较2022年增长 (3,200 - 2,800) / 2,800 ≈ 14.3%',
    [{ expression: '(3,200 - 2,800) / 2,800', claimed: '14.3%', computed: '0.142857142857', expected: '14.3%', status: 'correct' }],
  ],
  ['label then chain, wrong', 'Operating margin = 210 / 1,400 = 0.2', [{ expression: '210 / 1,400', claimed: '0.2', computed: '0.15', expected: '0.15', status: 'wrong' }]],
  ['Chinese units reconciled', '1.2亿 - 8,000万 = 4,000万', [{ expression: '1.2亿 - 8,000万', claimed: '4,000万', computed: '40000000', expected: '4000万', status: 'correct' }]],
  ['Chinese units, wrong', '1.2亿 - 8,000万 = 3,000万', [{ claimed: '3,000万', expected: '4000万', status: 'wrong' }]],
  // ---- chains ----
  [
    'chain with a conversion link',
    'Operating margin = 210 / 1,400 = 0.15 = 15%',
    [
      { expression: '210 / 1,400', claimed: '0.15', status: 'correct' },
      { expression: '0.15', claimed: '15%', status: 'correct' },
    ],
  ],
  [
    'chain: wrong result then a consistent conversion',
    'margin = 210 / 1,400 = 0.2 = 20%',
    [
      { claimed: '0.2', status: 'wrong' },
      { expression: '0.2', claimed: '20%', status: 'correct' },
    ],
  ],
  ['chain: inconsistent conversion', '营业利润率 = 210 / 1,400 = 0.15 = 14%', [{ status: 'correct' }, { expression: '0.15', claimed: '14%', expected: '15%', status: 'wrong' }]],
  [
    'chain with a rewritten expression',
    '(3,200 - 2,800) / 2,800 = 400 / 2,800 = 0.1429 = 14.29%',
    [
      { expression: '(3,200 - 2,800) / 2,800', claimed: '400 / 2,800', status: 'correct' },
      { expression: '400 / 2,800', claimed: '0.1429', status: 'correct' },
      { expression: '0.1429', claimed: '14.29%', status: 'correct' },
    ],
  ],
  ['wrong substitution in a rewrite', '(3,200 - 2,800) / 2,800 = 500 / 2,800', [{ claimed: '500 / 2,800', status: 'wrong' }]],
  ['rewrite with rounded intermediates', '1 / 3 × 300 = 0.3333 × 300', [{ status: 'correct' }]],
  ['multi-line chain', 'Margin = 210 / 1,400\n       = 0.15\n       = 15%', [{ claimed: '0.15', status: 'correct' }, { claimed: '15%', status: 'correct' }]],
  ['a = b × c = d = e%', 'ROE = 0.1 × 1.5 = 0.15 = 15%', [{ expression: '0.1 × 1.5', claimed: '0.15', status: 'correct' }, { claimed: '15%', status: 'correct' }]],
  ['labels with operators in words are skipped', 'ROE = 净利润 / 净资产 = 1,200 / 8,000 = 15%', [{ expression: '1,200 / 8,000', claimed: '15%', status: 'correct' }]],
  // ---- rounding ----
  ['exact decimal', '210 / 1,400 = 0.15', [{ status: 'correct', expected: '0.15' }]],
  ['trailing zeros', '210/1400 = 0.1500', [{ status: 'correct', expected: '0.1500' }]],
  ['1/3 to 2 dp', '1/3 = 0.33', [{ status: 'correct', computed: '0.333333333333' }]],
  ['1/3 to 4 dp', '1/3 = 0.3333', [{ status: 'correct' }]],
  ['1/3 rounded the wrong way', '1/3 = 0.34', [{ status: 'wrong', expected: '0.33' }]],
  ['too few significant digits for an exact claim', '1/3 = 0.3', [{ status: 'wrong', expected: '0.33' }]],
  ['2/3 rounds up', '2/3 = 0.67', [{ status: 'correct' }]],
  ['2/3 truncated to 2 dp is wrong', '2/3 = 0.66', [{ status: 'wrong', expected: '0.67' }]],
  ['2/3 truncated with 3 significant digits is accepted', '2 / 3 = 0.666', [{ status: 'correct' }]],
  ['tie rounds either way', '1/8 = 0.13; 1/8 = 0.12', [{ status: 'correct' }, { status: 'correct' }]],
  ['integer claim for non-integer result', '10/3 = 3', [{ status: 'wrong', expected: '3.3' }]],
  ['≈ integer', '10/3 ≈ 3', [{ status: 'correct', expected: '3' }]],
  ['= about integer', '10/3 = about 3', [{ status: 'correct' }]],
  ['= 约 integer', '10/3 = 约3', [{ status: 'correct' }]],
  ['约等于', '10 / 3 约等于 3.3', [{ status: 'correct' }]],
  ['is approximately', '10/3 is approximately 3.33', [{ status: 'correct' }]],
  ['approximate but off', '10/3 ≈ 3.4', [{ status: 'wrong', expected: '3.3' }]],
  ['approximate allows a tie', '210 / 1,400 ≈ 0.2', [{ status: 'correct' }]],
  ['rounded money', '1,000 * (1 + 5%) ^ 3 = 1,157.63', [{ computed: '1157.625', status: 'correct' }]],
  ['exact integer division', '1,400 / 2 = 700', [{ status: 'correct' }]],
  ['1,234 / 7 to 1 dp', '1,234 / 7 = 176.3', [{ status: 'correct' }]],
  ['1,234 / 7 as an integer', '1,234 / 7 = 176', [{ status: 'wrong', expected: '176.3' }]],
  // ---- percent forms ----
  ['15.0%', '210/1400 = 15.0%', [{ status: 'correct', expected: '15.0%' }]],
  ['rounded percent', '1/3 = 33%', [{ status: 'correct' }]],
  ['wrong percent', '210 / 1,400 = 16%', [{ status: 'wrong', expected: '15%' }]],
  ['× 100 then %', '(3,200 - 2,800) / 2,800 × 100 = 14.29%', [{ status: 'correct' }]],
  ['× 100% then bare', '(3,200 - 2,800) / 2,800 × 100% = 14.29', [{ status: 'correct' }]],
  ['× 100%, claim %', '(1,200 - 1,000) / 1,000 × 100% = 20%', [{ status: 'correct' }]],
  ['× 100 then %, wrong: expected in percent', '(3,200 - 2,800) / 2,800 × 100 = 16%', [{ status: 'wrong', expected: '14%' }]],
  ['percent difference in points', '15% - 12% = 3个百分点', [{ status: 'correct' }]],
  ['percent sum', '4.5% + 1.5% = 6%', [{ status: 'correct' }]],
  ['percent of', '15% of 1,400 = 210', [{ expression: '15% of 1,400', status: 'correct' }]],
  ['的 percent', '1,400的15%为210', [{ expression: '1,400的15%', status: 'correct' }]],
  ['standalone conversion', '0.15 = 15%', [{ status: 'correct' }]],
  ['bps conversion', '50 bps = 0.5%', [{ status: 'correct' }]],
  ['bare restatement is not a calculation', 'Revenue 1,400 = 1,400', []],
  // ---- units ----
  ['unit dropped from the claim', '1,400万 - 210万 = 1,190', [{ status: 'correct' }]],
  ['unit only on the claim', '净利润 = 1,200 × (1 - 25%) = 900万元', [{ claimed: '900万', status: 'correct' }]],
  ['ratio of two 万 amounts, wrong: expected unitless', '1,400万 / 700万 = 3', [{ status: 'wrong', expected: '2' }]],
  ['unit dropped, wrong: expected in the operands’ unit', '1,400万 - 210万 = 1,000', [{ status: 'wrong', expected: '1190' }]],
  ['亿 ratio', '增长率 = (1.2亿 - 1.0亿) / 1.0亿 = 20%', [{ status: 'correct' }]],
  ['亿 = 万 conversion', '1.2亿 = 12,000万', [{ status: 'correct' }]],
  ['English scale words', '$1,200m - $800m = $400m', [{ computed: '400000000', status: 'correct' }]],
  ['billions', 'US$5.5bn / 2 = US$2.75bn', [{ status: 'correct' }]],
  ['per-share with measure words', '每股收益 = 1,200万元 / 1,000万股 = 1.2元/股', [{ claimed: '1.2', status: 'correct' }]],
  // ---- operators and forms ----
  ['full-width everything', '（１，２００－８００）÷８００＝５０％', [{ computed: '0.5', status: 'correct' }]],
  ['Unicode minus and decimals', '5,829.5 − 5,735.2 = 94.3', [{ computed: '94.3', status: 'correct' }]],
  ['leading negative', '−830 + 1,200 = 370', [{ status: 'correct' }]],
  ['accounting negative in an expression', '(830) + 1,200 = 370', [{ status: 'correct' }]],
  ['grouping parentheses around one factor', '1,000 × (1.05) = 1,050', [{ status: 'correct' }]],
  ['x between numbers', '3 x 4 = 12', [{ expression: '3 x 4', status: 'correct' }]],
  ['X glued', '3X4 = 13', [{ status: 'wrong', expected: '12' }]],
  ['asterisk and ÷', '6 * 7 ÷ 2 = 21', [{ status: 'correct' }]],
  ['precedence', '2 + 3 × 4 = 14', [{ status: 'correct' }]],
  ['nested parentheses', '((1 + 2) × (3 + 4)) / 7 = 3', [{ status: 'correct' }]],
  ['integer power', '(1 + 10%)^2 = 1.21', [{ status: 'correct' }]],
  ['superscript power', 'growth factor 1.1² = 1.21', [{ expression: '1.1²', claimed: '1.21', computed: '1.21', status: 'correct' }]],
  ['superscript power, wrong', 'factor 1.03² = 1.0618', [{ expression: '1.03²', computed: '1.0609', expected: '1.0609', status: 'wrong' }]],
  [
    'superscript power of a bracket, zh chain',
    'F = 10,000 × (1 + 3%)³ = 10,000 × 1.092727 = 10,927.27（元）',
    [
      { expression: '10,000 × (1 + 3%)³', claimed: '10,000 × 1.092727', status: 'correct' },
      { expression: '10,000 × 1.092727', claimed: '10,927.27', status: 'correct' },
    ],
  ],
  ['a superscript after a unit is not a power', '面积 = 20 × 5 = 100 m²', [{ expression: '20 × 5', claimed: '100', status: 'correct' }]],
  ['fractional power (CAGR)', 'CAGR = (1,500 / 1,000)^(1/3) - 1 ≈ 14.5%', [{ computed: '0.144714242553', status: 'correct' }]],
  ['word operators zh', '1,400减去210等于1,190', [{ expression: '1,400减去210', status: 'correct' }]],
  ['乘以 and 除以', '200乘以3除以4等于150', [{ status: 'correct' }]],
  ['English word operators', '1,200 minus 300 equals 900', [{ status: 'correct' }]],
  ['"is" as equals', 'so profit is 1,400 - 1,190 = 210.', [{ expression: '1,400 - 1,190', status: 'correct' }]],
  ['为 after an expression', '1,400 - 210为1,190', [{ status: 'correct' }]],
  ['LaTeX fraction', '\\frac{210}{1400} = 0.15', [{ status: 'correct' }]],
  ['LaTeX times and percent', '$1,000 \\times 4.5\\% = 45$', [{ status: 'correct' }]],
  ['markdown bold', '**营业利润率** = 210 / 1,400 = **15%**', [{ status: 'correct' }]],
  ['bullet is not a minus', '- 1,400 - 210 = 1,190', [{ expression: '1,400 - 210', status: 'correct' }]],
  ['numbered list', '1. 300 + 200 = 500\n2. 500 × 2 = 1,000', [{ expression: '300 + 200' }, { expression: '500 × 2' }]],
  ['step label', 'Step 2: 5 × 3 = 15', [{ expression: '5 × 3', status: 'correct' }]],
  ['(1) list marker', '(1) 1,400 - 210 = 1,190', [{ expression: '1,400 - 210', status: 'correct' }]],
  ['prose number before the expression', '增长 3 (1.2 - 1.0) / 1.0 = 20%', [{ expression: '(1.2 - 1.0) / 1.0', status: 'correct' }]],
  ['claim followed by prose', 'Answer: 1,400 / 2 = 700 (rounded)', [{ claimed: '700', status: 'correct' }]],
  ['two calculations in one sentence', '3,200 - 2,800 = 400, 400 / 2,800 = 14.3%', [{ claimed: '400' }, { claimed: '14.3%', status: 'correct' }]],
  // ---- unverifiable ----
  ['division by zero', '1 / 0 = 5', [{ status: 'unverifiable', computed: '' }]],
  ['division by an expression that is zero', '5 / (2 - 2) = 1', [{ status: 'unverifiable' }]],
  // ---- not calculations ----
  ['dates', 'as of 2024-03-31 = Q1 end', []],
  ['year range', '2019-2023 = 4 years', []],
  ['percent range', '5-10% = 5%', []],
  ['ratio', 'the ratio is 3:1 = 3', []],
  ['subtraction of years', '2023 - 2019 = 4', []],
  ['x in words', 'max 5 = 5', []],
  ['identifiers', 'x86 = 86', []],
  ['prose without results', '收入从1,000增长到1,200，增长20%', []],
  ['multiples', 'P/E = 20x, EV/EBITDA = 12.5x', []],
  ['减少 is not an operator', '收入1,400减少200', []],
];

describe('findCalculations', () => {
  it.each(cases)('%s', (_name, text, expected) => {
    const checks = findCalculations(text);
    expect(checks, JSON.stringify(checks)).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(checks[i]).toMatchObject(e));
  });

  it('offsets cover `expression … claimed` in the text', () => {
    for (const [, text] of cases) {
      for (const c of findCalculations(text)) {
        const span = text.slice(c.start, c.end);
        expect(span.startsWith(c.expression)).toBe(true);
        expect(span.endsWith(c.claimed)).toBe(true);
      }
    }
  });

  it('uses the numbers it is given', () => {
    const text = 'Interest = 1,000 × 4.5% = 45';
    const numbers = extractNumbers(text);
    expect(findCalculations(text, numbers)).toEqual(findCalculations(text));
  });

  it('lists the inner values of an expression, for the next link of a chain', () => {
    const [first, second] = findCalculations('Growth = (2,398 - 2,180) / 2,180 = 218 / 2,180 = 0.1');
    expect(first).toMatchObject({ expression: '(2,398 - 2,180) / 2,180', claimed: '218 / 2,180', intermediates: ['218'] });
    expect(second).toMatchObject({ expression: '218 / 2,180', claimed: '0.1' });
    expect(second!.intermediates).toBeUndefined();
    expect(findCalculations('利润 = (1,250 - 830) × 25% = 420 × 25% = 105')[0]!.intermediates).toEqual(['420']);
  });

  it('keeps the whole claim text and a note for non-terminating results', () => {
    const [check] = findCalculations('(3,200 - 2,800) / 2,800 ≈ 14.3%');
    expect(check!.note).toMatch(/12 significant digits/);
  });

  it('checks a longer English trace end to end', () => {
    const trace = [
      'Step 1: Revenue in 2023 was $1,400m and operating profit was $210m.',
      'Step 2: Operating margin = 210 / 1,400 = 0.15 = 15%.',
      'Step 3: Revenue grew from 1,250 to 1,400, so growth = (1,400 - 1,250) / 1,250 = 12%.',
      'Step 4: Interest = 1,000 × 4.5% = 40.',
    ].join('\n');
    expect(findCalculations(trace).map((c) => [c.expression, c.claimed, c.status])).toEqual([
      ['210 / 1,400', '0.15', 'correct'],
      ['0.15', '15%', 'correct'],
      ['(1,400 - 1,250) / 1,250', '12%', 'correct'],
      ['1,000 × 4.5%', '40', 'wrong'],
    ]);
  });

  it('checks a longer Chinese trace end to end', () => {
    const trace = [
      '第1步：2023年营业收入为3,200万元，2022年为2,800万元。',
      '第2步：增长率 = (3,200 - 2,800) / 2,800 ≈ 14.3%',
      '第3步：毛利 = 5,829 - 5,735 = 104万元',
      '第4步：净利润 = 1.2亿 - 8,000万 = 4,000万',
    ].join('\n');
    expect(findCalculations(trace).map((c) => [c.claimed, c.status, c.expected])).toEqual([
      ['14.3%', 'correct', '14.3%'],
      ['104万', 'wrong', '94万'],
      ['4,000万', 'correct', '4000万'],
    ]);
  });
});
