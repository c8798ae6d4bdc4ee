import { describe, expect, it } from 'vitest';
import { canonical } from '../../inspector/sources';
import { numberLabel, readNumber, scoreNumber } from './numbers';

const value = (text: string): string | null => {
  const n = readNumber(text);
  return n && canonical(n.value);
};

describe('readNumber: written forms', () => {
  it.each([
    ['1234', '1234'],
    ['1,234.5', '1234.5'],
    ['1，234', '1234'],
    ['１，２３４', '1234'],
    ['-1,200', '-1200'],
    ['−1,200', '-1200'],
    ['(1,200)', '-1200'],
    ['（1,200）', '-1200'],
    ['(12)', '-12'],
    ['$1,234', '1234'],
    ['\\$1,234', '1234'],
    ['¥1,234', '1234'],
    ['1,234元', '1234'],
    ['RMB 1,234', '1234'],
    ['1.64%', '0.0164'],
    ['1.64\\%', '0.0164'],
    ['1.64％', '0.0164'],
    ['百分之5', '0.05'],
    ['2.7个百分点', '0.027'],
    ['1.2 billion', '1200000000'],
    ['$1.2 billion', '1200000000'],
    ['1.2bn', '1200000000'],
    ['$1.2B', '1200000000'],
    ['1.2m', '1200000'],
    ['$5mm', '5000000'],
    ['20k', '20000'],
    ['3 thousand', '3000'],
    ['2 trillion', '2000000000000'],
    ['1.2\\text{ million}', '1200000'],
    ['1{,}400', '1400'],
    ['1.5万', '15000'],
    ['3.2亿', '320000000'],
    ['1.2千万', '12000000'],
    ['5百万', '5000000'],
    ['1.1万亿', '1100000000000'],
    ['0.4亿元', '40000000'],
    ['\\frac{1}{4}', '0.25'],
    ['\\dfrac{3}{4}\\%', '0.0075'],
    ['-\\frac{1}{8}', '-0.125'],
    ['approximately 12.5', '12.5'],
    ['约12.5', '12.5'],
    ['2019', '2019'],
    ['The change is 120 - 100 = 20 million', '20000000'],
  ])('%s → %s', (text, want) => {
    expect(value(text)).toBe(want);
  });

  it('keeps the written precision in the value\'s own space', () => {
    expect(readNumber('1.64%')!.decimals).toBe(4);
    expect(readNumber('1.2 billion')!.decimals).toBe(-8);
    expect(readNumber('1,200')!.decimals).toBe(0);
    expect(readNumber('15.0')!.decimals).toBe(1);
    expect(readNumber('1.5万')!.decimals).toBe(-3);
  });

  it('leaves the sign open when only a word gives it', () => {
    expect(readNumber('a decrease of 5%')!.signOpen).toBe(true);
    expect(readNumber('下降5%')!.signOpen).toBe(true);
    expect(readNumber('3.2% decrease')!.signOpen).toBe(true);
    expect(readNumber('5%')!.signOpen).toBe(false);
    expect(readNumber('-5%')!.signOpen).toBe(false);
  });

  it('finds none where there is none', () => {
    expect(readNumber('')).toBeNull();
    expect(readNumber('not enough information')).toBeNull();
    expect(numberLabel('1.64%')).toBe('0.0164');
  });
});

describe('scoreNumber: values and written forms', () => {
  it.each([
    ['1234', '1234'],
    ['1,234', '1234'],
    ['1，234', '1234'],
    ['$1,234', '1234'],
    ['1234元', '1234'],
    ['(1,200)', '-1200'],
    ['-1200', '(1,200)'],
    ['−1,200', '-1200'],
    ['\\frac{1}{4}', '0.25'],
    ['0.25', '\\frac{1}{4}'],
    ['1{,}400', '1400'],
    ['\\$1,400', '1400'],
    ['1.2\\text{ million}', '1200000'],
    ['12.5', '12.50'],
  ])('%s = %s', (predicted, reference) => {
    expect(scoreNumber(predicted, reference)).toBe(true);
  });

  it('checks the sign when it is written', () => {
    expect(scoreNumber('1200', '-1200')).toBe(false);
    expect(scoreNumber('(1,200)', '1200')).toBe(false);
    expect(scoreNumber('-5%', '0.05')).toBe(false);
  });

  it('leaves the sign open when a word gives it', () => {
    expect(scoreNumber('a decrease of 5%', '-0.05')).toBe(true);
    expect(scoreNumber('a decrease of 5%', '0.05')).toBe(true);
    expect(scoreNumber('净利润下降3.2%', '-0.032')).toBe(true);
  });

  it('is wrong on a different number, or none', () => {
    expect(scoreNumber('1235', '1234')).toBe(false);
    expect(scoreNumber('', '1234')).toBe(false);
    expect(scoreNumber('n/a', '1234')).toBe(false);
    expect(scoreNumber('1234', 'n/a')).toBe(false);
  });
});

describe('scoreNumber: percent and decimal forms', () => {
  it('1.64% = 0.0164, both ways', () => {
    expect(scoreNumber('1.64%', '0.0164')).toBe(true);
    expect(scoreNumber('0.0164', '1.64%')).toBe(true);
    expect(scoreNumber('1.64\\%', '0.0164')).toBe(true);
    expect(scoreNumber('百分之1.64', '0.0164')).toBe(true);
  });

  it('accepts a percent written without its sign for a ratio reference', () => {
    expect(scoreNumber('1.64', '0.0164')).toBe(true);
    expect(scoreNumber('1.64', '1.64%')).toBe(true);
    expect(scoreNumber('16.4', '0.164')).toBe(true);
  });

  it('does not accept a ratio for a reference written as a plain number: 0.164 for 16.4 is wrong', () => {
    expect(scoreNumber('0.164', '16.4')).toBe(false);
    expect(scoreNumber('0.0164', '1.64')).toBe(false);
  });

  it('accepts a percent for a reference that gives the percentage as a plain number', () => {
    expect(scoreNumber('14.1%', '14.1')).toBe(true);
  });

  it('no percent reading for large references: 1500 is not 15', () => {
    expect(scoreNumber('1500', '15')).toBe(false);
  });
});

describe('scoreNumber: precision', () => {
  it('rounds the reference to the decimals the prediction was written with', () => {
    expect(scoreNumber('1.64%', '0.016412')).toBe(true);
    expect(scoreNumber('1.6%', '0.016412')).toBe(true);
    expect(scoreNumber('1.7%', '0.016412')).toBe(false);
    expect(scoreNumber('1.65%', '0.016412')).toBe(false);
    expect(scoreNumber('12.35', '12.3456')).toBe(true);
    expect(scoreNumber('12.3', '12.3456')).toBe(true);
    expect(scoreNumber('12.34', '12.3456')).toBe(false);
  });

  it('never compares at fewer than two significant figures of the reference: 2% is not 0.0164', () => {
    expect(scoreNumber('2%', '0.0164')).toBe(false);
    expect(scoreNumber('2%', '0.016412')).toBe(false);
    expect(scoreNumber('0.02', '0.0164')).toBe(false);
    expect(scoreNumber('1.6%', '0.0164')).toBe(true);
    expect(scoreNumber('12', '12.3456')).toBe(true);
    expect(scoreNumber('10', '12.3456')).toBe(false);
    expect(scoreNumber('1000', '1234')).toBe(false);
    expect(scoreNumber('2', '2.4')).toBe(false);
    expect(scoreNumber('2.0', '2.04')).toBe(true);
  });

  it('rounds a prediction more precise than a rounded reference to the reference', () => {
    expect(scoreNumber('0.016412', '0.0164')).toBe(true);
    expect(scoreNumber('1.6412%', '1.64%')).toBe(true);
    expect(scoreNumber('0.0166', '0.016')).toBe(false);
  });

  it('an integer is written to the unit: 1,200 is not 1234', () => {
    expect(scoreNumber('1,200', '1234')).toBe(false);
    expect(scoreNumber('1.2 thousand', '1234')).toBe(true);
  });

  it('a reference on a rounding boundary accepts either neighbour', () => {
    expect(scoreNumber('1.6%', '0.0165')).toBe(true);
    expect(scoreNumber('1.7%', '0.0165')).toBe(true);
  });

  it('zero', () => {
    expect(scoreNumber('0', '0')).toBe(true);
    expect(scoreNumber('0.00', '0')).toBe(true);
    expect(scoreNumber('0.001', '0')).toBe(false);
  });
});

describe('scoreNumber: scale words', () => {
  it('1.2 billion = 1200 million = 1,200,000,000', () => {
    expect(scoreNumber('1.2 billion', '1200 million')).toBe(true);
    expect(scoreNumber('1200 million', '1.2 billion')).toBe(true);
    expect(scoreNumber('1.2 billion', '1200000000')).toBe(true);
    expect(scoreNumber('$1.2bn', '1,200,000,000')).toBe(true);
    expect(scoreNumber('1.2 billion', '1.3 billion')).toBe(false);
  });

  it('a bare reference may be in millions (FinQA tables are), so a prediction in billions still matches', () => {
    expect(scoreNumber('1.2 billion', '1200')).toBe(true);
    expect(scoreNumber('$1.2B', '1234')).toBe(true);
    expect(scoreNumber('1.25 billion', '1234')).toBe(false);
    expect(scoreNumber('1,234', '1.234 billion')).toBe(true);
  });

  it('Chinese scales', () => {
    expect(scoreNumber('1.5万', '15000')).toBe(true);
    expect(scoreNumber('3.2亿元', '320000000')).toBe(true);
    expect(scoreNumber('3.2亿', '32000万')).toBe(true);
    expect(scoreNumber('1.2千万', '12000000')).toBe(true);
    expect(scoreNumber('5百万', '5 million')).toBe(true);
    expect(scoreNumber('1.1万亿', '1.1 trillion')).toBe(true);
    expect(scoreNumber('1,400万元', '14000000')).toBe(true);
    expect(scoreNumber('0.4亿元', '4000')).toBe(true); // reference in 万
  });

  it('a scale word does not rescue a wrong number', () => {
    expect(scoreNumber('1.2 million', '1.2 billion')).toBe(false);
    expect(scoreNumber('12 million', '1300')).toBe(false);
  });
});
