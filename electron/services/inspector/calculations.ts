import type { CalculationCheck, CheckStatus, NumberMention } from '../../shared/inspection';
import { Exact, extractNumbers, normalizeNumerals, plain, type Exact as ExactValue } from './numbers';

/**
 * Finds the calculations a trace writes out (`expr = result`, chained `label = a / b = 0.15 = 15%`) and recomputes
 * them exactly. Arithmetic is over exact rationals whose numerator and denominator are decimal.js integers, so
 * `(1 / 3) × 3` is exactly 1 and a division never rounds before the final comparison.
 *
 * How a claim is judged (the claimed value's written form decides):
 * - The comparison happens in the claim's unit space: "15%" compares 15 with the result × 100, "4,000万" compares
 *   4000 with the result ÷ 10⁴, so its written decimals are its precision.
 * - A result that is exact at the written precision must match exactly ("5,829 - 5,735 = 104" is wrong, expected 94).
 * - Otherwise the claim may be rounded to its written precision (ties either way), but an exact "=" claim must keep at
 *   least two significant digits: "210 / 1,400 = 0.2" is wrong (expected 0.15) while "1 / 3 = 0.33" is right.
 * - A bare integer claimed for a non-integer result ("10 / 3 = 3") is wrong unless written as approximate (≈, about,
 *   约…); percentages and scaled claims ("33%", "411万") are conventionally rounded and exempt.
 * - Claims with three or more significant digits may also be truncated ("2 / 3 = 0.666").
 * - Approximate claims (≈ / 约等于 / about 3 / 约3) only need to round to their written precision.
 * - Superscript exponents are powers: "1.03² = 1.0609", "(1 + 3%)³" (written right after a number or a bracket).
 * - Reconciled forms, tried when the plain reading fails: "× 100 = 15%" and "× 100% = 15" (percent points), a unit
 *   dropped from the claim ("1,400万 - 210万 = 1,190") and a unit only on the claim ("1,400 - 210 = 1,190万").
 */

// ---------------------------------------------------------------------------------------------------------------
// Exact rationals

interface Rational {
  /** Integer numerator, carries the sign. */
  n: ExactValue;
  /** Integer denominator, > 0. */
  d: ExactValue;
}

/** Digits beyond which a computation is refused rather than slowed down (far beyond anything a trace writes). */
const MAX_DIGITS = 400;
const ONE = new Exact(1);
/** For showing non-terminating values and finding magnitudes: 40 digits, where dividing at 1000 would be slow. */
const Approx = Exact.clone({ precision: 40 });
const approxQuotient = (a: Rational): ExactValue => new Approx(a.n).div(new Approx(a.d));
const TEN = new Exact(10);

class EvaluationError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'EvaluationError';
  }
}

function gcd(a: ExactValue, b: ExactValue): ExactValue {
  a = a.abs();
  b = b.abs();
  while (!b.isZero()) [a, b] = [b, a.mod(b)];
  return a;
}

function rational(n: ExactValue, d: ExactValue = ONE): Rational {
  if (d.isZero()) throw new EvaluationError('division by zero');
  if (d.isNeg()) [n, d] = [n.negated(), d.negated()];
  const g = gcd(n, d);
  if (!g.isZero() && !g.eq(1)) [n, d] = [n.divToInt(g), d.divToInt(g)];
  if (n.sd(true) > MAX_DIGITS || d.sd(true) > MAX_DIGITS) throw new EvaluationError('numbers too large to check');
  return { n, d };
}

function fromDecimal(value: string | ExactValue): Rational {
  const [n, d] = new Exact(value).toFraction() as [ExactValue, ExactValue];
  return rational(n, d);
}

const add = (a: Rational, b: Rational): Rational => rational(a.n.times(b.d).plus(b.n.times(a.d)), a.d.times(b.d));
const sub = (a: Rational, b: Rational): Rational => add(a, { n: b.n.negated(), d: b.d });
const mul = (a: Rational, b: Rational): Rational => rational(a.n.times(b.n), a.d.times(b.d));
const div = (a: Rational, b: Rational): Rational => rational(a.n.times(b.d), a.d.times(b.n));
const isZero = (a: Rational): boolean => a.n.isZero();
const eq = (a: Rational, b: Rational): boolean => a.n.eq(b.n) && a.d.eq(b.d);
const abs = (a: Rational): Rational => ({ n: a.n.abs(), d: a.d });
const cmp = (a: Rational, b: Rational): number => a.n.times(b.d).comparedTo(b.n.times(a.d));
const pow10 = (k: number): Rational => (k >= 0 ? { n: TEN.pow(k), d: ONE } : { n: ONE, d: TEN.pow(-k) });

/** Half-up rounding to `dp` decimals, exact (ties away from zero, the financial convention). */
function roundTo(a: Rational, dp: number): Rational {
  const scaled = a.n.abs().times(TEN.pow(dp));
  const q = scaled.times(2).plus(a.d).divToInt(a.d.times(2));
  return rational(a.n.isNeg() ? q.negated() : q, TEN.pow(dp));
}

/** Truncation toward zero to `dp` decimals. */
function truncateTo(a: Rational, dp: number): Rational {
  const q = a.n.abs().times(TEN.pow(dp)).divToInt(a.d);
  return rational(a.n.isNeg() ? q.negated() : q, TEN.pow(dp));
}

/** Whether the decimal expansion terminates (denominator has only the factors 2 and 5). */
function terminates(a: Rational): boolean {
  let d = a.d;
  for (const f of [2, 5]) while (d.mod(f).isZero()) d = d.divToInt(f);
  return d.eq(1);
}

/** Decimal string: exact when it terminates, else 12 significant digits (the caller notes the truncation). */
function display(a: Rational, inexact = false): string {
  if (!inexact && terminates(a)) return plain(a.n.div(a.d));
  return plain(approxQuotient(a).toSignificantDigits(12));
}

/** Fixed-point text with exactly `dp` decimals, e.g. fixed(1/3, 2) = "0.33". */
function fixed(a: Rational, dp: number): string {
  const r = roundTo(a, dp);
  const s = r.n.div(r.d).toFixed(dp);
  return /^-0(?:\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** Decimals needed to show two significant digits of `a` (0 for |a| ≥ 10). */
function decimalsForTwoSignificant(a: Rational): number {
  if (isZero(a)) return 0;
  const e = approxQuotient(abs(a)).e; // exponent of the leading digit
  return Math.max(0, 1 - e);
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

type Op = '+' | '-' | '*' | '/' | '^';

interface NumTok {
  kind: 'num';
  start: number;
  end: number;
  value: Rational;
  mention: NumberMention;
}
type Tok =
  | NumTok
  | { kind: 'op'; start: number; end: number; op: Op }
  | { kind: 'lp' | 'rp'; start: number; end: number }
  | { kind: 'eq'; start: number; end: number; approx: boolean }
  | { kind: 'break'; start: number; end: number };

const EQ_APPROX_WORDS_RE = /(?<![A-Za-z])(?:is|was)\s+(?:approximately|about|roughly|around|approx\.?)(?![A-Za-z])/iy;
const EQ_WORDS_RE = /(?<![A-Za-z])(?:is\s+equal\s+to|equal\s+to|equals?|is|was|gives|yields|comes\s+to)(?![A-Za-z])/iy;
const EQ_APPROX_RE = /约等于|约为|约合|≈|≒|\\approx(?![A-Za-z])/y;
const EQ_RE = /等于|得到|得出|==|=(?!>)|为|得/y;
const OP_SYMBOL_RE = /[-+*×⋅∙/÷^]|\\times(?![A-Za-z])|\\cdot(?![A-Za-z])|\\div(?![A-Za-z])/y;
// Word operators count only between two operands ("(830) plus 1,200", "1,400减去210"): "减少200" is prose.
const OP_WORD_RE = /(?<![A-Za-z])(?:plus|minus|times|multiplied\s+by|divided\s+by)(?![A-Za-z])|加上|减去|乘以|除以|加|减|乘/iy;
const OP_WORD_MAP: Record<string, Op> = { plus: '+', minus: '-', times: '*', multiplied: '*', divided: '/', 加上: '+', 加: '+', 减去: '-', 减: '-', 乘以: '*', 乘: '*', 除以: '/' };
const CURRENCY_BEFORE_RE = /(?:US|HK)?\$|[¥￥€£]|(?<![A-Za-z])(?:RMB|USD|CNY|HKD|EUR)(?![A-Za-z])/iy;
// Units and measure words after a number that say what is counted, not how much ("1,000万股", "12x", "3 shares").
const AFTER_NUMBER_RE =
  /元|美元|港元|港币|欧元|日元|人民币|块|股|人|件|吨|天|倍|次|户|家|台|辆|份|个月|个|张|笔|只|名|位|套|小时|分钟|秒|左右|上下|(?<![A-Za-z])(?:USD|RMB|CNY|HKD|EUR|dollars?|yuan|shares?|units?|days?|months?|years?|times|x)(?![A-Za-z])/iy;
const APPROX_WORD_RE = /(?<![A-Za-z])(?:about|approximately|approx\.?|around|roughly|nearly|almost)(?![A-Za-z])|大约|约|近|~/iy;
const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const SUPERSCRIPT_RE = /[⁰¹²³⁴⁵⁶⁷⁸⁹]+/y;
// Markdown emphasis, LaTeX delimiters and spacing: invisible to arithmetic.
const INVISIBLE_RE = /\*\*|__|\\[()[\]]|\\[,;!]|\$(?!\s*[\d(])/y;

function tokenize(norm: string, numbers: readonly NumberMention[]): Tok[] {
  const mentions = [...numbers].sort((a, b) => a.start - b.start);
  const mentionAt = new Map<number, NumberMention>();
  for (const m of mentions) if (!mentionAt.has(m.start)) mentionAt.set(m.start, m);
  const isOperandAt = (q: number): boolean => mentionAt.get(q)?.role === 'operand';
  const skipSpaces = (q: number): number => {
    while (q < norm.length && /\s/.test(norm[q]!)) q++;
    return q;
  };
  // Next operand start after spaces / currency prefix: what a binary operator needs on its right.
  const operandFollows = (q: number): boolean => {
    q = skipSpaces(q);
    CURRENCY_BEFORE_RE.lastIndex = q;
    const c = CURRENCY_BEFORE_RE.exec(norm);
    if (c) q = skipSpaces(q + c[0].length);
    return isOperandAt(q) || norm[q] === '(' || norm.startsWith('\\frac', q) || norm.startsWith('\\left', q);
  };
  const at = (re: RegExp, q: number): RegExpExecArray | null => {
    re.lastIndex = q;
    return re.exec(norm);
  };

  const toks: Tok[] = [];
  const last = (): Tok | undefined => toks[toks.length - 1];
  const lastIsValue = (): boolean => last()?.kind === 'num' || last()?.kind === 'rp';
  let sawNewline = false;
  let sawSpace = false;
  const fracs: ('num' | 'den')[] = [];
  const push = (t: Tok): void => {
    // A line break ends a calculation unless the next line continues it ("= 0.15", "- 210").
    if (sawNewline && lastIsValue() && (t.kind === 'num' || t.kind === 'lp')) toks.push({ kind: 'break', start: t.start, end: t.start });
    sawNewline = false;
    sawSpace = false;
    toks.push(t);
  };
  const brk = (start: number, end: number): void => {
    if (last()?.kind !== 'break') toks.push({ kind: 'break', start, end });
    sawNewline = sawSpace = false;
  };

  let p = 0;
  while (p < norm.length) {
    const m = mentionAt.get(p);
    if (m) {
      if (m.role !== 'operand') brk(m.start, m.end);
      else {
        const value = fromDecimal(m.value);
        const signed = norm[m.start] === '-' || norm[m.start] === '+';
        if (signed && lastIsValue()) {
          // "5,829 -5,735": a sign written glued to the number but in operator position is a binary operator
          push({ kind: 'op', start: m.start, end: m.start + 1, op: norm[m.start] as Op });
          push({ kind: 'num', start: m.start + 1, end: m.end, value: norm[m.start] === '-' ? { n: value.n.negated(), d: value.d } : value, mention: m });
        } else push({ kind: 'num', start: m.start, end: m.end, value, mention: m });
      }
      p = Math.max(m.end, p + 1);
      continue;
    }
    const c = norm[p]!;
    if (/\s/.test(c)) {
      if (c === '\n') sawNewline = true;
      sawSpace = true;
      p++;
      continue;
    }
    // Bullets: "- 1,400 - 210 = 1,190" is not a negative 1,400
    if (/[-*+•]/.test(c) && norm[p + 1] === ' ' && atLineStart(norm, p)) {
      brk(p, p + 1);
      p++;
      continue;
    }
    let r: RegExpExecArray | null;
    // "1.03²": an exponent glued to a value. Not a mention of its own (it is not a figure that needs a source).
    if (lastIsValue() && !sawSpace && (r = at(SUPERSCRIPT_RE, p))) {
      const digits = [...r[0]].map((ch) => String(SUPERSCRIPT_DIGITS.indexOf(ch))).join('');
      const end = p + r[0].length;
      const mention: NumberMention = { start: p, end, raw: digits, value: digits, unit: null, approximate: false, role: 'operand', source: null };
      push({ kind: 'op', start: p, end: p, op: '^' });
      push({ kind: 'num', start: p, end, value: fromDecimal(digits), mention });
      p = end;
      continue;
    }
    if ((r = at(INVISIBLE_RE, p))) {
      p += r[0].length;
      continue;
    }
    if (norm.startsWith('\\frac', p) && norm[p + 5] === '{') {
      push({ kind: 'lp', start: p, end: p + 6 });
      push({ kind: 'lp', start: p, end: p + 6 });
      fracs.push('num');
      p += 6;
      continue;
    }
    if (c === '}' && fracs.length > 0) {
      const top = fracs[fracs.length - 1];
      if (top === 'num' && norm[p + 1] === '{') {
        push({ kind: 'rp', start: p, end: p + 1 });
        push({ kind: 'op', start: p, end: p + 2, op: '/' });
        push({ kind: 'lp', start: p + 1, end: p + 2 });
        fracs[fracs.length - 1] = 'den';
        p += 2;
        continue;
      }
      if (top === 'den') {
        push({ kind: 'rp', start: p, end: p + 1 });
        push({ kind: 'rp', start: p, end: p + 1 });
        fracs.pop();
        p++;
        continue;
      }
    }
    if (norm.startsWith('\\left', p) && /[([]/.test(norm[p + 5] ?? '')) {
      push({ kind: 'lp', start: p, end: p + 6 });
      p += 6;
      continue;
    }
    if (norm.startsWith('\\right', p) && /[)\]]/.test(norm[p + 6] ?? '')) {
      push({ kind: 'rp', start: p, end: p + 7 });
      p += 7;
      continue;
    }
    if ((r = at(EQ_APPROX_WORDS_RE, p)) || (r = at(EQ_APPROX_RE, p))) {
      push({ kind: 'eq', start: p, end: p + r[0].length, approx: true });
      p += r[0].length;
      continue;
    }
    if ((r = at(EQ_WORDS_RE, p)) || (r = at(EQ_RE, p))) {
      push({ kind: 'eq', start: p, end: p + r[0].length, approx: false });
      p += r[0].length;
      continue;
    }
    if (lastIsValue() && (r = at(OP_WORD_RE, p)) && operandFollows(p + r[0].length)) {
      push({ kind: 'op', start: p, end: p + r[0].length, op: OP_WORD_MAP[r[0].split(/\s/)[0]!.toLowerCase()]! });
      p += r[0].length;
      continue;
    }
    // "x" multiplies only between operands: "3 x 4", "3x4"; never inside words
    if ((c === 'x' || c === 'X') && lastIsValue() && !/[A-Za-z]/.test(norm[p - 1] ?? '') && !/[A-Za-z]/.test(norm[p + 1] ?? '') && operandFollows(p + 1)) {
      push({ kind: 'op', start: p, end: p + 1, op: '*' });
      p++;
      continue;
    }
    // "15% of 1,400", "1,400的15%"
    const prev = last();
    if (prev?.kind === 'num' && prev.mention.unit === '%' && at(/(?<![A-Za-z])of(?![A-Za-z])/iy, p) && operandFollows(p + 2)) {
      push({ kind: 'op', start: p, end: p + 2, op: '*' });
      p += 2;
      continue;
    }
    if (prev?.kind === 'num' && c === '的') {
      const q = skipSpaces(p + 1);
      if (mentionAt.get(q)?.unit === '%' && mentionAt.get(q)?.role === 'operand') {
        push({ kind: 'op', start: p, end: p + 1, op: '*' });
        p++;
        continue;
      }
    }
    if ((r = at(OP_SYMBOL_RE, p))) {
      const sym = r[0];
      const op: Op = sym === '×' || sym === '⋅' || sym === '∙' || sym === '*' || sym === '\\times' || sym === '\\cdot' ? '*' : sym === '÷' || sym === '/' || sym === '\\div' ? '/' : (sym as Op);
      // "5-10%" glued: a range sharing the percent sign, not a subtraction
      const prevTok = last();
      const nextMention = mentionAt.get(p + 1);
      if (sym === '-' && !sawSpace && prevTok?.kind === 'num' && nextMention && /%$/.test(nextMention.raw) && !/%$/.test(prevTok.mention.raw)) {
        brk(p, p + 1);
        p++;
        continue;
      }
      push({ kind: 'op', start: p, end: p + sym.length, op });
      p += sym.length;
      continue;
    }
    if (c === '(' || c === '[') {
      push({ kind: 'lp', start: p, end: p + 1 });
      p++;
      continue;
    }
    if (c === ')' || c === ']') {
      push({ kind: 'rp', start: p, end: p + 1 });
      p++;
      continue;
    }
    if (prev?.kind === 'num' && (r = at(AFTER_NUMBER_RE, p))) {
      p += r[0].length;
      continue;
    }
    if ((r = at(CURRENCY_BEFORE_RE, p)) && isOperandAt(skipSpaces(p + r[0].length))) {
      p += r[0].length;
      continue;
    }
    if ((r = at(APPROX_WORD_RE, p)) && !(r[0] === '~' && prev?.kind === 'num') && isOperandAt(skipSpaces(p + r[0].length))) {
      p += r[0].length;
      continue;
    }
    // Anything else (words, CJK, punctuation such as ，。：; and ratios "3:1") ends a calculation.
    let q = p + 1;
    if (/[A-Za-z]/.test(c)) while (q < norm.length && /[A-Za-z]/.test(norm[q]!)) q++;
    brk(p, q);
    p = q;
  }
  return toks;
}

/** Only spaces or quote marks between the line start and `p`. Scans backwards, so it stays O(indent). */
function atLineStart(norm: string, p: number): boolean {
  for (let q = p - 1; q >= 0; q--) {
    const c = norm[q]!;
    if (c === '\n') return true;
    if (c !== ' ' && c !== '\t' && c !== '>') return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Expressions

type Node =
  | { type: 'num'; tok: NumTok }
  | { type: 'neg'; a: Node; start: number }
  | { type: 'bin'; op: Op; a: Node; b: Node }
  | { type: 'group'; a: Node };

/** Recursive descent over toks[from, to): returns the tree only when it uses every token. */
function parse(toks: readonly Tok[], from: number, to: number): Node | null {
  let i = from;
  const peek = (): Tok | undefined => (i < to ? toks[i] : undefined);
  const isOp = (...ops: Op[]): boolean => {
    const t = peek();
    return t?.kind === 'op' && ops.includes(t.op);
  };
  const takeOp = (): Op => (toks[i++] as { op: Op }).op;
  function expr(): Node | null {
    let a = term();
    while (a && isOp('+', '-')) {
      const op = takeOp();
      const b = term();
      if (!b) return null;
      a = { type: 'bin', op, a, b };
    }
    return a;
  }
  function term(): Node | null {
    let a = unary();
    while (a && isOp('*', '/')) {
      const op = takeOp();
      const b = unary();
      if (!b) return null;
      a = { type: 'bin', op, a, b };
    }
    return a;
  }
  function unary(): Node | null {
    if (isOp('-', '+')) {
      const start = toks[i]!.start;
      const op = takeOp();
      const a = unary();
      if (!a) return null;
      return op === '-' ? { type: 'neg', a, start } : a;
    }
    return power();
  }
  function power(): Node | null {
    const a = primary();
    if (a && isOp('^')) {
      takeOp();
      const b = unary();
      return b ? { type: 'bin', op: '^', a, b } : null;
    }
    return a;
  }
  function primary(): Node | null {
    const t = peek();
    if (t?.kind === 'num') {
      i++;
      return { type: 'num', tok: t };
    }
    if (t?.kind === 'lp') {
      i++;
      const a = expr();
      if (!a || peek()?.kind !== 'rp') return null;
      i++;
      return { type: 'group', a };
    }
    return null;
  }
  const node = expr();
  return node && i === to ? node : null;
}

interface Evaluated {
  value: Rational;
  /** A fractional power made the value irrational: only 12 significant digits are meaningful. */
  inexact: boolean;
}

function evaluate(node: Node): Evaluated {
  switch (node.type) {
    case 'num':
      return { value: node.tok.value, inexact: false };
    case 'group':
      return evaluate(node.a);
    case 'neg': {
      const a = evaluate(node.a);
      return { value: { n: a.value.n.negated(), d: a.value.d }, inexact: a.inexact };
    }
    case 'bin': {
      const a = evaluate(node.a);
      const b = evaluate(node.b);
      const inexact = a.inexact || b.inexact;
      switch (node.op) {
        case '+':
          return { value: add(a.value, b.value), inexact };
        case '-':
          return { value: sub(a.value, b.value), inexact };
        case '*':
          return { value: mul(a.value, b.value), inexact };
        case '/':
          if (isZero(b.value)) throw new EvaluationError('division by zero');
          return { value: div(a.value, b.value), inexact };
        case '^':
          return power(a, b);
      }
    }
  }
}

/** Integer exponents exactly; fractional ones (CAGR roots) through decimal.js at 40 digits, marked inexact. */
function power(base: Evaluated, exponent: Evaluated): Evaluated {
  const e = exponent.value;
  if (e.d.eq(1)) {
    const k = e.n.toNumber();
    if (Math.abs(k) > 64) throw new EvaluationError('exponent too large to check');
    if (k < 0 && isZero(base.value)) throw new EvaluationError('division by zero');
    const n = base.value.n.pow(Math.abs(k));
    const d = base.value.d.pow(Math.abs(k));
    return { value: k >= 0 ? rational(n, d) : rational(d, n), inexact: base.inexact || exponent.inexact };
  }
  if (!base.value.n.isPos()) throw new EvaluationError('fractional power of a non-positive number');
  const approx = approxQuotient(base.value).pow(approxQuotient(e));
  return { value: fromDecimal(approx.toString()), inexact: true };
}

/**
 * Exact values of the inner calculations of an expression (not the whole): `(2,398 - 2,180) / 2,180` → ["218"].
 * A chain's next link may write them (`= 218 / 2,180`); sources derive those numbers from this check.
 */
function intermediates(node: Node): string[] {
  const out = new Set<string>();
  const walk = (n: Node, root: boolean): void => {
    if (n.type === 'num') return;
    if (n.type !== 'bin') return walk(n.a, root && n.type === 'group');
    if (!root) {
      try {
        const v = evaluate(n);
        out.add(display(v.value, v.inexact));
      } catch (e) {
        if (!(e instanceof EvaluationError)) throw e;
      }
    }
    walk(n.a, false);
    walk(n.b, false);
  };
  walk(node, true);
  return [...out];
}

function countOps(node: Node): number {
  switch (node.type) {
    case 'num':
      return 0;
    case 'group':
      return countOps(node.a);
    case 'neg':
      return node.a.type === 'num' ? 0 : countOps(node.a);
    case 'bin':
      return 1 + countOps(node.a) + countOps(node.b);
  }
}

function numTokens(node: Node): NumTok[] {
  switch (node.type) {
    case 'num':
      return [node.tok];
    case 'group':
    case 'neg':
      return numTokens(node.a);
    case 'bin':
      return [...numTokens(node.a), ...numTokens(node.b)];
  }
}

/** Multiplicative factors of the numerator: `(a - b) / b × 100` → [(a - b), 100]. */
function factors(node: Node): Node[] {
  if (node.type === 'bin' && node.op === '*') return [...factors(node.a), ...factors(node.b)];
  if (node.type === 'bin' && node.op === '/') return factors(node.a);
  return [node];
}

// ---------------------------------------------------------------------------------------------------------------
// Written numbers

interface Written {
  /** The number as written, signed, in its own unit ("15%" → 15, "4,000万" → 4000). */
  number: Rational;
  /** value = number × scale ("15%" → 1/100, "4,000万" → 10⁴). */
  scale: Rational;
  decimals: number;
  significant: number;
  /** What follows the digits when the expected value is shown: "%", "万", " million", "". */
  suffix: string;
  /** A plain number: no unit, no scale. */
  bare: boolean;
}

function written(m: NumberMention, value: Rational): Written {
  const raw = normalizeNumerals(m.raw);
  const digits = /\d[\d,]*(?:\.\d+)?/.exec(raw)?.[0] ?? '0';
  const magnitude = fromDecimal(digits.replace(/,/g, ''));
  const decimals = digits.includes('.') ? digits.length - digits.indexOf('.') - 1 : 0;
  const significant = digits.replace(/[,.]/g, '').replace(/^0+/, '').length || 1;
  const number = value.n.isNeg() ? { n: magnitude.n.negated(), d: magnitude.d } : magnitude;
  let scale: Rational;
  if (!isZero(magnitude)) scale = div(abs(value), magnitude);
  else scale = m.unit === '%' ? pow10(-2) : { n: ONE, d: ONE };
  const afterDigits = raw.slice(raw.indexOf(digits) + digits.length).replace(/[)\s]+$/, '');
  const suffix = m.unit === '%' ? '%' : /^\s/.test(afterDigits) ? ` ${afterDigits.trim()}` : afterDigits;
  return { number, scale, decimals, significant, suffix, bare: m.unit === null && eq(scale, { n: ONE, d: ONE }) };
}

// ---------------------------------------------------------------------------------------------------------------
// Judging one claim

interface Verdict {
  ok: boolean;
  expected: string;
  why?: string;
}

/**
 * Compares a result `c` with a claim written as `w` (both in the claim's unit space) at the claim's precision; the
 * rules are in the module comment.
 */
function judgeInSpace(c: Rational, claim: Written, approximate: boolean, strictInteger: boolean, suffix: string): Verdict {
  const w = claim.number;
  const dp = claim.decimals;
  const show = (v: Rational, places: number): string => fixed(v, places) + suffix;
  if (eq(c, w)) return { ok: true, expected: show(c, dp) };
  if (eq(roundTo(c, dp), c)) return { ok: false, expected: show(c, dp) }; // exact at the written precision
  const halfUnit = (places: number): Rational => div(pow10(-places), { n: new Exact(2), d: ONE });
  const within = (places: number): boolean => cmp(abs(sub(c, w)), halfUnit(places)) <= 0;
  if (approximate) return { ok: within(dp), expected: show(c, dp), why: 'approximate claim' };
  if (strictInteger && dp === 0) {
    const places = Math.max(1, decimalsForTwoSignificant(c));
    return { ok: false, expected: show(c, places), why: 'the exact result is not an integer (write ≈ or 约 when rounding)' };
  }
  const places = Math.max(dp, decimalsForTwoSignificant(c));
  if (within(places)) return { ok: true, expected: show(c, dp), why: 'rounded' };
  if (claim.significant >= 3 && eq(truncateTo(c, dp), w)) return { ok: true, expected: show(c, dp), why: 'truncated' };
  return { ok: false, expected: show(c, places) };
}

interface Claim {
  tok: NumTok;
  negated: boolean;
}

/** The claim when a segment is one number ("15%", "-830", "- 830"), else null. */
function singleNumber(node: Node): Claim | null {
  if (node.type === 'num') return { tok: node.tok, negated: false };
  if (node.type === 'neg' && node.a.type === 'num') return { tok: node.a.tok, negated: true };
  if (node.type === 'group') return singleNumber(node.a);
  return null;
}

interface Judgement {
  status: CheckStatus;
  expected: string;
  note?: string;
}

/** Judges `computed` against a claimed number, trying the reconciled unit readings when the plain one fails. */
function judgeClaim(computed: Rational, claim: Claim, approximate: boolean, operands: readonly NumTok[], exprFactors: readonly Node[]): Judgement {
  const value = claim.negated ? { n: claim.tok.value.n.negated(), d: claim.tok.value.d } : claim.tok.value;
  const w = written(claim.tok.mention, value);
  const natural = judgeInSpace(div(computed, w.scale), w, approximate, w.bare, w.suffix);
  if (natural.ok) return { status: 'correct', expected: natural.expected, note: natural.why };

  const alternatives: { c: Rational; claim: Written; suffix: string; why: string }[] = [];
  const hundred = exprFactors.some((f) => f.type === 'num' && f.tok.mention.unit === null && eq(f.tok.value, { n: new Exact(100), d: ONE }));
  const hundredPercent = exprFactors.some((f) => f.type === 'num' && f.tok.mention.unit === '%' && eq(f.tok.value, { n: ONE, d: ONE }));
  if (claim.tok.mention.unit === '%' && hundred) alternatives.push({ c: computed, claim: w, suffix: '%', why: 'the expression multiplies by 100: read as percent' });
  if (w.bare && hundredPercent) alternatives.push({ c: mul(computed, pow10(2)), claim: w, suffix: '', why: 'the expression multiplies by 100%: claim read as percent' });
  const operandScales = operands
    .filter((t) => t.mention.unit !== '%')
    .map((t) => written(t.mention, t.value).scale)
    .filter((s) => !eq(s, { n: ONE, d: ONE }));
  if (w.bare && operandScales.length > 0 && operandScales.every((s) => eq(s, operandScales[0]!))) {
    alternatives.push({ c: div(computed, operandScales[0]!), claim: w, suffix: '', why: 'claim written without the operands’ unit' });
  }
  if (!w.bare && claim.tok.mention.unit !== '%' && operandScales.length === 0 && operands.length > 0) {
    alternatives.push({ c: computed, claim: w, suffix: w.suffix, why: 'unit written only on the claim' });
  }
  // When no reading matches, show the expected value in the reading nearest to what was written: "5,829 - 5,735 =
  // 104万" expects 94万, not 0.0094万.
  let nearest = { verdict: natural, distance: relativeDistance(div(computed, w.scale), w.number), why: undefined as string | undefined };
  for (const alt of alternatives) {
    const v = judgeInSpace(alt.c, alt.claim, approximate, false, alt.suffix);
    if (v.ok) return { status: 'correct', expected: v.expected, note: alt.why };
    const distance = relativeDistance(alt.c, alt.claim.number);
    if (distance && nearest.distance && cmp(distance, nearest.distance) < 0) nearest = { verdict: v, distance, why: alt.why };
  }
  return { status: 'wrong', expected: nearest.verdict.expected, note: nearest.why ?? nearest.verdict.why };
}

/** |c - w| / |w|, or null when w is 0. */
function relativeDistance(c: Rational, w: Rational): Rational | null {
  return isZero(w) ? null : div(abs(sub(c, w)), abs(w));
}

// ---------------------------------------------------------------------------------------------------------------
// Chains

interface Side {
  node: Node;
  start: number;
  end: number;
  /** The right side of an earlier link: a number there is a claim, and "0.15 = 15%" after it a conversion. */
  fromChain: boolean;
}

const MAX_SEGMENT_TOKENS = 80;

/** Longest parseable tail of a segment: drops prose numbers before the expression ("增长 3 (1.2 - 1.0) / 1.0"). */
function longestSuffix(seg: readonly Tok[]): Side | null {
  const first = Math.max(0, seg.length - MAX_SEGMENT_TOKENS);
  // Past the cap, an expression cut after an operator would be checked as a shorter, different one: give up instead.
  if (first > 0 && (seg[first - 1]!.kind === 'op' || seg[first]!.kind === 'op')) return null;
  for (let s = first; s < seg.length; s++) {
    const node = parse(seg, s, seg.length);
    if (node) return { node, start: seg[s]!.start, end: seg[seg.length - 1]!.end, fromChain: false };
  }
  return null;
}

/** Longest parseable head of a segment: a claim followed by stray tokens ("= 45 (" before prose). */
function longestPrefix(seg: readonly Tok[]): { side: Side; whole: boolean } | null {
  const last = Math.min(seg.length, MAX_SEGMENT_TOKENS);
  if (last < seg.length && (seg[last]!.kind === 'op' || seg[last - 1]!.kind === 'op')) return null;
  for (let e = last; e > 0; e--) {
    const node = parse(seg, 0, e);
    if (node) return { side: { node, start: seg[0]!.start, end: seg[e - 1]!.end, fromChain: true }, whole: e === seg.length };
  }
  return null;
}

function checkRun(text: string, run: readonly Tok[]): CalculationCheck[] {
  const segments: Tok[][] = [[]];
  const eqs: { approx: boolean }[] = [];
  for (const t of run) {
    if (t.kind === 'eq') {
      segments.push([]);
      eqs.push({ approx: t.approx });
    } else segments[segments.length - 1]!.push(t);
  }
  const checks: CalculationCheck[] = [];
  let left = longestSuffix(segments[0]!);
  for (let k = 1; k < segments.length; k++) {
    const seg = segments[k]!;
    const head = longestPrefix(seg);
    if (!head) {
      left = longestSuffix(seg);
      continue;
    }
    const right = head.side;
    if (left) {
      const check = checkLink(text, left, right, eqs[k - 1]!.approx);
      if (check) checks.push(check);
    }
    left = head.whole ? right : longestSuffix(seg);
  }
  return checks;
}

function checkLink(text: string, left: Side, right: Side, approxRelation: boolean): CalculationCheck | null {
  const leftOps = countOps(left.node);
  const rightOps = countOps(right.node);
  const claim = singleNumber(right.node);
  if (leftOps === 0) {
    // A number on the left: a conversion ("= 0.15 = 15%") when it is itself a claimed result, or when the units
    // differ ("1.2亿 = 12,000万"); "Revenue = 1,400 = …" style restatements are not calculations.
    const l = singleNumber(left.node);
    if (!l || !claim || rightOps > 0) return null;
    if (!left.fromChain) {
      const ls = written(l.tok.mention, l.tok.value).scale;
      const rs = written(claim.tok.mention, claim.tok.value).scale;
      if (eq(ls, rs)) return null;
    }
  }
  const inner = intermediates(left.node);
  const base = {
    start: left.start,
    end: right.end,
    expression: text.slice(left.start, left.end),
    claimed: text.slice(right.start, right.end),
    ...(inner.length > 0 ? { intermediates: inner } : {}),
  };
  let computed: Evaluated;
  try {
    computed = evaluate(left.node);
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    return { ...base, computed: '', expected: '', status: 'unverifiable', note: `Cannot recompute: ${e.reason}.` };
  }
  const shown = display(computed.value, computed.inexact);
  const truncatedNote = computed.inexact || !terminates(computed.value) ? 'computed shown to 12 significant digits (non-terminating)' : undefined;
  const notes = (...n: (string | undefined)[]): string | undefined => n.filter(Boolean).join('; ') || undefined;

  if (!claim) {
    // Expression = expression ("(3,200 - 2,800) / 2,800 = 400 / 2,800"): the rewrite must keep the value; rounded
    // intermediate decimals on the right may move it by at most 0.5%.
    let rv: Evaluated;
    try {
      rv = evaluate(right.node);
    } catch (e) {
      if (!(e instanceof EvaluationError)) throw e;
      return { ...base, computed: shown, expected: '', status: 'unverifiable', note: `Cannot recompute the right side: ${e.reason}.` };
    }
    if (eq(rv.value, computed.value)) return { ...base, computed: shown, expected: display(rv.value), status: 'correct', note: notes(truncatedNote) };
    const hasDecimals = numTokens(right.node).some((t) => /\./.test(t.mention.raw));
    const lv = computed.value;
    const tolerance = mul(abs(lv), fromDecimal('0.005'));
    if (hasDecimals && cmp(abs(sub(rv.value, lv)), tolerance) <= 0) {
      return { ...base, computed: shown, expected: display(rv.value, rv.inexact), status: 'correct', note: notes('equal within the rounding of the intermediate values', truncatedNote) };
    }
    return { ...base, computed: shown, expected: shown, status: 'wrong', note: notes('the rewritten expression has a different value', truncatedNote) };
  }
  const approximate = approxRelation || claim.tok.mention.approximate;
  const operands = numTokens(left.node);
  const verdict = judgeClaim(computed.value, claim, approximate, operands, factors(left.node));
  return { ...base, computed: shown, expected: verdict.expected, status: verdict.status, note: notes(verdict.note, truncatedNote) };
}

/**
 * Every written calculation in `text` with its exact recomputation. `numbers` are `extractNumbers(text)` when the
 * caller already has them (offsets into `text`); numbers whose role is not 'operand' (years, dates, list markers)
 * end a calculation, so "2019-2023" or "2024-03-31" are never subtractions.
 */
export function findCalculations(text: string, numbers?: NumberMention[]): CalculationCheck[] {
  const norm = normalizeNumerals(text);
  const toks = tokenize(norm, numbers ?? extractNumbers(text));
  const checks: CalculationCheck[] = [];
  let run: Tok[] = [];
  const flush = (): void => {
    if (run.some((t) => t.kind === 'eq')) checks.push(...checkRun(text, run));
    run = [];
  };
  for (const t of toks) {
    if (t.kind === 'break') flush();
    else run.push(t);
  }
  flush();
  return checks.sort((a, b) => a.start - b.start);
}
