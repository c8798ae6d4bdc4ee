/**
 * Validates the evaluation corpus on its own (no inspector involved): format, size, language mix, that every planted
 * item is literally in its trace, and that every planted error's `expected` is the exact result at the claim's
 * written precision — recomputed here with decimal.js, so an edit to the corpus cannot plant a wrong ground truth.
 */
import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { expressionsMatch, isChinese, loadCorpus, numberCore, numbersMatch, parseCorpus } from './corpus';

const traces = loadCorpus();

describe('inspector corpus: format', () => {
  it('parses (every line against the schema) and is large enough', () => {
    expect(traces.length).toBeGreaterThanOrEqual(60);
  });

  it('is at least half Chinese', () => {
    const chinese = traces.filter(isChinese).length;
    expect(chinese * 2).toBeGreaterThanOrEqual(traces.length);
    // The id says the language too, and must agree.
    for (const trace of traces) expect(trace.id.startsWith('zh-'), trace.id).toBe(isChinese(trace));
  });

  it('has unique ids', () => {
    const ids = traces.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has at least 25 traces with nothing planted, tagged "correct"', () => {
    const clean = traces.filter(
      (t) => t.expected.wrong.length === 0 && t.expected.unsourced.length === 0 && t.expected.answerConsistent !== false,
    );
    expect(clean.length).toBeGreaterThanOrEqual(25);
    for (const trace of traces) expect(trace.tags.includes('correct'), trace.id).toBe(clean.includes(trace));
  });

  it('writes 3 to 12 steps per reasoning and a boxed answer', () => {
    for (const trace of traces) {
      const paragraphs = trace.reasoning.split(/\n\s*\n/).filter((p) => p.trim()).length;
      expect(paragraphs, trace.id).toBeGreaterThanOrEqual(3);
      expect(paragraphs, trace.id).toBeLessThanOrEqual(12);
      expect(trace.answer, trace.id).toContain('\\boxed{');
    }
  });

  it('reports a bad line with its number', () => {
    expect(() => parseCorpus('{"id": "en-01-x"}\n')).toThrowError(/line 1: /);
    expect(() => parseCorpus('\nnot json\n')).toThrowError(/line 2: not JSON/);
  });
});

describe('inspector corpus: planted items are in the trace', () => {
  it('writes every planted error as "expression = claimed" in the reasoning', () => {
    for (const trace of traces) {
      for (const w of trace.expected.wrong) {
        expect(trace.reasoning, `${trace.id}: ${w.expression}`).toContain(w.expression);
        expect(trace.reasoning, `${trace.id}: ${w.claimed}`).toContain(w.claimed);
        const written = new RegExp(`${escape(w.expression)}\\s*[=＝≈]\\s*(?:约)?\\s*[$¥]?${escape(w.claimed)}`);
        expect(trace.reasoning, `${trace.id}: ${w.expression} = ${w.claimed}`).toMatch(written);
      }
    }
  });

  it('writes every affected expression and unsourced number in the reasoning', () => {
    for (const trace of traces) {
      for (const expression of trace.expected.affected) expect(trace.reasoning, trace.id).toContain(expression);
      for (const raw of trace.expected.unsourced) expect(trace.reasoning, trace.id).toContain(raw);
    }
  });

  it('tags a trace "retraction" exactly when one of its planted errors is retracted', () => {
    for (const trace of traces) {
      expect(trace.tags.includes('retraction'), trace.id).toBe(trace.expected.wrong.some((w) => w.retracted));
    }
  });
});

describe('inspector corpus: ground truth arithmetic', () => {
  const planted = traces.flatMap((t) => t.expected.wrong.map((w) => ({ id: t.id, ...w })));

  it.each(planted.map((p) => [`${p.id}: ${p.expression} = ${p.claimed}`, p] as const))('%s', (_, p) => {
    const { value, hasUnits } = evaluate(p.expression);
    const claimed = readClaim(p.claimed, hasUnits);
    const expected = readClaim(p.expected, hasUnits);
    // `expected` is written at the claim's precision and unit.
    expect(expected.decimals, 'expected has the claimed precision').toBe(claimed.decimals);
    expect(expected.scale.eq(claimed.scale), 'expected has the claimed unit').toBe(true);
    const rounded = value.div(claimed.scale).toDecimalPlaces(claimed.decimals, Decimal.ROUND_HALF_UP);
    expect(rounded.eq(expected.digits), `exact ${value.toString()} rounds to ${rounded.toString()}`).toBe(true);
    expect(rounded.eq(claimed.digits), 'a planted error is actually wrong').toBe(false);
  });
});

describe('corpus matching helpers', () => {
  it('matches expressions across spacing, separators, full-width forms and labels', () => {
    expect(expressionsMatch('5,829 - 5,735', '5829-5735')).toBe(true);
    expect(expressionsMatch('３，６５０－２，１８０', '3,650 - 2,180')).toBe(true);
    expect(expressionsMatch('45.2 million x $38.50', '45.2 × 38.50')).toBe(true);
    expect(expressionsMatch('EV = 1,840.2 + 620 - 185', '1,840.2 + 620 - 185')).toBe(true);
    expect(expressionsMatch('1.2亿 - 8,000万', '1.2亿-8000万')).toBe(true);
    expect(expressionsMatch('8,640 ÷ 1,440', '1,440')).toBe(false);
    expect(expressionsMatch('104 / 5,735', '94 / 5,735')).toBe(false);
  });

  it('reduces written numbers to their core', () => {
    expect(numberCore('$1,840.2 million')).toBe('1840.2');
    expect(numberCore('（830）')).toBe('-830');
    expect(numberCore('１，５７０（万元）')).toBe('1570');
    expect(numberCore('5,000万')).toBe('5000万');
    expect(numberCore('２４３．７５')).toBe('243.75');
    expect(numbersMatch('12%', '12 %')).toBe(true);
    expect(numbersMatch('12%', '12')).toBe(false);
    expect(numbersMatch('5,000万', '5000')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A small reference evaluator for the corpus's written expressions (not the inspector's: deliberately independent)

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const UNIT: Record<string, Decimal> = {
  万: new Decimal(1e4),
  亿: new Decimal(1e8),
  千: new Decimal(1e3),
  百万: new Decimal(1e6),
  million: new Decimal(1e6),
  billion: new Decimal(1e9),
  thousand: new Decimal(1e3),
};

type Token = { op: string } | { num: Decimal; unit: boolean };

function fold(text: string): string {
  return text
    .replace(/²/g, '^2')
    .replace(/³/g, '^3')
    .normalize('NFKC')
    .replace(/[−–]/g, '-')
    .replace(/(\d),(?=\d{3}(?!\d))/g, '$1');
}

const NUMBER = /^(\d+(?:\.\d+)?)(\s*%)?(百万|万|亿|千|\s*million|\s*billion|\s*thousand)?/;

function tokenize(expression: string): Token[] {
  const text = fold(expression);
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const c = text[i] ?? '';
    if (/\s|\$/.test(c)) {
      i++;
      continue;
    }
    const m = NUMBER.exec(rest);
    if (m) {
      let num = new Decimal(m[1] ?? '0');
      if (m[2]) num = num.div(100);
      const unit = m[3]?.trim();
      if (unit) num = num.times(UNIT[unit] ?? 1);
      tokens.push({ num, unit: Boolean(unit) });
      i += m[0].length;
      continue;
    }
    if (/^x\s/.test(rest) || '+-×*/÷^()'.includes(c)) {
      tokens.push({ op: c === 'x' || c === '×' ? '*' : c === '÷' ? '/' : c });
      i++;
      continue;
    }
    throw new Error(`cannot read "${rest}" in "${expression}"`);
  }
  return tokens;
}

/** + - * / ^ and parentheses; a parenthesised lone number is an accounting negative, as in the reports. */
function evaluate(expression: string): { value: Decimal; hasUnits: boolean } {
  const tokens = tokenize(expression);
  let pos = 0;
  let hasUnits = false;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (t: Token | undefined, ops: string): t is { op: string } => Boolean(t && 'op' in t && ops.includes(t.op));
  const primary = (): Decimal => {
    const t = tokens[pos++];
    if (t && 'num' in t) {
      hasUnits ||= t.unit;
      return t.num;
    }
    if (isOp(t, '-')) return primary().neg();
    if (isOp(t, '(')) {
      const inner = tokens[pos];
      if (inner && 'num' in inner && isOp(tokens[pos + 1], ')')) {
        pos += 2;
        hasUnits ||= inner.unit;
        return inner.num.neg();
      }
      const v = sum();
      if (!isOp(tokens[pos++], ')')) throw new Error(`unbalanced parentheses in "${expression}"`);
      return v;
    }
    throw new Error(`unexpected token in "${expression}"`);
  };
  const power = (): Decimal => {
    const base = primary();
    if (isOp(peek(), '^')) {
      pos++;
      return base.pow(primary());
    }
    return base;
  };
  const product = (): Decimal => {
    let v = power();
    while (isOp(peek(), '*/')) {
      const op = (tokens[pos++] as { op: string }).op;
      v = op === '*' ? v.times(power()) : v.div(power());
    }
    return v;
  };
  const sum = (): Decimal => {
    let v = product();
    while (isOp(peek(), '+-')) {
      const op = (tokens[pos++] as { op: string }).op;
      v = op === '+' ? v.plus(product()) : v.minus(product());
    }
    return v;
  };
  const value = sum();
  if (pos !== tokens.length) throw new Error(`trailing tokens in "${expression}"`);
  return { value, hasUnits };
}

/**
 * A claimed (or expected) value as written: its digits, written decimals and the scale they are in (% → 0.01,
 * 万 → 10⁴…). A unit on the claim of a calculation whose operands have none is only a label (scale 1).
 */
function readClaim(raw: string, operandsHaveUnits: boolean): { digits: Decimal; decimals: number; scale: Decimal } {
  const m = NUMBER.exec(fold(raw).replace(/^\$/, ''));
  if (!m?.[1]) throw new Error(`cannot read claim "${raw}"`);
  let scale = new Decimal(m[2] ? '0.01' : '1');
  const unit = m[3]?.trim();
  if (unit && operandsHaveUnits) scale = scale.times(UNIT[unit] ?? 1);
  return { digits: new Decimal(m[1]), decimals: m[1].split('.')[1]?.length ?? 0, scale };
}

