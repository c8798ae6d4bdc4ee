import { describe, expect, it } from 'vitest';
import type { NumberMention } from '../../shared/inspection';
import { extractNumbers, normalizeNumerals } from './numbers';

type Expect = Partial<Pick<NumberMention, 'value' | 'unit' | 'approximate' | 'role' | 'duration'>>;

/** [name, text, raw as written (the nth occurrence when raw repeats), what the mention must say] */
const cases: [string, string, string, Expect, number?][] = [
  // ---- values, separators, full-width forms ----
  ['thousands separator', 'Revenue was 1,400 in total', '1,400', { value: '1400', unit: null, role: 'operand', approximate: false }],
  ['separator with decimals', '毛利为5,829.5元', '5,829.5', { value: '5829.5' }],
  ['millions grouping', 'assets of 12,345,678.90', '12,345,678.90', { value: '12345678.9' }],
  ['plain decimal', 'ratio 0.1500', '0.1500', { value: '0.15' }],
  ['full-width digits and comma', '收入为１，４００万元', '１，４００万', { value: '14000000', unit: '万' }],
  ['Chinese comma after ASCII digits is punctuation', '收入1，400', '1', { value: '1' }],
  ['…and the digits after it a new number', '收入1，400', '400', { value: '400' }],
  ['full-width decimal point and percent', '增长５．５％', '５．５％', { value: '0.055', unit: '%' }],
  ['full-width minus', '变动为－５', '－５', { value: '-5' }],
  ['ASCII sign', 'change of -830', '-830', { value: '-830' }],
  ['plus sign', '同比+5%', '+5%', { value: '0.05', unit: '%' }],
  ['Unicode minus', 'delta −12.5', '−12.5', { value: '-12.5' }],
  ['accounting negative', 'Net loss of (830) plus 1,200', '(830)', { value: '-830', role: 'operand' }],
  ['full-width accounting negative', '营业外支出（830）', '（830）', { value: '-830' }],
  ['accounting negative with currency and unit', '净亏损（830万元）', '（830万元）', { value: '-8300000', unit: '万' }],
  ['accounting negative percent', 'margin (5.2%)', '(5.2%)', { value: '-0.052', unit: '%' }],
  ['grouping parentheses after ×', '1,000 × (1.05)', '1.05', { value: '1.05' }],
  // ---- percent and units ----
  ['percent', 'rate 4.5%', '4.5%', { value: '0.045', unit: '%' }],
  ['LaTeX percent', '15\\% margin', '15\\%', { value: '0.15', unit: '%' }],
  ['百分之 with digits', '增长百分之5', '百分之5', { value: '0.05', unit: '%' }],
  ['percentage points', '提升3个百分点', '3个百分点', { value: '0.03', unit: '%' }],
  ['basis points', 'widened 50 bps', '50 bps', { value: '0.005', unit: null }],
  ['亿 with currency', '净利润1.2亿元', '1.2亿', { value: '120000000', unit: '亿' }],
  ['万 with separator', '成本3,500万', '3,500万', { value: '35000000', unit: '万' }],
  ['万元', '薪酬12万元', '12万', { value: '120000', unit: '万' }],
  ['千', '3千元', '3千', { value: '3000', unit: '千' }],
  ['百万', '5百万美元', '5百万', { value: '5000000', unit: '百万' }],
  ['千万 (no unit tag, value scaled)', '2千万元', '2千万', { value: '20000000', unit: null }],
  ['million with space', 'sales of 1.2 million', '1.2 million', { value: '1200000', unit: 'million' }],
  ['bn glued', 'USD 5bn', '5bn', { value: '5000000000', unit: 'billion' }],
  ['thousand', '3 thousand units', '3 thousand', { value: '3000', unit: 'thousand' }],
  ['$5m with currency', 'a $5m loan', '5m', { value: '5000000', unit: 'million' }],
  ['bare 5m is ambiguous (metres, minutes): not an operand', 'ran 5m today', '5', { role: 'label' }],
  ['currency prefix not part of the value', '¥1,200', '1,200', { value: '1200' }],
  ['RMB prefix', 'RMB 800', '800', { value: '800' }],
  ['range shares its percent', '增长5-10%', '5', { value: '0.05', unit: '%' }],
  // ---- approximations ----
  ['about', 'about 1,200 staff', '1,200', { approximate: true }],
  ['approx.', 'approx. 3.5', '3.5', { approximate: true }],
  ['roughly with currency', 'roughly $40m', '40m', { approximate: true, value: '40000000' }],
  ['tilde', '~45', '45', { approximate: true }],
  ['≈', '≈ 14.3%', '14.3%', { approximate: true }],
  ['约', '约1.2亿元', '1.2亿', { approximate: true }],
  ['大约', '大约300人', '300', { approximate: true }],
  ['约为', '净利润约为1.2亿元', '1.2亿', { approximate: true }],
  ['近', '近5,000家', '5,000', { approximate: true }],
  ['左右 after', '100万元左右', '100万', { approximate: true }],
  ['a range tilde is not approximate', '5~10', '10', { approximate: false }],
  ['exact number', 'cost 1,190', '1,190', { approximate: false }],
  // ---- years ----
  ['year with 年', '2023年收入', '2023', { role: 'year' }],
  ['in 2019', 'in 2019 the company', '2019', { role: 'year' }],
  ['FY2024', 'FY2024 revenue', '2024', { role: 'year' }],
  ['FY24', 'FY24 guidance', '24', { role: 'year' }],
  ['year range first', '2023-2024', '2023', { role: 'year' }],
  ['year range second', '2019-2023 CAGR', '2023', { role: 'year' }],
  ['fiscal range 2023/24', 'FY2023/24', '24', { role: 'year' }],
  ['years joined by and', '2022 and 2023', '2022', { role: 'year' }],
  ['year after a quarter', 'Q3 2024', '2024', { role: 'year' }],
  ['year after a date', 'March 31, 2024', '2024', { role: 'year' }],
  ['end of 2023', 'at the end of 2023', '2023', { role: 'year' }],
  ['estimate suffix', '2025E EPS', '2025', { role: 'year' }],
  ['年度', '2023年度报告', '2023', { role: 'year' }],
  ['separator means an amount', 'costs of 1,999', '1,999', { role: 'operand' }],
  ['revenue of 2000 is an amount', 'revenue of 2000', '2000', { role: 'operand' }],
  ['a year modifying a noun', 'the change divided by the 2018 base', '2018', { role: 'year' }],
  ['a year label in a formula', 'Change = 2023 value - 2022 value = 1,390 - 1,530', '2022', { role: 'year' }],
  ['a year before a longer phrase', 'since the 2017 tax reform', '2017', { role: 'year' }],
  ['an amount before what it counts', 'bought 2000 shares', '2000', { role: 'operand' }],
  ['an amount before a joining word', 'between 1950 and 2,400', '1950', { role: 'operand' }],
  ['an amount before a verb', 'cost was 2000 is wrong', '2000', { role: 'operand' }],
  ['out of range is an amount', 'in 2500 stores', '2500', { role: 'operand' }],
  ['a year-like amount with a unit', '2023万元', '2023万', { role: 'operand' }],
  ['table header year', '| 项目 | 2022 | 2023 |\n|---|---|---|\n| 收入 | 1,000 | 1,200 |', '2022', { role: 'year' }],
  ['table body amount', '| 项目 | 2022 | 2023 |\n|---|---|---|\n| 收入 | 1,000 | 2050 |', '2050', { role: 'operand' }],
  // ---- dates ----
  ['ISO date', 'as of 2024-03-31,', '2024-03-31', { role: 'date' }],
  ['slash date', 'on 2024/03/31', '2024/03/31', { role: 'date' }],
  ['day-first date', 'on 31/03/2024', '31/03/2024', { role: 'date' }],
  ['year-month', 'in 2024-03', '2024-03', { role: 'date' }],
  ['Chinese month', '3月31日', '3', { role: 'date' }],
  ['Chinese day', '3月31日', '31', { role: 'date' }],
  ['duration is an operand', '12个月', '12', { role: 'operand', duration: true }],
  ['3日内 is a duration, not a day of the month', '之日起3日内作出书面报告', '3', { role: 'operand', duration: true }],
  ['a day of the month is a date', '2024年6月28日', '28', { role: 'date' }],
  ['N年 counts years', '3年后的本利和', '3', { role: 'operand', duration: true }],
  ['English duration', 'within 30 days', '30', { role: 'operand', duration: true }],
  ['a duration glued into a term is a label', 'a 5-year term', '5', { role: 'label', duration: true }],
  ['-month term', 'the 6-month bill', '6', { role: 'label', duration: true }],
  ['年期 term', '5年期国债', '5', { role: 'label', duration: true }],
  ['个月期', '6个月期定存', '6', { role: 'label', duration: true }],
  ['quarter', 'Q3 revenue', '3', { role: 'date' }],
  ['half', 'H1 results', '1', { role: 'date' }],
  ['English day', 'March 31', '31', { role: 'date' }],
  ['month range', '1-3月', '1', { role: 'date' }],
  // ---- ordinals and labels ----
  ['Step 2:', 'Step 2: compute', '2', { role: 'ordinal' }],
  ['list marker 1.', '1. Revenue grew', '1', { role: 'ordinal' }],
  ['list marker after indent', 'intro\n  2) costs', '2', { role: 'ordinal' }],
  ['第3步', '第3步：计算', '3', { role: 'ordinal' }],
  ['(1) list marker', '(1) 计算营业利润率', '1', { role: 'ordinal' }],
  ['（2）after a colon', '步骤：（2）计算', '2', { role: 'ordinal' }],
  ['1、 list marker', '1、营业收入', '1', { role: 'ordinal' }],
  ['(3) referred back, before a colon', 'Quick check on (3): 2,142 + 2,520 = 4,662', '3', { role: 'ordinal' }],
  ['（2）referred back in Chinese', '根据（2）的结果', '2', { role: 'ordinal' }],
  ['(15) in a sum stays a negative', '1,250 + (15) = 1,235', '(15)', { role: 'operand', value: '-15' }],
  ['footnote', 'revenue[1] rose', '1', { role: 'label' }],
  ['ordinal suffix', 'the 3rd quarter', '3', { role: 'ordinal' }],
  ['Note 5', 'see Note 5', '5', { role: 'ordinal' }],
  ['identifier Q4_K_M', 'model Q4_K_M', '4', { role: 'label' }],
  ['identifier x86', 'on x86 hardware', '86', { role: 'label' }],
  ['model size 7B', 'a 7B model', '7', { role: 'label' }],
  ['COVID-19', 'COVID-19 impact', '19', { role: 'label' }],
  ['version', 'v1.2.3 release', '1.2.3', { role: 'label' }],
  ['phone number', '电话138-1234-5678', '138-1234-5678', { role: 'label' }],
  ['decimal at line start is not a marker', '1.5 times', '1.5', { role: 'operand' }],
  ['multiple 3x is an operand', 'trades at 12.5x', '12.5', { role: 'operand' }],
  ['3x4 operands', '3x4', '4', { role: 'operand' }],
];

function nth(mentions: NumberMention[], raw: string, n = 0): NumberMention | undefined {
  return mentions.filter((m) => m.raw === raw)[n];
}

describe('extractNumbers', () => {
  it.each(cases)('%s', (_name, text, raw, expected, n) => {
    const mentions = extractNumbers(text);
    const m = nth(mentions, raw, n);
    expect(m, `no mention ${JSON.stringify(raw)} in ${JSON.stringify(mentions.map((x) => x.raw))}`).toBeDefined();
    expect(m).toMatchObject(expected);
    expect(m!.source).toBeNull();
  });

  it('offsets always slice the raw text out of the input', () => {
    for (const [, text] of cases) {
      for (const m of extractNumbers(text)) expect(text.slice(m.start, m.end)).toBe(m.raw);
    }
  });

  it('finds every number of a Chinese trace in order', () => {
    const text = '营业收入为1,400万元，营业利润为210万元，营业利润率 = 210 / 1,400 = 15%。';
    expect(extractNumbers(text).map((m) => [m.raw, m.value, m.unit])).toEqual([
      ['1,400万', '14000000', '万'],
      ['210万', '2100000', '万'],
      ['210', '210', null],
      ['1,400', '1400', null],
      ['15%', '0.15', '%'],
    ]);
  });

  it('reads years and operands of a growth sentence', () => {
    const text = '2023年收入较2022年增长 (3,200 - 2,800) / 2,800 ≈ 14.3%';
    expect(extractNumbers(text).map((m) => [m.raw, m.role, m.approximate])).toEqual([
      ['2023', 'year', false],
      ['2022', 'year', false],
      ['3,200', 'operand', false],
      ['2,800', 'operand', false],
      ['2,800', 'operand', false],
      ['14.3%', 'operand', true],
    ]);
  });

  it('does not split a subtraction into signed numbers', () => {
    expect(extractNumbers('5,829 - 5,735').map((m) => m.value)).toEqual(['5829', '5735']);
    expect(extractNumbers('(1.2 - 1.0) / 1.0').map((m) => m.value)).toEqual(['1.2', '1', '1']);
  });

  it('returns nothing for text without digits', () => {
    expect(extractNumbers('没有数字 no numbers')).toEqual([]);
  });

  it('normalises without changing length', () => {
    const text = '（１，２００－８００）÷８００＝５０％';
    expect(normalizeNumerals(text)).toBe('(1,200-800)÷800=50%');
    expect(normalizeNumerals(text)).toHaveLength(text.length);
  });
});
