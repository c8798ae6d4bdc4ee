import type { AnswerConsistency, CalculationCheck, NumberMention, TraceStep } from '../../shared/inspection';
import { extractBoxed } from '../reasoning';
import { extractNumbers } from './numbers';
import { Exact, canonical, claimedValue, toExact, unitScale, type Exact as ExactValue } from './sources';

/**
 * Does the final answer say what the trace computed? The answer's value is the content of its last complete
 * `\boxed{…}` (LaTeX unwrapped: `\%`, `\text{万元}`, `1{,}400`, `\frac{a}{b}`), else its last operand number. It is
 * compared with the last computed value of the trace, reconciling units (570万 ≡ 5,700,000 ≡ "570" computed in 万)
 * and percent/decimal forms (0.15 ≡ 15% ≡ 15.0%), after rounding the trace's value to the answer's written precision.
 * Signs are ignored ("fell by 5%" answers −0.05).
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
  /** The values that count as what the trace computed: the exact recomputation, and the claim when it is right. */
  values: ExactValue[];
  /** The claimed result, exact. */
  claimed: ExactValue | null;
  display: string;
}

export function checkAnswerConsistency(answer: string, steps: readonly TraceStep[]): AnswerConsistency {
  const found = answerValue(answer);
  const candidates = lastComputed(steps);
  const last = candidates[0];
  const base = {
    answerValue: found ? canonical(found.value) : null,
    answerRaw: found ? found.raw : null,
    lastComputed: last ? last.display : null,
  };
  if (!found) return { ...base, consistent: null, note: answer.trim() === '' ? 'No answer yet.' : 'No number found in the answer.' };
  if (!last) return { ...base, consistent: null, note: 'No calculation in the trace to compare the answer with.' };
  const match = candidates.find((c) => c.values.some((v) => agrees(found, v)));
  if (match) {
    const by = match === last ? 'the last calculation' : 'the last calculation before the final check';
    const origin = match.check.status === 'affected' && match.check.origin ? ` That value rests on the wrong result of step ${match.check.origin.stepIndex + 1}.` : '';
    return { ...base, lastComputed: match.display, consistent: true, note: `The answer matches ${by} (step ${match.stepIndex + 1}).${origin}` };
  }
  const wrongClaim = last.check.status === 'wrong' && last.claimed !== null && agrees(found, last.claimed);
  const note = wrongClaim
    ? `The answer repeats the wrong result ${last.check.claimed} of step ${last.stepIndex + 1}; the calculation gives ${last.check.expected}.`
    : `The answer ${found.raw} differs from the last calculation, ${last.display} (step ${last.stepIndex + 1}).`;
  return { ...base, consistent: false, note };
}

/**
 * The last calculation with a value, and when it sits in a verification step ("let me double check: 1,400 − 830 =
 * 570"), also the last one before it: re-checking an input should not make a right answer look inconsistent.
 */
function lastComputed(steps: readonly TraceStep[]): Candidate[] {
  const out: Candidate[] = [];
  for (let s = steps.length - 1; s >= 0; s--) {
    const step = steps[s]!;
    for (let c = step.checks.length - 1; c >= 0; c--) {
      const check = step.checks[c]!;
      const candidate = toCandidate(check, step);
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

function toCandidate(check: CalculationCheck, step: TraceStep): Candidate | null {
  if (check.status === 'unverifiable') return null;
  const computed = toExact(check.computed);
  const claimedMention = claimedValue(check, step.numbers);
  const claimed = claimedMention ? toExact(claimedMention.value) : null;
  const values: ExactValue[] = [];
  if (computed) values.push(computed);
  if (claimed && check.status !== 'wrong') values.push(claimed);
  if (values.length === 0) return null;
  const display = check.status !== 'wrong' && claimed ? canonical(claimed) : canonical(computed ?? claimed!);
  return { check, stepIndex: step.index, values, claimed, display };
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
    .trim();
}

const FRACTION = /^\s*(-?)\s*\\[dt]?frac\s*\{\s*([-\d.,]+)\s*\}\s*\{\s*([-\d.,]+)\s*\}\s*(%?)\s*$/;

function answerValue(answer: string): AnswerValue | null {
  const boxed = extractBoxed(answer);
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
