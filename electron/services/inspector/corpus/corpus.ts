/**
 * The reasoning inspector's evaluation corpus (traces.jsonl, format in README.md): its schema, a loader, and the
 * normalisers that decide whether something the inspector reports is the thing the corpus planted. Used by
 * corpus.test.ts and scripts/inspectorEval.ts; never imports the inspector itself, so the corpus can be validated
 * before (or without) it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The arithmetic slip at a planted error's origin. */
export const ErrorKind = z.enum([
  'subtraction',
  'addition',
  'multiplication',
  'division',
  'percentage',
  'chained',
  'approximation',
  'units',
  'power',
]);
export type ErrorKind = z.infer<typeof ErrorKind>;

/** What makes a trace tricky; the evaluation reports precision and recall per tag. */
export const TraceTag = z.enum([
  // the trace has no planted problem at all
  'correct',
  // arithmetic
  'subtraction',
  'addition',
  'multiplication',
  'division',
  'percentage',
  'power',
  'chained',
  'approximation',
  'rounding',
  'percent-form',
  'percentage-points',
  // how numbers and operators are written
  'separators',
  'decimals',
  'negatives',
  'fullwidth',
  'operators-times',
  'operators-x',
  'operators-star',
  'operators-div',
  'operators-minus',
  'cn-units',
  'units',
  'units-label',
  // numbers that are not operands
  'years-dates',
  'step-numbers',
  'ranges',
  'labels',
  // how errors flow and how the trace ends
  'propagation',
  'retraction',
  'answer-inconsistent',
  'answer-unit-outside',
  'units-answer',
  'non-numeric-answer',
  'unsourced',
  // question style
  'mcq',
  'ccc',
  'no-calc',
  'accounting',
]);
export type TraceTag = z.infer<typeof TraceTag>;

export const PlantedError = z.strictObject({
  /** As written in the reasoning, e.g. "5,829 - 5,735" or "３，６５０－２，１８０". */
  expression: z.string().min(1),
  /** The claimed result as written, e.g. "104". */
  claimed: z.string().min(1),
  /** The correct value at the claim's written precision and unit, ASCII digits, e.g. "94", "0.150", "4,000万". */
  expected: z.string().min(1),
  kind: ErrorKind,
  /** The model takes it back later in the trace ("wait…", "等等", "不对"); it still counts at its origin. */
  retracted: z.boolean().optional(),
});
export type PlantedError = z.infer<typeof PlantedError>;

export const CorpusTrace = z.strictObject({
  id: z.string().regex(/^(en|zh)-\d{2}-[a-z0-9-]+$/),
  question: z.string().min(1),
  context: z.string().min(1).optional(),
  reasoning: z.string().min(1),
  answer: z.string().min(1),
  expected: z.strictObject({
    /** Every planted arithmetic error, at its origin. */
    wrong: z.array(PlantedError),
    /** Expressions (as written) that are right given an earlier wrong result. */
    affected: z.array(z.string().min(1)),
    /** Does the answer agree with the last computed value? null: nothing numeric to compare. */
    answerConsistent: z.boolean().nullable(),
    /** Numbers (as written, first mention) that come from neither the question, the context nor the trace. */
    unsourced: z.array(z.string().min(1)),
    notes: z.string(),
  }),
  tags: z.array(TraceTag).min(1),
});
export type CorpusTrace = z.infer<typeof CorpusTrace>;

export const corpusPath = path.join(import.meta.dirname, 'traces.jsonl');

/** Parses traces.jsonl text; a bad line throws with its line number and the schema's complaint. */
export function parseCorpus(text: string): CorpusTrace[] {
  const traces: CorpusTrace[] = [];
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new Error(`traces.jsonl line ${index + 1}: not JSON (${(error as Error).message})`, { cause: error });
    }
    const parsed = CorpusTrace.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`traces.jsonl line ${index + 1}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    }
    traces.push(parsed.data);
  });
  return traces;
}

export function loadCorpus(file: string = corpusPath): CorpusTrace[] {
  return parseCorpus(readFileSync(file, 'utf8'));
}

const CJK = /[\u4e00-\u9fff]/;

/** A trace counts as Chinese when its question or reasoning has CJK characters. */
export function isChinese(trace: Pick<CorpusTrace, 'question' | 'reasoning'>): boolean {
  return CJK.test(trace.question) || CJK.test(trace.reasoning);
}

// ---------------------------------------------------------------------------------------------------------------
// Matching what the inspector reports against what the corpus planted

const SUPERSCRIPTS: Record<string, string> = { '²': '^2', '³': '^3', '⁴': '^4', 'ⁿ': '^n' };

/** Full-width → ASCII (NFKC, after superscripts, which NFKC would flatten into digits), lower case, no whitespace. */
function basic(text: string): string {
  return text
    .replace(/[²³⁴ⁿ]/g, (c) => SUPERSCRIPTS[c] ?? c)
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, '');
}

/** Drops thousands separators: a comma between a digit and exactly three digits. */
function dropSeparators(text: string): string {
  return text.replace(/(\d),(?=\d{3}(?!\d))/g, '$1');
}

/**
 * An expression in comparable form: full-width folded, no whitespace or thousands separators, no currency signs or
 * English unit words, one spelling per operator (× x * → *, ÷ → /, − – → -).
 */
export function normaliseExpression(expression: string): string {
  return dropSeparators(basic(expression))
    .replace(/\\times|\\cdot/g, '*')
    .replace(/\\div/g, '/')
    .replace(/[$¥￥]|usd|rmb|million|billion|thousand|元/g, '')
    .replace(/[×x*·]/g, '*')
    .replace(/÷/g, '/')
    .replace(/[−–—]/g, '-');
}

const OPERATOR = /[-+*/^]/;

/**
 * Whether two written expressions are the same calculation: equal once normalised, or one ends with the other
 * (a label or an unparsed prefix on one side: "EV = 1,840.2 + 620 - 185" vs "1,840.2 + 620 - 185"). The shorter
 * one must still contain an operator, so a lone number never matches an expression.
 */
export function expressionsMatch(a: string, b: string): boolean {
  const x = normaliseExpression(a);
  const y = normaliseExpression(b);
  if (x === y) return true;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return short.length > 0 && OPERATOR.test(short.replace(/^-/, '')) && long.endsWith(short);
}

/**
 * A written number reduced to sign, digits, percent and Chinese unit: "$1,840.2 million" → "1840.2",
 * "（830）" → "-830", "１，５７０（万元）" → "1570", "5,000万" → "5000万", "12%" → "12%".
 */
export function numberCore(raw: string): string | null {
  const text = dropSeparators(basic(raw)).replace(/[$¥￥]/g, '');
  const m = /(\()?(-)?(\d+(?:\.\d+)?)(\))?(%|个百分点|百万|万|亿|千)?/.exec(text);
  if (!m) return null;
  const negative = Boolean(m[2]) || (Boolean(m[1]) && Boolean(m[4]));
  const unit = m[5] === '个百分点' ? '' : (m[5] ?? '');
  return `${negative ? '-' : ''}${m[3]}${unit}`;
}

/** Whether two written numbers (a claimed value, an unsourced mention) are the same number as written. */
export function numbersMatch(a: string, b: string): boolean {
  const x = numberCore(a);
  return x !== null && x === numberCore(b);
}
