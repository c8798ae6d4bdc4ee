/**
 * What the reasoning inspector says about a trace. Produced by electron/services/inspector (pure, no model), sent
 * over the API to the renderer and printed by `dianjin trace check --json`. Runtime-neutral: numbers travel as
 * decimal strings (exact), never floats.
 */
import { z } from 'zod';

export type StepKind = 'lookup' | 'calculation' | 'assumption' | 'check' | 'conclusion' | 'other';

/** Where a number in the trace came from. */
export type NumberSource =
  | { kind: 'question'; start: number; end: number }
  | { kind: 'context'; start: number; end: number; page?: number; documentId?: string }
  /** Produced by an earlier calculation (stepIndex, checkIndex) or written earlier in the trace (no checkIndex). */
  | { kind: 'derived'; stepIndex: number; checkIndex?: number }
  | { kind: 'unsourced' };

export interface NumberMention {
  /** Offsets into the whole reasoning text (UTF-16 code units), so the UI can highlight it. */
  start: number;
  end: number;
  /** As written, e.g. "1,400", "（830）", "4.5%", "1.2亿". */
  raw: string;
  /** Exact value as a decimal string after units: "1400", "-830", "0.045", "120000000". */
  value: string;
  /** Units the number was written with, if any. */
  unit: '%' | '万' | '亿' | '千' | '百万' | 'thousand' | 'million' | 'billion' | null;
  /** Written as "about / approximately / ~ / 约 / 大约 / 近 …". */
  approximate: boolean;
  /** Years, dates, step numbers, footnote markers…: not operands, never checked or sourced. */
  role: 'operand' | 'year' | 'date' | 'ordinal' | 'label';
  /**
   * A count of days, weeks, months or years ("3日内", "6个月", "30 days", and the labels "5-year", "3年期"). Such a
   * number is sourced only by a number that is not a percentage or an amount: "3日" is not "3%". Absent otherwise.
   */
  duration?: boolean;
  source: NumberSource | null;
}

export type CheckStatus = 'correct' | 'wrong' | 'affected' | 'unverifiable';

/** One written calculation: `lhs = rhs` where the rhs is a number the model claims (chained equalities split). */
export interface CalculationCheck {
  start: number;
  end: number;
  /** The expression as written, e.g. "5,829 - 5,735". */
  expression: string;
  /** The claimed result as written, e.g. "104". */
  claimed: string;
  /** Exact recomputation (decimal string), at full precision. */
  computed: string;
  /** The recomputed value rounded to the claimed value's written precision, e.g. "94". */
  expected: string;
  status: CheckStatus;
  /** For 'affected': the step and check where the wrong value originated. */
  origin?: { stepIndex: number; checkIndex: number };
  /** Human explanation, English; the UI builds its own text from the fields. */
  note?: string;
  /**
   * Exact values of the expression's inner calculations (218 for `(2,398 - 2,180) / 2,180`), so a number the next
   * link of a chain writes (`= 218 / 2,180`) is derived from this check. Absent when the expression has none.
   */
  intermediates?: string[];
}

export interface TraceStep {
  index: number;
  /** Offsets of the step in the reasoning text. */
  start: number;
  end: number;
  text: string;
  kind: StepKind;
  numbers: NumberMention[];
  checks: CalculationCheck[];
  /** True when an earlier wrong result flows into this step. */
  affected: boolean;
}

export interface AnswerConsistency {
  /** The final answer value as found (\boxed{…} first, else the last number of the answer). */
  answerValue: string | null;
  answerRaw: string | null;
  /** The last value the trace wrote as a result: the claim of its last calculation (canonical decimal string). */
  lastComputed: string | null;
  /**
   * Whether the answer follows from the trace: it agrees with `lastComputed`, right or wrong. null when there is
   * nothing to compare.
   */
  consistent: boolean | null;
  /** The recomputed value of that calculation, when the trace wrote it wrong (the note says the answer repeats it). */
  correctValue?: string;
  /** The calculation `lastComputed` comes from. */
  source?: { stepIndex: number; checkIndex: number };
  note?: string;
}

export interface TraceCheckResult {
  steps: TraceStep[];
  /** Wrong calculations at their origin (affected ones not counted). */
  errors: number;
  checked: number;
  unsourcedNumbers: number;
  answer: AnswerConsistency;
}

export const TraceInput = z.object({
  question: z.string().max(200_000).default(''),
  reasoning: z.string().max(2_000_000),
  answer: z.string().max(200_000).default(''),
  context: z.string().max(2_000_000).optional(),
});
export type TraceInput = z.infer<typeof TraceInput>;

/** Two traces of the same question, side by side. */
export interface TraceComparison {
  left: TraceCheckResult;
  right: TraceCheckResult;
  /** Aligned steps: pairs of step indexes (null where one side has no counterpart). */
  alignment: { left: number | null; right: number | null; same: boolean }[];
  /** First aligned row where the two differ (index into alignment), or null. */
  divergesAt: number | null;
}
