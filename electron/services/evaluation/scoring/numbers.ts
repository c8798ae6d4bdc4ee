import type { NumberMention } from '../../../shared/inspection';
import { roundTo, unwrapLatex, writtenDecimals } from '../../inspector/answer';
import { extractNumbers, normalizeNumerals } from '../../inspector/numbers';
import { Exact, canonical, toExact } from '../../inspector/sources';

/**
 * FinQA-style numbers: the prediction is correct when it equals the reference at the precision the model wrote it.
 *
 * Reading a number: LaTeX unwrapped (`\frac{1}{4}`, `\%`, `\text{ million}`, `1{,}400`, `\$`), thousands separators
 * (1,234.5, 1，234), accounting negatives `(1,200)`, signs (-, −), currency ($, ¥, 元, RMB), percent (1.64% = 0.0164)
 * and scale words (thousand … trillion, k, m, bn, 万, 亿, 千万, 百万, 万亿). The last number of the answer is the answer.
 * All arithmetic is decimal (decimal.js), never floating point.
 *
 * The precision rule, with d the decimals compared at (in the value's own space: "1.64%" is 0.0164, 4 decimals;
 * "1.2 billion" is written to the 100 millions, −8):
 *   d = max(min(prediction's decimals, reference's decimals), decimals giving the reference two significant figures)
 * and the prediction, rounded to d, must lie within half a unit of the d-th decimal of the reference (inclusive, so
 * a reference exactly on a rounding boundary accepts either neighbour). So 1.64% and 1.6% match 0.016412, 2% does not
 * (one significant figure is a guess, not an answer), a prediction more precise than a rounded reference is rounded
 * to it, and "1,200" vs 1234 is wrong (the model wrote four figures) while "1.2 thousand" vs 1234 is right.
 *
 * Forms reconciled (any pairing that matches counts):
 * - percent: a prediction with % is also read as the number before the % when the reference is bare (FinQA writes
 *   some percentages as plain numbers, "14.1"); a bare prediction is also read as a percent with its sign dropped
 *   when the reference is a bare ratio (|ref| ≤ 10) or a percent: 1.64 for 0.0164. Never the other way: 0.164 for a
 *   reference of 16.4 is wrong, because a bare 16.4 may be an amount.
 * - scale: when exactly one side carries a scale word, the other side is taken to be in some unit, so the scaled
 *   side is also read in thousands, 万, millions, 亿, billions and trillions: "1.2 billion" matches a reference of
 *   1200 (millions). When both carry one, the values are compared.
 * - sign: an explicit minus or parentheses must match the reference's sign; a sign given only by a word ("a decrease
 *   of 5%", "下降5%") leaves the sign open, as the question usually fixed its direction.
 */

export interface NumberReading {
  /** The value after percent and scale words: 0.0164 for "1.64%". */
  value: Exact;
  /** Decimals of `value` as written: 4 for "1.64%", −8 for "1.2 billion"; 60 for an exact fraction. */
  decimals: number;
  percent: boolean;
  /** A scale word was written (thousand … trillion, 万, 亿 …). */
  scaled: boolean;
  /** The answer is unsigned but names a fall ("decrease of 5%", "5% lower", "下降5%"): its sign is left open. */
  signOpen: boolean;
}

/** A value and the decimals it is compared at. */
interface Form {
  value: Exact;
  decimals: number;
}

/** Decimals treated as exact (fractions): more than any reference carries. */
const EXACT_DECIMALS = 60;
/** Bare references up to this size may be ratios that a model writes as a percent without its sign. */
const RATIO_LIMIT = new Exact(10);
/** Units a bare number may silently be in: thousands, 万, millions, 亿, billions, trillions. */
const SCALE_EXPONENTS = [3, 4, 6, 8, 9, 12];

const NEGATIVE_WORD_RE = /\b(?:decreas|declin|drop|fell|fall|loss|lower|reduc|down\b|shr[ai]nk)|减少|下降|降低|亏损|下滑|减|降|负/i;
const FRACTION_RE = /^\s*([-−]?)\s*\\[dt]?frac\s*\{\s*([-\d.,]+)\s*\}\s*\{\s*([-\d.,]+)\s*\}\s*(\\?%)?\s*$/;
const ACCOUNTING_NEGATIVE_RE = /^\s*[(（]\s*([^()（）]+?)\s*[)）]\s*$/;
// "1.2m", "$5M", "3.4B", "20k", "$5mm": scale letters the inspector only reads after a currency sign.
const SCALE_LETTER_RE = /(\d)\s?(mm|[kKmMbB])(?![A-Za-z])/g;
const SCALE_LETTER_WORDS: Record<string, string> = { k: 'thousand', m: 'million', mm: 'million', b: 'billion' };

/** Reads the answer's number (its last one); null when it has none. */
export function readNumber(text: string): NumberReading | null {
  const accounting = ACCOUNTING_NEGATIVE_RE.exec(text);
  if (accounting) {
    const inner = readNumber(accounting[1]!);
    if (inner && inner.value.isPositive()) return { ...inner, value: inner.value.neg(), signOpen: false };
  }
  const plain = prepare(text);
  const fraction = readFraction(plain);
  if (fraction) return fraction;
  const mention = answerMention(extractNumbers(plain));
  if (!mention) return null;
  const value = toExact(mention.value);
  const raw = normalizeNumerals(mention.raw);
  const written = toExact(/\d[\d,]*(?:\.\d+)?/.exec(raw)?.[0].replace(/,/g, ''));
  if (!value || !written) return null;
  const factor = written.isZero() ? new Exact(1) : value.abs().div(written);
  const exponent = factor.eq(1) ? 0 : Math.round(factor.log(10).toNumber());
  const percent = mention.unit === '%';
  return {
    value,
    decimals: writtenDecimals(raw) - exponent,
    percent,
    scaled: !percent && exponent !== 0,
    signOpen: !value.isNegative() && NEGATIVE_WORD_RE.test(plain),
  };
}

/** LaTeX unwrapped, Chinese thousands commas between ASCII digits, scale letters spelled out. */
function prepare(text: string): string {
  return unwrapLatex(text)
    .replace(/(\d)，(?=\d{3}(?!\d))/g, '$1,')
    .replace(SCALE_LETTER_RE, (_, digit: string, letter: string) => `${digit} ${SCALE_LETTER_WORDS[letter.toLowerCase()]!}`);
}

function readFraction(text: string): NumberReading | null {
  const m = FRACTION_RE.exec(text);
  if (!m) return null;
  const a = toExact(m[2]!.replace(/,/g, ''));
  const b = toExact(m[3]!.replace(/,/g, ''));
  if (!a || !b || b.isZero()) return null;
  const percent = m[4] !== undefined;
  const value = a.div(b).mul(m[1] ? -1 : 1).div(percent ? 100 : 1);
  return { value, decimals: EXACT_DECIMALS, percent, scaled: false, signOpen: false };
}

/** The last operand; a lone year-like number ("2019") is an answer too when nothing else is. */
function answerMention(numbers: readonly NumberMention[]): NumberMention | null {
  return numbers.findLast((n) => n.role === 'operand') ?? numbers.findLast((n) => n.role === 'year') ?? null;
}

/** FinQA scoring; see the module comment for the rules. A reference that is no number is never matched. */
export function scoreNumber(predicted: string, reference: string): boolean {
  const pred = readNumber(predicted);
  const ref = readNumber(reference);
  if (!pred || !ref) return false;
  const refForms = referenceForms(ref, pred);
  return predictionForms(pred, ref).some((p) => refForms.some((r) => agrees(p, r, pred.signOpen || ref.signOpen)));
}

function predictionForms(pred: NumberReading, ref: NumberReading): Form[] {
  const forms: Form[] = [{ value: pred.value, decimals: pred.decimals }];
  const refBare = !ref.percent && !ref.scaled;
  if (pred.percent && refBare) forms.push({ value: pred.value.mul(100), decimals: pred.decimals - 2 });
  const predBare = !pred.percent && !pred.scaled;
  if (predBare && (ref.percent || (refBare && ref.value.abs().lte(RATIO_LIMIT)))) {
    forms.push({ value: pred.value.div(100), decimals: pred.decimals + 2 });
  }
  if (pred.scaled && refBare) forms.push(...inScales(pred));
  return forms;
}

function referenceForms(ref: NumberReading, pred: NumberReading): Form[] {
  const forms: Form[] = [{ value: ref.value, decimals: ref.decimals }];
  if (ref.scaled && !pred.scaled && !pred.percent) forms.push(...inScales(ref));
  return forms;
}

/** A scaled value read in each unit a bare number may be in: 1.2 billion → 1,200,000 (thousands), 1200 (millions)… */
function inScales(n: NumberReading): Form[] {
  return SCALE_EXPONENTS.map((e) => ({ value: n.value.div(new Exact(10).pow(e)), decimals: n.decimals + e }));
}

/** The precision rule of the module comment. */
function agrees(pred: Form, ref: Form, signOpen: boolean): boolean {
  const p = signOpen ? pred.value.abs() : pred.value;
  const r = signOpen ? ref.value.abs() : ref.value;
  const d = comparisonDecimals(pred.decimals, ref.decimals, r);
  const halfUnit = new Exact(10).pow(-d).div(2);
  return roundTo(p, d).sub(r).abs().lte(halfUnit);
}

/** min(prediction's, reference's decimals), but never fewer than give the reference two significant figures. */
function comparisonDecimals(predDecimals: number, refDecimals: number, ref: Exact): number {
  const written = Math.min(predDecimals, refDecimals);
  if (ref.isZero()) return predDecimals;
  const twoFigures = 1 - ref.abs().e; // e: the exponent of the leading digit, −2 for 0.0164, 3 for 1234
  return Math.max(written, twoFigures);
}

/** The prediction as shown to users: its value, canonical ("0.0164" for "1.64%"); null when it has no number. */
export function numberLabel(text: string): string | null {
  const n = readNumber(text);
  return n ? canonical(n.value) : null;
}
