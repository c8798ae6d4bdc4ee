import Decimal from 'decimal.js';
import type { CalculationCheck, NumberMention, NumberSource, TraceStep } from '../../shared/inspection';
import { extractNumbers } from './numbers';

/**
 * Where each operand of a trace came from: the question, the context (with its page), an earlier calculation, an
 * earlier mention, or nowhere ("unsourced", worth a look: the model may have invented or misread it).
 * Also the value helpers the other inspector stages share: exact, unit-aware keys for "the same number".
 */

/** Exact arithmetic with plain (never exponential) strings; local so the global Decimal stays untouched. */
export const Exact = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -1e9, toExpPos: 1e9 });
export type Exact = InstanceType<typeof Exact>;

const UNIT_SCALE: Record<NonNullable<NumberMention['unit']>, string> = {
  '%': '0.01',
  万: '10000',
  亿: '100000000',
  千: '1000',
  百万: '1000000',
  thousand: '1000',
  million: '1000000',
  billion: '1000000000',
};

export function unitScale(unit: NumberMention['unit']): Exact {
  return new Exact(unit ? UNIT_SCALE[unit] : 1);
}

/** Parses a decimal string; null when it is not one. */
export function toExact(value: string | null | undefined): Exact | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  try {
    const d = new Exact(value.trim());
    return d.isFinite() ? d : null;
  } catch {
    return null;
  }
}

/** Canonical text of a value: "1400", "0.045", "-830" (no trailing zeros, no exponent, no "-0"). */
export function canonical(value: Exact): string {
  return value.isZero() ? '0' : value.toString();
}

/** The number as written, before its unit: 4.5 for "4.5%", 1400 for "1,400万". */
export function writtenValue(m: Pick<NumberMention, 'value' | 'unit'>): Exact | null {
  const v = toExact(m.value);
  return v && v.div(unitScale(m.unit));
}

/**
 * Keys under which a value counts as "the same number": its value and its value as written before the unit, both
 * unsigned (a cost written "(830)" in a report is "830" in a subtraction). So 1,400万 = 14,000,000 = "1400万" = "1,400"
 * when the trace drops the unit, and 4.5% = 0.045 = "4.5" when the trace converts by hand.
 */
export function valueKeys(m: Pick<NumberMention, 'value' | 'unit'>): string[] {
  const v = toExact(m.value);
  if (!v) return [];
  const keys = [canonical(v.abs())];
  if (m.unit) {
    const w = v.div(unitScale(m.unit)).abs();
    const k = canonical(w);
    if (k !== keys[0]) keys.push(k);
  }
  return keys;
}

/**
 * Reads a lone written number ("1,400", "(830)", "−5.2", "4.5%", "1.2亿", "3 million") when no NumberMention is at
 * hand, e.g. a check's `claimed` text. Null when it is not one number.
 */
export function parseWrittenNumber(raw: string): Pick<NumberMention, 'value' | 'unit'> | null {
  const m = /^\s*([(（]?)\s*([-−+]?)\s*([\d,，]*\.?\d+)\s*([)）]?)\s*(%|％|万|亿|千|百万|thousand|million|billion)?/i.exec(
    raw.replace(/\\%/g, '%').replace(/\\,|\\!|\s+/g, ' '),
  );
  if (!m) return null;
  const digits = m[3]!.replace(/[,，]/g, '');
  const v = toExact(digits);
  if (!v) return null;
  const unitText = (m[5] ?? '').toLowerCase();
  const unit = (unitText === '％' ? '%' : unitText || null) as NumberMention['unit'];
  const negative = m[2] === '-' || m[2] === '−' || (m[1] !== '' && m[4] !== '');
  const value = v.mul(unitScale(unit)).mul(negative ? -1 : 1);
  return { value: canonical(value), unit };
}

/**
 * The numbers of a check: the claimed result (the last number touching the claimed text at the end of its span) and
 * the operands before it. Mentions that only overlap the span count ("580 million" for a claimed "580").
 */
export function checkParts(check: CalculationCheck, numbers: readonly NumberMention[]): { operands: NumberMention[]; claimed: NumberMention | null } {
  const inside = numbers.filter((n) => n.role === 'operand' && n.start < check.end && n.end > check.start);
  const last = inside.at(-1);
  const claimedStart = check.end - Math.max(1, check.claimed.trim().length);
  const claimed = last && last.end > claimedStart ? last : null;
  return { operands: claimed ? inside.slice(0, -1) : inside, claimed };
}

/** The value a check claims, exact; from its mention when there is one, else from its `claimed` text. */
export function claimedValue(check: CalculationCheck, numbers: readonly NumberMention[]): Pick<NumberMention, 'value' | 'unit'> | null {
  const { claimed } = checkParts(check, numbers);
  return claimed ?? parseWrittenNumber(check.claimed);
}

/**
 * Constants that need no source when nothing else explains them: 0, 1, 2 (halves, averages), powers of ten (scaling,
 * percent conversion), 12, 360, 365 (months, days). Only when written bare: "10%" or "约100" are figures.
 */
export function isTrivialConstant(m: NumberMention): boolean {
  if (m.unit || m.approximate) return false;
  const v = toExact(m.value);
  if (!v) return false;
  const a = v.abs();
  if (a.isZero() || a.eq(1) || a.eq(2) || a.eq(12) || a.eq(360) || a.eq(365)) return true;
  if (a.gte(1)) return /^10*$/.test(canonical(a));
  return false;
}

/**
 * What a number counts, for matching: a duration ("3日内", "5-year") is never the same number as a percentage or an
 * amount with a unit ("3%", "3万"), whatever its digits; everything else may match anything.
 */
export type SourceKind = 'duration' | 'unit' | 'plain';

export function sourceKind(m: Pick<NumberMention, 'unit' | 'duration'>): SourceKind {
  if (m.duration) return 'duration';
  return m.unit ? 'unit' : 'plain';
}

const compatible = (a: SourceKind, b: SourceKind): boolean => !((a === 'duration' && b === 'unit') || (a === 'unit' && b === 'duration'));

/** Numbers that may source later ones: operands, and durations glued into a term ("a 5-year term" sources "× 5"). */
export const canSource = (m: NumberMention): boolean => m.role === 'operand' || (m.role === 'label' && m.duration === true);

/** Entries by value key, at most one per kind, so a lookup finds the first entry of a kind it may match. */
type Keyed<T> = Map<string, (T & { kind: SourceKind })[]>;

/** Files `entry` under `key`: the first of its kind stays unless `replace` (latest wins). */
function put<T>(map: Keyed<T>, key: string, entry: T & { kind: SourceKind }, replace = false): void {
  const list = map.get(key);
  if (!list) {
    map.set(key, [entry]);
    return;
  }
  const at = list.findIndex((e) => e.kind === entry.kind);
  if (at < 0) list.push(entry);
  else if (replace) list[at] = entry;
}

function take<T>(map: Keyed<T>, key: string, kind: SourceKind): (T & { kind: SourceKind }) | undefined {
  return map.get(key)?.find((e) => compatible(e.kind, kind));
}

/** Page markers a context may carry: `[page 12]`, `[p. 12]`, `【第12页】`, `[第12页]`, `<!-- page 12 -->`, `--- Page 12 ---`. */
const PAGE_MARKER = /\[\s*(?:page|p\.?)\s*(\d+)\s*\]|[【[]\s*第\s*(\d+)\s*页\s*[】\]]|<!--\s*page\s*(\d+)\s*-->|^-{2,}\s*page\s*(\d+)\s*-{2,}\s*$/gimu;

interface PageMarker {
  start: number;
  end: number;
  page: number;
}

export function findPageMarkers(context: string): PageMarker[] {
  const out: PageMarker[] = [];
  for (const m of context.matchAll(PAGE_MARKER)) {
    const page = Number(m[1] ?? m[2] ?? m[3] ?? m[4]);
    out.push({ start: m.index, end: m.index + m[0].length, page });
  }
  return out;
}

/** The page of the last marker at or before `offset`; undefined before the first one. */
function pageAt(markers: readonly PageMarker[], offset: number): number | undefined {
  let lo = 0;
  let hi = markers.length - 1;
  let found: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (markers[mid]!.start <= offset) {
      found = markers[mid]!.page;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export interface SourceTexts {
  question: string;
  context?: string;
  /** `extractNumbers(question)` when the caller already has it. Defaults to extracting them here. */
  questionNumbers?: readonly NumberMention[];
  /** `extractNumbers(context)`, likewise. */
  contextNumbers?: readonly NumberMention[];
}

type Located = { start: number; end: number; page?: number };

/** First occurrence of each key (per kind) in a text's operands. */
export interface SourceIndex {
  question: Keyed<Located>;
  context: Keyed<Located>;
}

const isSourceIndex = (texts: SourceTexts | SourceIndex): texts is SourceIndex => texts.question instanceof Map;

export function buildSourceIndex(texts: SourceTexts): SourceIndex {
  const question: Keyed<Located> = new Map();
  for (const n of texts.questionNumbers ?? extractNumbers(texts.question)) {
    if (!canSource(n)) continue;
    const kind = sourceKind(n);
    for (const k of valueKeys(n)) put(question, k, { start: n.start, end: n.end, kind });
  }
  const context: Keyed<Located> = new Map();
  if (texts.context) {
    const markers = findPageMarkers(texts.context);
    let mi = 0;
    for (const n of texts.contextNumbers ?? extractNumbers(texts.context)) {
      if (!canSource(n)) continue;
      while (mi < markers.length && markers[mi]!.end <= n.start) mi++;
      const marker = markers[mi];
      if (marker && n.start < marker.end && n.end > marker.start) continue; // the "12" of "[page 12]"
      const page = pageAt(markers, n.start);
      const kind = sourceKind(n);
      for (const k of valueKeys(n)) put(context, k, page === undefined ? { start: n.start, end: n.end, kind } : { start: n.start, end: n.end, page, kind });
    }
  }
  return { question, context };
}

/** What the steps walked so far produced and mentioned: what later steps may take their numbers from. */
export interface SourceState {
  /** Claimed results of earlier checks, the latest of each kind. */
  claimed: Keyed<{ stepIndex: number; checkIndex: number }>;
  /** Exact recomputations (computed / expected) of earlier checks. */
  computed: Keyed<{ stepIndex: number; checkIndex: number }>;
  /** Earlier mentions in the trace, the first of each kind. */
  mentioned: Keyed<{ stepIndex: number }>;
}

export const createSourceState = (): SourceState => ({ claimed: new Map(), computed: new Map(), mentioned: new Map() });

const cloneKeyed = <T>(m: Keyed<T>): Keyed<T> => new Map([...m].map(([k, list]) => [k, [...list]]));

export const cloneSourceState = (s: SourceState): SourceState => ({ claimed: cloneKeyed(s.claimed), computed: cloneKeyed(s.computed), mentioned: cloneKeyed(s.mentioned) });

/**
 * Fills `source` on every number of the steps from `fromStep` on (earlier steps are only read: what they produced
 * and mentioned is what later steps may use). The claimed result of a calculation is derived from that calculation,
 * and so is a number in the middle of a chain that one of its inner calculations produced (`(2,398 - 2,180) / 2,180
 * = 218 / 2,180`: 218 is 2,398 - 2,180). Other operands are looked up, in this order, in the question, the context,
 * the claimed results of earlier calculations, earlier mentions in the trace, and the exact recomputations of earlier
 * calculations; a duration only matches numbers that are not percentages or amounts (`sourceKind`). Trivial
 * constants with no match keep `source: null`, as do years, dates, ordinals and labels. Returns the number of
 * unsourced operands in the steps it filled.
 *
 * `state` carries what earlier steps produced across calls, so a caller can walk a trace in parts (the incremental
 * checker keeps a copy at the end of its finished steps and walks only the rest); it is updated in place.
 */
export function traceSources(steps: readonly TraceStep[], texts: SourceTexts | SourceIndex, fromStep = 0, state: SourceState = createSourceState()): number {
  const index = isSourceIndex(texts) ? texts : buildSourceIndex(texts);
  const earlier = state;
  let unsourced = 0;
  for (const step of steps) {
    const fill = step.index >= fromStep;
    // What the step's calculations claim and compute, with where each ends: usable by anything after that point.
    const produced: { keys: string[]; kind: SourceKind; computedKeys: string[]; checkIndex: number; end: number; claimedMention: NumberMention | null }[] = [];
    step.checks.forEach((check, checkIndex) => {
      const { claimed } = checkParts(check, step.numbers);
      const value = claimed ?? parseWrittenNumber(check.claimed);
      // `computed` is a plain value; `expected` is written like the claim ("40.71%", "570万").
      const computedKeys: string[] = [];
      const computed = toExact(check.computed);
      if (computed) computedKeys.push(canonical(computed.abs()));
      if (computed && value?.unit) computedKeys.push(canonical(computed.abs().div(unitScale(value.unit))));
      const expected = parseWrittenNumber(check.expected);
      if (expected) computedKeys.push(...valueKeys(expected));
      produced.push({ keys: value ? valueKeys(value) : [], kind: value ? sourceKind(value) : 'plain', computedKeys, checkIndex, end: check.end, claimedMention: claimed });
    });
    let next = 0; // produced[next] is the first calculation not yet ended at the current number
    const record = (upTo: number) => {
      while (next < produced.length && produced[next]!.end <= upTo) {
        const p = produced[next++]!;
        for (const k of p.keys) put(earlier.claimed, k, { stepIndex: step.index, checkIndex: p.checkIndex, kind: p.kind }, true);
        for (const k of p.computedKeys) put(earlier.computed, k, { stepIndex: step.index, checkIndex: p.checkIndex, kind: 'plain' }, true);
      }
    };
    for (const n of step.numbers) {
      record(n.start);
      const keys = valueKeys(n);
      const kind = sourceKind(n);
      if (n.role !== 'operand') {
        if (fill) n.source = null;
        if (canSource(n)) for (const k of keys) put(earlier.mentioned, k, { stepIndex: step.index, kind });
        continue;
      }
      if (fill) {
        const own = produced.find((p) => p.claimedMention === n);
        const inChain = own ? -1 : chainIntermediate(n, step.checks);
        const found = own
          ? { kind: 'derived' as const, stepIndex: step.index, checkIndex: own.checkIndex }
          : inChain >= 0
            ? { kind: 'derived' as const, stepIndex: step.index, checkIndex: inChain }
            : lookup(keys, kind, index, earlier);
        if (found) n.source = found;
        else if (isTrivialConstant(n)) n.source = null;
        else {
          n.source = { kind: 'unsourced' };
          unsourced++;
        }
      }
      for (const k of keys) put(earlier.mentioned, k, { stepIndex: step.index, kind });
    }
    record(Number.POSITIVE_INFINITY);
  }
  return unsourced;
}

/**
 * The check whose right side holds `n` and one of whose inner calculations gives n's value, exactly or rounded to
 * n's written decimals (`(1,250 - 1,000) / 3 = 250 / 3`, `(2 / 3) × 90 = 0.67 × 90`); -1 when none.
 */
function chainIntermediate(n: NumberMention, checks: readonly CalculationCheck[]): number {
  const written = toExact(n.value)?.abs();
  if (!written) return -1;
  const decimals = written.decimalPlaces();
  return checks.findIndex((check) => {
    if (!check.intermediates || n.start < check.start + check.expression.length || n.end > check.end) return false;
    return check.intermediates.some((v) => {
      const x = toExact(v)?.abs();
      return x !== undefined && x !== null && (x.eq(written) || x.toDecimalPlaces(decimals, Exact.ROUND_HALF_UP).eq(written));
    });
  });
}

function lookup(keys: readonly string[], kind: SourceKind, index: SourceIndex, earlier: SourceState): NumberSource | null {
  for (const k of keys) {
    const q = take(index.question, k, kind);
    if (q) return { kind: 'question', start: q.start, end: q.end };
  }
  for (const k of keys) {
    const c = take(index.context, k, kind);
    if (c) return c.page === undefined ? { kind: 'context', start: c.start, end: c.end } : { kind: 'context', start: c.start, end: c.end, page: c.page };
  }
  for (const k of keys) {
    const d = take(earlier.claimed, k, kind);
    if (d) return { kind: 'derived', stepIndex: d.stepIndex, checkIndex: d.checkIndex };
  }
  for (const k of keys) {
    const d = take(earlier.mentioned, k, kind);
    if (d) return { kind: 'derived', stepIndex: d.stepIndex };
  }
  for (const k of keys) {
    const d = take(earlier.computed, k, kind);
    if (d) return { kind: 'derived', stepIndex: d.stepIndex, checkIndex: d.checkIndex };
  }
  return null;
}

/** Operands marked unsourced in these steps. */
export function countUnsourced(steps: readonly TraceStep[]): number {
  let n = 0;
  for (const s of steps) for (const m of s.numbers) if (m.source?.kind === 'unsourced') n++;
  return n;
}
