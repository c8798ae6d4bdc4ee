import type { NumberMention, StepKind } from '../../shared/inspection';

/**
 * Splits a reasoning trace into steps and names what each step does. Pure and linear in the text: it runs on every
 * timer tick while a trace streams.
 */

export interface StepSegment {
  /** Offsets into the reasoning text; `text` is `reasoning.slice(start, end)`, trimmed. */
  start: number;
  end: number;
  text: string;
}

/** A segment plus the paragraph (block) it came from: blocks end only at blank lines and list markers. */
export interface BlockSegment extends StepSegment {
  block: number;
}

/**
 * Lines that open a step of their own: `1.`, `1)`, `(1)`, `（1）`, `①`, `Step 2:`, `第3步`, `第一步`, `- `, `* `, `• `,
 * and markdown headings. `1.5` is not a marker (the dot must be followed by a space or the end of the line).
 */
const LIST_MARKER =
  /^[ \t]*(?:\d{1,3}[.)、](?=\s|$)|[(（]\s*\d{1,3}\s*[)）]|[①-⑳]|step\s*\d+\s*[:：.)]|第\s*[\d一二三四五六七八九十]+\s*步|[-*•·]\s|#{1,6}\s)/iu;

/** Words that end with a dot without ending a sentence. Compared lower-case, without the dot. */
const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'eg', 'ie', 'approx', 'vs', 'cf', 'etc', 'no', 'nos', 'fig', 'figs', 'mr', 'mrs', 'ms', 'dr', 'inc',
  'ltd', 'co', 'corp', 'est', 'avg', 'yr', 'yrs', 'mln', 'bn', 'mn', 'approx', 'resp', 'incl', 'excl', 'p', 'pp', 'vol',
  'u.s', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]);

/** Self-correction and verification, English (matched case-insensitively) and Chinese. See {@link classifyStep}. */
export const CHECK_MARKERS: readonly RegExp[] = [
  /\bwait\b/i,
  /\blet me (?:double[- ]?check|verify|re-?check|check (?:again|this|that|the)|re-?calculate|re-?compute|recount|confirm)/i,
  /\bdouble[- ]check/i,
  /\bhmm+,?\s+actually\b/i,
  /\bre-?check/i,
  /\bre-?calculat/i,
  /\bverify\b|\bverification\b|\bsanity check/i,
  /\b(?:that|this)(?:'s| is) (?:wrong|incorrect|not right)\b|\bi made (?:a|an) (?:mistake|error)\b/i,
  /等等|等一下|检查一下|核对|验证|验算|复核|不对|重新计算|再算一下|算错|有误/u,
];

/** Opens a conclusion anywhere it appears, unless the step calculates (then only in the last step). */
const STRONG_CONCLUSION: readonly RegExp[] = [
  /\bin (?:conclusion|summary)\b|\bto (?:summarize|sum up)\b/i,
  /\b(?:the )?final answer\b|\bthe answer (?:is|should be|would be)\b|\bso the answer\b/i,
  /综上|总之|答案是|答案为|最终答案|最终结果|最终的?答案/u,
];

/** Conclusion words that are also ordinary connectives: they make a conclusion only of the last step. */
const WEAK_CONCLUSION: readonly RegExp[] = [
  /^\s*(?:therefore|thus|hence|so|overall|finally|consequently)\b/i,
  /^\s*(?:因此|所以|故|由此可见|可见|最终|最后)/u,
];

const ASSUMPTION_MARKERS: readonly RegExp[] = [
  /\bassum(?:e|ing|ption)\b|\bsuppos(?:e|ing)\b|\bif we take\b|\blet'?s say\b|\bestimat(?:e|ed|ing)\b/i,
  /假设|假定|估计|估算|设定|不妨设|若取|如果取/u,
];

const LOOKUP_MARKERS: readonly RegExp[] = [
  /\bfrom the (?:income statement|balance sheet|cash flow|statement|report|table|question|data|context|filing)/i,
  /\baccording to\b|\bas (?:stated|given|reported|shown)\b|\bgiven\b|\bthe question (?:states|says|gives)\b/i,
  /\b(?:the )?(?:report|statement|table|filing|document) (?:shows|states|says|lists|reports)\b/i,
  /根据|年报显示|报表显示|财报显示|资料显示|数据显示|表中|题目(?:中|给出|给定|已知)|题中|已知|由表|从(?:表|年报|报表|利润表|资产负债表|现金流量表)/u,
];

export interface StepInfo {
  /** The step holds at least one written calculation. */
  hasCalculation: boolean;
  /** The numbers mentioned in the step (sources filled where known). */
  numbers: NumberMention[];
  isLast: boolean;
}

const matchesAny = (text: string, patterns: readonly RegExp[]): boolean => patterns.some((p) => p.test(text));

/**
 * Names what a step does. Precedence, first match wins:
 * 1. `check`: self-correction or verification ("Wait", "let me double check", "Hmm, actually", "等等", "核对"…) —
 *    a re-done calculation is still a check, because what matters to the reader is that the model doubted itself.
 * 2. `conclusion`: the last step with any conclusion word ("Therefore", "So", "因此", "所以"…), or any step with a
 *    strong one ("In conclusion", "the answer is", "综上", "答案是") that does not calculate.
 * 3. `calculation`: holds a written calculation.
 * 4. `assumption`: "assume", "suppose", "if we take", "假设", "假定", "估计"….
 * 5. `lookup`: states figures (at least one operand) and either says where from ("From the income statement",
 *    "根据", "年报显示", "given", "the question states") or most of its figures were traced to the question/context.
 * 6. `other`.
 */
export function classifyStep(text: string, info: StepInfo): StepKind {
  if (matchesAny(text, CHECK_MARKERS)) return 'check';
  const strong = matchesAny(text, STRONG_CONCLUSION);
  if ((info.isLast && (strong || matchesAny(text, WEAK_CONCLUSION))) || (strong && !info.hasCalculation)) return 'conclusion';
  if (info.hasCalculation) return 'calculation';
  if (matchesAny(text, ASSUMPTION_MARKERS)) return 'assumption';
  const operands = info.numbers.filter((n) => n.role === 'operand');
  if (operands.length > 0) {
    if (matchesAny(text, LOOKUP_MARKERS)) return 'lookup';
    const quoted = operands.filter((n) => n.source?.kind === 'question' || n.source?.kind === 'context').length;
    if (quoted * 2 > operands.length) return 'lookup';
  }
  return 'other';
}

/** Splits a trace into steps; see {@link segmentBlocks} for the rules. */
export function segmentSteps(reasoning: string): StepSegment[] {
  return segmentBlocks(reasoning).map(({ start, end, text }) => ({ start, end, text }));
}

/**
 * Splits a trace into steps:
 * - blocks: paragraphs separated by blank lines; a line that starts with a list marker (`1.`, `Step 2:`, `第3步`,
 *   `（1）`, `- `, `#`) starts a block of its own, and the lines after it belong to it until the next marker or blank;
 * - a block is split further at sentence ends (`. `, `! `, `? `, `。`, `！`, `？`, line breaks) when it holds several
 *   calculations (two `=`) or a self-correction after its first sentence: a new step starts at the sentence with the
 *   second calculation, at each sentence that opens with a self-correction, and at a sentence without a calculation
 *   that opens with a conclusion word ("So", "所以") after one with. Never inside a number (`1.5`) or after an
 *   abbreviation (`e.g.`, `approx.`).
 * Each step also says which block it came from: a block is final once the text after it has started, which is what
 * the incremental checker relies on.
 */
export function segmentBlocks(reasoning: string): BlockSegment[] {
  const out: BlockSegment[] = [];
  let blockStart = -1;
  let blockEnd = -1;
  let block = 0;
  const flush = () => {
    if (blockStart < 0) return;
    for (const piece of splitBlock(reasoning, blockStart, blockEnd)) out.push({ ...piece, block });
    block++;
    blockStart = -1;
  };
  let pos = 0;
  while (pos <= reasoning.length) {
    let nl = reasoning.indexOf('\n', pos);
    if (nl < 0) nl = reasoning.length;
    const line = reasoning.slice(pos, nl);
    const lead = line.length - line.trimStart().length;
    const content = line.trim();
    if (content === '') {
      flush();
    } else {
      if (LIST_MARKER.test(line)) flush();
      if (blockStart < 0) blockStart = pos + lead;
      blockEnd = pos + line.trimEnd().length;
    }
    pos = nl + 1;
  }
  flush();
  return out;
}

interface Sentence {
  start: number;
  end: number;
}

/** Splits one block at sentence ends when it calculates several times or corrects itself; see segmentBlocks. */
function splitBlock(text: string, start: number, end: number): StepSegment[] {
  const whole = [{ start, end, text: text.slice(start, end) }];
  const body = whole[0]!.text;
  const calculations = countEquals(body);
  if (calculations < 2 && !matchesAny(body, CHECK_MARKERS)) return whole;
  const sentences = splitSentences(text, start, end);
  if (sentences.length < 2) return whole;
  const pieces: StepSegment[] = [];
  let pieceStart = sentences[0]!.start;
  let pieceEnd = sentences[0]!.end;
  let pieceCalculates = countEquals(text.slice(pieceStart, pieceEnd)) > 0;
  for (const s of sentences.slice(1)) {
    const sentence = text.slice(s.start, s.end);
    const calculates = countEquals(sentence) > 0;
    const corrects = opensWithCheck(sentence);
    const concludes = pieceCalculates && matchesAny(sentence, WEAK_CONCLUSION) && !calculates;
    if (corrects || concludes || (calculates && pieceCalculates)) {
      pieces.push({ start: pieceStart, end: pieceEnd, text: text.slice(pieceStart, pieceEnd) });
      pieceStart = s.start;
      pieceCalculates = false;
    }
    pieceEnd = s.end;
    pieceCalculates ||= calculates;
  }
  pieces.push({ start: pieceStart, end: pieceEnd, text: text.slice(pieceStart, pieceEnd) });
  return pieces;
}

/** `=` and full-width `＝` (not `==`, `<=`, `>=`, `!=`): a cheap stand-in for "a written calculation". */
function countEquals(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '＝') n++;
    else if (ch === '=' && text[i + 1] !== '=' && !'<>!='.includes(text[i - 1] ?? '')) n++;
  }
  return n;
}

/** Self-correction within the first few characters of a sentence ("Wait,", "Hmm, actually", "等等，", "验证："). */
function opensWithCheck(sentence: string): boolean {
  const head = sentence.slice(0, 24);
  return CHECK_MARKERS.some((p) => {
    const m = p.exec(head);
    return m !== null && m.index <= 8;
  });
}

/** Sentence spans within [start, end), trimmed, covering all non-blank text. */
function splitSentences(text: string, start: number, end: number): Sentence[] {
  const out: Sentence[] = [];
  let from = start;
  const push = (to: number) => {
    let a = from;
    let b = to;
    while (a < b && /\s/.test(text[a]!)) a++;
    while (b > a && /\s/.test(text[b - 1]!)) b--;
    if (b > a) out.push({ start: a, end: b });
    from = to;
  };
  for (let i = start; i < end; i++) {
    const ch = text[i]!;
    if (ch === '。' || ch === '！' || ch === '？' || ch === '\n') push(i + 1);
    else if ((ch === '.' || ch === '!' || ch === '?') && /\s/.test(text[i + 1] ?? ' ') && i + 1 < end) {
      if (ch === '.' && !endsSentence(text, from, i)) continue;
      push(i + 1);
    }
  }
  push(end);
  return out;
}

/** Whether the dot at `dot` ends a sentence: not after an abbreviation, a single initial, or a list number. */
function endsSentence(text: string, from: number, dot: number): boolean {
  let w = dot;
  while (w > from && /[A-Za-z.]/.test(text[w - 1]!)) w--;
  const word = text.slice(w, dot).toLowerCase();
  if (word === '') return !/\d/.test(text[dot - 1] ?? '') || !/^\s*\d{1,3}$/.test(text.slice(from, dot));
  if (ABBREVIATIONS.has(word)) return false;
  if (/^[a-z]$/.test(word) && /[A-Z]/.test(text[dot - 1]!)) return false; // an initial: "J. Smith"
  return true;
}
