/**
 * Scores the reasoning inspector against its corpus (electron/services/inspector/corpus/traces.jsonl, where every
 * wrong calculation, propagated step, answer mismatch and made-up number is planted and documented).
 *
 *   npx tsx scripts/inspectorEval.ts [--corpus FILE]      (npm run eval:inspector)
 *
 * Wrong calculations: a check the inspector marks 'wrong' matches a planted error of the same trace when their
 * claimed values are the same number as written and their expressions match once normalised (whitespace, thousands
 * separators, full-width forms, operator spellings, a label prefix); each planted error matches at most once.
 * 'affected' checks are matched the same way by expression alone, unsourced numbers (operands whose source is
 * 'unsourced', counted once per trace and number) by the number as written. Precision with nothing reported is 1,
 * recall with nothing planted is 1.
 *
 * stdout: a table per tag and per error kind, then totals, and last one JSON line: { traces, precision, recall, f1,
 * affectedPrecision, affectedRecall, answerConsistencyAccuracy, unsourcedPrecision, unsourcedRecall,
 * falsePositives, falseNegatives } (the last two count wrong calculations). stderr: every false positive and false
 * negative (trace id and expression), affected / unsourced / answer disagreements, and traces the inspector threw on.
 */
import { parseArgs } from 'node:util';
import { checkTrace } from '../electron/services/inspector';
import {
  ErrorKind,
  TraceTag,
  corpusPath,
  expressionsMatch,
  loadCorpus,
  numbersMatch,
  type CorpusTrace,
  type PlantedError,
} from '../electron/services/inspector/corpus/corpus';
import type { CalculationCheck, NumberMention, TraceCheckResult } from '../electron/shared/inspection';

const { values: args } = parseArgs({ options: { corpus: { type: 'string', default: corpusPath } } });

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

interface TraceScore {
  trace: CorpusTrace;
  wrong: Counts;
  /** Planted errors matched (true) or missed (false), in corpus order. */
  planted: { error: PlantedError; found: boolean }[];
  falsePositives: CalculationCheck[];
  affected: Counts & { missed: string[]; extra: CalculationCheck[] };
  unsourced: Counts & { missed: string[]; extra: string[] };
  answer: { expected: boolean | null; got: boolean | null };
  failure?: string;
}

const zero = (): Counts => ({ tp: 0, fp: 0, fn: 0 });
const precision = (c: Counts): number => (c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp));
const recall = (c: Counts): number => (c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn));
const f1 = (c: Counts): number => {
  const p = precision(c);
  const r = recall(c);
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
};
const plus = (a: Counts, b: Counts): Counts => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn });
const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/** Pairs each reported item with at most one expected item; returns the unmatched on both sides. */
function matchOneToOne<R, E>(reported: R[], expected: E[], same: (r: R, e: E) => boolean): { extra: R[]; missed: E[] } {
  const left = [...expected];
  const extra: R[] = [];
  for (const r of reported) {
    const at = left.findIndex((e) => same(r, e));
    if (at < 0) extra.push(r);
    else left.splice(at, 1);
  }
  return { extra, missed: left };
}

function scoreTrace(trace: CorpusTrace): TraceScore {
  let result: TraceCheckResult;
  try {
    result = checkTrace({ question: trace.question, reasoning: trace.reasoning, answer: trace.answer, context: trace.context });
  } catch (error) {
    const planted = trace.expected.wrong.map((error) => ({ error, found: false }));
    return {
      trace,
      wrong: { tp: 0, fp: 0, fn: planted.length },
      planted,
      falsePositives: [],
      affected: { tp: 0, fp: 0, fn: trace.expected.affected.length, missed: trace.expected.affected, extra: [] },
      unsourced: { tp: 0, fp: 0, fn: trace.expected.unsourced.length, missed: trace.expected.unsourced, extra: [] },
      answer: { expected: trace.expected.answerConsistent, got: null },
      failure: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
  const checks = result.steps.flatMap((s) => s.checks);

  const flagged = checks.filter((c) => c.status === 'wrong');
  const wrongMatch = matchOneToOne(flagged, trace.expected.wrong, (c, w) => numbersMatch(c.claimed, w.claimed) && expressionsMatch(c.expression, w.expression));
  const planted = trace.expected.wrong.map((error) => ({ error, found: !wrongMatch.missed.includes(error) }));

  const affectedChecks = checks.filter((c) => c.status === 'affected');
  const affectedMatch = matchOneToOne(affectedChecks, trace.expected.affected, (c, e) => expressionsMatch(c.expression, e));

  // One entry per number, at its first unsourced mention (later mentions are sourced by the first anyway).
  const unsourcedRaw: string[] = [];
  for (const mention of result.steps.flatMap((s) => s.numbers) as NumberMention[]) {
    if (mention.role !== 'operand' || mention.source?.kind !== 'unsourced') continue;
    if (!unsourcedRaw.some((raw) => numbersMatch(raw, mention.raw))) unsourcedRaw.push(mention.raw);
  }
  const unsourcedMatch = matchOneToOne(unsourcedRaw, trace.expected.unsourced, numbersMatch);

  return {
    trace,
    wrong: { tp: flagged.length - wrongMatch.extra.length, fp: wrongMatch.extra.length, fn: wrongMatch.missed.length },
    planted,
    falsePositives: wrongMatch.extra,
    affected: {
      tp: affectedChecks.length - affectedMatch.extra.length,
      fp: affectedMatch.extra.length,
      fn: affectedMatch.missed.length,
      missed: affectedMatch.missed,
      extra: affectedMatch.extra,
    },
    unsourced: {
      tp: unsourcedRaw.length - unsourcedMatch.extra.length,
      fp: unsourcedMatch.extra.length,
      fn: unsourcedMatch.missed.length,
      missed: unsourcedMatch.missed,
      extra: unsourcedMatch.extra,
    },
    answer: { expected: trace.expected.answerConsistent, got: result.answer.consistent },
  };
}

const traces = loadCorpus(args.corpus);
const scores = traces.map(scoreTrace);

// --- stdout: tables -------------------------------------------------------------------------------------------

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`.padStart(7);
const row = (label: string, n: number, c: Counts): string =>
  `${label.padEnd(22)}${String(n).padStart(7)}${String(c.tp).padStart(5)}${String(c.fp).padStart(5)}${String(c.fn).padStart(5)}${pct(precision(c))}${pct(recall(c))}`;
const header = (first: string, n: string): string =>
  `${first.padEnd(22)}${n.padStart(7)}${'TP'.padStart(5)}${'FP'.padStart(5)}${'FN'.padStart(5)}${'prec'.padStart(7)}${'recall'.padStart(7)}`;

console.log(`Inspector evaluation: ${traces.length} traces from ${args.corpus}\n`);
console.log('Wrong calculations by trace tag (counts over the traces that carry the tag)');
console.log(header('tag', 'traces'));
for (const tag of TraceTag.options) {
  const tagged = scores.filter((s) => s.trace.tags.includes(tag));
  if (tagged.length === 0) continue;
  console.log(row(tag, tagged.length, tagged.map((s) => s.wrong).reduce(plus, zero())));
}

console.log('\nRecall by kind of planted error');
console.log(`${'kind'.padEnd(22)}${'planted'.padStart(7)}${'found'.padStart(7)}${'recall'.padStart(8)}`);
const allPlanted = scores.flatMap((s) => s.planted);
const kindRow = (label: string, items: { found: boolean }[]): void => {
  if (items.length === 0) return;
  const found = items.filter((p) => p.found).length;
  console.log(`${label.padEnd(22)}${String(items.length).padStart(7)}${String(found).padStart(7)}${pct(found / items.length).padStart(8)}`);
};
for (const kind of ErrorKind.options) kindRow(kind, allPlanted.filter((p) => p.error.kind === kind));
kindRow('(retracted)', allPlanted.filter((p) => p.error.retracted));

const wrong = scores.map((s) => s.wrong).reduce(plus, zero());
const affected = scores.map((s) => s.affected).reduce(plus, zero());
const unsourced = scores.map((s) => s.unsourced).reduce(plus, zero());
const answerRight = scores.filter((s) => s.answer.got === s.answer.expected).length;

console.log('\nOverall');
console.log(header('', 'traces'));
console.log(row('wrong calculations', traces.length, wrong));
console.log(row('affected steps', traces.length, affected));
console.log(row('unsourced numbers', traces.length, unsourced));
console.log(`${'answer consistency'.padEnd(22)}${String(traces.length).padStart(7)}  ${answerRight}/${traces.length} agree (${pct(answerRight / traces.length).trim()})`);
// Where the trace has a wrong calculation, "the last computed value" can be read as the value the trace wrote (the
// corpus's reading) or as its recomputation; the figure without those traces does not depend on the reading.
const clean = scores.filter((s) => s.trace.expected.wrong.length === 0);
const cleanRight = clean.filter((s) => s.answer.got === s.answer.expected).length;
console.log(`${'  w/o planted errors'.padEnd(22)}${String(clean.length).padStart(7)}  ${cleanRight}/${clean.length} agree (${pct(cleanRight / Math.max(clean.length, 1)).trim()})`);

// --- stderr: disagreements ------------------------------------------------------------------------------------

const report = (line: string): void => void process.stderr.write(`${line}\n`);
for (const s of scores) {
  const id = s.trace.id;
  if (s.failure) report(`ERROR ${id}: checkTrace threw ${s.failure}`);
  for (const c of s.falsePositives) report(`FP ${id}: ${c.expression} = ${c.claimed} (inspector expects ${c.expected})`);
  for (const p of s.planted.filter((x) => !x.found)) {
    report(`FN ${id}: ${p.error.expression} = ${p.error.claimed} (should be ${p.error.expected}${p.error.retracted ? ', retracted' : ''})`);
  }
  for (const c of s.affected.extra) report(`affected FP ${id}: ${c.expression} = ${c.claimed}`);
  for (const e of s.affected.missed) report(`affected FN ${id}: ${e}`);
  for (const raw of s.unsourced.extra) report(`unsourced FP ${id}: ${raw}`);
  for (const raw of s.unsourced.missed) report(`unsourced FN ${id}: ${raw}`);
  if (s.answer.got !== s.answer.expected) report(`answer ${id}: inspector says consistent=${s.answer.got}, corpus says ${s.answer.expected}`);
}

// --- the machine-readable line ----------------------------------------------------------------------------------

console.log(
  JSON.stringify({
    traces: traces.length,
    precision: round4(precision(wrong)),
    recall: round4(recall(wrong)),
    f1: round4(f1(wrong)),
    affectedPrecision: round4(precision(affected)),
    affectedRecall: round4(recall(affected)),
    answerConsistencyAccuracy: round4(answerRight / traces.length),
    unsourcedPrecision: round4(precision(unsourced)),
    unsourcedRecall: round4(recall(unsourced)),
    falsePositives: wrong.fp,
    falseNegatives: wrong.fn,
  }),
);
