import type { AnswerConsistency, CalculationCheck, NumberMention, TraceStep } from '../../shared/inspection';
import { extractNumbers } from './numbers';
import { Exact, canonical, claimedValue, parseWrittenNumber, toExact, unitScale, type Exact as ExactValue } from './sources';

/**
 * Does the final answer follow from the trace? The answer's value is the content of its last complete `\boxed{…}`
 * (LaTeX unwrapped: `\%`, `\text{万元}`, `1{,}400`, `\frac{a}{b}`), with a unit written just after the box
 * (`\boxed{0.4}亿元`, `\boxed{2.7} percentage points`), else its last operand number. It is compared with the last
 * value the trace *wrote* as a result: the claim of its last calculation (or of the last one before a final
 * verification step), reconciling units (570万 ≡ 5,700,000 ≡ "570" claimed in 万) and percent/decimal forms
 * (0.15 ≡ 15% ≡ 15.0%), at the answer's written precision. Signs are ignored ("fell by 5%" answers −0.05).
 *
 * So an answer that repeats a wrong result is consistent with the trace (the error is reported at its origin; the
 * note names it and gives the correct value), and one that silently fixes it is not: it does not follow from what
 * the trace wrote.
 */

interface AnswerValue {
  value: ExactValue;
  /** Value and decimals as written before the unit: 40.71 and 2 for "40.71%". */
  written: ExactValue;
  writtenDecimals: number;
  unit: NumberMention['unit'];
  raw: string;
}

interface Candidate {
  check: CalculationCheck;
  stepIndex: number;
  checkIndex: number;
  /** What the trace wrote: the claim, and for a right claim also its exact value (the same number, more digits). */
  values: ExactValue[];
  /** The claimed value as a canonical decimal, else the recomputation. */
  display: string;
  /** The recomputed value when the claim is wrong, at the claim's precision, canonical. */
  correct: string | null;
  /** The exact recomputation. */
  exact: ExactValue | null;
}

export function checkAnswerConsistency(answer: string, steps: readonly TraceStep[]): AnswerConsistency {
  const found = answerValue(answer);
  const candidates = lastWritten(steps);
  const last = candidates[0];
  const base = {
    answerValue: found ? canonical(found.value) : null,
    answerRaw: found ? found.raw : null,
    lastComputed: last ? last.display : null,
  };
  if (!found) return { ...base, consistent: null, note: answer.trim() === '' ? 'No answer yet.' : 'No number found in the answer.' };
  if (!last) return { ...base, consistent: null, note: 'No calculation in the trace to compare the answer with.' };
  const at = (c: Candidate) => `step ${c.stepIndex + 1}`;
  const match = candidates.find((c) => c.values.some((v) => agrees(found, v)));
  if (match) {
    const result = { ...base, lastComputed: match.display, consistent: true, source: { stepIndex: match.stepIndex, checkIndex: match.checkIndex } };
    const by = match === last ? 'the last result the trace wrote' : 'the last result before the final check';
    if (match.check.status === 'wrong') {
      return {
        ...result,
        ...(match.correct ? { correctValue: match.correct } : {}),
        note: `The answer repeats the wrong result ${match.check.claimed} (${at(match)}): it follows from the trace, but the correct value is ${match.check.expected}.`,
      };
    }
    const origin = match.check.status === 'affected' && match.check.origin ? ` That value rests on the wrong result of step ${match.check.origin.stepIndex + 1}.` : '';
    return { ...result, note: `The answer matches ${by} (${at(match)}).${origin}` };
  }
  const source = { stepIndex: last.stepIndex, checkIndex: last.checkIndex };
  const fixed = last.check.status === 'wrong' && [last.correct ? toExact(last.correct) : null, last.exact].some((v) => v && agrees(found, v));
  if (fixed) {
    return {
      ...base,
      consistent: false,
      ...(last.correct ? { correctValue: last.correct } : {}),
      source,
      note: `The answer ${found.raw} does not follow from the trace: ${at(last)} wrote ${last.check.claimed}, which is wrong (the correct value is ${last.check.expected}), and the answer gives the correct value without the trace saying so.`,
    };
  }
  return {
    ...base,
    consistent: false,
    ...(last.correct ? { correctValue: last.correct } : {}),
    source,
    note: `The answer ${found.raw} differs from the last result the trace wrote, ${last.check.claimed} (${at(last)}).`,
  };
}

/**
 * The last calculation with a written value, and when it sits in a verification step ("let me double check: 1,400 −
 * 830 = 570"), also the last one before it: re-checking an input should not make a right answer look inconsistent.
 */
function lastWritten(steps: readonly TraceStep[]): Candidate[] {
  const out: Candidate[] = [];
  for (let s = steps.length - 1; s >= 0; s--) {
    const step = steps[s]!;
    for (let c = step.checks.length - 1; c >= 0; c--) {
      const candidate = toCandidate(step.checks[c]!, c, step);
      if (!candidate) continue;
      if (out.length === 0) {
        out.push(candidate);
        if (step.kind !== 'check') return out;
      } else if (step.kind !== 'check') {
        out.push(candidate);
        return out;
      }
    }
  }
  return out;
}

function toCandidate(check: CalculationCheck, checkIndex: number, step: TraceStep): Candidate | null {
  const computed = toExact(check.computed);
  // Only a claim that is one number was written as a value; "= 218 / 2,180" is a rewrite of the expression.
  const single = extractNumbers(check.claimed).filter((n) => n.role === 'operand').length === 1;
  const claimedMention = single ? claimedValue(check, step.numbers) : null;
  const claimed = claimedMention ? toExact(claimedMention.value) : null;
  const values: ExactValue[] = [];
  if (claimed) values.push(claimed);
  if (computed && check.status !== 'wrong' && check.status !== 'unverifiable') values.push(computed);
  if (values.length === 0) return null;
  const correct = check.status !== 'wrong' ? null : (parseWrittenNumber(check.expected)?.value ?? (computed ? canonical(computed) : null));
  return { check, stepIndex: step.index, checkIndex, values, display: canonical(values[0]!), correct, exact: computed };
}

/** Within the answer's precision, in any of the forms the trace may have computed it (as is, ×100, ÷100). */
function agrees(answer: AnswerValue, computed: ExactValue): boolean {
  const forms: [ExactValue, number][] = [[answer.value.abs(), decimalsOfValue(answer)]];
  if (answer.unit) forms.push([answer.written.abs(), answer.writtenDecimals]);
  const c = computed.abs();
  for (const t of [c, c.mul(100), c.div(100)]) for (const [x, d] of forms) if (roundTo(t, d).eq(x)) return true;
  return false;
}

/** Decimals of the value after the unit: "40.71%" → 4, "570万" → −4. */
function decimalsOfValue(a: AnswerValue): number {
  return a.writtenDecimals - Math.round(Math.log10(unitScale(a.unit).toNumber()));
}

/** Rounds half up to `decimals` places; negative places round to tens, hundreds… */
export function roundTo(x: ExactValue, decimals: number): ExactValue {
  if (decimals >= 0) return x.toDecimalPlaces(decimals, Exact.ROUND_HALF_UP);
  const step = new Exact(10).pow(-decimals);
  return x.div(step).toDecimalPlaces(0, Exact.ROUND_HALF_UP).mul(step);
}

/** Decimals as written: "40.71%" → 2, "1,400" → 0, "15.0" → 1. */
export function writtenDecimals(raw: string): number {
  const m = /\d[\d,，]*(?:\.(\d+))?/.exec(raw);
  return m?.[1]?.length ?? 0;
}

/** LaTeX a boxed answer may carry, unwrapped to plain text the number reader understands. */
export function unwrapLatex(text: string): string {
  let t = text;
  for (let i = 0; i < 4; i++) {
    const before = t;
    t = t.replace(/\\(?:text|mathrm|textbf|mathbf|mbox|operatorname|textnormal)\s*\{([^{}]*)\}/g, '$1');
    if (t === before) break;
  }
  return t
    .replace(/\{,\}/g, ',')
    .replace(/\\%/g, '%')
    .replace(/\\left|\\right/g, '')
    .replace(/\\approx/g, '约')
    .replace(/\\[,;:! ]|~/g, '')
    .replace(/\\\$|\$/g, '')
    .replace(/\\(?:cdot|times)/g, '×')
    .replace(/\s+/g, ' ')
    .trim();
}

const FRACTION = /^\s*(-?)\s*\\[dt]?frac\s*\{\s*([-\d.,]+)\s*\}\s*\{\s*([-\d.,]+)\s*\}\s*(%?)\s*$/;

// A unit written right after the box belongs to the answer: "\boxed{0.4}亿元", "\boxed{2.7} percentage points".
const UNIT_AFTER_BOX_RE = /^\s*(?:\\text\s*\{\s*)?(个百分点|百分点|万亿|千亿|百亿|十亿|千万|百万|亿|万|千|\\?%|％|(?:percentage points?|percent|thousand|million|billion|trillion|bn|mn)(?![A-Za-z]))/i;
const SCALE_WORD_RE = /[万亿千]|thousand|million|billion|trillion/i;

/** The last complete `\boxed{…}` with what follows it; null when there is none. Shared with evaluation scoring. */
export function lastBoxed(answer: string): { content: string; after: string } | null {
  for (let start = answer.lastIndexOf('\\boxed{'); start >= 0; start = start === 0 ? -1 : answer.lastIndexOf('\\boxed{', start - 1)) {
    const open = start + '\\boxed{'.length;
    let depth = 1;
    for (let i = open; i < answer.length; i++) {
      const ch = answer[i];
      if (ch === '\\') i++;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) return { content: answer.slice(open, i).trim(), after: answer.slice(i + 1) };
    }
  }
  return null;
}

/** The box's content, with a unit written after the box appended when the content has none of its own. Shared with evaluation scoring. */
export function boxedWithUnit(answer: string): string | null {
  const box = lastBoxed(answer);
  if (!box) return null;
  const unit = UNIT_AFTER_BOX_RE.exec(box.after)?.[1];
  if (!unit) return box.content;
  const inside = lastOperand(extractNumbers(unwrapLatex(box.content)));
  if (!inside || inside.unit !== null || SCALE_WORD_RE.test(box.content)) return box.content;
  const word = /^[A-Za-z]/.test(unit);
  return `${box.content}${word ? ' ' : ''}${unit === 'percent' ? '%' : unit}`;
}

function answerValue(answer: string): AnswerValue | null {
  const boxed = boxedWithUnit(answer);
  if (boxed !== null) {
    const fraction = FRACTION.exec(boxed);
    if (fraction) {
      const a = toExact(fraction[2]!.replace(/,/g, ''));
      const b = toExact(fraction[3]!.replace(/,/g, ''));
      if (a && b && !b.isZero()) {
        const written = a.div(b).mul(fraction[1] ? -1 : 1);
        const unit = fraction[4] ? '%' : null;
        return { value: written.mul(unitScale(unit)), written, writtenDecimals: 60, unit, raw: boxed };
      }
    }
    const mention = lastOperand(extractNumbers(unwrapLatex(boxed)));
    if (mention) return fromMention(mention, boxed);
  }
  const mention = lastOperand(extractNumbers(answer));
  return mention ? fromMention(mention, mention.raw) : null;
}

function lastOperand(numbers: readonly NumberMention[]): NumberMention | null {
  for (let i = numbers.length - 1; i >= 0; i--) if (numbers[i]!.role === 'operand') return numbers[i]!;
  return null;
}

function fromMention(m: NumberMention, raw: string): AnswerValue | null {
  const value = toExact(m.value);
  if (!value) return null;
  return { value, written: value.div(unitScale(m.unit)), writtenDecimals: writtenDecimals(m.raw), unit: m.unit, raw };
}
